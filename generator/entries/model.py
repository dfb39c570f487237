"""The loaded entry: what every later stage (structure, pages, feeds) reads."""

from __future__ import annotations

import datetime as dt
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
    from_id: str | None = None
    title_derived: bool = False
    origin: Mapping[str, Any] | None = None
    draft: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_article(self) -> bool:
        return self.kind == "article"

    def __reduce__(self) -> tuple[type[Entry], tuple[Any, ...]]:
        # The build cache pickles every entry: rebuilding through __init__ loads a third
        # faster than the per-slot state protocol of slotted dataclasses.
        return (Entry, tuple(getattr(self, f.name) for f in fields(self)))
