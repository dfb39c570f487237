"""Stable ids from normalised content.

The same page ingested again, or the same story scraped under another UI
language (same source, same paragraphs), gets the same ids, so re-ingest
finds the entries it wrote before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

ID_CHARS = 16


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:ID_CHARS]


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def article_id(source: str | None, paragraphs: Iterable[str]) -> str:
    return _digest("article", _norm(source or ""), *(_norm(p) for p in paragraphs))


def teaser_id(article: str, title: str, summary: str | None) -> str:
    """Teasers belong to the page that lists them, hence the article id in the key."""
    return _digest("teaser", article, _norm(title), _norm(summary or ""))


def feed_item_id(key: str) -> str:
    """A feed item's id from its guid or link (see feeds.items), so re-reading a feed finds its entries."""
    return _digest("feed-item", key.strip())
