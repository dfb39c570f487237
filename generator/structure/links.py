"""Teasers answered by link: a teaser whose link is where an article was found announces that article.

Kept apart from matching (by headline) and wanted (what is left unanswered),
which both need it: matching sits below the issue structure, wanted above it.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from generator.entries.model import Entry


def url_key(url: str) -> str:
    """A URL as compared: scheme and host in lower case, no fragment."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def article_urls(article: Entry) -> set[str]:
    """Where an article was found: its canonical `url` and the URL it was fetched from (`origin.url`)."""
    found = {article.url} if article.url else set()
    fetched = (article.origin or {}).get("url")
    if isinstance(fetched, str) and fetched:
        found.add(fetched)
    return {url_key(u) for u in found}


def url_matches(entries: Iterable[Entry]) -> dict[str, str]:
    """Teaser id → id of the article at the teaser's link (any source; the oldest article wins)."""
    by_url: dict[str, str] = {}
    teasers: list[Entry] = []
    for entry in sorted(entries, key=lambda e: (e.when, e.id)):
        if entry.is_article:
            for key in article_urls(entry):
                by_url.setdefault(key, entry.id)
        elif entry.url:
            teasers.append(entry)
    return {t.id: by_url[url_key(t.url)] for t in teasers if t.url and url_key(t.url) in by_url}
