"""`digest ingest` of HTML files end to end: discovery, gzip, explain, idempotence, errors."""

from __future__ import annotations

import gzip
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator.entries.parse import parse_entry
from tests.ingest.html import pages
from tests.ingest.test_cli import run, written

CONFIG = "site:\n  title: T\n  url: https://example.org/\ningest:\n  max_bytes: 200000\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "config.yaml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "raw").mkdir()
    return tmp_path


def variant(n: int) -> str:
    """The article page with its own headline, canonical URL and first paragraph, so each file is its own story."""
    page = pages.article(canonical=f"https://courier.example.org/news/{n}", related="")
    return page.replace("Lowmouth bridge reopens after eight months", f"Story number {n} of the day").replace("Saturday", f"day {n}")


def test_html_files_in_a_folder_are_found_and_ingested(site: Path) -> None:
    raw = site / "raw"
    (raw / "a.html").write_text(variant(1), encoding="utf-8")
    (raw / "b.htm").write_text(variant(2), encoding="utf-8")
    (raw / "c.xhtml").write_text(variant(3), encoding="utf-8")
    (raw / "d.html.gz").write_bytes(gzip.compress(variant(4).encode()))
    (raw / "e.txt").write_text(variant(5), encoding="utf-8")  # HTML saved under a text name
    (raw / "notes.md").write_text(variant(6), encoding="utf-8")  # not a page file
    result = run(site, str(raw))
    assert result.exit_code == 0, result.output
    assert "5 pages: 5 ingested, 0 unchanged, 0 skipped, 0 failed" in result.output
    entries = [parse_entry(text, path, ZoneInfo("UTC")) for path, text in written(site).items()]
    assert sorted(e.title for e in entries) == [f"Story number {n} of the day" for n in range(1, 6)]
    first = next(e for e in entries if e.title == "Story number 1 of the day")
    assert first.url == "https://courier.example.org/news/1" and first.source == "The Lowmouth Courier"
    assert first.image == "https://courier.example.org/images/bridge-lead.jpg" and "image" not in first.extra
    assert first.origin is not None and first.origin["format"] == "html" and first.origin["file"] == "a.html"
    assert "## What was repaired" in first.body


def test_html_page_with_teasers_writes_them_and_a_rerun_changes_nothing(site: Path) -> None:
    (site / "raw" / "page.html").write_text(pages.article(), encoding="utf-8")
    assert run(site, str(site / "raw")).exit_code == 0
    before = written(site)
    assert sum("/teasers/" in p.as_posix() for p in before) == 2 and len(before) == 3
    again = run(site, str(site / "raw"))
    assert "1 page: 0 ingested, 1 unchanged" in again.output
    assert written(site) == before


def test_explain_shows_each_block_with_its_label(site: Path) -> None:
    page = site / "raw" / "page.html"
    page.write_text(pages.article(), encoding="utf-8")
    result = run(site, "--explain", str(page))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert " 1  title                      Lowmouth bridge reopens after eight months" in lines
    assert any(line.split()[1:3] == ["boilerplate(newsletter)", "Sign"] for line in lines)
    assert any(line.split()[1:3] == ["teaser(title)", "Town"] for line in lines)
    assert lines[-1].startswith("-- platform generic, ui_lang -, source The Lowmouth Courier, edition -, date 2024-06-23, 7 paragraphs, 2 teasers")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("cut.html.gz", gzip.compress(pages.article().encode())[:200], "gzip file is cut short"),
        ("bad.html.gz", b"\x1f\x8b\x08\x00garbage-not-deflate", "not a readable gzip file"),
        ("bomb.html.gz", gzip.compress(b"<p>" + b"a" * 300_000), "file is over the 200,000-byte limit once decompressed"),
        ("empty.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no article text found"),
    ],
)
def test_bad_html_input_is_one_error_line_naming_the_file(site: Path, name: str, data: bytes, reason: str) -> None:
    path = site / "raw" / name
    path.write_bytes(data)
    result = run(site, str(site / "raw"))
    assert result.exit_code != 0
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {path}: {reason}"), result.output
    assert written(site) == {}


def test_a_listing_page_writes_its_teasers_only(site: Path) -> None:
    (site / "raw" / "front.html").write_text(pages.listing(), encoding="utf-8")
    result = run(site, str(site / "raw"))
    assert result.exit_code == 0, result.output
    files = written(site)
    assert len(files) == 5 and all("/teasers/" in p.as_posix() for p in files)
