"""The site's feeds: site-wide, per source and per tag, as RSS, Atom and JSON Feed.

Feeds are deterministic: channel dates come from the newest item (never the
build time) and every item's guid/id is derived from the entry's `id`, so a
rebuild with no change gives byte-identical files. Each entry becomes a
`FeedItem` once per build (its body rendered once) and is shared by every
feed it appears in, through a cache the caller owns.
"""

from __future__ import annotations

import datetime as dt
import html
import uuid
from collections.abc import Iterable, Iterator, MutableMapping, Sequence

from generator.config import Config
from generator.entries.model import Entry
from generator.entries.text import clean
from generator.render.feedhtml import absolute_html
from generator.render.feedmodel import ATOM_FILE, JSON_FILE, RSS_FILE, Feed, FeedItem, FeedSpec, Report
from generator.render.i18n import Language
from generator.render.jsonfeed import json_feed
from generator.render.markdown import first_paragraph_text
from generator.render.wanted import wanted_feed
from generator.render.xmlfeeds import rss_and_atom
from generator.structure.digest import newest_first
from generator.structure.names import Collection
from generator.structure.site import Site

__all__ = ["ATOM_FILE", "JSON_FILE", "RSS_FILE", "FeedSpec", "feed_files", "in_full_feeds", "plan_feeds", "render_feeds"]

# Fixed namespace: an entry's guid depends on its id alone, not on the site URL.
GUID_NAMESPACE = uuid.UUID("6f1c2a3e-5b7d-4c8e-9f10-2a3b4c5d6e7f")
EMPTY_FEED_DATE = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

UNTITLED = "(untitled)"  # feedgen requires a title; loaded entries always have one
ItemCache = MutableMapping[str, FeedItem]  # entry id → its item, for one build
BodyCache = MutableMapping[str, str]  # entry id → its body's feed HTML, rendered with its page


def plan_feeds(site: Site, config: Config, language: Language | None = None) -> Iterator[tuple[FeedSpec, Sequence[Entry]]]:
    """Every feed of the site with its entries (newest first); `language` words the descriptions (English without)."""
    _ = (language or Language(config.site.language)).gettext
    title = config.site.title
    yield FeedSpec("", title, config.site.description, ""), site.entries
    for source in site.sources:
        yield _collection_spec("sources", source, f"{source.name} — {title}", _("%(name)s in %(site)s", name=source.name, site=title)), source.entries
    for tag in site.tags:
        yield _collection_spec("tags", tag, f"{tag.name} — {title}", _("Entries tagged “%(name)s” in %(site)s", name=tag.name, site=title)), tag.entries
    yield wanted_feed(config, _), newest_first(site.wanted)


def _collection_spec(kind: str, collection: Collection, title: str, description: str) -> FeedSpec:
    folder = f"{kind}/{collection.slug}/"
    return FeedSpec(folder, title, description, folder)


def feed_files(spec: FeedSpec) -> tuple[str, str, str]:
    """Site-relative paths of a feed's RSS, Atom and JSON Feed files."""
    return spec.folder + RSS_FILE, spec.folder + ATOM_FILE, spec.folder + JSON_FILE


def render_feeds(
    spec: FeedSpec, entries: Sequence[Entry], site: Site, config: Config, cache: ItemCache | None = None, bodies: BodyCache | None = None
) -> dict[str, bytes]:
    """Return {path: bytes} for the RSS, Atom and JSON Feed files of one feed.

    `bodies` holds feed HTML that article pages rendered already (entry id → HTML); it is taken from there.
    """
    feed = make_feed(spec, entries, site, config, {} if cache is None else cache, bodies)
    rss, atom = rss_and_atom(feed)
    return dict(zip(feed_files(spec), (rss, atom, json_feed(feed)), strict=True))


def make_feed(spec: FeedSpec, entries: Sequence[Entry], site: Site, config: Config, cache: ItemCache, bodies: BodyCache | None = None) -> Feed:
    rendered = {} if bodies is None else bodies
    items = tuple(_cached_item(entry, site, config, cache, rendered) for entry in feed_entries(entries, site, config))
    base = config.base_url
    return Feed(
        id=_safe(base + spec.page_url),
        folder_url=_safe(base + spec.folder),
        title=_safe(spec.title) or _safe(base),  # a title of control characters only cleans to ""
        description=_safe(spec.description),
        language=_safe(config.site.language),
        author=_safe(config.site.author) or _safe(config.site.title) or _safe(base),
        updated=max((item.when for item in items), default=EMPTY_FEED_DATE.astimezone(config.tz)),
        items=items,
    )


def guid(entry: Entry) -> str:
    return f"urn:uuid:{uuid.uuid5(GUID_NAMESPACE, entry.id)}"


def feed_entries(entries: Sequence[Entry], site: Site, config: Config) -> list[Entry]:
    """Items for a feed: newest first, teasers only if configured, one per story with `feeds.stories`, up to the limit."""
    chosen: Iterable[Entry] = (e for e in entries if e.is_article or config.feeds.teasers)
    if config.feeds.stories and site.stories:
        chosen = _one_per_story(chosen, entries, site)
    return [e for _, e in zip(range(config.feeds.limit), chosen, strict=False)]


def _one_per_story(chosen: Iterable[Entry], entries: Sequence[Entry], site: Site) -> Iterator[Entry]:
    """Each story once, as its first report in this feed (the story's lead in the site feed), where that report falls."""
    present = {e.id for e in entries if e.id in site.stories}
    for entry in chosen:
        story = site.stories.get(entry.id)
        if story is None or next(i for i in story.ids if i in present) == entry.id:
            yield entry


def feed_reports(entry: Entry, site: Site, config: Config) -> tuple[Entry, ...]:
    """The other reports an entry's item links to (none unless `feeds.stories`)."""
    return site.reports(entry.id) if config.feeds.stories else ()


def _cached_item(entry: Entry, site: Site, config: Config, cache: ItemCache, bodies: BodyCache) -> FeedItem:
    item = cache.get(entry.id)
    if item is None:
        item = cache[entry.id] = feed_item(entry, site, config, bodies.pop(entry.id, None))
    return item


def in_full_feeds(site: Site, config: Config) -> set[str]:
    """Ids of the articles whose body some feed carries."""
    if not config.feeds.full_content:
        return set()
    return {e.id for _, entries in plan_feeds(site, config) for e in feed_entries(entries, site, config) if e.is_article and e.body}


def feed_item(entry: Entry, site: Site, config: Config, body_html: str | None = None) -> FeedItem:
    """One entry as a feed item: absolute URLs, XML-safe text, dates in the site's zone.

    `body_html`: the body as feeds carry it, when the article's page rendered it already.
    """
    url = _safe(config.base_url + site.link(entry.id))
    full = entry.is_article and config.feeds.full_content and entry.body
    reports = tuple(_report(other, site, config) for other in feed_reports(entry, site, config))
    content = _safe(absolute_html(entry.body, url) if body_html is None else body_html) if full else None
    return FeedItem(
        guid=guid(entry),
        title=_safe(entry.title) or UNTITLED,
        url=url,
        when=entry.when.astimezone(config.tz),
        summary=_safe(entry.summary or first_paragraph_text(entry.body) or entry.title) or UNTITLED,
        content_html=(content or "") + reports_html(reports, config) if reports else content,
        authors=tuple(_safe(a) for a in entry.authors),
        categories=tuple(_safe(t) for t in (entry.source, *entry.tags) if t),
        tags=tuple(_safe(t) for t in entry.tags),
        external_url=_safe(entry.url) if entry.url else None,
        language=_safe(entry.lang) if entry.lang else None,
        reports=reports,
    )


def _report(entry: Entry, site: Site, config: Config) -> Report:
    return Report(
        _safe(entry.title) or UNTITLED,
        _safe(entry.source or ""),
        _safe(config.base_url + site.urls[entry.id]),
        entry.date or entry.when.astimezone(config.tz).date(),
    )


def reports_html(reports: Sequence[Report], config: Config) -> str:
    """The list of a story's other reports that ends its item's content: title linked, source and date."""
    language = Language(config.site.language)  # CLDR dates; the label stays English, as feeds carry no catalog yet
    items = "".join(
        f'<li><a href="{html.escape(r.url)}">{html.escape(r.title, quote=False)}</a> ({html.escape(r.source, quote=False)}, {language.date(r.day)})</li>'
        for r in reports
    )
    return f"<p>Also reported by:</p><ul>{items}</ul>"


def _safe(text: str) -> str:
    """XML-illegal characters out: entries are cleaned at load, but config text and ids are not."""
    return clean(text)
