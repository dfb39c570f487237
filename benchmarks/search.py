"""What the search index costs: the Pagefind step of a build alone, in CPU seconds.

Writes the deterministic N-entry corpus (benchmarks.corpus), loads it as a
build does, then times the two halves of generator.render.search: rendering one
HTML record per entry (this process) and the Pagefind service indexing them
(a child process), with CPU times, which the machine's load does not inflate:
for every shard (what a cold build indexes) and for the largest shard alone
(what one edit re-indexes at most).

    .venv/bin/python -m benchmarks.search 10000 [--workers N]

A cold build shares the shards among one Pagefind process per core
(--workers, default: this machine's cores); the largest Pagefind process's
peak RSS is printed too.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from benchmarks import corpus
from generator.build import collect
from generator.config import load_config
from generator.render.engine import Renderer
from generator.render.search import index_shards, records, shards


def cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="entries in the corpus")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="Pagefind processes for the cold index (default: one per core)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        corpus.write(args.n, root)
        config = load_config(root / "config.yaml")
        site = collect(config).site
        wall, own = time.perf_counter(), cpu(resource.RUSAGE_SELF)
        renderer = Renderer(site, config)
        records(site.entries, renderer)
        records_wall, records_cpu = time.perf_counter() - wall, cpu(resource.RUSAGE_SELF) - own
        every = shards(site)
        wall, child, own = time.perf_counter(), cpu(resource.RUSAGE_CHILDREN), cpu(resource.RUSAGE_SELF)
        made = index_shards(every, renderer, args.workers)  # records again, from the renderer's kept bodies
        index_wall, index_cpu, own_cpu = time.perf_counter() - wall, cpu(resource.RUSAGE_CHILDREN) - child, cpu(resource.RUSAGE_SELF) - own
        files = [data for shard_files, _ in made for data in shard_files.values()]
        print(f"{len(site.entries):,} entries: records {records_cpu:.2f} s CPU ({records_wall:.2f} s wall); ", end="")
        print(f"{len(every)} shards in {args.workers} Pagefind process(es): {index_cpu:.2f} s CPU + {own_cpu:.2f} s here ({index_wall:.2f} s wall); ", end="")
        largest_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"{len(files):,} files, {sum(map(len, files)) / 1e6:.1f} MB; largest Pagefind process {largest_mb:.0f} MB")
        largest = max(every, key=lambda shard: len(shard.entries))
        wall, child, own = time.perf_counter(), cpu(resource.RUSAGE_CHILDREN), cpu(resource.RUSAGE_SELF)
        index_shards([largest], Renderer(site, config))  # a fresh renderer: the bodies are parsed, as in an edit
        print(f"largest shard {largest.name} ({len(largest.entries)} entries): ", end="")
        pagefind_cpu, own_cpu = cpu(resource.RUSAGE_CHILDREN) - child, cpu(resource.RUSAGE_SELF) - own
        print(f"{pagefind_cpu:.2f} s CPU Pagefind + {own_cpu:.2f} s here ({time.perf_counter() - wall:.2f} s wall)")


if __name__ == "__main__":
    main()
