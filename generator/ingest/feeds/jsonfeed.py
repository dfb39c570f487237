"""JSON Feed 1.0/1.1 (which feedparser does not read) → the same `Feed` and `Item`s."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urljoin

import msgspec

from generator.ingest.feeds.items import Feed, FeedFailure, Item


def read_json_feed(data: bytes, url: str | None) -> Feed:
    try:
        doc = msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        raise FeedFailure(f"not a readable JSON Feed ({exc})") from None
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith(("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")):
        raise FeedFailure("not a JSON Feed (no jsonfeed.org `version`)")
    link = _text(doc.get("home_page_url"))
    base = link or url
    items, problems = [], []
    raw_items = doc.get("items")
    if not isinstance(raw_items, list):
        raise FeedFailure("JSON Feed has no `items` list")
    for position, raw in enumerate(raw_items, start=1):
        if isinstance(raw, dict):
            items.append(_item(position, raw, base, doc))
        else:
            problems.append(f"item {position}: not an object, skipped")
    return Feed(_text(doc.get("title")), link, _text(doc.get("language")), tuple(items), tuple(problems))


def _item(position: int, raw: dict[str, Any], base: str | None, doc: dict[str, Any]) -> Item:
    link = _text(raw.get("url")) or _text(raw.get("external_url"))
    authors = raw.get("authors") or ([raw["author"]] if isinstance(raw.get("author"), dict) else []) or doc.get("authors") or []
    return Item(
        position=position,
        guid=_text(raw.get("id")) if not isinstance(raw.get("id"), int) else str(raw["id"]),
        link=urljoin(base, link) if link and base else link,
        title=_text(raw.get("title")),
        published=_date(raw.get("date_published")),
        updated=_date(raw.get("date_modified")),
        authors=tuple(dict.fromkeys(n for a in authors if isinstance(a, dict) and (n := _text(a.get("name"))))),
        tags=tuple(dict.fromkeys(t for t in raw.get("tags") or () if isinstance(t, str) and t.strip())),
        content_html=_text(raw.get("content_html")),
        summary_html=_escaped(_text(raw.get("summary"))),
        content_text=_text(raw.get("content_text")),
    )


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _escaped(text: str | None) -> str | None:
    import html

    return html.escape(text) if text else None


def _date(value: Any) -> dt.datetime | None:
    """RFC 3339; a date without an offset is taken as UTC, an unreadable one is left out."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
