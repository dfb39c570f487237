"""How well the text cleaner does on labelled real pages (default: ../shared/text-dev).

DIR holds `*.txt` raw pages and `expected.json`: per file its title, source,
date, authors, the 1-based raw line numbers of body and header lines (all
other non-blank lines are boilerplate) and the teasers (title + dek).

Each page goes through the same pure functions as `digest ingest` (and
`--explain`): `read_page` labels the lines, `ingest_page` builds the entries.
A page that yields no entries (PageFailure) has no body, title or teasers.

Per page and in total it prints:
  leak   boilerplate lines that ended up in the article body
  lost   body lines that did not
  title / source / date / authors   right or wrong (`-` where not scored)
  teasers  found teasers that match an expected one / found / expected

Text is compared normalised: NFKC, case-folded, punctuation and symbols
turned into spaces, whitespace collapsed. A title is right when it equals the
expected one; a page without a title in its text is right when no line was
taken as title (a title derived from the body is fine). Source and date are
scored only where the page states them: the source when one of the expected
names (split at " / " and parentheses) occurs in the page text as whole words, the date when
its year does; a source is right when it and an expected name contain one
another. A page that yields only teasers is scored on the source and date
the cleaner read off it (its teasers carry that source). Teasers match by title, or by dek where the expected title is empty
(one dek a prefix of the other).

    .venv/bin/python -m benchmarks.cleaning [DIR] [--only NAME] [--urls]

With --urls each page is read with the URL expected.json gives for it (as
`digest fetch` reads a page), not only its file name.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.ingest.article import Draft
from generator.ingest.clean.rules import RuleSet, default_rules
from generator.ingest.page import Page, PageFailure, ingest_page, read_page

DEV_SET = Path("shared") / "text-dev"  # beside the checkout (a worktree may sit one level deeper)
_NOT_WORD = re.compile(r"[\W_]+")
MIN_DEK_PREFIX = 20  # characters a dek prefix must share to count as the same dek


def norm(text: str | None) -> str:
    """Case, width, punctuation and whitespace do not count."""
    if not text:
        return ""
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


@dataclass(slots=True)
class Score:
    """One page's figures (or the sum of many); `None` checks were not scored."""

    boilerplate: int = 0
    leaked: int = 0
    body: int = 0
    lost: int = 0
    checks: dict[str, list[bool]] = field(default_factory=lambda: {"title": [], "source": [], "date": [], "authors": []})
    teasers_found: int = 0
    teasers_right: int = 0
    teasers_expected: int = 0
    teasers_recalled: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.boilerplate += other.boilerplate
        self.leaked += other.leaked
        self.body += other.body
        self.lost += other.lost
        for key, values in other.checks.items():
            self.checks[key] += values
        self.teasers_found += other.teasers_found
        self.teasers_right += other.teasers_right
        self.teasers_expected += other.teasers_expected
        self.teasers_recalled += other.teasers_recalled


@dataclass(frozen=True, slots=True)
class Result:
    """What the cleaner made of one page: line labels and, unless it failed, its entries."""

    lines: tuple[str, ...]
    labels: tuple[str, ...]  # label kind per line
    page: Page | None
    failure: str | None
    source: str | None = None  # what the cleaner read off the page (for a listing: no article carries it)
    date: dt.date | None = None


def clean(data: bytes, name: str, rules: RuleSet, url: str | None = None) -> Result:
    try:
        labelled = read_page(data, rules, name=name, url=url)
    except PageFailure as exc:
        return Result((), (), None, str(exc))
    kinds = tuple(label.kind for label in labelled.labels)
    meta = labelled.meta
    try:
        page = ingest_page(data, name, rules, url=url)
    except PageFailure as exc:
        return Result(labelled.lines, kinds, None, str(exc))
    article = page.article
    source, day = (article.source, article.date) if article else (meta.source, meta.date)
    return Result(labelled.lines, kinds, page, None, source, day)


def score(result: Result, expected: dict[str, Any]) -> Score:
    s = Score()
    _lines(s, result, expected)
    article = _article(result.page)
    s.checks["title"].append(norm(_title(result)) == norm(expected.get("title")))
    text = norm("\n".join(result.lines))
    names = _source_names(expected.get("source"))
    if any(name and f" {name} " in f" {text} " for name in names):  # as whole words: "news de" is not in "news deutschland"
        got = norm(result.source)
        s.checks["source"].append(bool(got) and any(got in name or name in got for name in names if name))
    day = expected.get("date")
    if day and day[:4] in text:
        s.checks["date"].append(str(result.date) == day)
    authors = sorted(norm(a) for a in expected.get("authors") or ())
    s.checks["authors"].append(sorted(norm(a) for a in (article.authors if article else ())) == authors)
    _teasers(s, result.page.teasers if result.page else (), expected.get("teasers") or ())
    if result.failure:
        s.notes.append(result.failure)
    return s


def _lines(s: Score, result: Result, expected: dict[str, Any]) -> None:
    """Boilerplate in the body and body lines missing from it (a failed page has no body)."""
    body = set(expected.get("body_lines") or ())
    boilerplate = set(expected.get("boilerplate_lines") or ())
    in_body = {i for i, kind in enumerate(result.labels, start=1) if kind == "body"} if result.page else set()
    s.boilerplate, s.body = len(boilerplate), len(body)
    s.leaked, s.lost = len(boilerplate & in_body), len(body - in_body)
    if leaked := sorted(boilerplate & in_body):
        s.notes.append(f"leaked {leaked}")
    if lost := sorted(body - in_body):
        s.notes.append(f"lost {lost}")


def _article(page: Page | None) -> Draft | None:
    return page.article if page else None


def _title(result: Result) -> str | None:
    """The title the cleaner found in the text: the article's unless derived, else a line labelled title."""
    article = _article(result.page)
    if article is not None and not article.title_derived:
        return article.title
    return next((line for line, kind in zip(result.lines, result.labels, strict=True) if kind == "title"), None)


def _source_names(source: str | None) -> list[str]:
    """The names an expected source gives ("Fjordabladet / NPK (Nynorsk pressekontor)": three), normalised."""
    if not source:
        return []
    parts = re.split(r"\s+/\s+|[()]", source)
    return [n for n in (norm(p) for p in parts) if n]


def _teasers(s: Score, found: Sequence[Draft], expected: Iterable[dict[str, str]]) -> None:
    wanted = list(expected)
    s.teasers_found, s.teasers_expected = len(found), len(wanted)
    s.teasers_right = sum(any(_same_teaser(t, e) for e in wanted) for t in found)
    s.teasers_recalled = sum(any(_same_teaser(t, e) for t in found) for e in wanted)


def _same_teaser(draft: Draft, expected: dict[str, str]) -> bool:
    if norm(expected.get("title")):
        return norm(draft.title) == norm(expected["title"])
    got, dek = norm(draft.summary), norm(expected.get("dek"))
    short = min(len(got), len(dek))
    return short >= MIN_DEK_PREFIX and got[:short] == dek[:short]


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} %" if whole else "    -  "


def _mark(values: list[bool]) -> str:
    return "-" if not values else "ok" if all(values) else "WRONG"


def _row(name: str, s: Score) -> str:
    checks = " ".join(f"{_mark(v):>5}" for v in s.checks.values())
    teasers = f"{s.teasers_right}/{s.teasers_found}/{s.teasers_expected}"
    return f"{name:<28} {s.leaked:>3}/{s.boilerplate:<3} {s.lost:>3}/{s.body:<3} {checks} {teasers:>9}  {'; '.join(s.notes)}"


def _ratio(values: list[bool]) -> str:
    return f"{sum(values)}/{len(values)} ({_pct(sum(values), len(values)).strip()})"


def run(folder: Path, only: str | None = None, urls: bool = False) -> Score:
    expected: dict[str, dict[str, Any]] = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    rules = default_rules()
    total = Score()
    print(f"{'page':<28} {'leak':>7} {'lost':>7} {'title':>5} {'src':>5} {'date':>5} {'auth':>5} {'teasers':>9}  notes (line numbers)")
    for name in sorted(expected):
        if only and only not in name:
            continue
        path = folder / name
        s = score(clean(path.read_bytes(), name, rules, expected[name].get("url") if urls else None), expected[name])
        print(_row(name, s))
        total.add(s)
    print(f"\nboilerplate leaked  {total.leaked}/{total.boilerplate} ({_pct(total.leaked, total.boilerplate).strip()})")
    print(f"body lines lost     {total.lost}/{total.body} ({_pct(total.lost, total.body).strip()})")
    for key, values in total.checks.items():
        print(f"{key + ' right':<19} {_ratio(values)}")
    print(f"teaser precision    {total.teasers_right}/{total.teasers_found} ({_pct(total.teasers_right, total.teasers_found).strip()})")
    print(f"teaser recall       {total.teasers_recalled}/{total.teasers_expected} ({_pct(total.teasers_recalled, total.teasers_expected).strip()})")
    return total


def _default_dir() -> Path:
    """../shared/text-dev from the checkout, or from a folder above it."""
    root = Path(__file__).resolve().parents[1]
    return next((p / DEV_SET for p in root.parents if (p / DEV_SET).is_dir()), root.parent / DEV_SET)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", nargs="?", type=Path, default=_default_dir(), help="folder with *.txt pages and expected.json (default ../shared/text-dev)")
    parser.add_argument("--only", help="score only pages whose file name contains this")
    parser.add_argument("--urls", action="store_true", help="give each page the URL expected.json has for it, as `digest fetch` does")
    args = parser.parse_args(argv)
    if not (args.dir / "expected.json").is_file():
        print(f"error: {args.dir}: no expected.json there", file=sys.stderr)
        return 2
    run(args.dir, args.only, args.urls)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
