"""The benchmark scripts still run against the current code (their figures are not checked here)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.feeds import measure


def test_feed_benchmark_builds_every_feed_of_the_corpus(tmp_path: Path) -> None:
    timing = measure(1500, limit=50, root=tmp_path)
    assert timing.feeds == 1 + 40 + 200 and timing.files == 3 * timing.feeds
    assert timing.entries == 1500 and timing.megabytes > 0
