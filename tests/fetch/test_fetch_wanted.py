"""`digest fetch --wanted` against a real local server: the links of wanted teasers fetched through the web-ingest path."""

from __future__ import annotations

from pathlib import Path

import lxml.html
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from generator.build import build
from generator.cli import cli
from generator.config import load_config
from tests.conftest import entry_text
from tests.fetch.conftest import load_entries
from tests.fetch.test_fetch_command import files, requests_to
from tests.ingest import pages
from tests.ingest.html import pages as html_pages

NOW = "2025-01-02T03:04:05+00:00"
CONFIG = "site:\n  title: T\n  url: https://example.org/\nfetch:\n  user_agent: digest-test/1.0\n  timeout: 1\n  delay: 0\n  retries: 0\n"


def make_site(tmp_path: Path, web: HTTPServer) -> Path:
    """Teasers as ingest writes them: three wanted with links (one of them broken), one wanted without, one answered already."""
    (tmp_path / "config.yaml").write_text(CONFIG, encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()

    def teaser(name: str, title: str, source: str, path: str | None, added: str = "2025-01-01T08:00:00+00:00") -> None:
        url = {"url": web.url_for(path)} if path else {}
        text = entry_text(title, body="", id=f"t-{name}", source=f"'{source}'", kind="teaser", added=added, **url)
        (content / f"{name}.md").write_text(text, encoding="utf-8")

    teaser("bridge", "Bridge reopens at last", "The Lowmouth Courier", "/news/bridge")
    teaser("storm", "After the storm", "Gazette", "/story.txt", added="2025-01-01T09:00:00+00:00")
    teaser("gone", "A story that is gone", "Gazette", "/gone")
    teaser("nolink", "Choir wins the county final", "Gazette", None)
    teaser("answered", "Council approves the tram line", "Ledger", "/answered")
    answer = entry_text("Council approves the tram line", id="a-tram", source="Ledger", added="2024-12-30T08:00:00+00:00")
    (content / "tram.md").write_text(answer, encoding="utf-8")
    web.expect_request("/news/bridge").respond_with_data(html_pages.article(canonical=None), content_type="text/html; charset=utf-8")
    web.expect_request("/story.txt").respond_with_data(pages.STANDARD, content_type="text/plain; charset=utf-8")
    web.expect_request("/gone").respond_with_data("no", status=404)
    return tmp_path


def fetch_wanted(site: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["fetch", "--wanted", "--config", str(site / "config.yaml"), "--now", NOW, *args], catch_exceptions=False)


def wanted_titles(site: Path) -> list[str]:
    config = load_config(site / "config.yaml")
    build(config)
    page = lxml.html.fromstring((config.output_dir / "wanted/index.html").read_bytes())
    return [h.text_content() for h in page.xpath("//*[@class='headline']")]


def test_fetch_wanted_fetches_each_wanted_link_and_a_failing_one_never_stops_the_others(tmp_path: Path, web: HTTPServer) -> None:
    site = make_site(tmp_path, web)
    assert wanted_titles(site) == ["After the storm", "A story that is gone", "Choir wins the county final", "Bridge reopens at last"]  # by source
    result = fetch_wanted(site)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert f"error: {web.url_for('/gone')}: HTTP 404 NOT FOUND" in lines  # one line, naming the URL
    assert any(line.startswith(f"{web.url_for('/news/bridge')}: ingested (") for line in lines), lines
    assert any(line.startswith(f"{web.url_for('/story.txt')}: ingested (") for line in lines), lines
    assert lines[-1] == "3 sources: 2 ingested, 0 unchanged, 0 not modified, 0 skipped, 1 failed"
    assert requests_to(web, "/answered") == []  # answered teasers are not fetched
    assert all(h.get("User-Agent") == "digest-test/1.0" for h in requests_to(web, "/news/bridge"))
    got = load_entries(site)
    bridge = got["Lowmouth bridge reopens after eight months"]
    assert bridge.source == "The Lowmouth Courier" and bridge.origin is not None and bridge.origin["url"] == web.url_for("/news/bridge")
    storm = next(e for e in got.values() if e.is_article and (e.origin or {}).get("url") == web.url_for("/story.txt"))
    assert storm.source == "Gazette"  # filed under the source that announced it
    # The next build: both answered by link, so they leave the wanted list and link to their articles.
    # (the fetched pages' own "more stories" teasers are wanted now: the next --wanted run fetches those)
    after = wanted_titles(site)
    assert {"A story that is gone", "Choir wins the county final"} <= set(after) and not {"After the storm", "Bridge reopens at last"} & set(after)
    issue = (site / "site/issues/2025-01-01/index.html").read_text(encoding="utf-8")
    assert 'href="/2025/01/02/lowmouth-bridge-reopens-after-eight-months/">Bridge reopens at last</a> <span class="badge">full story here' in issue


def test_fetch_wanted_obeys_robots_txt_and_never_overwrites_an_entry_edited_by_hand(tmp_path: Path, web: HTTPServer) -> None:
    site = make_site(tmp_path, web)
    assert fetch_wanted(site).exit_code == 1
    storm = next(
        p for p in (site / "content").rglob("*.md") if "story.txt" in p.read_text(encoding="utf-8") and "kind: teaser" not in p.read_text(encoding="utf-8")
    )
    storm.write_text(
        storm.read_text(encoding="utf-8").replace("url: ", "url: https://elsewhere.example/x#").replace("harbour bridge", "harbour bridge (edited)"),
        encoding="utf-8",
    )
    (site / "content" / "bridge.md").write_text(  # a new wanted teaser, on a path robots.txt disallows
        entry_text("Private story", body="", id="t-private", source="Gazette", kind="teaser", url=web.url_for("/private/x")), encoding="utf-8"
    )
    web.clear()
    web.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n")
    web.expect_request("/story.txt").respond_with_data(pages.STANDARD, content_type="text/plain; charset=utf-8")
    before = storm.read_bytes()
    result = fetch_wanted(site)
    assert f"error: {web.url_for('/private/x')}: disallowed by the site's robots.txt" in result.output.splitlines()
    assert requests_to(web, "/private/x") == []
    assert storm.read_bytes() == before  # its teaser is answered no more (its URLs were edited), so it was fetched again: the edit stays


def test_fetch_wanted_dry_run_writes_nothing(tmp_path: Path, web: HTTPServer) -> None:
    site = make_site(tmp_path, web)
    before = files(site)
    result = fetch_wanted(site, "--dry-run")
    assert "  would write: content/the-lowmouth-courier/" in result.output
    assert result.output.splitlines()[-1].startswith("dry run, nothing written: 3 sources: 2 ingested")
    assert files(site) == before


def test_fetch_wanted_with_nothing_wanted_fetches_nothing(tmp_path: Path, web: HTTPServer) -> None:
    (tmp_path / "config.yaml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "content").mkdir()
    result = fetch_wanted(tmp_path)
    assert result.exit_code == 0 and result.output.startswith("nothing wanted:")
    assert [r.path for r, _ in web.log] == []
