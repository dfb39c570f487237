"""Read feeds back the way feed readers do (feedparser) and check what readers need."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import feedparser


def read_feed(path: Path, base_url: str) -> Any:
    """Parse a feed and assert it is well-formed with complete, absolute items."""
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, f"{path}: {feed.get('bozo_exception')}"
    assert feed.feed.get("title"), path
    for item in feed.entries:
        assert item.get("title"), (path, item)
        assert item.get("link", "").startswith(base_url), (path, item.get("link"))
        assert item.get("id"), (path, item)
        assert item.get("published_parsed") or item.get("updated_parsed"), (path, item)
    return feed
