"""SIGKILL `digest build` at every phase: site/ is always exactly the old or the new site.

Kills land where the test says, not at guessed moments: NEWSDIGEST_TEST_FAULT
(generator.faults) makes the build SIGKILL itself at a named phase. Builds of
several distinct digests follow each other in one output folder, as when a
user edits a digest, so the spare tree a killed build leaves dirty is met by
the next builds. After every kill site/ must be exactly the site that was
live (or, killed after the swap, exactly the new one), and every complete
build must equal a cold build of the same content, byte for byte.

A SIGKILL cannot be aimed between two system calls: test_crash_steps.py
crashes a build in-process at every filesystem step instead.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.faults import VARIABLE
from tests.robustness.sites import Tree, config_text, snapshot, write_entries


@dataclass(frozen=True, slots=True)
class Digest:
    """One version of the digest: its title and its entries (write_entries' arguments)."""

    title: str
    entries: int
    seed: int
    first: int = 0
    extra: int = 0  # entries added on top, so a version can differ from another in a few pages only


DIGESTS = {
    "A": Digest("Digest A", 40, seed=1),
    "A2": Digest("Digest A", 40, seed=1, extra=1),  # A and one more entry: most of its pages are A's
    "B": Digest("Digest B", 50, seed=2),
    "C": Digest("Digest C", 45, seed=3, first=20),
    "D": Digest("Digest D", 30, seed=4, first=5),
}


def write_digest(root: Path, digest: Digest) -> None:
    """Make root/content and root/config.yaml hold `digest` (as a user editing them would)."""
    shutil.rmtree(root / "content", ignore_errors=True)
    write_entries(root / "content", digest.entries, seed=digest.seed, first=digest.first)
    if digest.extra:
        write_entries(root / "content", digest.extra, seed=99, first=digest.first + digest.entries)
    (root / "config.yaml").write_text(config_text(digest.title), encoding="utf-8")


def run_build(root: Path, fault: str | None = None, jobs: int = 1) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != VARIABLE} | ({VARIABLE: fault} if fault else {})
    command = [sys.executable, "-m", "generator", "build", "-q", "-j", str(jobs)]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False, timeout=300)


def complete_build(root: Path, jobs: int = 1) -> None:
    result = run_build(root, jobs=jobs)
    assert result.returncode == 0, result.stderr


def killed_build(root: Path, fault: str, jobs: int = 1) -> None:
    result = run_build(root, fault, jobs)
    assert result.returncode == -signal.SIGKILL, f"the build was not killed at {fault}: exit {result.returncode}, {result.stderr[-2000:]}"


@pytest.fixture(scope="module")
def cold(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Tree]:
    """Every digest built cold, each in a folder of its own: what a correct build publishes."""
    trees = {}
    for name, digest in DIGESTS.items():
        root = tmp_path_factory.mktemp(f"cold-{name}")
        write_digest(root, digest)
        complete_build(root)
        tree = snapshot(root / "site")
        assert tree is not None
        trees[name] = tree
    for one in ("A", "B", "C", "D"):
        for other in ("A", "B", "C", "D"):
            same = [rel for rel in trees[one].files if rel.endswith((".html", ".xml", ".json")) and trees[other].files.get(rel) == trees[one].files[rel]]
            assert one == other or same == [], f"{one} and {other} share pages, so a mix of them could pass unseen: {same[:3]}"
    return trees


def describe(tree: Tree | None, cold: dict[str, Tree]) -> str:
    """Which digest a tree is, or how it differs from them: for assertion messages."""
    if tree is None:
        return "no site"
    names = [name for name, ref in cold.items() if tree == ref]
    if names:
        return f"exactly {names[0]}"
    mixed = {name: sum(1 for rel, data in tree.files.items() if ref.files.get(rel) == data) for name, ref in cold.items()}
    return f"a mix ({tree.summary()}; files shared with each digest: {mixed})"


# Each step: build this digest, killed at this phase (None: a complete build), and what site/ must then be.
# Sequence: A, B published; then kills at every phase meet a spare tree left dirty by the kill before.
SEQUENCE = (
    ("A", None, "A"),
    ("B", None, "B"),  # the spare now holds A, clean
    ("C", "load", "B"),
    ("C", "render@5", "B"),  # the spare (A) is now dirty: part A, part C
    ("A", None, "A"),  # the case: a build of A must not trust the dirty spare's record of A
    ("A2", "fill@3", "A"),  # spare (B, clean) filled with A's unchanged pages, then killed
    ("C", "spare", "A"),  # a new spare is linked from A and marked dirty
    ("C", "render@40", "A"),
    ("C", "swap", "A"),  # C complete in the spare, killed just before the exchange
    ("D", "swapped", "D"),  # killed just after it: the new site is live, the build not recorded
    ("A", "render@1", "D"),
    ("A2", None, "A2"),
    ("B", "render@10", "A2"),
    ("B", "swap", "A2"),
    ("A", None, "A"),
    ("A", None, "A"),  # no change: nothing to do, still exactly A
)


def test_builds_killed_at_every_phase_leave_exactly_the_old_or_new_site_and_the_next_build_is_right(tmp_path: Path, cold: dict[str, Tree]) -> None:
    for step, (name, fault, expected) in enumerate(SEQUENCE):
        write_digest(tmp_path, DIGESTS[name])
        if fault is None:
            complete_build(tmp_path)
        else:
            killed_build(tmp_path, fault)
        state = snapshot(tmp_path / "site")
        assert state == cold[expected], f"step {step} (build {name}, killed at {fault}): site/ should be exactly {expected}, is {describe(state, cold)}"


def test_a_dirty_spare_is_not_trusted(tmp_path: Path, cold: dict[str, Tree]) -> None:
    """Build A, build B, kill a build of C mid-render, build A: site/ holds exactly A (issue 20's case)."""
    for name, fault in (("A", None), ("B", None), ("C", "render@20")):
        write_digest(tmp_path, DIGESTS[name])
        if fault is None:
            complete_build(tmp_path)
        else:
            killed_build(tmp_path, fault)
    write_digest(tmp_path, DIGESTS["A"])
    complete_build(tmp_path)
    assert snapshot(tmp_path / "site") == cold["A"], describe(snapshot(tmp_path / "site"), cold)


@pytest.mark.parametrize(("fault", "published"), [("load", False), ("spare", False), ("render@3", False), ("swap", False), ("swapped", True)])
def test_a_first_build_killed_leaves_no_site_or_the_new_one_and_the_next_build_is_right(
    tmp_path: Path, cold: dict[str, Tree], fault: str, published: bool
) -> None:
    write_digest(tmp_path, DIGESTS["B"])
    killed_build(tmp_path, fault)
    assert snapshot(tmp_path / "site") == (cold["B"] if published else None)
    complete_build(tmp_path)
    assert snapshot(tmp_path / "site") == cold["B"]


def test_a_parallel_build_killed_mid_render_leaves_the_old_site(tmp_path: Path) -> None:
    """Forked workers outlive the killed build; the next build waits for them (they hold its lock) and is right."""
    big = Digest("Digest Big", 320, seed=5)  # enough outputs to render in parallel (generator.render.engine.PARALLEL_MIN_JOBS)
    write_digest(tmp_path / "ref", big)
    complete_build(tmp_path / "ref")
    reference = snapshot(tmp_path / "ref" / "site")
    write_digest(tmp_path, DIGESTS["D"])
    complete_build(tmp_path)
    old = snapshot(tmp_path / "site")
    write_digest(tmp_path, big)
    killed_build(tmp_path, "render@100", jobs=2)
    assert snapshot(tmp_path / "site") == old
    complete_build(tmp_path, jobs=2)
    assert snapshot(tmp_path / "site") == reference


def test_killed_builds_leave_nothing_behind_but_the_spare(tmp_path: Path) -> None:
    write_digest(tmp_path, DIGESTS["A"])
    complete_build(tmp_path)
    for name, fault in (("B", "render@5"), ("C", "swap"), ("D", "swapped")):
        write_digest(tmp_path, DIGESTS[name])
        killed_build(tmp_path, fault)
    complete_build(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.newsdigest", "config.yaml", "content", "site"]
    state = tmp_path / ".site.newsdigest"
    assert sorted(p.name for p in state.iterdir() if not p.name.startswith("cache.sqlite")) == ["lock", "spare", "templates"]
