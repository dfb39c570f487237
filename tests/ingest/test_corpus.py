"""The ingest corpus (tests/ingest/corpus): raw pages and the entries the contract says they give.

Each `NNN-name.txt` has `NNN-name.expected.yaml` with either `error: <reason words>`
or `article:` (fields + `body` paragraphs) and `teasers:`. Besides the exact
per-page comparison, `corpus_figures` counts across the corpus: boilerplate
lines left, article lines lost, metadata fields wrong (all must be 0).

    .venv/bin/python -m tests.ingest.test_corpus   # print the figures
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.ingest.article import Draft
from generator.ingest.clean.rules import default_rules
from generator.ingest.page import Page, PageFailure, ingest_page

CORPUS = Path(__file__).parent / "corpus"
PAGES = sorted(CORPUS.glob("*.txt"))
ARTICLE_FIELDS = {"title": None, "title_derived": False, "source": None, "edition": None, "date": None, "lang": None, "summary": None, "authors": []}
TEASER_FIELDS = {"title": None, "summary": None, "authors": [], "edition": None, "date": None}


def expected_for(page: Path) -> dict[str, Any]:
    return yaml.safe_load(page.with_suffix(".expected.yaml").read_text(encoding="utf-8"))


def article_fields(draft: Draft) -> dict[str, Any]:
    return {
        "title": draft.title,
        "title_derived": draft.title_derived,
        "source": draft.source,
        "edition": draft.edition,
        "date": draft.date,
        "lang": draft.lang,
        "summary": draft.summary,
        "authors": list(draft.authors),
    }


def teaser_fields(draft: Draft, with_source: bool) -> dict[str, Any]:
    fields = {"title": draft.title, "summary": draft.summary, "authors": list(draft.authors), "edition": draft.edition, "date": draft.date}
    return {**fields, "source": draft.source} if with_source else fields


def wanted(expected: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    out = {key: expected.get(key, default) for key, default in defaults.items()}
    return {**out, "source": expected["source"]} if "source" in expected and defaults is TEASER_FIELDS else out


def run(path: Path) -> Page:
    return ingest_page(path.read_bytes(), path.name, default_rules())


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_corpus_page(path: Path) -> None:
    expected = expected_for(path)
    if "error" in expected:
        with pytest.raises(PageFailure, match=expected["error"]):
            run(path)
        return
    page = run(path)
    assert article_fields(page.article) == wanted(expected["article"], ARTICLE_FIELDS)
    assert page.article.body.split("\n\n") == expected["article"]["body"]
    got = [teaser_fields(t, "source" in e) for t, e in zip(page.teasers, expected["teasers"], strict=False)]
    assert got == [wanted(e, TEASER_FIELDS) for e in expected["teasers"]][: len(got)]
    assert len(page.teasers) == len(expected["teasers"])
    assert all(t.from_id == page.article.id and t.source == page.article.source for t in page.teasers)


@dataclass(slots=True)
class Figures:
    pages: int = 0
    entries: int = 0
    boilerplate_left: int = 0  # output paragraphs/teaser lines the page's expected entries do not have
    article_lost: int = 0  # expected paragraphs missing from the output
    metadata_wrong: int = 0  # article and teaser fields that differ, missing or extra teasers
    failures_wrong: int = 0  # rejected pages rejected for another reason, or accepted

    def __str__(self) -> str:
        return (
            f"{self.pages} pages, {self.entries} entries: {self.boilerplate_left} boilerplate lines left, "
            f"{self.article_lost} article lines lost, {self.metadata_wrong} metadata fields wrong, {self.failures_wrong} failures wrong"
        )


def corpus_figures() -> Figures:
    figures = Figures()
    for path in PAGES:
        figures.pages += 1
        expected = expected_for(path)
        try:
            page = run(path)
        except PageFailure as exc:
            figures.failures_wrong += "error" not in expected or expected["error"] not in str(exc)
            continue
        if "error" in expected:
            figures.failures_wrong += 1
            continue
        figures.entries += len(page.drafts)
        body, want = page.article.body.split("\n\n"), expected["article"]["body"]
        teaser_lines = {line for t in expected["teasers"] for line in (t["title"], t.get("summary")) if line}
        figures.boilerplate_left += sum(p not in want for p in body)
        figures.boilerplate_left += sum(line not in teaser_lines for t in page.teasers for line in (t.title, t.summary) if line)
        figures.article_lost += sum(p not in body for p in want)
        got, exp = article_fields(page.article), wanted(expected["article"], ARTICLE_FIELDS)
        figures.metadata_wrong += sum(got[k] != exp[k] for k in exp)
        for teaser, e in zip(page.teasers, expected["teasers"], strict=False):
            got, exp = teaser_fields(teaser, "source" in e), wanted(e, TEASER_FIELDS)
            figures.metadata_wrong += sum(got[k] != exp[k] for k in exp)
        figures.metadata_wrong += abs(len(page.teasers) - len(expected["teasers"]))
    return figures


@pytest.mark.skipif(not PAGES, reason="no corpus pages")
def test_corpus_figures_are_zero() -> None:
    figures = corpus_figures()
    print(figures)
    assert (figures.boilerplate_left, figures.article_lost, figures.metadata_wrong, figures.failures_wrong) == (0, 0, 0, 0), str(figures)


if __name__ == "__main__":
    print(corpus_figures())
