"""Timing a command as a user runs it: wall and CPU time, and memory of its whole process tree.

- wall: from spawn to exit (start-up and imports included).
- cpu: user + sys from os.wait4, which on Linux covers the child and every
  descendant it waited for (forked render workers included); sys alone is
  the kernel's share (file system work, page faults, process start-up).
- max_rss_mb: ru_maxrss from the same wait4: the largest resident set of any
  single process of the tree (the kernel's own, exact figure).
- tree_pss_mb / tree_rss_mb: the largest sum, over every process of the tree
  alive at the same moment, of PSS (shared pages split between the processes
  that share them: the tree's real footprint) and of RSS (shared pages counted
  once per process: an upper bound), sampled every SAMPLE_SECONDS from /proc.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.05
# The build trusts a file's size and mtime only once it is 2 s older than the previous build's
# scan (generator.build.RACY_MARGIN_NS): a user does not build within a second of writing the corpus.
SETTLE_SECONDS = 2.5


@dataclass(frozen=True, slots=True)
class Run:
    """One timed run of a command."""

    wall: float
    cpu: float
    sys: float
    max_rss_mb: float
    tree_pss_mb: float
    tree_rss_mb: float


@dataclass(frozen=True, slots=True)
class Summary(Run):
    """Over several runs: medians of the times, maxima of the memory figures."""

    runs: int
    walls: tuple[float, ...]


def summarize(runs: Sequence[Run]) -> Summary:
    return Summary(
        runs=len(runs),
        wall=statistics.median(r.wall for r in runs),
        cpu=statistics.median(r.cpu for r in runs),
        sys=statistics.median(r.sys for r in runs),
        max_rss_mb=max(r.max_rss_mb for r in runs),
        tree_pss_mb=max(r.tree_pss_mb for r in runs),
        tree_rss_mb=max(r.tree_rss_mb for r in runs),
        walls=tuple(round(r.wall, 3) for r in runs),
    )


class CommandFailed(RuntimeError):
    pass


def timed(argv: Sequence[str], cwd: Path, env: Mapping[str, str], log: Path) -> Run:
    """Run argv to completion in cwd (output to log) and measure it; raise CommandFailed on a non-zero exit."""
    with log.open("ab") as out:
        out.write(f"$ {' '.join(argv)}  (in {cwd})\n".encode())
        out.flush()
        started = time.perf_counter()
        proc = subprocess.Popen(list(argv), cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        sampler = _TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        sampler.stop()
    if proc.returncode != 0:
        raise CommandFailed(f"{' '.join(argv)} exited with {proc.returncode} in {cwd}; see {log}")
    return Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        sys=usage.ru_stime,
        max_rss_mb=usage.ru_maxrss / 1024,  # KiB on Linux
        tree_pss_mb=sampler.peak_pss_kb / 1024,
        tree_rss_mb=sampler.peak_rss_kb / 1024,
    )


class _TreeSampler(threading.Thread):
    """Polls /proc for the memory of a process and all its descendants, keeping the peak sums."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_pss_kb = 0
        self.peak_rss_kb = 0
        self._done = threading.Event()

    def run(self) -> None:
        while True:
            pss = rss = 0
            for pid in _tree(self.root):
                p, r = _memory_kb(pid)
                pss, rss = pss + p, rss + r
            self.peak_pss_kb = max(self.peak_pss_kb, pss)
            self.peak_rss_kb = max(self.peak_rss_kb, rss)
            if self._done.wait(SAMPLE_SECONDS):
                return

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(root: int) -> list[int]:
    """The pid and every live descendant (through /proc/PID/task/TID/children)."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as handle:
                    todo.extend(int(child) for child in handle.read().split())
            except OSError:
                continue
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of one process in KiB; zeros if it is gone."""
    pss = rss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return pss, rss


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages, as /proc/loadavg shows them."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())
