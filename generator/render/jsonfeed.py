"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), written with the json module.

feedgen has no JSON Feed support; the document is laid out from typed
structures mirroring the spec, with absent optional fields left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import Any

from generator.render.feedmodel import JSON_FILE, Feed, FeedItem

VERSION = "https://jsonfeed.org/version/1.1"


@dataclass(frozen=True, slots=True)
class JsonAuthor:
    name: str


@dataclass(frozen=True, slots=True)
class JsonItem:
    id: str
    url: str
    title: str
    date_published: str  # RFC 3339
    date_modified: str
    summary: str | None
    content_html: str | None = None
    content_text: str | None = None  # the spec needs one of content_html / content_text
    external_url: str | None = None
    authors: tuple[JsonAuthor, ...] | None = None
    tags: tuple[str, ...] | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class JsonFeed:
    version: str
    title: str
    home_page_url: str
    feed_url: str
    description: str | None
    language: str
    authors: tuple[JsonAuthor, ...]
    items: tuple[JsonItem, ...]


def json_feed(feed: Feed) -> bytes:
    """The JSON Feed document of one feed (UTF-8, stable key order)."""
    document = JsonFeed(
        version=VERSION,
        title=feed.title,
        home_page_url=feed.id,
        feed_url=feed.file_url(JSON_FILE),
        description=feed.description or None,
        language=feed.language,
        authors=(JsonAuthor(feed.author),),
        items=tuple(_item(item) for item in feed.items),
    )
    # Compact: with `indent` the json module falls back to its pure-Python encoder (~10x slower).
    return (json.dumps(_plain(document), ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _item(item: FeedItem) -> JsonItem:
    when = item.when.isoformat()
    return JsonItem(
        id=item.guid,
        url=item.url,
        title=item.title,
        date_published=when,
        date_modified=when,
        summary=item.summary or None,
        content_html=item.content_html,
        content_text=None if item.content_html else item.summary,
        external_url=item.external_url,
        authors=tuple(JsonAuthor(name) for name in item.authors) or None,
        tags=item.tags or None,
        language=item.language,
    )


def _plain(value: Any) -> Any:
    """Dataclasses → dicts in field order; None marks an absent optional field."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        pairs = ((f.name, _plain(getattr(value, f.name))) for f in fields(value))
        return {name: v for name, v in pairs if v is not None}
    return value
