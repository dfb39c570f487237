"""A build crashed at every filesystem step, in turn: site/ is the old or the new site, and the next build is right.

A SIGKILL cannot be aimed between two system calls; tests.crashes can. The
crash is an exception no handler catches, so nothing runs that a SIGKILL
would not let run (the cache's uncommitted transaction is rolled back either
way). Digests and helpers are those of test_kill.py, kept small: a build
makes about a hundred changes (103 at last count), and each is crashed once.
"""

from __future__ import annotations

import os
import shutil
from itertools import count
from pathlib import Path

import pytest

from generator.build import build
from generator.cache import BuildCache
from generator.config import load_config
from generator.output import Trees, read_token
from tests.crashes import Crash, crash_at
from tests.robustness.sites import snapshot
from tests.robustness.test_kill import DIGESTS, Digest, describe, write_digest


def in_process_build(root: Path) -> None:
    build(load_config(root / "config.yaml"), workers=1)


SMALL = {name: Digest(d.title, 1, d.seed, d.first, d.extra) for name, d in DIGESTS.items()}


def test_a_build_crashed_at_any_filesystem_step_leaves_the_old_or_new_site(tmp_path: Path) -> None:
    """A and B published, a build of C crashed at step k, then A built: old-or-new after the crash, exactly A after.

    Every k is tried, from the first change a build makes to the last (the
    swap among them), so removing the live site before the rename, or
    trusting the spare the crash left, cannot pass.
    """
    cold = {}
    for name in ("A", "B", "C"):
        write_digest(tmp_path / f"cold-{name}", SMALL[name])
        in_process_build(tmp_path / f"cold-{name}")
        cold[name] = snapshot(tmp_path / f"cold-{name}" / "site")
    start = tmp_path / "start"
    for name in ("A", "B"):
        write_digest(start, SMALL[name])
        in_process_build(start)
    write_digest(start, SMALL["C"])
    for step in count():
        root = tmp_path / f"run-{step}"
        shutil.copytree(start, root, symlinks=True)
        crashed = False
        with crash_at(step) as steps:
            try:
                in_process_build(root)
            except Crash:
                crashed = True
            made = steps()
        state = snapshot(root / "site")
        assert state in (cold["B"], cold["C"]), f"crashed at step {step}: site/ is {describe(state, cold)}"
        write_digest(root, SMALL["A"])
        in_process_build(root)
        assert snapshot(root / "site") == cold["A"], f"after a crash at step {step}: {describe(snapshot(root / 'site'), cold)}"
        shutil.rmtree(root)
        if not crashed:
            assert step > 20 and made <= step, "the build made fewer filesystem changes than expected"
            break


def test_a_spare_a_crash_left_dirty_is_made_afresh(tmp_path: Path) -> None:
    """The issue's case in-process and quick (the mutation tests run it for every mutant): A, B, C crashed mid-render, A."""
    cold = {}
    for name in ("A", "C"):
        write_digest(tmp_path / f"cold-{name}", SMALL[name])
        in_process_build(tmp_path / f"cold-{name}")
        cold[name] = snapshot(tmp_path / f"cold-{name}" / "site")
    root = tmp_path / "site-root"
    for name in ("A", "B", "C"):
        write_digest(root, SMALL[name])
        if name != "C":
            in_process_build(root)
    with crash_at(12), pytest.raises(Crash):  # a dozen files into rendering C over the clean spare (A's tree)
        in_process_build(root)
    spare = snapshot(root / ".site.newsdigest" / "spare")
    assert spare is not None and set(spare.files.items()) & set(cold["C"].files.items()) - set(cold["A"].files.items()), "C was not partly written"
    write_digest(root, SMALL["A"])
    in_process_build(root)
    assert snapshot(root / "site") == cold["A"], describe(snapshot(root / "site"), cold)


def test_a_spare_made_afresh_leaves_no_trace_of_the_old_one_in_the_cache(tmp_path: Path) -> None:
    """The remade spare's old records are forgotten: the cache never carries a dead tree's rows from build to build."""
    root = tmp_path / "site-root"
    for name in ("A", "B", "C"):
        write_digest(root, SMALL[name])
        if name != "C":
            in_process_build(root)
    with crash_at(12), pytest.raises(Crash):
        in_process_build(root)
    trees = Trees(root / "site")
    dead = read_token(trees.spare)
    assert dead is not None
    in_process_build(root)
    store = BuildCache(trees.cache_file)
    try:
        assert read_token(trees.spare) != dead
        assert store.count_outputs(dead) == 0 and store.meta(f"tree:{dead}") is None and store.meta(f"dirty:{dead}") is None
    finally:
        store.close()


def test_a_site_the_cache_does_not_know_is_not_copied_into_the_spare(tmp_path: Path) -> None:
    """Cache deleted, site/ kept: the next build must not link the unknown live files in, or B keeps A's pages."""
    write_digest(tmp_path / "cold-B", SMALL["B"])
    in_process_build(tmp_path / "cold-B")
    root = tmp_path / "site-root"
    write_digest(root, SMALL["A"])
    in_process_build(root)
    in_process_build(root)  # a spare exists too, so both trees are unknown once the cache is gone
    Trees(root / "site").cache_file.unlink()
    write_digest(root, SMALL["B"])
    in_process_build(root)
    assert snapshot(root / "site") == snapshot(tmp_path / "cold-B" / "site")


def test_only_the_process_that_armed_a_crash_crashes(tmp_path: Path) -> None:
    """A forked child (the spare's linker) that met a Crash would die unseen and leave the build waiting forever."""
    with crash_at(0):
        child = os.fork()
        if child == 0:  # pragma: no cover - runs in the child
            try:
                os.mkdir(tmp_path / "child")
            except BaseException:
                os._exit(1)
            os._exit(0)
        assert os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]) == 0 and (tmp_path / "child").is_dir()
        with pytest.raises(Crash):
            os.mkdir(tmp_path / "parent")
    assert not (tmp_path / "parent").exists()
