"""SIGKILL `digest ingest` between writing an entry's temp file and renaming it, and just after.

Kills land at named points (NEWSDIGEST_TEST_FAULT, see generator.faults).
After every kill each entry file is whole: byte for byte the one a complete
ingest writes (or, for an update killed before its rename, the previous
version), and a complete ingest afterwards leaves exactly what an
uninterrupted one would.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from generator.faults import VARIABLE
from generator.ingest.clean.rules import default_rules
from generator.ingest.run import ingest_files, page_files
from tests.ingest.pages import ARTICLE, PLATFORM_BLOCK, TEASERS_A, TEASERS_B, page
from tests.robustness.sites import config_text

NOW = "2024-12-14T08:30:00+00:00"  # a fixed ingest time: entries are then the same bytes in every run
PAGES = 4  # each gives an article and three teasers
MAX_BYTES = 2_000_000  # ingest.max_bytes' default


def write_pages(raw: Path, author: str = "Ola Brenn") -> None:
    raw.mkdir(parents=True, exist_ok=True)
    for n in range(PAGES):
        article = [f"{line} Report {n}." for line in ARTICLE]
        teasers = [line.replace("Ola Brenn", author) for line in TEASERS_B]
        (raw / f"p{n}.txt").write_bytes(page(article, PLATFORM_BLOCK, TEASERS_A, teasers))


def ingest(root: Path, *pages: str, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != VARIABLE} | ({VARIABLE: fault} if fault else {})
    command = [sys.executable, "-m", "generator", "ingest", "-j", "1", "--now", NOW, *pages]
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False, timeout=120)
    if fault:
        assert result.returncode == -signal.SIGKILL, f"ingest was not killed at {fault}: exit {result.returncode}, {result.stderr[-2000:]}"
    else:
        assert result.returncode == 0, result.stderr
    return result


def entries(content: Path) -> dict[str, bytes]:
    """The entry files a build would read (hidden names, such as temp files, are not entries)."""
    found = {}
    for path in content.rglob("*.md") if content.is_dir() else ():
        rel = path.relative_to(content)
        if not any(part.startswith(".") for part in rel.parts):
            found[rel.as_posix()] = path.read_bytes()
    return found


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "config.yaml").write_text(config_text(), encoding="utf-8")
    write_pages(tmp_path / "raw")
    write_pages(tmp_path / "raw-edited", author="Ola Brennan")  # the same stories, one teaser's author changed: an update
    return tmp_path


def uninterrupted(raw: Path, content: Path) -> dict[str, bytes]:
    """What one complete ingest of the pages in `raw` writes into an empty `content` (in this process: no fault armed)."""
    now = dt.datetime.fromisoformat(NOW)
    for _outcome in ingest_files(page_files([raw]), default_rules(), content, MAX_BYTES, now, write=True, workers=1):
        pass
    return entries(content)


def test_ingest_killed_at_every_write_point_leaves_whole_entries_and_the_next_ingest_is_right(project: Path, tmp_path: Path) -> None:
    reference = uninterrupted(project / "raw", tmp_path / "reference")
    edited = uninterrupted(project / "raw-edited", tmp_path / "edited")
    updated = {n: rel for rel in reference if edited[rel] != reference[rel] for n in range(PAGES) if f"file: p{n}.txt" in reference[rel].decode()}
    assert len(reference) == 4 * PAGES and sorted(edited) == sorted(reference) and len(updated) == PAGES

    content = project / "content"
    ingest(project, "raw/p0.txt", fault="entry-temp@1")  # the very first entry: its folder was just made
    assert entries(content) == {}
    ingest(project, "raw/p0.txt", "raw/p1.txt")
    assert entries(content) == {rel: reference[rel] for rel in entries(content)} and len(entries(content)) == 8
    ingest(project, "raw", fault="entry-temp@2")  # page 2's second entry, never renamed into place
    now = entries(content)
    assert len(now) == 9 and now == {rel: reference[rel] for rel in now}
    ingest(project, "raw", fault="entry-written@3")  # the rest of page 2 written, then killed
    now = entries(content)
    assert len(now) == 12 and now == {rel: reference[rel] for rel in now}
    ingest(project, "raw-edited/p0.txt", fault="entry-temp@1")  # an update killed before its rename: the old version stays
    assert entries(content) == now
    ingest(project, "raw-edited/p1.txt", fault="entry-written@1")  # an update renamed into place, then killed
    assert entries(content) == now | {updated[1]: edited[updated[1]]}
    ingest(project, "raw")
    assert entries(content) == reference
    build = subprocess.run([sys.executable, "-m", "generator", "build", "-q"], cwd=project, capture_output=True, text=True, check=False, timeout=120)
    assert build.returncode == 0, build.stderr
