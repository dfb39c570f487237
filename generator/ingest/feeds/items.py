"""A feed's bytes → its items, whatever the format, as plain data.

XML feeds (RSS 0.9x/1.0/2.0, Atom) are read by feedparser, JSON Feed by
`jsonfeed`. A malformed XML feed is read leniently: its readable items are
kept and the problem is reported with them.
"""

from __future__ import annotations

import datetime as dt
import html
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import feedparser

from generator.ingest.feeds.sniff import SNIFF_BYTES

# Not problems with the feed: a wrong declared charset (corrected) or a server's odd media type.
BENIGN = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


class FeedFailure(ValueError):
    """Nothing in the document can be read as a feed; the message is the one-line reason."""


@dataclass(frozen=True, slots=True)
class Item:
    position: int  # 1-based place in the feed, for reports
    guid: str | None = None
    link: str | None = None  # absolute
    title: str | None = None  # may hold markup when `title_html`
    title_html: bool = False
    published: dt.datetime | None = None
    updated: dt.datetime | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    content_html: str | None = None  # the full text (content:encoded, Atom content, content_html)
    summary_html: str | None = None  # the description or summary
    content_text: str | None = None  # plain-text full text (JSON Feed content_text, Atom type="text")


@dataclass(frozen=True, slots=True)
class Feed:
    title: str | None
    link: str | None
    language: str | None
    items: tuple[Item, ...]
    problems: tuple[str, ...] = ()  # about the whole feed; the items read are still good


def read_feed(data: bytes, url: str | None = None, content_type: str | None = None) -> Feed:
    """Parse a feed; FeedFailure when the bytes hold no feed at all."""
    head = data[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        from generator.ingest.feeds.jsonfeed import read_json_feed

        return read_json_feed(data, url)
    return _read_xml(data, url, content_type)


def _read_xml(data: bytes, url: str | None, content_type: str | None) -> Feed:
    headers = {k: v for k, v in (("content-location", url), ("content-type", content_type)) if v}
    parsed = feedparser.parse(data, response_headers=headers, sanitize_html=True, resolve_relative_uris=True)
    problems: list[str] = []
    if parsed.bozo:
        exc = parsed.get("bozo_exception")
        if not parsed.version and not parsed.entries:
            raise FeedFailure(f"not a readable feed ({_describe(exc)})")
        if not isinstance(exc, BENIGN):
            problems.append(f"feed is malformed ({_describe(exc)}); its readable items were kept")
    elif not parsed.version:
        raise FeedFailure("not a feed (no RSS, Atom or JSON Feed root)")
    meta = parsed.feed
    link = _absolute(meta.get("link"), url)
    items = tuple(_item(i, entry, link or url) for i, entry in enumerate(parsed.entries, start=1))
    return Feed(meta.get("title") or None, link, meta.get("language") or None, items, tuple(problems))


def _describe(exc: object) -> str:
    line = getattr(exc, "getLineNumber", None)
    where = f"line {line()}: " if callable(line) else ""
    return where + (getattr(exc, "getMessage", lambda: str(exc))() or type(exc).__name__)


def _item(position: int, entry: Any, base: str | None) -> Item:
    content_html, content_text = _content(entry.get("content") or ())
    summary = entry.get("summary") or None
    if summary is not None and (entry.get("summary_detail") or {}).get("type") == "text/plain":
        summary = html.escape(summary)
    title_detail = entry.get("title_detail") or {}
    return Item(
        position=position,
        guid=(entry.get("id") or "").strip() or None,
        link=_absolute(entry.get("link"), base),
        title=entry.get("title") or None,
        title_html=title_detail.get("type") in ("text/html", "application/xhtml+xml"),
        published=_utc(entry.get("published_parsed")),
        updated=_utc(dict.get(entry, "updated_parsed")),  # entry.get would fall back to published, with a warning
        authors=_names(entry.get("authors") or ()),
        tags=tuple(dict.fromkeys(t for tag in entry.get("tags") or () if (t := (tag.get("label") or tag.get("term") or "").strip()))),
        content_html=content_html,
        summary_html=summary if summary != content_html else None,
        content_text=content_text,
    )


def _content(parts: Any) -> tuple[str | None, str | None]:
    """The first HTML content, else the first plain-text one."""
    html = next((p.get("value") for p in parts if p.get("type") in ("text/html", "application/xhtml+xml") and p.get("value")), None)
    text = next((p.get("value") for p in parts if p.get("type") == "text/plain" and p.get("value")), None)
    return html, None if html else text


def _names(authors: Any) -> tuple[str, ...]:
    names = ((a.get("name") or "").strip() for a in authors if isinstance(a, dict))
    return tuple(dict.fromkeys(n for n in names if n))


def _utc(parsed: time.struct_time | None) -> dt.datetime | None:
    """feedparser's struct_time is UTC; out-of-range dates are left out, never guessed."""
    if parsed is None:
        return None
    try:
        return dt.datetime(*parsed[:6], tzinfo=dt.UTC)
    except (ValueError, TypeError):
        return None


def _absolute(link: str | None, base: str | None) -> str | None:
    link = (link or "").strip()
    if not link:
        return None
    return urljoin(base, link) if base else link
