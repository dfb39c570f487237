"""Stable URLs for every entry.

An article lives at `YYYY/MM/DD/slug/` (the day it entered the collection),
so adding or removing other entries never moves it. When two articles want
the same URL, the one that arrived first keeps it and later ones get a short
id suffix; a warning says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.entries.model import Entry
from generator.problems import Problem


def article_path(entry: Entry, tz: ZoneInfo) -> str:
    day = entry.when.astimezone(tz)
    return f"{day:%Y/%m/%d}/{entry.slug}/"


def teaser_anchor(entry: Entry) -> str:
    return f"t-{entry.id}"


def assign_article_urls(articles: Iterable[Entry], tz: ZoneInfo) -> tuple[Mapping[str, str], list[Problem]]:
    """Map article id → URL path, disambiguating collisions deterministically."""
    urls: dict[str, str] = {}
    taken: dict[str, Entry] = {}
    warnings: list[Problem] = []
    for entry in sorted(articles, key=lambda e: (e.when, e.id)):
        url = article_path(entry, tz)
        if url in taken:
            first = taken[url]
            url = f"{url[:-1]}-{entry.id[:8]}/"
            warnings.append(
                Problem(
                    Path(entry.path),
                    f"URL /{article_path(entry, tz)} is already used by {first.path}; using /{url}",
                    warning=True,
                    hint="give one of them its own `slug`",
                )
            )
        taken[url] = entry
        urls[entry.id] = url
    return urls, warnings
