"""HTML pages from the web: `digest ingest URL` of an article page, and `full_text` feeds, through the HTML path."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from generator.cli import cli
from tests.fetch.conftest import load_entries
from tests.ingest import feeds
from tests.ingest.html import pages as html_pages

CONFIG = "site:\n  title: T\n  url: https://example.org/\nfetch:\n  delay: 0\n  retries: 0\ningest:\n  max_bytes: 200000\n"
NOW = "2025-01-02T03:04:05+00:00"


def test_an_html_page_url_is_ingested_as_an_article_in_its_meta_charset(tmp_path: Path, web: HTTPServer) -> None:
    page = html_pages.article(canonical=None).replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
    page = page.replace("cost the town far more", "cost the café owners far more")
    web.expect_request("/news/bridge").respond_with_data(page.encode("cp1252"), content_type="text/html; charset=utf-8")  # the header is wrong
    (tmp_path / "config.yaml").write_text(CONFIG, encoding="utf-8")
    url = web.url_for("/news/bridge")
    result = CliRunner().invoke(cli, ["ingest", "--config", str(tmp_path / "config.yaml"), "--now", NOW, url], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    got = load_entries(tmp_path)
    article = got["Lowmouth bridge reopens after eight months"]
    assert article.source == "The Lowmouth Courier" and article.url == url  # no canonical link: the URL it came from
    assert "café owners" in article.body and html_pages.PARAGRAPHS[2] in article.body
    assert "Copyright 2024" not in article.body
    assert article.origin is not None and article.origin["url"] == url


def test_full_text_items_take_their_html_article_page(tmp_path: Path, web: HTTPServer) -> None:
    link = web.url_for("/news/bridge")
    item = f"<item><title>Bridge reopens</title><link>{link}</link><guid>{link}</guid><description>One line only.</description></item>"
    web.expect_request("/rss").respond_with_data(feeds.rss2(item), content_type="application/rss+xml")
    web.expect_request("/news/bridge").respond_with_data(html_pages.article(), content_type="text/html; charset=utf-8")
    (tmp_path / "config.yaml").write_text(CONFIG + f"sources:\n  - feed: {web.url_for('/rss')}\n    full_text: true\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["fetch", "--config", str(tmp_path / "config.yaml"), "--now", NOW], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    entry = load_entries(tmp_path)["Bridge reopens"]  # the feed's title, id and url; the page's text
    assert html_pages.PARAGRAPHS[1] in entry.body and "One line only." not in entry.body
    assert "Privacy policy" not in entry.body and entry.url == link
