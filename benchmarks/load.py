"""Load test: ingest and build ≥ 20,000 raw pages, then check that a no-op rebuild touches nothing.

Steps, each run as a user runs it (`python -m generator ...` in a subprocess):

1. generate N deterministic synthetic raw pages (benchmarks.ingest.make_page: original
   text in the shape of real scrapes, seeded) into ROOT/raw/;
2. `digest ingest raw` (with a fixed --now so reruns compare);
3. `digest build`;
4. `digest build` again with nothing changed, then report every file of site/
   whose bytes or modification time changed, and any file added or removed.

Each step reports wall time, CPU time and peak RSS (ru_maxrss from wait4: the
largest resident set of any process of the command's tree). Not part of the
test suite.

    .venv/bin/python -m benchmarks.load                     # 20,000 pages in a temp folder
    .venv/bin/python -m benchmarks.load 5000 --root /tmp/l5k --keep
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.ingest import make_page, write_raw

CONFIG = """\
site:
  title: Load Digest
  url: https://load.example.org/news/
  timezone: UTC
feeds:
  limit: 50
"""
NOW = "2025-01-01T06:00:00+00:00"


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    exit_code: int
    wall: float
    cpu: float
    peak_rss_mb: float
    tail: str  # last lines of the output, for failures and summaries


def generate(root: Path, count: int, seed: int) -> int:
    """Write `count` raw pages under root/raw; returns their total size in bytes."""
    rng = random.Random(seed)
    return write_raw((make_page(rng) for _ in range(count)), root)


def run(name: str, argv: list[str], cwd: Path) -> Step:
    """Run a command to completion; wall time, CPU and peak RSS of its process tree from wait4."""
    log = cwd / f"{name}.log"
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return Step(name, proc.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, "\n".join(lines[-3:]))


def site_state(site: Path) -> dict[str, tuple[int, str]]:
    """Every file of the site: (mtime in ns, sha256 of its bytes)."""
    state = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            state[path.relative_to(site).as_posix()] = (path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
    return state


def compare(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> dict[str, list[str]]:
    return {
        "bytes changed": sorted(k for k in before.keys() & after.keys() if before[k][1] != after[k][1]),
        "mtime changed": sorted(k for k in before.keys() & after.keys() if before[k][0] != after[k][0]),
        "added": sorted(after.keys() - before.keys()),
        "removed": sorted(before.keys() - after.keys()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", type=int, nargs="?", default=20_000)
    parser.add_argument("--root", type=Path, help="work folder (default: a fresh temp folder)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    root = args.root or Path(tempfile.mkdtemp(prefix="newsdigest-load-"))
    if args.root and (root / "raw").exists():
        sys.exit(f"{root} already holds a corpus: give an empty or new --root")
    root.mkdir(parents=True, exist_ok=True)
    digest = [sys.executable, "-m", "generator"]
    try:
        started = time.perf_counter()
        size = generate(root, args.pages, args.seed)
        print(f"generated {args.pages:,} raw pages ({size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f}s into {root}")
        (root / "config.yaml").write_text(CONFIG, encoding="utf-8")
        steps = [run("ingest", [*digest, "ingest", "raw", "--now", NOW], root)]
        entries = sum(1 for _ in (root / "content").rglob("*.md"))
        steps.append(run("build", [*digest, "build"], root))
        before = site_state(root / "site")
        steps.append(run("rebuild-no-change", [*digest, "build"], root))
        after = site_state(root / "site")
        for step in steps:
            status = "ok" if step.exit_code == 0 else f"EXIT {step.exit_code}"
            print(f"{step.name:<18} {status:<7} wall {step.wall:8.2f}s  cpu {step.cpu:8.2f}s  peak RSS {step.peak_rss_mb:7.1f} MB")
            print("    " + step.tail.replace("\n", "\n    "))
        print(f"{entries:,} entries in content/, {len(before):,} files in site/")
        changes = compare(before, after)
        for kind, paths in changes.items():
            print(f"no-op rebuild, files with {kind}: {len(paths)}" + (f" (e.g. {paths[:5]})" if paths else ""))
        failed = any(s.exit_code != 0 for s in steps) or any(changes.values())
        sys.exit(1 if failed else 0)
    finally:
        if not args.keep and args.root is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
