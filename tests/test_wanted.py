"""The wanted page and feed: teasers whose article is not in the collection, grouped by source, newest first."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import lxml.html

from generator.build import build
from generator.config import Config
from tests.conftest import entry_text, site_files
from tests.feedcheck import read_feed
from tests.test_incremental import clean_build

BASE = "https://news.example.org/digest/"
ARTICLE_URL = "https://gazette.example.com/2024/bridge"


def entries() -> dict[str, str]:
    article = entry_text("Harbour bridge reopens to traffic", id="a1", source="Gazette", url=ARTICLE_URL, added="2024-12-14T07:00:00+00:00")
    by_title = entry_text("Harbour bridge reopens to traffic", body="", id="t1", source="Gazette", kind="teaser", **{"from": "a1"})
    # Another source's teaser whose link is the article: answered by it, whatever its headline.
    by_link = entry_text("Bridge open again", body="", id="t2", source="Courier", kind="teaser", url=ARTICLE_URL + "#top")
    choir = entry_text("School choir wins the county final", body="", id="t3", source="Courier", kind="teaser", summary="'One bus, one trophy'")
    ferry = entry_text(
        "Island ferry returns to its summer timetable", body="", id="t4", source="Gazette", kind="teaser",
        url="https://gazette.example.com/ferry", added="2024-12-14T09:00:00+00:00",
    )  # fmt: skip
    tide = entry_text("Printed tide tables return", body="", id="t5", source="Gazette", kind="teaser", added="2024-12-13T09:00:00+00:00")
    return {"a.md": article, "t1.md": by_title, "t2.md": by_link, "t3.md": choir, "t4.md": ferry, "t5.md": tide}


def wanted_page(config: Config, rel: str = "wanted/index.html") -> lxml.html.HtmlElement:
    return lxml.html.fromstring((config.output_dir / rel).read_bytes())


def listed(page: lxml.html.HtmlElement) -> list[tuple[str, list[str]]]:
    """(source heading, headlines) per group, in page order."""
    return [(s.findtext("h2"), [h.text_content() for h in s.xpath(".//*[@class='headline']")]) for s in page.xpath("//section[@class='wanted-source']")]


def test_the_wanted_page_lists_unanswered_teasers_by_source_newest_first(make_digest: Callable[..., Config]) -> None:
    config = make_digest(entries())
    build(config)
    page = wanted_page(config)
    assert listed(page) == [
        ("Courier", ["School choir wins the county final"]),
        ("Gazette", ["Island ferry returns to its summer timetable", "Printed tide tables return"]),
    ]
    assert page.xpath("//a[@class='headline']/@href") == ["https://gazette.example.com/ferry"]  # a teaser's own link, where it has one
    seen = page.xpath("//span[@class='seen']/a/@href")
    assert "/digest/issues/2024-12-13/#t-t5" in seen  # and where the digest listed it
    assert page.xpath("//nav[@aria-label='Sections']//a[@aria-current]/text()") == ["Wanted"]
    # Answered teasers link to the article instead, the one answered by its link too.
    issue = (config.output_dir / "issues/2024-12-14/index.html").read_text(encoding="utf-8")
    assert re.search(r'href="/digest/2024/12/14/harbour-bridge-reopens-to-traffic/">Bridge open again</a> <span class="badge">full story here', issue)


def test_the_wanted_feed_reads_back_in_every_format(make_digest: Callable[..., Config]) -> None:
    config = make_digest(entries())
    build(config)
    for name in ("feed.xml", "atom.xml"):
        feed = read_feed(config.output_dir / "wanted" / name, BASE)
        assert [e.title for e in feed.entries] == [
            "Island ferry returns to its summer timetable",
            "School choir wins the county final",
            "Printed tide tables return",
        ]
        assert feed.entries[0].link == BASE + "issues/2024-12-14/#t-t4"
        assert feed.feed.link == BASE + "wanted/"
    json_feed = (config.output_dir / "wanted/feed.json").read_text(encoding="utf-8")
    items = json.loads(json_feed)["items"]
    assert items[0]["title"] == "Island ferry returns to its summer timetable" and items[0]["external_url"] == "https://gazette.example.com/ferry"
    home = (config.output_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="/digest/wanted/">Wanted</a>' in home


def test_a_teaser_answered_later_drops_off_on_the_next_build(make_digest: Callable[..., Config]) -> None:
    config = make_digest(entries())
    build(config)
    build(config)  # the spare tree exists: the next build is incremental
    fetched = entry_text(
        "Ferry timetable: summer sailings back from Friday", id="a2", source="Gazette", added="2024-12-16T07:00:00+00:00",
        origin="{url: 'https://gazette.example.com/ferry'}",
    )  # fmt: skip
    config = make_digest({"a2.md": fetched})
    build(config)
    assert listed(wanted_page(config))[1] == ("Gazette", ["Printed tide tables return"])
    issue = (config.output_dir / "issues/2024-12-14/index.html").read_text(encoding="utf-8")
    assert 'href="/digest/2024/12/16/ferry-timetable-summer-sailings-back-from-friday/">Island ferry returns' in issue
    assert config.output_dir.joinpath("wanted/feed.xml").read_bytes().count(b"<item>") == 2
    root = config.path.parent
    assert clean_build(root, root.parent / "clean") == site_files(config.output_dir)
    (config.content_dir / "a2.md").unlink()  # and it is wanted again once that article is gone
    build(config)
    assert "Island ferry returns" in wanted_page(config).text_content()
    assert clean_build(root, root.parent / "clean") == site_files(config.output_dir)


def test_nothing_wanted_is_said_and_the_page_and_feed_still_exist(make_digest: Callable[..., Config]) -> None:
    config = make_digest({"a.md": entries()["a.md"], "t1.md": entries()["t1.md"]})
    build(config)
    assert listed(wanted_page(config)) == []
    assert "Nothing is wanted" in wanted_page(config).text_content()
    assert read_feed(config.output_dir / "wanted/feed.xml", BASE).entries == []


def test_wanted_pages_are_paginated_with_groups_on_each(make_digest: Callable[..., Config]) -> None:
    teasers = {
        f"t{i}.md": entry_text(f"Wanted story number {i}", body="", id=f"w{i}", source="Gazette", kind="teaser", added=f"2024-12-1{i}T08:00:00+00:00")
        for i in range(5)
    }
    config = make_digest(teasers, "site:\n  title: T\n  url: https://news.example.org/digest/\ndigest:\n  per_page: 2\n")
    build(config)
    assert listed(wanted_page(config)) == [("Gazette", ["Wanted story number 4", "Wanted story number 3"])]
    assert listed(wanted_page(config, "wanted/page/3/index.html")) == [("Gazette", ["Wanted story number 0"])]
