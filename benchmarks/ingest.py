"""Throughput of `digest ingest` on typical raw pages (5–10 KB), one core.

Builds a deterministic set of synthetic pages shaped like real scrapes
(article paragraphs, the platform block printed twice in a random UI
language, 8–12 teasers in layouts A/B/C, some with a header, some generic
with ads and datelines, a few with mojibake) and times the whole pure
pipeline: decode, label, build entries, ids, language, and render each
entry file (no disk writes, which depend on the machine's disk).

With --end-to-end it also writes the pages into a temporary folder and runs
`digest ingest` on them as a user would (a new process: start-up, reading
the raw files and writing every entry file included), once in one process
(`-j 1`) and once on every core, each into an empty content folder.

    .venv/bin/python -m benchmarks.ingest              # 2000 pages
    .venv/bin/python -m benchmarks.ingest --end-to-end
    .venv/bin/python -m benchmarks.ingest 500 --profile  # cProfile top 25

With --scheduler it runs `digest ingest --scheduler ADDRESS` on the same
pages as `-j 2` and compares their throughput (and checks the entries are
the same); `--scheduler local` starts a LocalCluster of two one-thread
worker processes on this machine for it.

    .venv/bin/python -m benchmarks.ingest --scheduler local
    .venv/bin/python -m benchmarks.ingest --scheduler tcp://HOST:8786
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import os
import pstats
import random
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from benchmarks.measure import Run, summarize, timed
from generator.ingest.clean.rules import default_rules
from generator.ingest.page import ingest_page
from generator.ingest.write import render

WORDS = [
    "the",
    "council",
    "said",
    "on",
    "monday",
    "that",
    "new",
    "plans",
    "for",
    "harbour",
    "town",
    "river",
    "bridge",
    "would",
    "be",
    "ready",
    "by",
    "spring",
    "after",
    "months",
    "of",
    "talks",
    "with",
    "residents",
    "who",
    "have",
    "long",
    "complained",
    "about",
    "traffic",
    "noise",
    "and",
    "rising",
    "costs",
    "while",
    "local",
    "shops",
    "reported",
    "fewer",
    "visitors",
    "than",
    "last",
    "year",
    "and",
    "officials",
    "promised",
    "a",
    "review",
    "of",
    "parking",
    "rules",
    "before",
    "the",
    "summer",
    "season",
    "begins",
    "in",
    "earnest",
]
NAMES = ["Mara Tell", "Ola Brenn", "Nell Ashby", "Pat Lund", "Ines Varga"]
PUBS = ["The Lowmouth Courier", "Valley Weekly", "Harbour Review", "North Star Daily"]
UI = {
    "en": [
        "This story is from the {d} edition of {p}.",
        "Start your 7-day Magzter GOLD free trial to access thousands of curated premium stories, and 9,000+ magazines and newspapers.",
        "Already a subscriber ? Sign In",
    ],
    "ja": [
        "この記事は {p} の {d} 版に掲載されています。",
        "7 日間の Magzter GOLD 無料トライアルを開始して、何千もの厳選されたプレミアム ストーリーにアクセスしてください。",
        "すでに購読者です ? サインイン",
    ],
    "de": [
        "Diese Geschichte stammt aus der {d}-Ausgabe von {p}.",
        "Starten Sie Ihre 7-tägige kostenlose Testversion von Magzter GOLD, um auf Tausende kuratierte Premium-Storys zuzugreifen.",
        "Bereits Abonnent ? Anmelden",
    ],
    "tr": [
        "Bu hikaye {p} dergisinin {d} sayısından alınmıştır.",
        "Start your 7-day Magzter GOLD free trial to access thousands of curated premium stories, and 9,000+ magazines and newspapers.",
        "Already a subscriber ? Giriş Yap",
    ],
}
DATES = ["June 23, 2024", "JULY 2018", "April First 2018", "May-June, 2024", "September 14,2024"]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 22))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))


def make_page(rng: random.Random) -> bytes:
    pub, day = rng.choice(PUBS), rng.choice(DATES)
    lines: list[str] = []
    if rng.random() < 0.3:
        title = sentence(rng)[:-1]
        lines += ["Try GOLD - Free", title, f"{pub}|{day}", sentence(rng), rng.choice(NAMES), title]
    generic = rng.random() < 0.2
    target = rng.randint(4500, 8500)
    size = 0
    while size < target:
        text = paragraph(rng)
        if rng.random() < 0.1:
            text = text.replace("the", "donâ€™t", 1)
        lines.append(text)
        size += len(text)
        if generic and rng.random() < 0.3:
            lines.append(rng.choice(["Advertisement", "Read more: " + sentence(rng), "© Pat Lund/Lowmouth Courier"]))
    if generic:
        lines.insert(0, "First Published: Oct 01, 2018 13:22 IST")
        return ("\n".join(lines) + "\n").encode()
    block = [line.format(p=pub, d=day) for line in UI[rng.choice(list(UI))]]
    lines += block + block
    for _ in range(rng.randint(8, 12)):
        kind = rng.random()
        if kind < 0.6:
            lines += [sentence(rng)[:-1], sentence(rng)]
        elif kind < 0.8:
            lines += [sentence(rng)[:-1], sentence(rng), rng.choice(NAMES), "Columnist, @handle"]
        else:
            lines += [pub, sentence(rng)[:-1], sentence(rng), "time-read", "7 mins  |", rng.choice(DATES)]
    return ("\n".join(lines) + "\n").encode()


def run(pages: list[bytes]) -> int:
    rules = default_rules()
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    entries = 0
    for i, data in enumerate(pages):
        page = ingest_page(data, f"{i}.txt", rules)
        for draft in page.drafts:
            render(draft, now, page.origin)
            entries += 1
    return entries


CONFIG = "site:\n  title: Ingest Benchmark\n  url: https://ingest.example.org/\n"
PAGES_PER_FOLDER = 1000


def write_raw(pages: Iterable[bytes], root: Path) -> int:
    """Write the pages as root/raw/NNN/page-NNNNNN.txt; returns their total size in bytes."""
    total = 0
    for number, data in enumerate(pages):
        folder = root / "raw" / f"{number // PAGES_PER_FOLDER:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"page-{number:06d}.txt").write_bytes(data)
        total += len(data)
    return total


def end_to_end(pages: list[bytes], jobs: int | None, root: Path, options: Sequence[str] = ()) -> Run:
    """`digest ingest raw` on the pages in a new folder under root, as a user runs it."""
    root.mkdir()
    write_raw(pages, root)
    (root / "config.yaml").write_text(CONFIG, encoding="utf-8")
    argv = [sys.executable, "-m", "generator", "ingest", "raw", "--now", "2025-01-01T00:00:00+00:00", *(["-j", str(jobs)] if jobs else []), *options]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    return timed(argv, root, env, root / "ingest.log")


@contextlib.contextmanager
def scheduler(address: str) -> Iterator[str]:
    """The address as given, or that of a LocalCluster of two worker processes started here for `local`."""
    if address != "local":
        yield address
        return
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:  # type: ignore[no-untyped-call]
        yield cluster.scheduler_address


def entries_of(root: Path) -> dict[str, bytes]:
    content = root / "content"
    return {str(p.relative_to(content)): p.read_bytes() for p in sorted(content.rglob("*.md"))}


def against_cluster(pages: list[bytes], address: str, runs: int) -> None:
    """`digest ingest --scheduler` against `-j 2` on the same pages, alternating, `runs` of each."""
    timings: dict[str, list[Run]] = {}
    with scheduler(address) as where, tempfile.TemporaryDirectory(prefix="newsdigest-ingest-") as folder:
        for round_ in range(runs):
            for label, jobs, options in (("-j 2", 2, ()), (f"--scheduler {address}", None, ("--scheduler", where))):
                timings.setdefault(label, []).append(end_to_end(pages, jobs, Path(folder) / f"{round_}-{label.split()[0]}", options))
        same = entries_of(Path(folder) / "0--j") == entries_of(Path(folder) / "0---scheduler")
    for label, measured in timings.items():
        t = summarize(measured)
        print(f"digest ingest {label}: {t.wall:.2f} s wall, {t.cpu:.2f} s CPU in digest's own processes, median of {t.runs}: {len(pages) / t.wall:.0f} pages/s")
    print("entries identical" if same else "ENTRIES DIFFER")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", type=int, nargs="?", default=2000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--end-to-end", action="store_true", help="also time `digest ingest` writing the entries, one core and all")
    parser.add_argument("--runs", type=int, default=3, help="end-to-end runs of each kind (median)")
    parser.add_argument("--scheduler", metavar="ADDRESS|local", help="compare `digest ingest --scheduler ADDRESS` with -j 2 instead")
    args = parser.parse_args()
    rng = random.Random(1)
    pages = [make_page(rng) for _ in range(args.pages)]
    if args.scheduler:
        against_cluster(pages, args.scheduler, args.runs)
        return
    run(pages[:20])  # warm up: load the language model and compile the rules once
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(run, pages)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        return
    # CPU time of this process: other work on a shared machine does not count against it.
    start, wall = time.process_time(), time.perf_counter()
    entries = run(pages)
    seconds, wall = time.process_time() - start, time.perf_counter() - wall
    kb = sum(map(len, pages)) / len(pages) / 1024
    print(f"{len(pages)} pages (avg {kb:.1f} KB), {entries} entries in {seconds:.2f} s CPU ({wall:.2f} s wall): {len(pages) / seconds:.0f} pages/s on one core")
    if args.end_to_end:
        # Every folder is deleted only at the end: on some file systems (ext4) creating
        # files soon after many were deleted is slow, which would handicap later runs.
        runs: dict[str, list[Run]] = {}
        with tempfile.TemporaryDirectory(prefix="newsdigest-ingest-") as folder:
            for round_ in range(args.runs):
                for jobs, label in ((1, "-j 1"), (None, f"all {os.cpu_count()} cores")):
                    runs.setdefault(label, []).append(end_to_end(pages, jobs, Path(folder) / f"{round_}{label.replace(' ', '-')}"))
        for label, timings in runs.items():
            t = summarize(timings)
            print(f"digest ingest, {label}: {t.wall:.2f} s wall, {t.cpu:.2f} s CPU ({t.sys:.2f} s sys), median of {t.runs}: {len(pages) / t.wall:.0f} pages/s")


if __name__ == "__main__":
    main()
