"""RSS 2.0 and Atom 1.0 feeds, written with feedgen.

Feeds are deterministic: channel dates come from the newest item (never the
build time) and every item's guid/id is derived from the entry's `id`, so a
rebuild with no change gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from feedgen.feed import FeedGenerator

from generator.config import Config
from generator.entries.model import Entry
from generator.render.markdown import first_paragraph_text, to_html
from generator.structure.site import Site

# Fixed namespace: an entry's guid depends on its id alone, not on the site URL.
GUID_NAMESPACE = uuid.UUID("6f1c2a3e-5b7d-4c8e-9f10-2a3b4c5d6e7f")
EMPTY_FEED_DATE = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One feed pair (RSS + Atom) over a list of entries."""

    folder: str  # site-relative folder holding feed.xml and atom.xml ("" for the root)
    title: str
    description: str
    page_url: str  # site-relative URL of the HTML page the feed mirrors


def plan_feeds(site: Site, config: Config) -> Iterator[tuple[FeedSpec, Sequence[Entry]]]:
    """Every feed of the site with its entries (newest first)."""
    yield FeedSpec("", config.site.title, config.site.description, ""), site.entries


def render_all_feeds(site: Site, config: Config) -> Iterator[tuple[str, bytes]]:
    for spec, entries in plan_feeds(site, config):
        yield from render_feeds(spec, entries, site, config).items()


def guid(entry: Entry) -> str:
    return f"urn:uuid:{uuid.uuid5(GUID_NAMESPACE, entry.id)}"


def feed_entries(entries: Sequence[Entry], config: Config) -> list[Entry]:
    """Items for a feed: newest first, teasers only if configured, up to the limit."""
    chosen = [e for e in entries if e.is_article or config.feeds.teasers]
    return chosen[: config.feeds.limit]


def render_feeds(spec: FeedSpec, entries: Sequence[Entry], site: Site, config: Config) -> dict[str, bytes]:
    """Return {path: bytes} for the RSS and Atom files of one feed."""
    items = feed_entries(entries, config)
    rss_path, atom_path = f"{spec.folder}feed.xml", f"{spec.folder}atom.xml"
    rss = _generator(spec, items, site, config, rss_path).rss_str(pretty=True)
    atom = _generator(spec, items, site, config, atom_path).atom_str(pretty=True)
    return {rss_path: rss, atom_path: atom}


def _generator(spec: FeedSpec, items: list[Entry], site: Site, config: Config, self_path: str) -> FeedGenerator:
    base = config.base_url
    fg = FeedGenerator()
    fg.id(base + spec.page_url)
    fg.title(spec.title)
    fg.subtitle(spec.description or spec.title)
    fg.link(href=base + self_path, rel="self")
    fg.link(href=base + spec.page_url, rel="alternate")  # last link is RSS's <link>
    fg.language(config.site.language)
    fg.author(name=config.site.author or config.site.title)
    fg.generator("newsdigest")
    newest = max((e.when for e in items), default=EMPTY_FEED_DATE).astimezone(config.tz)
    fg.updated(newest)
    fg.lastBuildDate(newest)
    for entry in items:
        _add_item(fg, entry, site, config)
    return fg


def _add_item(fg: FeedGenerator, entry: Entry, site: Site, config: Config) -> None:
    fe = fg.add_entry(order="append")
    fe.guid(guid(entry), permalink=False)
    fe.title(entry.title)
    fe.link(href=config.base_url + site.urls[entry.id])
    when = entry.when.astimezone(config.tz)
    fe.published(when)
    fe.updated(when)
    for name in entry.authors:
        fe.author(name=name)
    for term in (entry.source, *entry.tags):
        if term:
            fe.category(term=term)
    fe.summary(entry.summary or first_paragraph_text(entry.body) or entry.title)
    if entry.is_article and config.feeds.full_content and entry.body:
        fe.content(to_html(entry.body), type="html")
