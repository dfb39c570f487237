"""Story grouping: precision/recall on hand-written labelled pairs, and its cost on generated corpora.

    .venv/bin/python -m benchmarks.stories [--sizes 10000 100000]

Cost is group_stories alone (shingling, candidates, scoring) on benchmarks.corpus
entries; the corpus has no cross-source stories, so it measures the work, not the hits.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks import corpus
from generator.config.schema import StoriesConfig
from generator.entries.model import Entry
from generator.structure.stories import group_stories

DAY = dt.datetime(2025, 3, 10, 8, 0, tzinfo=dt.UTC)
# Hand-written pairs (no real articles), two sources a day apart: same_story pairs retell one story, the others share a topic.
PAIRS = json.loads((Path(__file__).parent / "stories_pairs.json").read_text(encoding="utf-8"))


def _entry(entry_id: str, source: str, title: str, body: str, when: dt.datetime) -> Entry:
    return Entry(
        id=entry_id, title=title, slug=entry_id, kind="article", when=when, date=when.date(), added=when, body=body, path=f"{entry_id}.md", source=source
    )


def precision_recall(config: StoriesConfig) -> tuple[float, float, int, int]:
    """Each pair grouped on its own: (precision, recall, true positives, false positives)."""
    tp = fp = fn = 0
    for number, pair in enumerate(PAIRS):
        same = pair["same_story"]
        a = _entry(f"{number}a", "Daily", pair["a"]["title"], pair["a"]["body"], DAY)
        b = _entry(f"{number}b", "Courier", pair["b"]["title"], pair["b"]["body"], DAY + dt.timedelta(days=1))
        grouped = bool(group_stories([a, b], config))
        tp += grouped and same
        fp += grouped and not same
        fn += same and not grouped
    precision = tp / (tp + fp) if tp + fp else 1.0
    return precision, tp / (tp + fn) if tp + fn else 1.0, tp, fp


def cost(n: int, config: StoriesConfig) -> tuple[float, int]:
    """CPU seconds to group an n-entry generated corpus (wall time swings with the shared machine's load), and the stories found."""
    entries = [_corpus_entry(c) for c in corpus.generate(n)]
    start = time.process_time()
    stories = group_stories(entries, config)
    return time.process_time() - start, len(stories)


def _corpus_entry(c: corpus.CorpusEntry) -> Entry:
    f = c.fields
    return Entry(
        id=str(f["id"]),
        title=str(f["title"]),
        slug=str(f["id"]),
        kind="teaser" if f["kind"] == "teaser" else "article",
        when=_aware(f["added"]),
        date=None,
        added=None,
        body=c.body,
        path=c.path,
        source=str(f["source"]),
    )


def _aware(value: object) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise TypeError(f"corpus entry time is {type(value).__name__}, not a datetime")
    return value


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    args = parser.parse_args(argv)
    config = StoriesConfig()
    precision, recall, tp, fp = precision_recall(config)
    same = sum(1 for p in PAIRS if p["same_story"])
    print(f"labelled pairs: {len(PAIRS)} ({same} same story, {len(PAIRS) - same} same topic only)")
    print(f"precision {precision:.2f}  recall {recall:.2f}  ({tp} true, {fp} false positives)")
    for n in args.sizes:
        seconds, found = cost(n, config)
        print(f"{n:>7} entries: grouping {seconds:.2f} s CPU ({found} stories)")


if __name__ == "__main__":
    main()
