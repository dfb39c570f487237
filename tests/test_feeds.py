from __future__ import annotations

import time
from collections.abc import Callable

from generator.build import build
from generator.config import Config
from tests.conftest import CONFIG, entry_text
from tests.feedcheck import read_feed

BASE = "https://news.example.org/digest/"


def entries(n: int) -> dict[str, str]:
    return {
        f"e{i}.md": entry_text(
            f"Story {i}",
            body=f"Paragraph *{i}* with [a link](https://example.org/{i}).",
            id=f"id{i}",
            added=f"2024-12-{10 + i:02d}T08:00:00+00:00",
            source="Gazette",
        )
        for i in range(n)
    }


def test_rss_and_atom_read_back_with_feedparser(make_digest: Callable[..., Config]) -> None:
    config = make_digest(
        {**entries(5), "t.md": entry_text("A teaser", kind="teaser", summary="Its dek", id="t1", added="2024-12-14T07:00:00+00:00", **{"from": "id4"})}
    )
    build(config)
    for name in ("feed.xml", "atom.xml"):
        feed = read_feed(config.output_dir / name, BASE)
        titles = [e.title for e in feed.entries]
        assert titles[0] == "Story 4" and titles[-1] == "Story 0"  # newest first
        assert "A teaser" in titles
        story = feed.entries[0]
        assert story.link == BASE + "2024/12/14/story-4/"
        assert "<em>4</em>" in story.content[0].value
        assert story.published_parsed[:3] == (2024, 12, 14)
        teaser = next(e for e in feed.entries if e.title == "A teaser")
        assert teaser.link == BASE + "issues/2024-12-14/#t-t1"
        assert feed.feed.link == BASE


def test_feed_dates_carry_the_site_time_zone(make_digest: Callable[..., Config]) -> None:
    config = make_digest(entries(1))
    build(config)
    rss = (config.output_dir / "feed.xml").read_text(encoding="utf-8")
    assert "<pubDate>Tue, 10 Dec 2024 09:00:00 +0100</pubDate>" in rss
    assert "<lastBuildDate>Tue, 10 Dec 2024 09:00:00 +0100</lastBuildDate>" in rss


def test_item_limit_and_teaser_switch(make_digest: Callable[..., Config]) -> None:
    config = make_digest(
        {**entries(5), "t.md": entry_text("A teaser", kind="teaser", id="t1", added="2024-12-30T08:00:00+00:00")},
        CONFIG + "feeds: {limit: 3, teasers: false}\n",
    )
    build(config)
    feed = read_feed(config.output_dir / "feed.xml", BASE)
    assert [e.title for e in feed.entries] == ["Story 4", "Story 3", "Story 2"]


def test_guids_are_stable_and_builds_are_byte_identical(make_digest: Callable[..., Config]) -> None:
    config = make_digest(entries(3))
    build(config)
    first = {p.name: p.read_bytes() for p in config.output_dir.glob("*.xml")}
    time.sleep(1.1)  # a build-time timestamp would show up now
    build(config)
    assert {p.name: p.read_bytes() for p in config.output_dir.glob("*.xml")} == first
    guids = [e.id for e in read_feed(config.output_dir / "atom.xml", BASE).entries]
    # moving the site or renaming the entry keeps its guid (it comes from `id`)
    moved = make_digest({"e0.md": entry_text("Renamed story", id="id0")}, CONFIG.replace("news.example.org", "elsewhere.example.net"))
    build(moved)
    assert read_feed(moved.output_dir / "atom.xml", "https://elsewhere.example.net/").entries[-1].id in guids


def test_teaser_announcing_an_article_links_to_it_in_feeds(make_digest: Callable[..., Config]) -> None:
    config = make_digest(
        {
            "a.md": entry_text("Ports reopen after the storm", id="art", source="Gazette", added="2024-12-14T08:00:00+00:00"),
            "t.md": entry_text("Ports reopen after the storm", kind="teaser", id="tea", source="Gazette", added="2024-12-13T08:00:00+00:00"),
        }
    )
    build(config)
    feed = read_feed(config.output_dir / "atom.xml", BASE)
    links = {e.title: e.link for e in feed.entries}
    assert len(feed.entries) == 2
    assert set(links.values()) == {BASE + "2024/12/14/ports-reopen-after-the-storm/"}


def test_feed_author_is_the_site_author_else_the_site_title(make_digest: Callable[..., Config]) -> None:
    config = make_digest(entries(1), CONFIG.replace("  language: en\n", "  language: en\n  author: Ada Editor\n"))
    build(config)
    assert read_feed(config.output_dir / "atom.xml", BASE).feed.author == "Ada Editor"
    config = make_digest(entries(1))
    build(config)
    assert read_feed(config.output_dir / "atom.xml", BASE).feed.author == "Test Digest"


def test_a_feed_with_no_items_is_dated_at_the_epoch_in_the_site_time_zone(make_digest: Callable[..., Config]) -> None:
    config = make_digest({})
    build(config)
    rss = (config.output_dir / "feed.xml").read_text(encoding="utf-8")
    assert "<lastBuildDate>Thu, 01 Jan 1970 01:00:00 +0100</lastBuildDate>" in rss
    assert "<updated>1970-01-01T01:00:00+01:00</updated>" in (config.output_dir / "atom.xml").read_text(encoding="utf-8")
