"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), written with msgspec.

feedgen has no JSON Feed support; the document is laid out from typed
structures mirroring the spec, with absent optional fields (None) left out.
"""

from __future__ import annotations

import msgspec

from generator.render.feedmodel import JSON_FILE, Feed, FeedItem

VERSION = "https://jsonfeed.org/version/1.1"


class JsonAuthor(msgspec.Struct, frozen=True):
    name: str


class JsonItem(msgspec.Struct, frozen=True, omit_defaults=True):
    id: str
    url: str
    title: str
    date_published: str  # RFC 3339
    date_modified: str
    summary: str | None = None
    content_html: str | None = None
    content_text: str | None = None  # the spec needs one of content_html / content_text
    external_url: str | None = None
    authors: tuple[JsonAuthor, ...] | None = None
    tags: tuple[str, ...] | None = None
    language: str | None = None


class JsonFeed(msgspec.Struct, frozen=True, omit_defaults=True, kw_only=True):
    version: str
    title: str
    home_page_url: str
    feed_url: str
    description: str | None = None
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
    return msgspec.json.encode(document) + b"\n"


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
