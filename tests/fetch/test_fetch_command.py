"""`digest fetch` against a real local server: every source, conditional GET, OPML, full text, failures isolated."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import socket
import struct
import subprocess
import sys
import termios
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from generator.cli import cli
from generator.ingest.located import Located, locate
from tests.fetch.conftest import load_entries
from tests.ingest import feeds, pages

NOW = "2025-01-02T03:04:05+00:00"
LATER = "2025-01-03T03:04:05+00:00"
FETCH = """\
fetch:
  user_agent: digest-test/1.0
  timeout: 1
  delay: 0
  retries: 0
"""


def make_site(tmp_path: Path, sources: str, extra: str = "") -> Path:
    config = "site:\n  title: T\n  url: https://example.org/\n" + FETCH + "sources:\n" + textwrap.indent(textwrap.dedent(sources), "  ") + extra
    (tmp_path / "config.yaml").write_text(config, encoding="utf-8")
    return tmp_path


def fetch(site: Path, *args: str, now: str = NOW) -> Result:
    return CliRunner().invoke(cli, ["fetch", "--config", str(site / "config.yaml"), "--now", now, *args], catch_exceptions=False)


def files(site: Path) -> dict[str, bytes]:
    content = site / "content"
    return {p.relative_to(content).as_posix(): p.read_bytes() for p in sorted(content.rglob("*.md"))} if content.exists() else {}


def requests_to(web: HTTPServer, path: str) -> list[dict[str, str]]:
    return [dict(request.headers) for request, _ in web.log if request.path == path]


@pytest.fixture
def served(web: HTTPServer) -> HTTPServer:
    web.expect_request("/gazette.xml").respond_with_data(feeds.RSS2, content_type="application/rss+xml", headers={"ETag": '"g1"'})
    web.expect_request("/ledger.atom").respond_with_data(
        feeds.ATOM, content_type="application/atom+xml", headers={"Last-Modified": "Sat, 22 Jun 2024 18:30:02 GMT"}
    )
    web.expect_request("/story.txt").respond_with_data(pages.STANDARD, content_type="text/plain; charset=utf-8")
    web.expect_request("/down.xml").respond_with_data("oops", status=500)
    return web


def test_fetch_ingests_every_source_and_one_failing_never_stops_the_others(tmp_path: Path, served: HTTPServer) -> None:
    site = make_site(
        tmp_path,
        f"""\
        - name: Gazette
          feed: {served.url_for("/gazette.xml")}
          tags: [harbour]
        - feed: {served.url_for("/down.xml")}
        - feed: http://127.0.0.1:9/refused.xml
          name: Nowhere
        - feed: {served.url_for("/ledger.atom")}
          max_items: 1
        - page: {served.url_for("/story.txt")}
        """,
    )
    result = fetch(site)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "Gazette: ingested (2 written)" in lines
    assert f"error: {served.url_for('/down.xml')}: HTTP 500 INTERNAL SERVER ERROR" in lines
    assert any(line.startswith("error: Nowhere: http://127.0.0.1:9/refused.xml: cannot connect: ") for line in lines)
    assert f"{served.url_for('/ledger.atom')}: ingested (1 written)" in lines
    assert f"{served.url_for('/story.txt')}: ingested (3 written)" in lines
    assert lines[-1] == "5 sources: 3 ingested, 0 unchanged, 0 not modified, 0 skipped, 2 failed"
    got = load_entries(site)
    storm = got["Ports reopen after the storm"]
    assert storm.source == "Gazette" and storm.tags == ("Economy", "Shipping", "harbour")  # the configured name and tags
    assert got["Council approves the tram line"].source == "Northern Ledger" and "Library hours extended" not in got  # max_items
    assert (tmp_path / ".content.newsdigest" / "fetch.sqlite").is_file()


def test_a_second_fetch_is_conditional_and_changes_nothing(tmp_path: Path, served: HTTPServer) -> None:
    site = make_site(tmp_path, f"- feed: {served.url_for('/gazette.xml')}\n- feed: {served.url_for('/ledger.atom')}\n")
    assert fetch(site).exit_code == 0
    before = files(site)
    served.clear()
    served.expect_request("/robots.txt").respond_with_data("", status=404)
    served.expect_request("/gazette.xml", headers={"If-None-Match": '"g1"'}).respond_with_data("", status=304)
    served.expect_request("/ledger.atom", headers={"If-Modified-Since": "Sat, 22 Jun 2024 18:30:02 GMT"}).respond_with_data("", status=304)
    result = fetch(site, now=LATER)
    assert result.exit_code == 0, result.output
    assert f"{served.url_for('/gazette.xml')}: not modified" in result.output
    assert result.output.splitlines()[-1] == "2 sources: 0 ingested, 0 unchanged, 2 not modified, 0 skipped, 0 failed"
    assert files(site) == before


def test_a_feed_without_validators_is_fetched_again_and_only_new_items_are_written(tmp_path: Path, web: HTTPServer) -> None:
    web.expect_request("/f.xml").respond_with_data(feeds.rss2(feeds.STORM), content_type="application/rss+xml")
    site = make_site(tmp_path, f"- feed: {web.url_for('/f.xml')}\n")
    fetch(site)
    first = files(site)
    web.clear()
    web.expect_request("/robots.txt").respond_with_data("", status=404)
    web.expect_request("/f.xml").respond_with_data(feeds.rss2(feeds.FERRY + feeds.STORM), content_type="application/rss+xml")
    result = fetch(site, now=LATER)
    assert "ingested (1 written, 1 unchanged)" in result.output, result.output
    after = files(site)
    assert {k: v for k, v in after.items() if k in first} == first and len(after) == 2


def test_dry_run_writes_nothing_and_keeps_no_validators(tmp_path: Path, served: HTTPServer) -> None:
    site = make_site(tmp_path, f"- feed: {served.url_for('/gazette.xml')}\n")
    result = fetch(site, "--dry-run")
    assert result.exit_code == 0
    assert "  would write: content/the-harbour-gazette/2024-06-23-ports-reopen-after-the-storm-" in result.output
    assert result.output.splitlines()[-1].startswith("dry run, nothing written: 1 source: 1 ingested")
    assert files(site) == {}
    fetch(site)
    assert [h.get("If-None-Match") for h in requests_to(served, "/gazette.xml")] == [None, None]


def test_entries_edited_by_hand_are_never_overwritten(tmp_path: Path, web: HTTPServer) -> None:
    web.expect_request("/f.xml").respond_with_data(feeds.RSS2, content_type="application/rss+xml")
    site = make_site(tmp_path, f"- feed: {web.url_for('/f.xml')}\n")
    fetch(site)
    path = site / "content" / load_entries(site)["Ports reopen after the storm"].path  # type: ignore[operator]
    edited = path.read_text(encoding="utf-8").replace("gales", "gales (my note)")
    path.write_text(edited, encoding="utf-8")
    web.clear()
    web.expect_request("/robots.txt").respond_with_data("", status=404)
    web.expect_request("/f.xml").respond_with_data(feeds.rss2(feeds.STORM.replace("three days", "four days") + feeds.FERRY), content_type="application/rss+xml")
    result = fetch(site, now=LATER)
    assert "edited by hand, left alone" in result.output
    assert path.read_text(encoding="utf-8") == edited


def test_a_broken_feed_source_keeps_its_valid_items_reports_the_rest_and_exits_1(tmp_path: Path, web: HTTPServer) -> None:
    web.expect_request("/broken.xml").respond_with_data(feeds.BROKEN, content_type="application/rss+xml", headers={"ETag": '"b"'})
    site = make_site(tmp_path, f"- name: Broken\n  feed: {web.url_for('/broken.xml')}\n")
    result = fetch(site)
    assert result.exit_code == 1
    assert "error: Broken: item 2: no title or text, skipped" in result.output
    assert "Ports reopen after the storm" in load_entries(site)
    fetch(site)  # its validators were not kept: fetched whole again, problems reported again
    assert [h.get("If-None-Match") for h in requests_to(web, "/broken.xml")] == [None, None]


def test_a_feed_source_that_is_a_page_fails_clearly(tmp_path: Path, web: HTTPServer) -> None:
    web.expect_request("/news").respond_with_data(pages.STANDARD, content_type="text/plain")
    site = make_site(tmp_path, f"- feed: {web.url_for('/news')}\n")
    result = fetch(site)
    assert result.exit_code == 1
    assert f"error: {web.url_for('/news')}: not a feed (text/plain); give it as `page:` if it is a page" in result.output


def test_opml_subscriptions_are_imported(tmp_path: Path, served: HTTPServer) -> None:
    opml = f"""<?xml version="1.0"?>
<opml version="2.0"><head><title>My feeds</title></head><body>
  <outline text="Harbour">
    <outline type="rss" text="Gazette (from OPML)" title="Gazette (from OPML)" xmlUrl="{served.url_for("/gazette.xml")}" category="/local"/>
  </outline>
  <outline type="rss" text="Ledger" xmlUrl="{served.url_for("/ledger.atom")}"/>
</body></opml>"""
    (tmp_path / "subs.opml").write_text(opml, encoding="utf-8")
    site = make_site(tmp_path, "- opml: subs.opml\n  tags: [imported]\n")
    result = fetch(site)
    assert result.exit_code == 0, result.output
    assert "Gazette (from OPML): ingested (2 written)" in result.output
    got = load_entries(site)
    assert got["Ports reopen after the storm"].source == "Gazette (from OPML)"
    assert "imported" in got["Council approves the tram line"].tags


def test_a_source_listed_in_the_config_and_in_an_opml_file_is_fetched_once(tmp_path: Path, served: HTTPServer) -> None:
    opml = f"""<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>
  <outline type="rss" text="Gazette again" xmlUrl="{served.url_for("/gazette.xml")}"/>
  <outline type="rss" text="Ledger" xmlUrl="{served.url_for("/ledger.atom")}"/>
</body></opml>"""
    (tmp_path / "subs.opml").write_text(opml, encoding="utf-8")
    site = make_site(tmp_path, f"- name: Gazette\n  feed: {served.url_for('/gazette.xml')}\n- opml: subs.opml\n")
    result = fetch(site)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "2 sources: 2 ingested, 0 unchanged, 0 not modified, 0 skipped, 0 failed"
    assert len(requests_to(served, "/gazette.xml")) == 1
    assert load_entries(site)["Ports reopen after the storm"].source == "Gazette"  # the first listing wins


def test_a_missing_opml_file_is_a_config_error(tmp_path: Path) -> None:
    site = make_site(tmp_path, "- opml: nowhere.opml\n")
    result = CliRunner().invoke(cli, ["fetch", "--config", str(site / "config.yaml")])
    assert result.exit_code == 2
    assert "nowhere.opml: cannot read OPML file: No such file or directory" in result.output


def test_full_text_fetches_each_new_items_article_page_once(tmp_path: Path, web: HTTPServer) -> None:
    item = """<item><title>Bridge reopens</title><link>{url}</link><guid>{url}</guid><description>Short summary only.</description></item>"""
    feed = feeds.rss2(item.format(url=web.url_for("/articles/bridge")) + item.format(url=web.url_for("/articles/gone")).replace("Bridge reopens", "Gone story"))
    web.expect_request("/summaries.xml").respond_with_data(feed, content_type="application/rss+xml")
    web.expect_request("/articles/bridge").respond_with_data(pages.STANDARD, content_type="text/plain")
    web.expect_request("/articles/gone").respond_with_data("", status=404)
    site = make_site(tmp_path, f"- feed: {web.url_for('/summaries.xml')}\n  full_text: true\n")
    result = fetch(site)
    assert result.exit_code == 1
    assert f"error: {web.url_for('/summaries.xml')}: {web.url_for('/articles/gone')}: HTTP 404 NOT FOUND; kept the feed's text" in result.output
    got = load_entries(site)
    assert "eight months of repairs" in got["Bridge reopens"].body and "Magzter" not in got["Bridge reopens"].body
    assert got["Gone story"].body == "Short summary only."
    before = files(site)
    fetch(site, now=LATER)
    assert len(requests_to(web, "/articles/bridge")) == 1  # known items are not fetched again
    assert files(site) == before


def test_no_sources_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("site:\n  title: T\n  url: https://example.org/\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["fetch", "--config", str(tmp_path / "config.yaml")])
    assert result.exit_code == 2 and "no sources to fetch" in result.output


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        (
            "- name: A\n  feed: https://a.example/f\n  page: https://a.example/\n",
            "config.yaml:10: `sources.0`: a source needs exactly one of `feed`, `page` or `opml`, got feed, page",
        ),
        ("- feed: ftp://a.example/f\n", "config.yaml:10: `sources.0.feed` must be an absolute http(s) URL, got 'ftp://a.example/f'"),
        ("- feed: https://a.example/f\n  max_item: 3\n", "config.yaml:11: unknown key `sources.0.max_item` (did you mean `max_items`?)"),
        ("- page: https://a.example/\n  full_text: true\n", "config.yaml:11: `sources.0.full_text` applies to feeds, not to a `page`"),
    ],
)
def test_sources_are_validated_at_start_up(tmp_path: Path, sources: str, message: str) -> None:
    site = make_site(tmp_path, sources)
    result = CliRunner().invoke(cli, ["check", "--config", str(site / "config.yaml")])
    assert result.exit_code == 2
    assert message in result.output, result.output


def test_fetch_removes_killed_runs_temp_files_and_walks_content_once(tmp_path: Path, served: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.ingest.fetch.run as fetch_run
    import generator.ingest.run as ingest_run

    walks: list[Path] = []

    def counted(content_dir: Path) -> Located:
        walks.append(content_dir)
        return locate(content_dir)

    monkeypatch.setattr(fetch_run, "locate", counted, raising=False)
    monkeypatch.setattr(ingest_run, "locate", counted)
    site = make_site(tmp_path, f"- feed: {served.url_for('/gazette.xml')}\n- feed: {served.url_for('/ledger.atom')}\n- page: {served.url_for('/story.txt')}\n")
    folder = site / "content" / "gazette"
    folder.mkdir(parents=True)
    stale, other = folder / ".2024-06-23-storm-0123abcd.md.0badf00d.tmp", folder / ".notes.md.tmp"
    for path in (stale, other):
        path.write_text("half an entry", encoding="utf-8")
    dry = fetch(site, "--dry-run")
    assert dry.exit_code == 0 and stale.exists()  # a dry run removes nothing
    result = fetch(site)
    assert result.exit_code == 0, result.output
    assert not stale.exists() and other.exists()
    assert walks == [site / "content"] * 2  # once per run (the dry one too), not once per source


def test_a_source_whose_host_does_not_resolve_is_one_line_and_the_others_go_on(tmp_path: Path, served: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def resolve(host: object, *args: Any, **kwargs: Any) -> Any:  # the resolver's own failure, without asking a real DNS server
        if host == "feeds.example.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    site = make_site(tmp_path, f"- feed: http://feeds.example.invalid/rss.xml\n  name: Nowhere\n- feed: {served.url_for('/gazette.xml')}\n")
    result = fetch(site)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    dns = "error: Nowhere: http://feeds.example.invalid/rss.xml: cannot connect: [Errno -2] Name or service not known"
    assert sum(line.startswith(dns) for line in lines) == 1
    assert any(line.endswith(": ingested (2 written)") for line in lines)
    assert lines[-1] == "2 sources: 1 ingested, 0 unchanged, 0 not modified, 0 skipped, 1 failed"


def test_a_source_that_times_out_is_one_line_and_the_others_go_on(
    tmp_path: Path, served: HTTPServer, slow_handler: Callable[[bytes], Callable[[Request], Response]]
) -> None:
    served.expect_request("/slow.xml").respond_with_handler(slow_handler(feeds.RSS2))
    site = make_site(tmp_path, f"- feed: {served.url_for('/slow.xml')}\n- feed: {served.url_for('/ledger.atom')}\n")
    result = fetch(site)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"error: {served.url_for('/slow.xml')}: timed out after 1 s (fetch.timeout)" in lines
    assert f"{served.url_for('/ledger.atom')}: ingested (2 written)" in lines
    assert lines[-1] == "2 sources: 1 ingested, 0 unchanged, 0 not modified, 0 skipped, 1 failed"


def _fetch_with_stderr(site: Path, stderr: int) -> subprocess.CompletedProcess[str]:
    """`digest fetch` as its own process with stderr on the given descriptor."""
    argv = [sys.executable, "-m", "generator", "fetch", "--config", str(site / "config.yaml"), "--now", NOW]
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=stderr, text=True, timeout=120, check=False)


def _drained(fd: int) -> str:
    got = b""
    while select.select([fd], [], [], 0)[0]:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        got += chunk
    return got.decode("utf-8", "replace")


def test_a_progress_bar_is_drawn_on_a_terminal_only(tmp_path: Path, served: HTTPServer) -> None:
    site = make_site(tmp_path, f"- feed: {served.url_for('/gazette.xml')}\n- page: {served.url_for('/story.txt')}\n")
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))  # a terminal 80 columns wide
    try:
        done = _fetch_with_stderr(site, follower)
        terminal = _drained(leader)
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 0 and done.stdout.splitlines()[-1].startswith("2 sources: 2 ingested")
    assert "| 0/2 [" in terminal and "source/s]" in terminal  # tqdm's bar, counting sources, on the terminal
    (tmp_path / "piped").mkdir()
    piped = _fetch_with_stderr(make_site(tmp_path / "piped", f"- feed: {served.url_for('/gazette.xml')}\n"), subprocess.PIPE)
    assert piped.returncode == 0 and "source/s" not in piped.stderr and "|" not in piped.stderr  # no bar into a pipe or a log
