"""Find broken internal links (pages and #fragments) in a built site."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for name in ("href", "src"):
            if values.get(name):
                self.links.append(values[name] or "")


def _scan(page: Path) -> _Collector:
    collector = _Collector()
    collector.feed(page.read_text(encoding="utf-8"))
    return collector


def broken_links(site: Path, base_url: str) -> list[str]:
    """Every internal link in every HTML page that does not resolve, as 'page -> link'."""
    base = urlsplit(base_url)
    scans = {page: _scan(page) for page in site.rglob("*.html")}
    broken = []
    for page, scan in scans.items():
        for link in scan.links:
            parts = urlsplit(link)
            if (parts.scheme in ("http", "https") and parts.netloc != base.netloc) or parts.scheme not in ("", "http", "https"):
                continue  # external or mailto:
            path = unquote(parts.path)
            if not path:
                target = page
            elif path.startswith("/"):
                if not path.startswith(base.path):
                    broken.append(f"{page} -> {link} (outside the site)")
                    continue
                target = site / path[len(base.path) :]
            else:
                target = page.parent / path
            if target.is_dir() or str(target).endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page} -> {link}")
            elif parts.fragment and target.suffix == ".html":
                ids = scans[target].ids if target in scans else _scan(target).ids
                if parts.fragment not in ids:
                    broken.append(f"{page} -> {link} (no such anchor)")
    return broken
