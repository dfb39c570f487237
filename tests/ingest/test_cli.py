"""`digest ingest` end to end through the Click command."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

from generator.cli import cli
from generator.entries.load import entry_files
from generator.entries.parse import parse_entry
from tests.ingest import feeds, pages
from tests.ingest.html import pages as html_pages

NOW = "2025-01-02T03:04:05+00:00"
CONFIG = "site:\n  title: T\n  url: https://example.org/\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "config.yaml").write_text(CONFIG, encoding="utf-8")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "bridge.txt").write_bytes(pages.STANDARD)
    return tmp_path


def run(site: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["ingest", "--config", str(site / "config.yaml"), "--now", NOW, *args], catch_exceptions=False)


def written(site: Path) -> dict[Path, str]:
    content = site / "content"
    return {Path(rel): Path(item.path).read_text(encoding="utf-8") for rel, item in entry_files(content)} if content.exists() else {}


def test_ingest_writes_entries_that_load(site: Path) -> None:
    result = run(site, str(site / "raw"))
    assert result.exit_code == 0, result.output
    assert "1 page: 1 ingested, 0 unchanged, 0 skipped, 0 failed" in result.output
    files = written(site)
    assert len(files) == 3  # one article, two teasers
    entries = [parse_entry(text, path, ZoneInfo("UTC")) for path, text in files.items()]
    article = next(e for e in entries if e.kind == "article")
    assert article.source == "The Lowmouth Courier" and article.added is not None and article.added.isoformat() == NOW
    assert article.origin and article.origin["file"] == "bridge.txt" and article.origin["platform"] == "magzter"
    assert {e.from_id for e in entries if e.kind == "teaser"} == {article.id}
    assert Path("the-lowmouth-courier") in {p.parents[len(p.parents) - 2] for p in files}


def test_reingest_changes_nothing_and_says_so(site: Path) -> None:
    run(site, str(site / "raw"))
    before = written(site)
    again = CliRunner().invoke(cli, ["ingest", "--config", str(site / "config.yaml"), "--now", "2030-01-01T00:00:00+00:00", str(site / "raw")])
    assert again.exit_code == 0
    assert "unchanged" in again.output and "0 ingested, 1 unchanged" in again.output
    assert written(site) == before


def test_hand_edited_entry_left_alone(site: Path) -> None:
    run(site, str(site / "raw"))
    content = site / "content"
    article = next(Path(item.path) for rel, item in entry_files(content) if not rel.startswith("teasers/") and "/teasers/" not in rel)
    edited = article.read_text(encoding="utf-8").replace("Ferry crews", "Ferry staff")
    article.write_text(edited, encoding="utf-8")
    result = run(site, str(site / "raw"))
    assert result.exit_code == 0
    assert "edited by hand, left alone" in result.output and article.name in result.output
    assert article.read_text(encoding="utf-8") == edited


def test_dry_run_writes_nothing(site: Path) -> None:
    result = run(site, "--dry-run", str(site / "raw"))
    assert result.exit_code == 0
    assert "would write" in result.output and "nothing written" in result.output
    assert "bridge.txt: would ingest (" in result.output
    assert result.output.endswith("dry run, nothing written: 1 page: 1 would ingest, 0 unchanged, 0 skipped, 0 failed\n")
    assert not (site / "content").exists()


def test_json_lines(site: Path) -> None:
    result = CliRunner().invoke(cli, ["ingest", "--config", str(site / "config.yaml"), "--now", NOW, "--json", str(site / "raw")])
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["kind"] for r in records] == ["article", "teaser", "teaser"]
    article = records[0]
    assert article["date"] == "2024-06-23" and article["added"] == NOW and article["edition"] == "June 23, 2024"
    assert article["body"].split("\n\n") == pages.ARTICLE and article["lang"] == "en"
    assert records[1]["from"] == article["id"]
    assert result.stderr == "nothing written: 1 page: 1 would ingest, 0 unchanged, 0 skipped, 0 failed\n"
    assert not (site / "content").exists()


def test_explain_labels_every_line(site: Path) -> None:
    result = run(site, "--explain", str(site / "raw" / "bridge.txt"))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == pages.STANDARD.decode().count("\n") + 1  # plus the closing summary
    assert "boilerplate(story_from)" in lines[4] and "body" in lines[0] and "teaser(title)" in lines[10]
    assert "source The Lowmouth Courier" in lines[-1]


def test_failing_pages_among_good_ones(site: Path) -> None:
    raw = site / "raw"
    (raw / "empty.txt").write_bytes(b"")
    (raw / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (raw / "only-boilerplate.txt").write_bytes(pages.page(pages.PLATFORM_BLOCK))
    (site / "config.yaml").write_text(CONFIG + "ingest:\n  max_bytes: 2000\n", encoding="utf-8")
    (raw / "huge.txt").write_bytes(pages.page(pages.ARTICLE * 10))
    result = run(site, str(raw))
    assert result.exit_code == 1
    assert "5 pages: 1 ingested, 0 unchanged, 0 skipped, 4 failed" in result.output
    for name, reason in [
        ("empty.txt", "empty"),
        ("image.txt", "binary"),
        ("only-boilerplate.txt", "no article text"),
        ("huge.txt", "over the 2,000-byte limit"),
    ]:
        assert any(name in line and reason in line for line in result.output.splitlines()), name
    assert len(written(site)) == 3


def test_user_patterns_from_config(site: Path) -> None:
    (site / "config.yaml").write_text(
        CONFIG + "ingest:\n  boilerplate:\n    - 'Listen to this story \\(\\d+ min\\)'\n    - {name: promo, pattern: 'Lowmouth Courier app: .*'}\n",
        encoding="utf-8",
    )
    (site / "raw" / "bridge.txt").write_bytes(pages.page(["Listen to this story (4 min)"], pages.ARTICLE, ["Lowmouth Courier app: read it anywhere"]))
    result = run(site, "--explain", str(site / "raw" / "bridge.txt"))
    assert "boilerplate(user)" in result.output.splitlines()[0] and "boilerplate(promo)" in result.output.splitlines()[5]


def test_bad_user_pattern_is_a_config_error(site: Path) -> None:
    (site / "config.yaml").write_text(CONFIG + "ingest:\n  boilerplate: ['(unclosed']\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", "--config", str(site / "config.yaml"), str(site / "raw")])
    assert result.exit_code == 2 and "invalid regular expression" in result.output


@pytest.mark.skipif(not (Path(__file__).parent / "corpus").is_dir(), reason="no corpus")
def test_whole_corpus_writes_loadable_entries(site: Path) -> None:
    corpus = Path(__file__).parent / "corpus"
    result = run(site, str(corpus))
    assert result.exit_code == 1  # the corpus holds pages that must be rejected
    failed = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert failed and all(".txt: " in line for line in failed)
    files = written(site)
    entries = [parse_entry(text, path, ZoneInfo("UTC")) for path, text in files.items()]
    assert len({e.id for e in entries}) == len(entries)
    again = run(site, str(corpus))
    assert "0 ingested" in again.output and written(site) == files


def test_ingesting_on_several_cores_writes_and_reports_what_one_process_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.ingest import run as ingest_run

    def raw_pages(root: Path) -> Path:
        raw = root / "raw"
        raw.mkdir(parents=True)
        (root / "config.yaml").write_text(CONFIG, encoding="utf-8")
        for n in range(8):
            article = [line.replace("Lowmouth", f"Lowmouth {n}") for line in pages.ARTICLE]
            (raw / f"page-{n}.txt").write_bytes(pages.page(article, pages.PLATFORM_BLOCK, pages.TEASERS_A, pages.TEASERS_C))
        (raw / "page-3b.txt").write_bytes((raw / "page-1.txt").read_bytes())  # scraped twice: found written
        (raw / "page-6b.txt").write_bytes(b"")  # a failure among them
        return root

    one, several = raw_pages(tmp_path / "one"), raw_pages(tmp_path / "several")
    alone = run(one, "--jobs", "1", str(one / "raw"))
    monkeypatch.setattr(ingest_run, "PARALLEL_MIN", 2)
    monkeypatch.setattr(ingest_run, "CHUNK", 1)  # ten chunks: this process takes some while the worker has others
    shared = run(several, "--jobs", "2", str(several / "raw"))
    assert alone.exit_code == shared.exit_code == 1
    assert shared.output.replace(str(several), str(one)) == alone.output
    assert "10 pages: 8 ingested, 1 unchanged, 0 skipped, 1 failed" in alone.output and "page-3b.txt: unchanged" in alone.output
    assert written(several) == written(one) and len(written(one)) == 8 * 4


def test_bidi_controls_never_reach_an_entry(site: Path) -> None:
    """A title like "invoice\u202egnp.exe" shows as "invoiceexe.png": ingest drops every embedding, override and isolate."""
    spoofed = [line.replace("Lowmouth", "Low\u202emouth\u202c") for line in pages.ARTICLE]
    teasers = ["Town \u2066hall\u2069 clock stops again", *pages.TEASERS_A[1:]]
    (site / "raw" / "bridge.txt").write_bytes(pages.page(spoofed, pages.PLATFORM_BLOCK, teasers))
    result = run(site, str(site / "raw"))
    assert result.exit_code == 0, result.output
    files = written(site)
    assert len(files) >= 2 and any("Lowmouth reopened" in text for text in files.values())
    assert [path for path, text in files.items() if any(0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in text)] == []


def test_bidi_controls_of_html_pages_and_feeds_never_reach_an_entry(site: Path) -> None:
    """HTML and feeds are not decoded line by line as text pages are, and bring controls as characters or references."""
    (site / "raw" / "bridge.txt").unlink()
    rlo, pdi = "\u202e", "&#x2069;"
    ld = {
        **html_pages.LD,
        "headline": f"Lowmouth bridge{rlo} reopens after eight months",
        "publisher": {"@type": "Organization", "name": f"The {rlo}Lowmouth Courier"},
    }
    page = html_pages.article(
        ld=ld,
        canonical=f"https://courier.example.org/news/bridge{rlo}gnp.exe",
        body_extra=f"<p>Spoofed <a href='https://example.org/invoice{rlo}gnp.exe'>invoice&#x202E;gnp.exe</a> and \u2066isolated{pdi} words.</p>",
    )
    (site / "raw" / "bridge.html").write_text(page, encoding="utf-8")
    item = feeds.STORM.replace("Ports reopen", "Ports&#x202E; reopen").replace("east quay</a>", "east\u202d quay</a>").replace("Ana Ruiz", "Ana \u202eRuiz")
    (site / "raw" / "gazette.xml").write_bytes(feeds.rss2(item))
    result = run(site, str(site / "raw" / "bridge.html"), str(site / "raw" / "gazette.xml"))
    assert result.exit_code == 0, result.output
    files = written(site)
    assert any("Spoofed [invoice" in text for text in files.values()) and any("Ports reopen" in text for text in files.values()), files
    assert [path for path, text in files.items() if any(0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in text)] == []
    assert any("url: https://courier.example.org/news/bridge%E2%80%AEgnp.exe\n" in text for text in files.values())  # the link still leads there
    checked = check(site)
    assert checked.exit_code == 0, checked.output


def check(site: Path) -> Result:
    return CliRunner().invoke(cli, ["check", "--config", str(site / "config.yaml")], catch_exceptions=False)


def article_file(site: Path) -> Path:
    return next(Path(item.path) for rel, item in entry_files(site / "content") if "teasers/" not in rel)


def test_an_edited_entry_moved_to_another_folder_is_found_there_and_left_alone(site: Path) -> None:
    run(site, str(site / "raw"))
    article = article_file(site)
    moved = site / "content" / "archive" / "2024" / article.name
    moved.parent.mkdir(parents=True)
    edited = article.read_text(encoding="utf-8").replace("Ferry crews", "Ferry staff")
    moved.write_text(edited, encoding="utf-8")
    article.unlink()
    result = run(site, str(site / "raw"))
    assert result.exit_code == 0, result.output
    assert f"edited by hand, left alone: content/archive/2024/{article.name}" in result.output
    assert not article.exists() and moved.read_text(encoding="utf-8") == edited
    checked = check(site)
    assert checked.exit_code == 0, checked.output


def as_an_older_ingest_wrote_it(text: str, old: str, new: str) -> str:
    """The entry with `old` replaced and its hash line made to match again: not a hand edit."""
    unsigned = re.sub(r"^  entry_sha256: [0-9a-f]{64}\n", "", text, flags=re.MULTILINE).replace(old, new)
    digest = hashlib.sha256(unsigned.encode()).hexdigest()
    return unsigned.replace("\n---\n", f"\n  entry_sha256: {digest}\n---\n", 1)


def test_an_unedited_entry_moved_and_renamed_stays_where_it_now_is(site: Path) -> None:
    run(site, str(site / "raw"))
    article = article_file(site)
    moved = site / "content" / "kept" / "bridge-story.md"
    moved.parent.mkdir()
    article.rename(moved)
    again = run(site, str(site / "raw"))
    assert again.exit_code == 0, again.output
    assert "1 page: 0 ingested, 1 unchanged" in again.output and not article.exists()
    moved.write_text(as_an_older_ingest_wrote_it(moved.read_text(encoding="utf-8"), "lang: en", "lang: nl"), encoding="utf-8")
    updated = run(site, str(site / "raw"))
    assert "1 page: 1 ingested" in updated.output and "(1 updated, 2 unchanged)" in updated.output
    assert not article.exists() and "lang: en" in moved.read_text(encoding="utf-8")
    assert len(written(site)) == 3
    checked = check(site)
    assert checked.exit_code == 0, checked.output


def test_temp_files_of_killed_ingests_are_removed_and_nothing_else(site: Path) -> None:
    folder = site / "content" / "the-lowmouth-courier"
    folder.mkdir(parents=True)
    stale = [folder / ".2024-06-23-bridge-0123abcd.md.0badf00d.tmp", site / "content" / ".x.md.deadbeef.tmp"]
    others = [folder / ".notes.md.tmp", folder / ".a.md.0badf00d.tmp.bak", folder / "a.md.0badf00d.tmp", folder / ".a.txt.0badf00d.tmp"]
    for path in stale + others:
        path.write_text("half an entry", encoding="utf-8")
    dry = run(site, "--dry-run", str(site / "raw"))
    assert dry.exit_code == 0 and all(path.exists() for path in stale)  # a dry run writes nothing, and removes nothing
    result = run(site, str(site / "raw"))
    assert result.exit_code == 0, result.output
    assert [path for path in stale if path.exists()] == [] and all(path.exists() for path in others)


def test_while_another_ingest_writes_only_old_temp_files_are_removed(site: Path) -> None:
    folder = site / "content" / "src"
    folder.mkdir(parents=True)
    fresh, old = folder / ".a-0123abcd.md.0badf00d.tmp", folder / ".b-0123abcd.md.0badf00d.tmp"
    for path in (fresh, old):
        path.write_text("half an entry", encoding="utf-8")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    other = os.open(site / "content", os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(other, fcntl.LOCK_SH)  # as a running ingest holds it
        result = run(site, str(site / "raw"))
    finally:
        os.close(other)
    assert result.exit_code == 0, result.output
    assert fresh.exists() and not old.exists()
