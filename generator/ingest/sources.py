"""The configured `sources:`, with every `opml:` subscription list read into feeds.

Read once at the start of `digest fetch`; an OPML file that cannot be read
is a config error naming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import listparser

from generator.config import Config
from generator.config.schema import SourceConfig
from generator.ingest.document import Overrides
from generator.problems import ConfigError, Problem


@dataclass(frozen=True, slots=True)
class Source:
    url: str
    kind: Literal["feed", "page"]
    name: str | None = None
    tags: tuple[str, ...] = ()
    full_text: bool = False
    max_items: int | None = None
    by_url: bool = False  # reports name it by its URL even when it has a name (a wanted teaser's link)

    @property
    def label(self) -> str:
        """How reports name it."""
        return self.url if self.by_url else (self.name or self.url)

    @property
    def overrides(self) -> Overrides:
        return Overrides(self.name, self.tags, self.max_items)


def resolve_sources(config: Config) -> list[Source]:
    """Every source once (by URL, the first wins), OPML lists expanded in place."""
    found: dict[str, Source] = {}
    for item in config.sources:
        for source in _expand(item, config.path.parent):
            found.setdefault(source.url, source)
    return list(found.values())


def _expand(item: SourceConfig, root: Path) -> list[Source]:
    tags = tuple(item.tags)
    if item.feed is not None:
        return [Source(item.feed, "feed", item.name, tags, item.full_text, item.max_items)]
    if item.page is not None:
        return [Source(item.page, "page", item.name, tags)]
    assert item.opml is not None
    return opml_sources(root / item.opml, tags, item.full_text, item.max_items)


def opml_sources(path: Path, tags: tuple[str, ...] = (), full_text: bool = False, max_items: int | None = None) -> list[Source]:
    """The feeds of an OPML subscription list, named by their outline's title, tagged by its categories."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            Problem(path, f"cannot read OPML file: {exc.strerror or exc}", hint="fix the `opml:` path in sources (relative to config.yaml)")
        ) from None
    parsed = listparser.parse(data)
    if parsed.bozo and not parsed.feeds:
        raise ConfigError(Problem(path, f"not a readable OPML subscription list ({parsed.bozo_exception})"))
    sources = []
    for feed in parsed.feeds:
        url = (feed.get("url") or "").strip()
        if not url.lower().startswith(("http://", "https://")):
            continue
        categories = tuple(t for t in feed.get("tags") or () if t and t.strip())
        name = (feed.get("title") or "").strip() or None
        sources.append(Source(url, "feed", name, tuple(dict.fromkeys((*categories, *tags))), full_text, max_items))
    return sources
