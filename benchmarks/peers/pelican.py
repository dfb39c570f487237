"""Pelican 4.12 in its own virtual environment; theme in benchmarks/peers/pelican_theme; sources are categories."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks.peers import FEED_ITEMS, PER_PAGE, SITE_TITLE, SITE_URL, Peer, PeerEntry, PeerUnavailable, clean_env, copy_folder

VERSION = "4.12"
THEME = Path(__file__).with_name("pelican_theme")

SETTINGS = f"""\
AUTHOR = "{SITE_TITLE}"
SITENAME = "{SITE_TITLE}"
SITEURL = "{SITE_URL}"
FEED_DOMAIN = SITEURL
PATH = "content"
THEME = "theme"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
WITH_FUTURE_DATES = True
DEFAULT_PAGINATION = {PER_PAGE}
PAGINATED_TEMPLATES = {{"index": None, "tag": None, "category": None}}
DIRECT_TEMPLATES = ["index", "tags", "categories"]

ARTICLE_URL = "{{date:%Y}}/{{date:%m}}/{{date:%d}}/{{slug}}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
CATEGORY_URL = "sources/{{slug}}/"
CATEGORY_SAVE_AS = CATEGORY_URL + "index.html"
CATEGORIES_URL = "sources/"
CATEGORIES_SAVE_AS = CATEGORIES_URL + "index.html"
TAG_URL = "tags/{{slug}}/"
TAG_SAVE_AS = TAG_URL + "index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = TAGS_URL + "index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""

FEED_MAX_ITEMS = {FEED_ITEMS}
FEED_ALL_RSS = "feed.xml"
CATEGORY_FEED_RSS = "sources/{{slug}}/feed.xml"
TAG_FEED_RSS = "tags/{{slug}}/feed.xml"
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TAG_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None

CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
"""


class Pelican(Peer):
    name = "pelican"

    def __init__(self) -> None:
        self.venv: Path | None = None

    def install(self, cache: Path, log: Path) -> str:
        venv = cache.resolve() / f"pelican-{VERSION}"
        pelican = venv / "bin" / "pelican"
        if not pelican.exists():
            with log.open("ab") as out:
                for argv in (
                    [sys.executable, "-m", "venv", str(venv)],
                    [str(venv / "bin" / "pip"), "install", "-q", f"pelican=={VERSION}.*", "markdown"],
                ):
                    if subprocess.run(argv, stdout=out, stderr=out, env=clean_env(), check=False).returncode != 0:
                        raise PeerUnavailable(f"`{' '.join(argv)}` failed (see {log})")
        self.venv = venv
        return subprocess.run([str(pelican), "--version"], capture_output=True, text=True, env=clean_env(), check=True).stdout.strip()

    def write_site(self, entries: Sequence[PeerEntry], root: Path) -> None:
        copy_folder(THEME, root / "theme")
        (root / "pelicanconf.py").write_text(SETTINGS, encoding="utf-8")
        content = root / "content"
        content.mkdir(parents=True, exist_ok=True)
        for entry in entries:
            (content / f"{entry.id}.md").write_text(_article(entry), encoding="utf-8")

    def command(self, root: Path) -> list[str]:
        assert self.venv is not None, "install() first"
        return [str(self.venv / "bin" / "pelican"), "content", "-s", "pelicanconf.py", "-o", "output", "-q"]

    def output(self, root: Path) -> Path:
        return root / "output"

    def state(self, root: Path) -> list[Path]:
        return [self.output(root), root / "cache"]


def _article(entry: PeerEntry) -> str:
    """A markdown article with Pelican's `Key: value` metadata lines."""
    meta = {
        "Title": entry.title,
        "Date": entry.added.isoformat(),
        "Slug": entry.id,
        "Category": entry.source,
        "Tags": ", ".join(entry.tags),
        "Summary": entry.summary,
    }
    return "".join(f"{k}: {v}\n" for k, v in meta.items() if v) + "\n" + entry.body + "\n"
