"""Feeds stay fast as the collection grows (issue 5). Full figure: `python -m tests.bench_feeds 10000`."""

from __future__ import annotations

from pathlib import Path

from tests.bench_feeds import measure


def test_feed_generation_scales(tmp_path: Path) -> None:
    timing = measure(1500, limit=50, root=tmp_path)
    assert timing.feeds == 1 + 40 + 200 and timing.files == 3 * timing.feeds
    # ~0.45 s of CPU on the reference machine; the bound only catches a blow-up (say, a body rendered per feed).
    assert timing.cpu_seconds < 2.5, timing
