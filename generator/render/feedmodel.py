"""What a feed says, independent of its format (RSS, Atom, JSON Feed).

Every string here is already XML-safe and every URL absolute: the writers
only lay these values out in their format.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

RSS_FILE = "feed.xml"
ATOM_FILE = "atom.xml"
JSON_FILE = "feed.json"
GENERATOR = "newsdigest"


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One feed (written as RSS, Atom and JSON Feed) over a list of entries."""

    folder: str  # site-relative folder holding the feed files ("" for the root)
    title: str
    description: str
    page_url: str  # site-relative URL of the HTML page the feed mirrors


@dataclass(frozen=True, slots=True)
class Report:
    """Another report of an item's story (with `feeds.stories`): where it is and who published it when."""

    title: str
    source: str
    url: str  # absolute: its article page
    day: dt.date  # its own date, else the day it was added (in the site's time zone), as pages show it


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry as a feed item; built once per build and shared by every feed."""

    guid: str  # from the entry's id only: never changes once published
    title: str
    url: str  # absolute: the article page, or the teaser's anchor / matched article
    when: dt.datetime  # `added`, falling back to `date`, in the site's time zone
    summary: str
    content_html: str | None  # full body with absolute URLs; None for teasers or when disabled
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # source, then tags
    tags: tuple[str, ...] = ()
    external_url: str | None = None  # the original article
    language: str | None = None
    # The story's other reports, listed at the end of the content in every format (not as Atom rel=related
    # links: feedgen 1.0 writes an entry's links with their href only, so they would read as alternates).
    reports: tuple[Report, ...] = ()


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed ready to write: channel data and items, newest first."""

    id: str  # absolute URL of the page the feed mirrors
    folder_url: str  # absolute URL of the folder holding the feed files
    title: str
    description: str
    language: str
    author: str
    updated: dt.datetime  # the newest item's date, so unchanged input gives unchanged bytes
    items: tuple[FeedItem, ...]

    def file_url(self, name: str) -> str:
        return self.folder_url + name
