"""`digest ingest` as a black box: killed at any moment it leaves no partial entry and a re-run
completes the job; an entry edited by hand is never overwritten."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from benchmarks.ingest import make_page
from generator.entries.parse import parse_entry
from tests.robustness.sites import cli, config_text, snapshot

PAGES = 150
NOW = "2025-01-01T06:00:00+00:00"


def _project(root: Path) -> Path:
    rng = random.Random(11)
    (root / "raw").mkdir(parents=True)
    for number in range(PAGES):
        (root / "raw" / f"p{number:04d}.txt").write_bytes(make_page(rng))
    (root / "config.yaml").write_text(config_text(), encoding="utf-8")
    return root


def _ingest(root: Path) -> subprocess.CompletedProcess[str]:
    return cli("ingest", "raw", "--now", NOW, cwd=root)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], float]:
    root = _project(tmp_path_factory.mktemp("ingest-ref"))
    started = time.monotonic()
    result = _ingest(root)
    assert result.returncode == 0, result.stderr[-2000:]
    tree = snapshot(root / "content")
    assert tree is not None and len(tree.files) > PAGES
    return tree.files, time.monotonic() - started


def test_killed_ingest_leaves_only_whole_entries_and_a_rerun_completes(reference: tuple[dict[str, bytes], float], tmp_path: Path) -> None:
    files, duration = reference
    root = _project(tmp_path)
    for k in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "ingest", "raw", "--now", NOW], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(duration * (0.2 + 0.15 * k))
        proc.kill()
        proc.wait()
        tree = snapshot(root / "content")
        for rel, data in (tree.files if tree else {}).items():
            if Path(rel).name.startswith("."):
                continue  # a temp file a SIGKILL could not clean up: hidden, so never loaded as an entry
            assert data == files.get(rel), f"partial or unexpected entry after kill {k}: {rel}"
            parse_entry(data.decode("utf-8"), Path(rel), ZoneInfo("UTC"))
    result = _ingest(root)
    assert result.returncode == 0, result.stderr[-2000:]
    after = snapshot(root / "content").files  # type: ignore[union-attr]
    assert {k: v for k, v in after.items() if not Path(k).name.startswith(".")} == files


def test_entries_edited_by_hand_are_never_overwritten(tmp_path: Path) -> None:
    root = _project(tmp_path)
    assert _ingest(root).returncode == 0
    entries = sorted((root / "content").rglob("*.md"))
    edited = entries[0]
    text = edited.read_text(encoding="utf-8").replace("title:", "title: EDITED", 1)
    edited.write_text(text, encoding="utf-8")
    result = cli("ingest", "raw", "--now", "2025-02-01T06:00:00+00:00", cwd=root)
    assert result.returncode == 0, result.stderr[-2000:]
    assert edited.read_text(encoding="utf-8") == text
    assert "edited by hand, left alone" in result.stdout
