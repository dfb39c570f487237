"""The loaded entry: what every later stage (structure, pages, feeds) reads."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal

Kind = Literal["article", "teaser"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One article or teaser, validated, with dates resolved to the site's time zone."""

    id: str
    title: str
    slug: str
    kind: Kind
    when: dt.datetime  # digest key: `added`, falling back to `date`; always aware
    date: dt.date | None  # publication / edition date (a datetime when the entry gave a time)
    added: dt.datetime | None
    body: str
    path: str  # relative to the content folder, with `/` separators (a str: cheaper than a Path by the 100,000)
    source: str | None = None
    edition: str | None = None
    lang: str | None = None
    summary: str | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    url: str | None = None
    image: str | None = None  # lead image, an absolute http(s) URL
    from_id: str | None = None
    title_derived: bool = False
    origin: Mapping[str, Any] | None = None
    draft: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_article(self) -> bool:
        return self.kind == "article"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # The build cache pickles every entry: rebuilding through __init__ loads a third
        # faster than the per-slot state protocol of slotted dataclasses.
        return (_unpickled, tuple(getattr(self, f.name) for f in fields(self)))


def _unpickled(*values: Any) -> Entry:
    """An entry from the cache, its often-repeated words shared with every other entry's.

    Each entry is pickled on its own, so without this every one of 100,000
    entries would hold its own copy of "article", its source's name, its
    language and its tags: 35 MB of a build process.
    """
    shared = list(values)
    for i in _SHARED_TEXT:
        if shared[i] is not None:
            shared[i] = sys.intern(shared[i])
    for i in _SHARED_WORDS:
        shared[i] = tuple(map(sys.intern, shared[i]))
    return Entry(*shared)


_NAMES = [f.name for f in fields(Entry)]
_SHARED_TEXT = [_NAMES.index(name) for name in ("kind", "source", "edition", "lang")]
_SHARED_WORDS = [_NAMES.index(name) for name in ("authors", "tags")]
