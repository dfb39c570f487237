"""Entries (article + teasers) from a labelled page, as plain data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from generator.ingest import ids
from generator.ingest.labels import Labelled
from generator.ingest.language import detect
from generator.ingest.teasers import Teaser
from generator.ingest.title import derive_title


@dataclass(frozen=True, slots=True)
class Draft:
    """One entry to write: its front matter fields (minus `added`/`origin`) and body."""

    kind: Literal["article", "teaser"]
    id: str
    title: str
    body: str = ""
    title_derived: bool = False
    source: str | None = None
    edition: str | None = None
    date: dt.date | None = None  # a datetime (with its offset) when the source gives the time
    lang: str | None = None
    summary: str | None = None
    authors: tuple[str, ...] = ()
    from_id: str | None = None
    tags: tuple[str, ...] = ()
    url: str | None = None

    def fields(self) -> dict[str, Any]:
        """Front matter in a fixed, readable key order (empty values left out)."""
        out: dict[str, Any] = {
            "title": self.title,
            "title_derived": self.title_derived or None,
            "kind": self.kind,
            "id": self.id,
            "from": self.from_id,
            "source": self.source,
            "edition": self.edition,
            "date": self.date,
            "lang": self.lang,
            "summary": self.summary,
            "authors": list(self.authors) or None,
            "tags": list(self.tags) or None,
            "url": self.url,
        }
        return {k: v for k, v in out.items() if v is not None}


def build_article(page: Labelled) -> Draft:
    body = page.body
    header, meta = page.header, page.meta
    title = header.title if header else derive_title(next(p for p in body if any(ch.isalnum() for ch in p)))
    return Draft(
        kind="article",
        id=ids.article_id(meta.source, body),
        title=title,
        body="\n\n".join(body),
        title_derived=header is None,
        source=meta.source,
        edition=meta.edition,
        date=meta.date,
        lang=detect("\n".join(body)),
        summary=header.summary if header else None,
        authors=header.authors if header else (),
    )


def build_teaser(teaser: Teaser, article: Draft) -> Draft:
    return Draft(
        kind="teaser",
        id=ids.teaser_id(article.id, teaser.title, teaser.summary),
        title=teaser.title,
        source=article.source,
        edition=teaser.edition.printed if teaser.edition else None,
        date=teaser.edition.date if teaser.edition else None,
        summary=teaser.summary,
        authors=teaser.authors,
        from_id=article.id,
    )
