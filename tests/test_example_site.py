"""The example digest in this repository builds, and its pages and feeds hold together."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.feedcheck import read_feed
from tests.linkcheck import broken_links

BASE = "https://digest.example.org/"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh copy of the example digest, built with `python -m generator build`."""
    root = tmp_path_factory.mktemp("example")
    shutil.copy(ROOT / "config.yaml", root)
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copytree(ROOT / "templates", root / "templates")
    subprocess.run([sys.executable, "-m", "generator", "build", "--quiet"], cwd=root, check=True)
    return root / "site"


def test_every_page_kind_exists(example: Path) -> None:
    assert (example / "index.html").is_file()
    assert len(list((example / "issues").glob("*/index.html"))) >= 3
    articles = list(example.glob("20*/*/*/*/index.html"))
    assert len(articles) >= 6
    issue = (example / "issues" / "2024-12-14" / "index.html").read_text(encoding="utf-8")
    assert "Also in The Harbour Gazette" in issue
    assert 'id="t-7c1d2e3f4a5b6c7d"' in issue  # a teaser with its anchor


def test_no_broken_internal_links(example: Path) -> None:
    assert broken_links(example, BASE) == []


def test_feeds_pass_feedparser(example: Path) -> None:
    for name in ("feed.xml", "atom.xml"):
        feed = read_feed(example / name, BASE)
        assert len(feed.entries) >= 10
        ids = [e.id for e in feed.entries]
        assert len(set(ids)) == len(ids)


def test_hand_written_entry_keeps_unknown_fields_and_renders(example: Path) -> None:
    page = example / "2024" / "12" / "14" / "editors-note-how-this-digest-is-made" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "<strong>subscription prompts</strong>" in html
    assert 'href="mailto:editors@example.org"' in html


def test_wanted_lists_the_teasers_no_article_answers(example: Path) -> None:
    wanted = (example / "wanted" / "index.html").read_text(encoding="utf-8")
    assert "School choir wins the county final" in wanted and "Reinflyttingen starter tidlig i år" in wanted
    # A teaser with a link (what `digest fetch --wanted` would fetch) links out to it.
    assert 'href="https://harbour-gazette.example/2024/12/15/harbour-seals-return-to-the-breakwater/">Harbour seals' in wanted
    # Answered teasers are not wanted: the orchard article and the council budget article are in the collection.
    assert "apple harvest" not in wanted and "Council budget" not in wanted
    feed = read_feed(example / "wanted" / "feed.xml", BASE)
    assert "Harbour seals return to the breakwater" in {e.title for e in feed.entries} and len(feed.entries) == 7
