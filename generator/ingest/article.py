"""Entries (article + teasers) from a labelled page, as plain data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from generator.entries.text import BIDI_CONTROLS, clean
from generator.ingest import ids
from generator.ingest.clean.labels import Labelled
from generator.ingest.clean.language import detect
from generator.ingest.clean.teasers import Teaser
from generator.ingest.clean.title import derive_title


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
    url: str | None = None  # HTML pages: the canonical URL (a teaser: its link); feeds: the item's link
    image: str | None = None  # HTML pages: the lead image's absolute URL

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
            "image": self.image,
        }
        return {k: v for k, v in out.items() if v is not None}


# What `digest build` refuses in a URL (controls, bidi controls, whitespace, quotes, brackets, backslash):
# percent-encoded, so the link still leads where the page said.
_URL_UNSAFE = re.compile(f'[\\s\x00-\x1f\x7f-\x9f{BIDI_CONTROLS}"<>`\\\\]')


def hygienic(draft: Draft) -> Draft:
    """The draft without control or bidi characters in any text, as `digest build` would show it.

    Text pages lose them when decoded, but HTML and feeds bring their own
    (character references too, `&#x202E;`), in titles, names and bodies alike.
    """
    return dataclasses.replace(
        draft,
        title=clean(draft.title).strip(),
        body=clean(draft.body),
        source=_text(draft.source),
        edition=_text(draft.edition),
        summary=_text(draft.summary),
        authors=tuple(a for a in map(_text, draft.authors) if a),
        tags=tuple(t for t in map(_text, draft.tags) if t),
        url=_url(draft.url),
        image=_url(draft.image),
    )


def _text(value: str | None) -> str | None:
    return None if value is None else clean(value).strip() or None


def _url(value: str | None) -> str | None:
    if value is None:
        return None
    return clean(_URL_UNSAFE.sub(lambda m: quote(m[0], safe=""), value))  # clean: what cannot be encoded (lone surrogates)


def build_article(page: Labelled) -> Draft:
    body = page.body
    header, meta, generic = page.header, page.meta, page.generic
    printed = header.title if header else generic.title if generic else None
    title = printed or derive_title(next(p for p in body if any(ch.isalnum() for ch in p)))
    return Draft(
        kind="article",
        id=ids.article_id(meta.source, body),
        title=title,
        body="\n\n".join(body),
        title_derived=not printed,
        source=meta.source,
        edition=meta.edition,
        date=meta.date,
        lang=page.lang or detect("\n".join(body)),  # a generic page's language was told from its prose already
        summary=header.summary if header else None,
        authors=header.authors if header else generic.authors if generic else (),
    )


def listing_id(page: Labelled) -> str:
    """What a listing's teasers are keyed under when the page has no article: its source and headlines."""
    return ids.article_id(page.meta.source, [t.title for t in page.teasers])


def build_teaser(teaser: Teaser, page_id: str, source: str | None, from_id: str | None) -> Draft:
    """A teaser listed on the page `page_id` (the article's id, or the listing's; `from_id` only for an article)."""
    return Draft(
        kind="teaser",
        id=ids.teaser_id(page_id, teaser.title, teaser.summary),
        title=teaser.title,
        source=source,
        edition=teaser.edition.printed if teaser.edition else None,
        date=teaser.edition.date if teaser.edition else None,
        summary=teaser.summary,
        authors=teaser.authors,
        from_id=from_id,
    )
