"""The finishing touches of every page's head: a favicon that loads, and social cards with absolute image URLs."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.build import build
from generator.config import Config
from tests.conftest import CONFIG, entry_text
from tests.site.browser import chromium, chromium_paths
from tests.site.conftest import require
from tests.site.test_pages import head

PAGES = ("", "issues/", "archive/", "2024/12/14/ports-reopen-after-the-storm/", "tags/economy/", "404.html")


def test_every_page_links_the_svg_favicon(site_dir: Path) -> None:
    for page in site_dir.rglob("*.html"):
        if page.name == "email.html":  # an email carries no head links of the site
            continue
        icons = [link for link in head(page).links if link.get("rel") == "icon"]
        assert icons == [{"rel": "icon", "href": "/static/favicon.svg", "type": "image/svg+xml"}], page
    assert (site_dir / "static/favicon.svg").read_text(encoding="utf-8").startswith("<svg xmlns=")


class _Recorder(http.server.SimpleHTTPRequestHandler):
    statuses: list[tuple[str, int]]

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.statuses.append((self.path, int(code)))

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def recording_server(folder: Path) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    statuses: list[tuple[str, int]] = []
    handler = functools.partial(type("Handler", (_Recorder,), {"statuses": statuses}), directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", statuses
    finally:
        server.shutdown()
        server.server_close()


def test_no_request_of_a_page_load_fails_in_chromium(site_dir: Path) -> None:
    require(chromium_paths() is not None, "chromium and chromedriver")
    with recording_server(site_dir) as (base, statuses), chromium() as driver:
        for rel in PAGES:
            driver.get(base + rel)  # type: ignore[attr-defined]
            # The favicon is fetched after the load event: wait until the browser has asked for it.
            driver.execute_async_script(  # type: ignore[attr-defined]
                "const done = arguments[0]; const t = Date.now();"
                "(function poll() { fetch('/__probe__').finally(() => Date.now() - t > 300 ? done() : setTimeout(poll, 50)); })();"
            )
    asked = {path for path, _ in statuses}
    assert "/static/favicon.svg" in asked
    failed = [(path, code) for path, code in statuses if code >= 400 and path != "/__probe__"]
    assert failed == []


def test_social_cards_use_the_entry_image_else_the_site_default(make_digest: Callable[..., Config]) -> None:
    config = make_digest(
        {
            "a.md": entry_text("With a picture", image="'https://img.example.com/lead.jpg?w=1200'"),
            "b.md": entry_text("Without a picture", added="2024-12-14T09:00:00+00:00"),
        },
        config=CONFIG + "  image: https://news.example.org/digest/static/card.png\n",
    )
    build(config)
    site = config.output_dir
    pictured = head(next(p for p in site.glob("2024/12/14/*/index.html") if "with-a-picture" in p.as_posix()))
    assert pictured.meta["og:image"] == "https://img.example.com/lead.jpg?w=1200"
    assert pictured.meta["twitter:card"] == "summary_large_image"
    for page in (site / "index.html", next(p for p in site.glob("2024/12/14/*/index.html") if "without" in p.as_posix())):
        assert head(page).meta["og:image"] == "https://news.example.org/digest/static/card.png", page
        assert head(page).meta["twitter:card"] == "summary_large_image"


def test_without_any_image_the_card_is_a_summary(site_dir: Path) -> None:
    for rel in PAGES:
        meta = head(site_dir / rel if rel.endswith(".html") else site_dir / rel / "index.html").meta
        assert "og:image" not in meta and meta["twitter:card"] == "summary", rel


def test_an_entry_image_that_is_not_an_absolute_url_is_refused(make_digest: Callable[..., Config]) -> None:
    from generator.problems import DigestError

    config = make_digest({"a.md": entry_text("Bad picture", image="photo.jpg")})
    try:
        build(config)
    except DigestError as exc:
        assert "`image` must be an absolute http(s) URL, got 'photo.jpg'" in str(exc)
        assert "a.md" in str(exc)
    else:
        raise AssertionError("a relative image was accepted")
