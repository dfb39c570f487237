"""RSS 2.0 and Atom 1.0 with feedgen, from one `Feed`."""

from __future__ import annotations

import html

from feedgen.feed import FeedGenerator

from generator.render.feedmodel import ATOM_FILE, GENERATOR, RSS_FILE, Feed, FeedItem


def rss_and_atom(feed: Feed) -> tuple[bytes, bytes]:
    """The RSS and Atom documents of one feed."""
    fg = _generator(feed)
    _links(fg, feed, RSS_FILE, "application/rss+xml")
    # RSS readers decode the channel's <description> as HTML, as they do an item's: escaped alike.
    fg.subtitle(_as_html(feed.description or feed.title))
    rss: bytes = fg.rss_str(pretty=True)
    # Same items, only the self link and the subtitle (Atom's is plain text) differ: reuse the generator.
    _links(fg, feed, ATOM_FILE, "application/atom+xml")
    fg.subtitle(feed.description or feed.title)
    atom: bytes = fg.atom_str(pretty=True)
    return rss, atom


def _generator(feed: Feed) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("dc", rss=True, atom=False)
    fg.id(feed.id)
    fg.title(feed.title)
    fg.language(feed.language)
    fg.author(name=feed.author)
    fg.generator(GENERATOR)
    fg.updated(feed.updated)
    fg.lastBuildDate(feed.updated)
    fg.pubDate(feed.updated)
    for item in feed.items:
        _add_item(fg, item)
    return fg


def _links(fg: FeedGenerator, feed: Feed, name: str, media_type: str) -> None:
    fg.link(href=feed.file_url(name), rel="self", type=media_type, replace=True)
    fg.link(href=feed.id, rel="alternate", type="text/html")  # the last link is RSS's <link>


def _add_item(fg: FeedGenerator, item: FeedItem) -> None:
    fe = fg.add_entry(order="append")
    fe.guid(item.guid, permalink=False)
    fe.title(item.title)
    fe.link(href=item.url, rel="alternate", type="text/html")
    fe.published(item.when)
    fe.updated(item.when)
    for name in item.authors:
        fe.author(name=name)
        fe.dc.dc_creator(name)  # RSS <author> must be an e-mail address; dc:creator takes a name
    for term in item.categories:
        fe.category(term=term)
    # RSS readers decode <description> as HTML: send the plain-text summary escaped, as HTML.
    fe.summary(_as_html(item.summary), type="html")
    if item.content_html:
        fe.content(item.content_html, type="html")


def _as_html(text: str) -> str:
    """Plain text as the HTML that shows it (feedgen then escapes that for XML)."""
    return html.escape(text, quote=False)
