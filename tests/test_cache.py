from __future__ import annotations

from pathlib import Path

from generator.cache import BuildCache, OutputRecord


def record(fingerprint: str, digest: str) -> OutputRecord:
    return OutputRecord(fingerprint.encode(), digest.encode())


def test_output_differences_are_what_sets_one_tree_apart_from_another(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache.sqlite")
    live = {"same.html": record("f1", "d1"), "rendered.html": record("f2", "d2"), "new.html": record("f3", "d3"), "moved.html": record("f4", "d4")}
    spare = {"same.html": record("f1", "d1"), "rendered.html": record("f2", "old"), "gone.html": record("f5", "d5"), "moved.html": record("old", "d4")}
    with cache.transaction():
        cache.replace_outputs("live", live, [])
        cache.replace_outputs("spare", spare, [])
    differences = cache.output_differences("spare", "live")
    assert differences == {"rendered.html": record("f2", "old"), "gone.html": record("f5", "d5"), "moved.html": record("old", "d4"), "new.html": None}
    held = dict(live) | {path: rec for path, rec in differences.items() if rec is not None}
    assert {path: rec for path, rec in held.items() if path not in {p for p, r in differences.items() if r is None}} == cache.outputs("spare")
    assert cache.output_differences("live", "live") == {}
    cache.close()
