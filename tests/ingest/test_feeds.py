"""`digest ingest feed.xml`: one entry per item, idempotent by guid or link, broken feeds half-read."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

from generator.cli import cli
from generator.entries.load import entry_files
from generator.entries.model import Entry
from generator.entries.parse import parse_entry
from generator.ingest.feeds.drafts import feed_drafts
from generator.ingest.feeds.items import read_feed
from generator.ingest.feeds.sniff import is_feed
from tests.ingest import feeds, pages

NOW = "2025-01-02T03:04:05+00:00"
LATER = "2025-01-03T00:00:00+00:00"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "config.yaml").write_text("site:\n  title: T\n  url: https://example.org/\n", encoding="utf-8")
    return tmp_path


def run(site: Path, *args: str, now: str = NOW) -> Result:
    return CliRunner().invoke(cli, ["ingest", "--config", str(site / "config.yaml"), "--now", now, *args], catch_exceptions=False)


def feed_file(site: Path, data: bytes, name: str = "feed.xml") -> str:
    path = site / name
    path.write_bytes(data)
    return str(path)


def entries(site: Path) -> dict[str, Entry]:
    found = {}
    for rel, item in entry_files(site / "content"):
        entry = parse_entry(Path(item.path).read_text(encoding="utf-8"), Path(rel), ZoneInfo("UTC"))
        found[entry.title] = entry
    return found


def files(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sorted((site / "content").rglob("*.md"))}


def test_rss2_items_become_entries_with_their_metadata(site: Path) -> None:
    result = run(site, feed_file(site, feeds.RSS2))
    assert result.exit_code == 0, result.output
    assert "feed.xml: ingested (2 written)" in result.output
    got = entries(site)
    storm = got["Ports reopen after the storm"]
    assert storm.source == "The Harbour Gazette" and storm.kind == "article"
    assert storm.url == "https://gazette.example.com/2024/ports-reopen"
    assert storm.date == dt.datetime(2024, 6, 23, 5, 30, tzinfo=dt.UTC)
    assert storm.authors == ("Ana Ruiz",) and storm.tags == ("Economy", "Shipping")
    assert storm.lang == "en"
    # content:encoded is the body, links made absolute, scripts' links and images gone
    assert "https://gazette.example.com/quays/east" in storm.body and "three days of gales" in storm.body
    assert "javascript" not in storm.body and "photo.jpg" not in storm.body
    assert storm.origin == {"feed": "feed.xml", "item": "gazette-1001", "entry_sha256": storm.origin["entry_sha256"]}  # type: ignore[index]
    ferry = got["Ferry timetable changes for the summer"]
    assert "every forty minutes" in ferry.body and ferry.summary is None  # no content: the description is the body
    assert Path("content/the-harbour-gazette/2024-06-23-ports-reopen-after-the-storm-" + storm.id[:8] + ".md").as_posix() in files(site)


@pytest.mark.parametrize(
    ("data", "title", "source", "check"),
    [
        (feeds.RSS1, "The old mill gets a new roof", "Valley Weekly", lambda e: e.tags == ("Heritage",) and e.date.year == 2024),
        (feeds.RSS091, "Market square to close for repairs", "Old Town Crier", lambda e: e.date is None and "paving" in e.body),
        (feeds.ATOM, "Council approves the tram line", "Northern Ledger", lambda e: e.authors == ("Jo Park", "Sam Lee") and e.tags == ("Transport",)),
        (feeds.JSON_FEED, "Lighthouse keeper retires", "Coast Radio", lambda e: "https://radio.example.com/keepers" in e.body and e.tags == ("People",)),
    ],
)
def test_every_feed_format_is_read(site: Path, data: bytes, title: str, source: str, check: object) -> None:
    result = run(site, feed_file(site, data))
    got = entries(site)
    assert title in got, result.output
    assert got[title].source == source
    assert callable(check) and check(got[title])


def test_atom_dates_html_titles_and_text_content(site: Path) -> None:
    run(site, feed_file(site, feeds.ATOM))
    got = entries(site)
    tram = got["Council approves the tram line"]  # markup in a type="html" title is dropped
    assert tram.date == dt.datetime(2024, 6, 22, 7, 0, tzinfo=dt.UTC)  # published, not updated
    assert tram.summary == "The vote was close."
    assert "A close vote" in tram.body and "ending ten years of debate" in tram.body
    library = got["Library hours extended"]
    assert library.date == dt.datetime(2024, 6, 21, 12, 0, tzinfo=dt.UTC)  # no published: updated
    assert library.body == "The central library will stay open until nine on weekdays.\n\nWeekend hours do not change."


def test_json_feed_item_without_title_gets_a_derived_one_and_bad_items_are_reported(site: Path) -> None:
    result = run(site, feed_file(site, feeds.JSON_FEED, "feed.json"))
    assert result.exit_code == 1
    assert "error: " in result.output and "feed.json: item 3: not an object, skipped" in result.output
    tide = entries(site)["High tides are expected on the weekend"]
    assert tide.title_derived


def test_reading_a_feed_again_changes_nothing(site: Path) -> None:
    path = feed_file(site, feeds.RSS2)
    run(site, path)
    before = files(site)
    again = run(site, path, now=LATER)
    assert again.exit_code == 0
    assert "feed.xml: unchanged (2 unchanged)" in again.output
    assert files(site) == before


def test_an_updated_item_updates_its_entry_in_place_and_keeps_its_added_time(site: Path) -> None:
    run(site, feed_file(site, feeds.RSS2))
    old = entries(site)["Ports reopen after the storm"]
    changed = feeds.STORM.replace("Ports reopen after the storm", "Ports reopen after the great storm").replace("three days", "four days")
    result = run(site, feed_file(site, feeds.rss2(changed + feeds.FERRY)), now=LATER)
    assert "1 updated, 1 unchanged" in result.output, result.output
    got = entries(site)
    assert "Ports reopen after the storm" not in got and len(got) == 2  # one entry per id, never two
    new = got["Ports reopen after the great storm"]
    assert new.id == old.id and new.path == old.path and "four days" in new.body
    assert new.added == old.added


def test_ids_come_from_guid_or_link_not_from_the_text(site: Path) -> None:
    run(site, feed_file(site, feeds.RSS2))
    first = {e.title: e.id for e in entries(site).values()}
    # The same guid and link with other text is the same entry.
    site2 = site / "other"
    site2.mkdir()
    (site2 / "config.yaml").write_text("site:\n  title: T\n  url: https://example.org/\n", encoding="utf-8")
    reworded = feeds.rss2(feeds.STORM.replace("Cranes are moving", "Cranes move") + feeds.FERRY.replace("forty", "thirty"))
    run(site2, feed_file(site2, reworded))
    assert {e.title: e.id for e in entries(site2).values()} == first


def test_a_hand_edited_entry_is_never_overwritten(site: Path) -> None:
    run(site, feed_file(site, feeds.RSS2))
    path = site / "content" / entries(site)["Ports reopen after the storm"].path  # type: ignore[operator]
    edited = path.read_text(encoding="utf-8").replace("three days of gales", "three days of storms (edited)")
    path.write_text(edited, encoding="utf-8")
    changed = feeds.STORM.replace("three days", "four days")
    result = run(site, feed_file(site, feeds.rss2(changed + feeds.FERRY)), now=LATER)
    assert "edited by hand, left alone" in result.output
    assert path.read_text(encoding="utf-8") == edited


def test_a_broken_feed_ingests_its_valid_items_and_reports_the_rest(site: Path) -> None:
    result = run(site, feed_file(site, feeds.BROKEN))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert any("feed is malformed (line " in line for line in lines), result.output
    assert any(line.endswith("feed.xml: item 2: no title or text, skipped") for line in lines)
    assert "Ports reopen after the storm" in entries(site)


def test_a_document_that_is_no_feed_fails_in_one_line(site: Path) -> None:
    result = run(site, feed_file(site, b'<?xml version="1.0"?><rss><channel><title>x</title><item><title>A', "cut.xml"))
    assert result.exit_code == 1
    assert "error: " in result.output and "cut.xml: " in result.output
    bad_json = run(site, feed_file(site, b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "bad.json"))
    assert bad_json.exit_code == 1
    assert "bad.json: not a readable JSON Feed" in bad_json.output


def test_dry_run_writes_nothing(site: Path) -> None:
    result = run(site, "--dry-run", feed_file(site, feeds.ATOM))
    assert "would write: content/northern-ledger/2024-06-22-council-approves-the-tram-line-" in result.output
    assert not (site / "content").exists()


def test_sniffing_tells_feeds_from_pages() -> None:
    assert all(is_feed(data) for data in (feeds.RSS2, feeds.RSS1, feeds.RSS091, feeds.ATOM, feeds.JSON_FEED))
    assert is_feed(b"anything", "application/atom+xml; charset=utf-8")
    assert not is_feed(pages.STANDARD)
    assert not is_feed(b"<!DOCTYPE html><html><head><title>rss</title></head><body><feed></feed></body></html>")
    assert not is_feed(b'{"version": 1, "items": []}')


def test_a_plain_guid_is_scoped_to_its_feed_and_a_url_guid_is_not() -> None:
    def item_id(guid: str, home: str) -> str:
        item = f"<item><title>Tide tables</title><guid isPermaLink='false'>{guid}</guid><description>Spring tides all week.</description></item>"
        data = feeds.rss2(item).replace(b"https://gazette.example.com/", home.encode())
        return feed_drafts(read_feed(data), "feed.xml").entries[0].draft.id

    assert item_id("1001", "https://a.example/") != item_id("1001", "https://b.example/")  # two feeds' item 1001 are two stories
    assert item_id("tag:a.example,2024:1001", "https://a.example/") == item_id("tag:a.example,2024:1001", "https://b.example/")


def test_an_items_text_is_cleaned_by_the_boilerplate_rules_as_a_pages_blocks_are(site: Path) -> None:
    (site / "config.yaml").write_text(
        "site:\n  title: T\n  url: https://example.org/\ningest:\n  boilerplate:\n    - 'The post .+ appeared first on .+\\.'\n", encoding="utf-8"
    )
    content = (
        "<div><p>Cranes are moving again at the east quay after three days of gales closed the harbour.</p>"
        "<p>Sign up for our daily newsletter</p><ul><li>Share</li><li>the cranes on the west quay are next</li></ul>"
        "<p>The post Ports reopen appeared first on The Harbour Gazette.</p></div>"
        "<p>The harbour master expects the backlog to clear within a week.</p>"
        "<p>MORE STORIES FROM The Harbour GazetteView all</p><p>Ferry timetable changes for the summer</p>"
    )
    item = f"<item><title>Ports reopen</title><guid>gazette-7</guid><content:encoded><![CDATA[{content}]]></content:encoded></item>"
    text = "Lighthouse keeper retires after forty years on the rock.\n\nSubscribe now for unlimited access to every story we publish.\n\nShe plans to write a book."
    json_feed = json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "Coast Radio", "items": [{"id": "k1", "title": "Keeper", "content_text": text}]}
    )
    result = run(site, feed_file(site, feeds.rss2(item)), feed_file(site, json_feed.encode(), "feed.json"))
    assert result.exit_code == 0, result.output
    got = entries(site)
    assert got["Ports reopen"].body == (
        "Cranes are moving again at the east quay after three days of gales closed the harbour.\n\n"
        "- the cranes on the west quay are next\n\n"
        "The harbour master expects the backlog to clear within a week."
    )  # the newsletter box, the share button and the user's rule's line gone; the text ends at the "more stories" line
    assert got["Keeper"].body == "Lighthouse keeper retires after forty years on the rock.\n\nShe plans to write a book."
