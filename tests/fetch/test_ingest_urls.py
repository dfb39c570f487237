"""`digest ingest https://…` against a real local server: feeds and pages told apart, errors in one line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from generator.cli import cli
from tests.fetch.conftest import load_entries
from tests.ingest import feeds, pages

NOW = "2025-01-02T03:04:05+00:00"
CONFIG = """\
site:
  title: T
  url: https://example.org/
fetch:
  user_agent: digest-test/1.0
  timeout: 0.5
  delay: 0
  retries: 1
  max_retry_wait: 0
ingest:
  max_bytes: 50000
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "config.yaml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def run(site: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["ingest", "--config", str(site / "config.yaml"), "--now", NOW, *args], catch_exceptions=False)


@pytest.mark.parametrize("content_type", ["application/rss+xml", "text/xml", "application/octet-stream"])
def test_a_feed_url_is_told_from_a_page_and_ingested(site: Path, web: HTTPServer, content_type: str) -> None:
    web.expect_request("/feed").respond_with_data(feeds.RSS2, content_type=content_type)
    url = web.url_for("/feed")
    result = run(site, url)
    assert result.exit_code == 0, result.output
    assert f"{url}: ingested (2 written)" in result.output
    storm = load_entries(site)["Ports reopen after the storm"]
    assert storm.origin is not None and storm.origin["feed"] == url


def test_a_json_feed_url(site: Path, web: HTTPServer) -> None:
    web.expect_request("/feed.json").respond_with_data(feeds.JSON_FEED, content_type="application/feed+json")
    run(site, web.url_for("/feed.json"))
    assert "Lighthouse keeper retires" in load_entries(site)


def test_a_text_page_url_in_a_declared_charset(site: Path, web: HTTPServer) -> None:
    text = pages.STANDARD.decode("utf-8").replace("bridge", "brücke").encode("iso-8859-1", errors="replace")
    web.expect_request("/story").respond_with_data(text, content_type="text/plain; charset=iso-8859-1")
    url = web.url_for("/story")
    result = run(site, url)
    assert result.exit_code == 0, result.output
    article = next(e for e in load_entries(site).values() if e.kind == "article")
    assert "brücke" in article.body
    assert article.origin is not None and article.origin["url"] == url and "file" not in article.origin


def test_network_errors_are_one_line_naming_the_url_and_others_still_ingested(site: Path, web: HTTPServer) -> None:
    web.expect_request("/missing").respond_with_data("no", status=404)
    web.expect_request("/broken").respond_with_data("oops", status=500)
    web.expect_request("/big").respond_with_data(b"x" * 60_000, content_type="text/plain")
    web.expect_request("/feed").respond_with_data(feeds.ATOM, content_type="application/atom+xml")
    urls = [web.url_for(p) for p in ("/missing", "/broken", "/big", "/feed")]
    result = run(site, *urls, "http://127.0.0.1:9/refused")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert errors[:3] == [
        f"error: {urls[0]}: HTTP 404 NOT FOUND",
        f"error: {urls[1]}: HTTP 500 INTERNAL SERVER ERROR",
        f"error: {urls[2]}: body is 60,000 bytes, over the 50,000-byte limit (ingest.max_bytes)",
    ]
    assert errors[3].startswith("error: http://127.0.0.1:9/refused: cannot connect: ")
    assert len(errors) == 4
    assert "Council approves the tram line" in load_entries(site)
    assert "5 pages: 1 ingested, 0 unchanged, 0 skipped, 4 failed" in result.output


def test_robots_txt_that_disallows_is_respected(site: Path, web: HTTPServer) -> None:
    web.clear()
    web.expect_request("/robots.txt").respond_with_data("User-agent: digest-test\nDisallow: /\n")
    web.expect_request("/feed").respond_with_data(feeds.RSS2, content_type="application/rss+xml")
    result = run(site, web.url_for("/feed"))
    assert result.exit_code == 1
    assert f"error: {web.url_for('/feed')}: disallowed by the site's robots.txt" in result.output
    assert [r.path for r, _ in web.log] == ["/robots.txt"]
    assert load_entries(site) == {}


def test_a_slow_server_times_out_in_one_line(site: Path, web: HTTPServer, slow_handler: Callable[[bytes], Callable[[Request], Response]]) -> None:
    web.expect_request("/slow").respond_with_handler(slow_handler(feeds.RSS2))
    result = run(site, web.url_for("/slow"))
    assert result.exit_code == 1
    assert f"error: {web.url_for('/slow')}: timed out after 0.5 s (fetch.timeout)" in result.output


def test_user_agent_from_config_is_sent(site: Path, web: HTTPServer) -> None:
    web.expect_request("/feed", headers={"User-Agent": "digest-test/1.0"}).respond_with_data(feeds.RSS091, content_type="application/rss+xml")
    assert run(site, web.url_for("/feed")).exit_code == 0
    assert "Market square to close for repairs" in load_entries(site)


def test_ingesting_urls_removes_killed_runs_temp_files_and_walks_content_once(site: Path, web: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.ingest.run as ingest_run
    from generator.ingest import located

    walks: list[Path] = []
    real = located.locate

    def counted(content_dir: Path) -> located.Located:
        walks.append(content_dir)
        return real(content_dir)

    monkeypatch.setattr(located, "locate", counted)
    monkeypatch.setattr(ingest_run, "locate", counted)
    web.expect_request("/story.txt").respond_with_data(pages.STANDARD, content_type="text/plain; charset=utf-8")
    web.expect_request("/feed.xml").respond_with_data(feeds.RSS2, content_type="application/rss+xml")
    stale = site / "content" / "src" / ".2024-06-23-bridge-0123abcd.md.0badf00d.tmp"
    stale.parent.mkdir(parents=True)
    stale.write_text("half an entry", encoding="utf-8")
    assert run(site, "--dry-run", web.url_for("/story.txt")).exit_code == 0 and stale.exists()
    walks.clear()
    result = run(site, web.url_for("/story.txt"), web.url_for("/feed.xml"))
    assert result.exit_code == 0, result.output
    assert not stale.exists()
    assert walks == [site / "content"]  # once for the run, not once per URL
