"""Article-body extraction from real HTML pages: newsdigest's HTML path against plain trafilatura.

DIR (default ../shared/html-dev) holds `html/<name>.html.gz` pages and
`ground-truth.json` (`{name: {"articleBody": ...}}`), the format of the
MIT-licensed article-extraction benchmark, scored as it scores: per page,
4-gram shingles of `\\w+` tokens, counted with multiplicity, give true/false
positives and negatives; precision and recall are averaged over the pages and
F1 is taken of the two averages.

newsdigest is scored on the text a reader sees: the entry body's markdown,
rendered, without tags or link targets. A page that fails to ingest scores as
an empty extraction. Speed is pages per CPU second (one core), for the whole
HTML path (parse, metadata, extraction, rules, teasers, markdown) and for
`trafilatura.extract` with its defaults, timed on a second pass over the
pages (the first loads the language model and compiles rules once, as any
long ingest does).

    .venv/bin/python -m benchmarks.extraction [DIR] [--pages]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import trafilatura
from markdown_it import MarkdownIt

from generator.ingest.clean.rules import default_rules
from generator.ingest.html.detect import gunzip
from generator.ingest.page import PageFailure, ingest_page

DEV_SET = Path("shared") / "html-dev"  # beside the checkout (a worktree may sit one level deeper)
MAX_BYTES = 50_000_000
NGRAM = 4
_TOKEN = re.compile(r"\w+")
_MARKDOWN = MarkdownIt("commonmark")


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + NGRAM]) for i in range(max(1, len(tokens) - NGRAM + 1)) if tokens[i : i + NGRAM])


def page_counts(true: str, pred: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of one page, normalised to sum to 1 so long pages weigh no more."""
    want, got = shingles(true), shingles(pred)
    tp, fp, fn = sum((want & got).values()), sum((got - want).values()), sum((want - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def score(counts: Sequence[tuple[float, float, float]]) -> Score:
    precision = statistics.mean(_ratio(tp, fp, fn, fp) for tp, fp, fn in counts if tp + fp > 0)
    recall = statistics.mean(_ratio(tp, fp, fn, fn) for tp, fp, fn in counts if tp + fn > 0)
    return Score(precision, recall)


def _ratio(tp: float, fp: float, fn: float, miss: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + miss) if tp + miss else 0.0


def newsdigest_body(page: bytes) -> str:
    try:
        article = ingest_page(page, "page.html", default_rules()).article
    except PageFailure as exc:
        print(f"newsdigest: {exc}", file=sys.stderr)
        return ""
    return reader_text(article.body) if article else ""  # a listing has teasers, no article


def reader_text(markdown: str) -> str:
    html = _MARKDOWN.render(markdown)
    return "\n".join(el.text_content() for el in lxml.html.fragments_fromstring(html) if not isinstance(el, str)) if html.strip() else ""


def trafilatura_body(page: bytes) -> str:
    return trafilatura.extract(page) or ""


@dataclass(frozen=True, slots=True)
class Run:
    name: str
    score: Score
    pages_per_second: float
    per_page: dict[str, Score]


def run(name: str, extract: Callable[[bytes], str], pages: Mapping[str, bytes], truth: Mapping[str, str]) -> Run:
    bodies: dict[str, str] = {}
    cpu = 0.0
    for key, page in pages.items():
        start = time.process_time()
        body = extract(page)
        cpu += time.process_time() - start
        bodies[key] = body
    counts = {key: page_counts(truth[key], bodies[key]) for key in pages}
    per_page = {key: score([c]) if sum(c) else Score(1.0, 1.0) for key, c in counts.items()}
    return Run(name, score(list(counts.values())), len(pages) / cpu if cpu else float("inf"), per_page)


def load(folder: Path) -> tuple[dict[str, bytes], dict[str, str]]:
    truth = {key: str(item.get("articleBody") or "") for key, item in json.loads((folder / "ground-truth.json").read_text(encoding="utf-8")).items()}
    pages = {key: gunzip((folder / "html" / f"{key}.html.gz").read_bytes(), MAX_BYTES) for key in sorted(truth)}
    return pages, truth


def _default_dir() -> Path:
    root = Path(__file__).resolve().parents[1]
    return next((p / DEV_SET for p in root.parents if (p / DEV_SET).is_dir()), root.parent / DEV_SET)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", nargs="?", type=Path, default=_default_dir(), help="folder with html/ and ground-truth.json (default ../shared/html-dev)")
    parser.add_argument("--pages", action="store_true", help="also print each page's precision and recall for both")
    args = parser.parse_args(argv)
    if not (args.dir / "ground-truth.json").is_file():
        print(f"error: {args.dir}: no ground-truth.json", file=sys.stderr)
        return 2
    pages, truth = load(args.dir)
    extractors = {"newsdigest": newsdigest_body, f"trafilatura {trafilatura.__version__}": trafilatura_body}
    for extract in extractors.values():  # a first, untimed pass loads models and fills compiled-rule caches, as a long ingest has
        run("warm-up", extract, pages, truth)
    runs = [run(name, extract, pages, truth) for name, extract in extractors.items()]
    if args.pages:
        for key in pages:
            print(key[:16], "  ".join(f"{r.name.split()[0]} P={r.per_page[key].precision:.3f} R={r.per_page[key].recall:.3f}" for r in runs))
    print(f"{len(pages)} pages from {args.dir}")
    for r in runs:
        s = r.score
        print(f"{r.name:<20} precision {s.precision:.4f}  recall {s.recall:.4f}  F1 {s.f1:.4f}  {r.pages_per_second:6.1f} pages/s per core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
