"""Time feed generation on a synthetic corpus (issue 5: 10,000 entries, 40 sources, 200 tags).

    .venv/bin/python -m benchmarks.feeds 10000 [--limit 50]

Loading and arranging the entries is timed apart from the feeds themselves.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks import corpus
from generator.build import collect
from generator.config import load_config
from generator.render.feeds import ItemCache, make_feed, plan_feeds
from generator.render.jsonfeed import json_feed
from generator.render.xmlfeeds import rss_and_atom


@dataclass(frozen=True, slots=True)
class FeedTiming:
    entries: int
    feeds: int
    files: int
    megabytes: float
    collect_seconds: float
    feed_seconds: float  # wall clock, all feeds
    cpu_seconds: float  # process CPU time, all feeds (steadier on a busy machine)
    phases: dict[str, float]  # CPU seconds: items (bodies rendered once), rss+atom, json


def measure(n: int, limit: int, root: Path) -> FeedTiming:
    corpus.write(n, root)
    config_path = root / "config.yaml"
    config_path.write_text(re.sub(r"limit: \d+", f"limit: {limit}", config_path.read_text()))
    config = load_config(config_path)
    started = time.perf_counter()
    collected = collect(config)
    site = collected.site
    started_feeds, started_cpu = time.perf_counter(), time.process_time()
    phases = {"items": 0.0, "rss+atom": 0.0, "json": 0.0}
    cache: ItemCache = {}
    files: list[bytes] = []
    for spec, entries in plan_feeds(site, config):
        t0 = time.process_time()
        feed = make_feed(spec, entries, site, config, cache)
        t1 = time.process_time()
        files.extend(rss_and_atom(feed))
        t2 = time.process_time()
        files.append(json_feed(feed))
        t3 = time.process_time()
        for name, seconds in zip(phases, (t1 - t0, t2 - t1, t3 - t2), strict=False):
            phases[name] += seconds
    done = time.perf_counter()
    return FeedTiming(
        entries=len(site.entries),
        feeds=len(files) // 3,
        files=len(files),
        megabytes=sum(len(data) for data in files) / 1e6,
        collect_seconds=started_feeds - started,
        feed_seconds=done - started_feeds,
        cpu_seconds=time.process_time() - started_cpu,
        phases=phases,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=10_000)
    parser.add_argument("--limit", type=int, default=50, help="feeds.limit (default: the config default, 50)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t = measure(args.n, args.limit, Path(tmp))
    print(
        f"{t.entries} entries → {t.feeds} feeds ({t.files} files, {t.megabytes:.1f} MB) "
        f"in {t.feed_seconds:.2f}s wall, {t.cpu_seconds:.2f}s CPU "
        f"({', '.join(f'{k} {v:.2f}s' for k, v in t.phases.items())}); load + arrange: {t.collect_seconds:.2f}s"
    )


if __name__ == "__main__":
    main()
