"""SIGKILL a running `digest build` at many moments: site/ is always the old or the new site.

Old and new differ in every HTML page and feed (different site title, extra
entries), so any mix of the two, or a missing or half-written file, shows up
as a tree equal to neither reference build. Before each kill the old site is
published by a real, complete build, so whatever state the tool keeps beside
site/ (staging folders, caches) is exercised as in real use.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.robustness.sites import Tree, cli, config_text, snapshot, write_entries

ENTRIES = 250  # a build takes about half a second: long enough to land kills inside it
KILLS = 24
BUDGET_SECONDS = 40  # the kill loop stops early rather than exceed this
OURS = {"content-old", "content-new", "old.yaml", "new.yaml", "ref-old", "ref-new"}


@dataclass(frozen=True, slots=True)
class KillRun:
    root: Path
    old: Tree
    new: Tree
    siblings_after_clean_build: frozenset[str]  # what a normal build keeps beside site/
    outcomes: tuple[tuple[float, str, bool], ...]  # (delay, site state after the kill, build had finished)


def _build(root: Path, config: str, *extra: str) -> float:
    """Run a complete build; returns its wall time."""
    started = time.monotonic()
    result = cli("build", "-q", "--config", config, *extra, cwd=root)
    assert result.returncode == 0, result.stderr
    return time.monotonic() - started


def _siblings(root: Path) -> frozenset[str]:
    return frozenset(p.name for p in root.iterdir()) - OURS


def _state(site: Path, old: Tree, new: Tree) -> str:
    tree = snapshot(site)
    if tree == old:
        return "old"
    if tree == new:
        return "new"
    if tree is None:
        return "missing"
    foreign = sorted(set(tree.files) - set(old.files) - set(new.files))[:5]
    torn = sorted(rel for rel, data in tree.files.items() if data not in (old.files.get(rel), new.files.get(rel)))[:5]
    return f"MIX ({tree.summary()}; foreign {foreign}; differing {torn})"


@pytest.fixture(scope="module")
def kill_run(tmp_path_factory: pytest.TempPathFactory) -> KillRun:
    root = tmp_path_factory.mktemp("kill")
    write_entries(root / "content-old", ENTRIES)
    shutil.copytree(root / "content-old", root / "content-new")
    write_entries(root / "content-new", 30, seed=8, first=ENTRIES)
    (root / "old.yaml").write_text(config_text("Old Digest", content="content-old"), encoding="utf-8")
    (root / "new.yaml").write_text(config_text("New Digest", content="content-new"), encoding="utf-8")
    _build(root, "old.yaml", "--output", "ref-old")
    _build(root, "new.yaml", "--output", "ref-new")
    old, new = snapshot(root / "ref-old"), snapshot(root / "ref-new")
    assert old is not None and new is not None
    same = [rel for rel in old.files if rel.endswith((".html", ".xml")) and new.files.get(rel) == old.files[rel]]
    assert same == [], "every page must differ between old and new so a mix is detectable"
    timings = []
    for _ in range(2):  # time the very command the test kills: replacing the old site with the new one
        _build(root, "old.yaml")
        timings.append(_build(root, "new.yaml"))
    duration = max(timings)
    _build(root, "old.yaml")
    siblings = _siblings(root)
    site = root / "site"
    outcomes: list[tuple[float, str, bool]] = []
    loop_started = time.monotonic()
    for k in range(KILLS):
        if time.monotonic() - loop_started > BUDGET_SECONDS:
            break
        _build(root, "old.yaml")  # every killed build replaces a completely published old site
        assert snapshot(site) == old
        delay = duration * 1.5 * k / (KILLS - 1)  # from "not started yet" to "finished" (with margin for a busy machine)
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "build", "-q", "--config", "new.yaml"], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        finished = proc.poll() is not None
        proc.kill()  # SIGKILL: no cleanup handler runs
        proc.wait()
        outcomes.append((round(delay, 3), _state(site, old, new), finished))
    print(f"\na build takes about {duration:.2f}s; {len(outcomes)} kills: {outcomes}")
    return KillRun(root, old, new, siblings, tuple(outcomes))


def test_build_killed_at_any_moment_leaves_exactly_the_old_or_the_new_site(kill_run: KillRun) -> None:
    states = Counter(state for _delay, state, _finished in kill_run.outcomes)
    assert set(states) <= {"old", "new"}, kill_run.outcomes
    assert len(kill_run.outcomes) >= KILLS // 2, "the machine is too slow to run enough kills in the budget"
    assert states["old"] >= 1, kill_run.outcomes  # killed before the swap: the old site, untouched
    killed_running = [o for o in kill_run.outcomes if not o[2]]
    assert len(killed_running) >= len(kill_run.outcomes) // 2, kill_run.outcomes


def test_build_after_killed_builds_publishes_the_new_site(kill_run: KillRun) -> None:
    for delay in (0.1, 0.3, 0.5):  # a few kills in a row, with no complete build between them
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "build", "-q", "--config", "old.yaml"], cwd=kill_run.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        proc.kill()
        proc.wait()
        assert _state(kill_run.root / "site", kill_run.old, kill_run.new) in ("old", "new")
    _build(kill_run.root, "new.yaml")
    assert snapshot(kill_run.root / "site") == kill_run.new


def test_build_after_killed_builds_cleans_up_what_they_left(kill_run: KillRun) -> None:
    """Staging folders of killed builds must not pile up beside site/ (the next build removes them)."""
    _build(kill_run.root, "new.yaml")
    assert _siblings(kill_run.root) == kill_run.siblings_after_clean_build


def test_build_killed_with_no_previous_site_leaves_nothing_or_the_new_site(tmp_path: Path) -> None:
    write_entries(tmp_path / "content", 150)
    (tmp_path / "config.yaml").write_text(config_text(), encoding="utf-8")
    _build(tmp_path, "config.yaml", "--output", "ref")
    new = snapshot(tmp_path / "ref")
    assert new is not None
    for delay in (0.15, 0.3, 0.45, 0.6):
        shutil.rmtree(tmp_path / "site", ignore_errors=True)
        proc = subprocess.Popen([sys.executable, "-m", "generator", "build", "-q"], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.kill()
        proc.wait()
        assert snapshot(tmp_path / "site") in (None, new)
