"""Is this document a feed? By its media type first, else by its first bytes."""

from __future__ import annotations

import re

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/x-rss+xml",
    }
)
# The root element of an XML feed, after any prolog, comments and doctype.
_XML_ROOT = re.compile(rb"^(?:\s|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<(?:[\w.-]+:)?(rss|feed|RDF)[\s>/]", re.DOTALL | re.IGNORECASE)
SNIFF_BYTES = 4096


def media_type(content_type: str | None) -> str:
    """`text/xml; charset=utf-8` → `text/xml`."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_feed(data: bytes, content_type: str | None = None) -> bool:
    """A feed media type, or XML whose root is rss/feed/RDF, or JSON with a JSON Feed version."""
    if media_type(content_type) in FEED_TYPES:
        return True
    head = data[:SNIFF_BYTES].removeprefix(b"\xef\xbb\xbf")
    if head.lstrip()[:1] == b"{":
        return b"jsonfeed.org/version/" in head
    return bool(_XML_ROOT.match(head))
