"""What the search index costs: the Pagefind step of a build alone, in CPU seconds.

Writes the deterministic N-entry corpus (benchmarks.corpus), loads it as a
build does, then times the two halves of generator.render.search: rendering one
HTML record per entry (this process) and the Pagefind service indexing them
(a child process), with CPU times, which the machine's load does not inflate.

    .venv/bin/python -m benchmarks.search 10000
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from benchmarks import corpus
from generator.build import collect
from generator.config import load_config
from generator.render.engine import Renderer
from generator.render.pagefind import index_bundles
from generator.render.search import records


def cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="entries in the corpus")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        corpus.write(args.n, root)
        config = load_config(root / "config.yaml")
        site = collect(config).site
        wall, own = time.perf_counter(), cpu(resource.RUSAGE_SELF)
        made = records(site, Renderer(site, config))
        records_wall, records_cpu = time.perf_counter() - wall, cpu(resource.RUSAGE_SELF) - own
        wall, child = time.perf_counter(), cpu(resource.RUSAGE_CHILDREN)
        [bundle] = index_bundles([made])
        index_wall, index_cpu = time.perf_counter() - wall, cpu(resource.RUSAGE_CHILDREN) - child
        files, size = bundle, sum(len(data) for data in bundle.values())
        print(f"{len(site.entries):,} entries: records {records_cpu:.2f} s CPU ({records_wall:.2f} s wall), ", end="")
        print(f"Pagefind {index_cpu:.2f} s CPU ({index_wall:.2f} s wall); bundle {len(files):,} files, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
