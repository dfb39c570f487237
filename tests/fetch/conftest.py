"""A real HTTP server on 127.0.0.1 (pytest-httpserver, threaded), cleared between tests. Nothing reaches the internet."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from generator.entries.load import entry_files
from generator.entries.model import Entry
from generator.entries.parse import parse_entry
from generator.ingest.fetch.client import Fetcher, Settings

FAST = Settings(user_agent="digest-test/1.0", timeout=2.0, delay=0.0, retries=2, max_retry_wait=1.0, max_redirects=3, max_bytes=100_000)


@pytest.fixture(scope="package")  # stopped after these tests: its polling thread must not run beside later ones (gc.freeze counts)
def local_server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def web(local_server: HTTPServer) -> Iterator[HTTPServer]:
    local_server.clear()
    local_server.expect_request("/robots.txt").respond_with_data("", status=404)
    yield local_server
    local_server.clear()


@pytest.fixture
def slow_handler() -> Iterator[Callable[[bytes], Callable[[Request], Response]]]:
    """A handler that answers only after the client gave up (1.5 s), released at teardown
    so that no server thread outlives the test."""
    release = threading.Event()

    def make(body: bytes) -> Callable[[Request], Response]:
        def slow(request: Request) -> Response:
            release.wait(1.5)
            return Response(body)

        return slow

    yield make
    release.set()


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FAST) as client:
        yield client


def load_entries(site: Path) -> dict[str, Entry]:
    """The entries in site/content, by title."""
    content = site / "content"
    if not content.exists():
        return {}
    loaded = (parse_entry(Path(item.path).read_text(encoding="utf-8"), Path(rel), ZoneInfo("UTC")) for rel, item in entry_files(content))
    return {e.title: e for e in loaded}
