"""Stories the collection is still missing: teasers whose article is not in it.

A teaser announces a story. When no article answers it (by the link it
carries, or by headline within its source, see matching), the story is
"wanted": listed on the `wanted/` page and in its feed, and, when it has a
link, fetched by `digest fetch --wanted`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from generator.entries.model import Entry
from generator.structure.digest import newest_first, source_groups
from generator.structure.links import url_key


@dataclass(frozen=True, slots=True)
class WantedGroup:
    """One source's wanted teasers, newest first."""

    name: str
    slug: str
    teasers: tuple[Entry, ...]


def wanted_teasers(published: Iterable[Entry], matches: Mapping[str, str]) -> tuple[Entry, ...]:
    """Published teasers no article answers, newest first."""
    return tuple(newest_first(e for e in published if not e.is_article and e.id not in matches))


def wanted_links(wanted: Iterable[Entry]) -> list[Entry]:
    """The wanted teasers that carry a link, one per link (the newest), newest first."""
    seen: dict[str, Entry] = {}
    for teaser in newest_first(wanted):
        if teaser.url:
            seen.setdefault(url_key(teaser.url), teaser)
    return list(seen.values())


def by_source(wanted: Sequence[Entry], names: Mapping[str, str]) -> tuple[Entry, ...]:
    """Wanted teasers ordered for listing: by source name (as issues order them), newest first within one."""
    return tuple(e for group in wanted_groups(wanted, names) for e in group.teasers)


def wanted_groups(wanted: Sequence[Entry], names: Mapping[str, str]) -> tuple[WantedGroup, ...]:
    """Teasers grouped by source slug as issues group them, shown by the source page's name (`names`: slug → name)."""
    return tuple(WantedGroup(g.name, g.slug, tuple(newest_first(g.teasers))) for g in source_groups(list(wanted), names))
