"""Every feed (site, per source, per tag; RSS, Atom, JSON Feed) read back and checked against its spec."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from generator.build import build
from generator.config import Config, load_config
from generator.render import feedhtml as feedhtml_module
from generator.render import markdown as markdown_module
from tests.conftest import CONFIG, ROOT, entry_text
from tests.feedcheck import read_feed
from tests.feedspec import check_atom, check_json_feed, check_rss

BASE = "https://news.example.org/digest/"
FEED_FILES = ("feed.xml", "atom.xml", "feed.json")


@dataclass(frozen=True)
class Item:
    """What a reader shows of one item, whatever the format."""

    title: str
    link: str
    id: str
    summary: str
    content: str


def read_items(path: Path, base: str) -> list[Item]:
    """Items via feedparser (RSS, Atom; checked there) or json (feedparser 6.0 has no JSON Feed)."""
    if path.suffix == ".json":
        items = check_json_feed(path)["items"]
        return [Item(i["title"], i["url"], i["id"], i.get("summary", ""), i.get("content_html", "")) for i in items]
    entries = read_feed(path, base).entries
    return [Item(e.title, e.link, e.id, e.get("summary", ""), e.content[0].value if e.get("content") else "") for e in entries]


def check_all_feeds(site: Path, base: str) -> dict[str, int]:
    """Check every feed folder under `site`; returns {folder: item count}."""
    counts: dict[str, int] = {}
    for rss in sorted(site.rglob("feed.xml")):
        folder = rss.parent
        assert all((folder / name).is_file() for name in FEED_FILES), folder
        items = check_rss(rss)
        assert len(check_atom(folder / "atom.xml")) == len(items)
        assert len(check_json_feed(folder / "feed.json")["items"]) == len(items)
        readings = [read_items(folder / name, base) for name in FEED_FILES]
        assert [[(i.title, i.link, i.id) for i in r] for r in readings[1:]] == [[(i.title, i.link, i.id) for i in readings[0]]] * 2, folder
        counts[folder.relative_to(site).as_posix()] = len(items)
    return counts


def test_example_site_feeds_pass_every_check(tmp_path: Path) -> None:
    config = load_config(ROOT / "config.yaml").with_output(tmp_path / "site")
    build(config)
    counts = check_all_feeds(config.output_dir, config.base_url)
    assert "." in counts and any(k.startswith("sources/") for k in counts) and any(k.startswith("tags/") for k in counts)
    assert all(n > 0 for n in counts.values()), counts


def story(i: int, **fields: object) -> str:
    fields = {"id": f"id{i}", "added": f"2024-12-{10 + i:02d}T08:00:00+00:00", "source": "Gazette", "tags": "[economy]", **fields}
    return entry_text(f"Story {i}", body=f"Paragraph *{i}*, [see](../notes/{i}.html), ![chart](img/{i}.png), [x](https://example.org/{i}).", **fields)


def test_source_and_tag_feeds_hold_only_their_entries(make_digest: Callable[..., Config]) -> None:
    config = make_digest({"a.md": story(1), "b.md": story(2, source="Courier", tags="[sport, 'Économie locale']")})
    build(config)
    counts = check_all_feeds(config.output_dir, BASE)
    assert counts == {".": 2, "sources/courier": 1, "sources/gazette": 1, "tags/economy": 1, "tags/sport": 1, "tags/economie-locale": 1, "wanted": 0}
    feed = read_feed(config.output_dir / "sources/courier/atom.xml", BASE)
    assert [e.title for e in feed.entries] == ["Story 2"]
    assert feed.feed.link == BASE + "sources/courier/"
    assert "Courier" in feed.feed.title


def test_content_urls_are_absolute_against_the_entry_page(make_digest: Callable[..., Config]) -> None:
    config = make_digest({"a.md": story(4)})
    build(config)
    page = BASE + "2024/12/14/story-4/"
    expected = ['href="https://news.example.org/digest/2024/12/14/notes/4.html"', 'src="' + page + 'img/4.png"', 'href="https://example.org/4"']
    for name in FEED_FILES:
        content = read_items(config.output_dir / name, BASE)[0].content
        assert all(e in content for e in expected), (name, content)
    item = json.loads((config.output_dir / "feed.json").read_bytes())["items"][0]
    assert item["summary"].startswith("Paragraph 4") and item["url"] == page


def test_teasers_link_to_their_anchor_and_can_be_switched_off(make_digest: Callable[..., Config]) -> None:
    teaser = entry_text("A teaser", kind="teaser", summary="Its dek", id="t1", added="2024-12-14T07:00:00+00:00", source="Gazette", body="")
    config = make_digest({"a.md": story(4), "t.md": teaser})
    build(config)
    for name in FEED_FILES:
        items = {e.title: e for e in read_items(config.output_dir / "sources/gazette" / name, BASE)}
        assert items["A teaser"].link == BASE + "issues/2024-12-14/#t-t1"
        assert items["A teaser"].summary == "Its dek" and not items["A teaser"].content
    assert json.loads((config.output_dir / "feed.json").read_bytes())["items"][1]["content_text"] == "Its dek"
    config = make_digest({"a.md": story(4), "t.md": teaser}, CONFIG + "feeds: {teasers: false, full_content: false}\n")
    build(config)
    for name in FEED_FILES:
        assert [e.title for e in read_items(config.output_dir / name, BASE)] == ["Story 4"], name
    assert "content:encoded" not in (config.output_dir / "feed.xml").read_text()
    assert "content_html" not in (config.output_dir / "feed.json").read_text()


def test_every_feed_file_is_byte_identical_on_rebuild(make_digest: Callable[..., Config]) -> None:
    config = make_digest({f"{i}.md": story(i) for i in range(3)})
    build(config)
    snapshot = {p: p.read_bytes() for p in config.output_dir.rglob("*") if p.name in FEED_FILES}
    assert len(snapshot) == 4 * 3  # site, source, tag, wanted
    time.sleep(1.1)
    build(config)
    assert {p: p.read_bytes() for p in config.output_dir.rglob("*") if p.name in FEED_FILES} == snapshot


def test_channel_dates_come_from_each_feeds_newest_item(make_digest: Callable[..., Config]) -> None:
    config = make_digest({"a.md": story(1, source="Old"), "b.md": story(5)})
    build(config)
    assert "<lastBuildDate>Wed, 11 Dec 2024 09:00:00 +0100</lastBuildDate>" in (config.output_dir / "sources/old/feed.xml").read_text()
    assert "<updated>2024-12-15T09:00:00+01:00</updated>" in (config.output_dir / "atom.xml").read_text()
    assert json.loads((config.output_dir / "feed.json").read_bytes())["items"][0]["date_published"] == "2024-12-15T09:00:00+01:00"


def test_each_body_is_rendered_once_per_build(make_digest: Callable[..., Config], monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = feedhtml_module.page_and_feed_html
    monkeypatch.setattr(feedhtml_module, "page_and_feed_html", lambda body, url: calls.append(url) or real(body, url))
    config = make_digest({f"{i}.md": story(i, tags="[a, b, c]") for i in range(4)})
    build(config)
    assert len(calls) == 4  # each appears on its page and in 5 feeds (site, source, three tags) × 3 formats


def test_each_body_is_parsed_once_for_its_page_and_every_feed(make_digest: Callable[..., Config], monkeypatch: pytest.MonkeyPatch) -> None:
    """The article page and the feeds share one markdown parse of the body (in one process; a small site is built in one)."""
    md = markdown_module._parser()
    parsed: list[str] = []
    real = md.parse
    monkeypatch.setattr(md, "parse", lambda src, env=None: parsed.append(src) or real(src, env))
    bodies = {i: f"First paragraph {i}.\n\nSecond, with [a relative link](../notes/{i}.html) and ![a chart](img/{i}.png)." for i in range(4)}
    config = make_digest({f"{i}.md": entry_text(f"Story {i}", body=body, id=f"id{i}", tags="[a, b]") for i, body in bodies.items()})
    build(config)
    assert sorted(src for src in parsed if src.strip() in bodies.values()) == sorted(bodies.values())
    item = read_items(config.output_dir / "tags/a/atom.xml", BASE)[0]
    assert (
        'href="https://news.example.org/digest/2024/12/14/notes/' in item.content and 'src="https://news.example.org/digest/2024/12/14/story-' in item.content
    )
    page = (config.output_dir / "2024/12/14/story-3/index.html").read_text(encoding="utf-8")
    assert 'href="../notes/3.html"' in page and 'src="img/3.png"' in page  # the page keeps them as written


HOSTILE_CONFIG = (
    CONFIG.replace("title: Test Digest", 'title: "Test\\x01 Digest\\uFFFE"').replace(
        "description: A digest used by the tests.", 'description: "bell\\x07 and \\x1b[31m escape"'
    )
    + "feeds: {limit: 10}\n"
)


def test_xml_illegal_characters_never_break_a_feed(make_digest: Callable[..., Config]) -> None:
    front = r"""---
title: "Ctrl\x02 title\x0b"
id: "id\x03with\x1fcontrols"
summary: "sum\x0cmary"
tags: ["tag\x04", "ok"]
authors: ["Au\x05thor"]
source: "So\x06urce"
added: 2024-12-14T08:30:00+00:00
---
"""
    body = "Body with \x01 \x08 \x1f \x7f \ufffe raw controls, entities &#1; &#x0; &#xFFFF; &#xD800; and <script>alert(1)</script>\n"
    hostile = {"a.md": front + body, "t.md": entry_text("Teaser", kind="teaser", id='"t\\x01x"', source="Gazette", body="")}
    config = make_digest(hostile, HOSTILE_CONFIG)
    build(config)
    check_all_feeds(config.output_dir, BASE)
    rss = (config.output_dir / "feed.xml").read_text(encoding="utf-8")
    assert "<title>Test Digest</title>" in rss and "&amp;lt;script&amp;gt;" in rss
    feed = read_feed(config.output_dir / "atom.xml", BASE)
    assert {e.title for e in feed.entries} == {"Ctrl title", "Teaser"}


def _shown(detail: Any) -> str:
    """The text a reader shows for a feedparser text construct: HTML is rendered, plain text is not."""
    if detail["type"] != "text/html":
        return str(detail["value"])
    parser = _Text()
    parser.feed(detail["value"])
    return "".join(parser.parts)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_channel_and_item_descriptions_show_the_text_as_written(make_digest: Callable[..., Config]) -> None:
    """`<b>` in a source name or summary is text: every description shows it, not bold type."""
    config = make_digest(
        {"a.md": entry_text("Fish", source="'A & B <b>x</b>'", summary="'S & <b>s</b>'", id="a1")},
        CONFIG.replace("A digest used by the tests.", "'Tom & Jerry <b>bold</b>'"),
    )
    build(config)
    for folder, subtitle in (("", "Tom & Jerry <b>bold</b>"), ("sources/a-b-b-x-b/", "A & B <b>x</b> in Test Digest")):
        for name in ("feed.xml", "atom.xml"):
            feed = read_feed(config.output_dir / folder / name, BASE)
            assert _shown(feed.feed.subtitle_detail) == subtitle, (folder, name)
            assert _shown(feed.entries[0].summary_detail) == "S & <b>s</b>", (folder, name)
