"""`feeds.opml`: the site's own feed, one per source and one per tag, readable by an OPML library."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import listparser

from generator.build import build
from generator.config import Config
from tests.conftest import entry_text

BASE = "https://news.example.org/digest/"
ENTRIES = {
    "a.md": entry_text("Ports reopen", source="The Harbour Gazette", tags="[economy, shipping]"),
    "b.md": entry_text("Tram approved", source="Northern Ledger & Co <b>", tags="[transport]"),
}


def test_feeds_opml_lists_every_feed_of_the_site(make_digest: Callable[..., Config]) -> None:
    config = make_digest(ENTRIES)
    build(config, workers=1)
    data = (config.output_dir / "feeds.opml").read_bytes()
    parsed = listparser.parse(data)
    assert not parsed.bozo, parsed.bozo_exception
    urls = [feed.url for feed in parsed.feeds]
    assert urls == [
        BASE + "feed.xml",
        BASE + "wanted/feed.xml",  # top level, beside the site's own feed
        BASE + "sources/northern-ledger-co-b/feed.xml",
        BASE + "sources/the-harbour-gazette/feed.xml",
        BASE + "tags/economy/feed.xml",
        BASE + "tags/shipping/feed.xml",
        BASE + "tags/transport/feed.xml",
    ]
    for url in urls:  # every feed it names was built
        assert (config.output_dir / url.removeprefix(BASE)).is_file()
    titles = {feed.url: feed.title for feed in parsed.feeds}
    assert titles[BASE + "feed.xml"] == "Test Digest"
    assert titles[BASE + "sources/northern-ledger-co-b/feed.xml"] == "Northern Ledger & Co <b> — Test Digest"  # escaped, read back as text
    groups = {feed.url: feed.categories for feed in parsed.feeds}
    assert groups[BASE + "tags/economy/feed.xml"] == [["Tags"]] and groups[BASE + "sources/the-harbour-gazette/feed.xml"] == [["Sources"]]
    assert b'<opml version="2.0">' in data and b"dateCreated" not in data  # no build time: deterministic


def test_feeds_opml_follows_the_feeds(make_digest: Callable[..., Config], tmp_path: Path) -> None:
    config = make_digest(ENTRIES)
    build(config, workers=1)
    opml = config.output_dir / "feeds.opml"
    before = opml.read_bytes()
    edited = tmp_path / "content" / "a.md"
    edited.write_text(entry_text("Ports reopen", body="Other text.", source="The Harbour Gazette", tags="[economy, shipping]"), encoding="utf-8")
    build(config, workers=1)
    assert opml.read_bytes() == before
    (tmp_path / "content" / "c.md").write_text(entry_text("Ferry news", source="Coast Radio", tags="[ferries]"), encoding="utf-8")
    build(config, workers=1)
    urls = [feed.url for feed in listparser.parse(opml.read_bytes()).feeds]
    assert BASE + "sources/coast-radio/feed.xml" in urls and BASE + "tags/ferries/feed.xml" in urls
