"""Instructions the ingest pipeline spends on benchmark pages, counted by callgrind.

Counted instructions do not depend on the machine's load, so two commits can
be compared on a busy shared machine where pages/s swing by half. The pages
are benchmarks.ingest's (make_page with Random(1)); like that benchmark, 20
run first as a warm-up (language model loaded, rules compiled), then PAGES
are counted.

    .venv/bin/python -m benchmarks.instructions              # 200 pages, the whole pipeline
    .venv/bin/python -m benchmarks.instructions 50 --part render
    .venv/bin/python -m benchmarks.instructions 200 --inside   # just the work (what valgrind runs)

`--part read` counts only ingest_page (decode, label, build the drafts) and
`--part render` only the rendering of those drafts' entry files. valgrind
must be installed: this module runs itself under `valgrind --tool=callgrind`
collecting only inside operator.call (`--toggle-collect=_operator_call`),
which wraps the counted work and nothing else: building the pages, start-up,
imports and the warm-up are left out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import operator
import os
import random
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.ingest import make_page, run
from generator.ingest.clean.rules import default_rules
from generator.ingest.page import Page, ingest_page
from generator.ingest.write import render

WARM_UP = 20
PARTS = ("all", "read", "render")
_TOTAL = re.compile(r"^(?:summary|totals): (\d+)", re.MULTILINE)


def _read(pages: list[bytes]) -> list[Page]:
    rules = default_rules()
    return [ingest_page(data, f"{i}.txt", rules) for i, data in enumerate(pages)]


def _render(read: list[Page]) -> int:
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    return sum(len(render(draft, now, page.origin)) for page in read for draft in page.drafts)


def work(pages: int, part: str) -> None:
    """Warm up, then do the counted part inside operator.call (what callgrind collects)."""
    rng = random.Random(1)
    data = [make_page(rng) for _ in range(WARM_UP + pages)]
    run(data[:WARM_UP])
    counted: Callable[[], object]
    if part == "all":
        counted = lambda: run(data[WARM_UP:])  # noqa: E731
    elif part == "read":
        counted = lambda: _read(data[WARM_UP:])  # noqa: E731
    else:
        read = _read(data[WARM_UP:])
        counted = lambda: _render(read)  # noqa: E731
    operator.call(counted)


def instructions(pages: int, part: str) -> int:
    """Instructions callgrind counted inside operator.call for that work, in a new process."""
    with tempfile.TemporaryDirectory(prefix="newsdigest-callgrind-") as folder:
        out = Path(folder) / "callgrind.out"
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent), "PYTHONHASHSEED": "0"}
        argv = [
            "valgrind",
            "--tool=callgrind",
            "--toggle-collect=_operator_call",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-m",
            "benchmarks.instructions",
            str(pages),
            "--part",
            part,
            "--inside",
        ]
        subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        m = _TOTAL.search(out.read_text(encoding="utf-8", errors="replace"))
    if m is None:
        raise SystemExit("callgrind wrote no instruction total")
    return int(m[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", type=int, nargs="?", default=200)
    parser.add_argument("--part", choices=PARTS, default="all")
    parser.add_argument("--inside", action="store_true", help="do the work in this process (as run under valgrind)")
    args = parser.parse_args()
    if args.inside:
        work(args.pages, args.part)
        return
    total = instructions(args.pages, args.part)
    print(f"{args.part}: {args.pages} pages after {WARM_UP} of warm-up: {total / 1e9:.3f} G instructions ({total / args.pages / 1e6:.2f} M a page)")


if __name__ == "__main__":
    main()
