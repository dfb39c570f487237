"""The benchmark scripts still run against the current code (their figures are not checked here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import cleaning
from benchmarks.feeds import measure


def test_feed_benchmark_builds_every_feed_of_the_corpus(tmp_path: Path) -> None:
    timing = measure(1500, limit=50, root=tmp_path)
    assert timing.feeds == 1 + 40 + 200 and timing.files == 3 * timing.feeds
    assert timing.entries == 1500 and timing.megabytes > 0


def test_cleaning_benchmark_counts_leaks_losses_and_teasers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = "Subscribe now\nThe harbour bridge opens on Monday after two years of repairs, the council said.\nIt will carry trains.\n"
    expected = {
        "a.txt": {
            "title": None,
            "source": "Harbour Gazette",
            "date": None,
            "authors": [],
            "body_lines": [2, 3],
            "boilerplate_lines": [1],
            "header_lines": [],
            "teasers": [{"title": "Not on the page", "dek": ""}],
        }
    }
    (tmp_path / "a.txt").write_text(page, encoding="utf-8")
    (tmp_path / "expected.json").write_text(json.dumps(expected), encoding="utf-8")
    total = cleaning.run(tmp_path)
    assert (total.leaked, total.boilerplate, total.lost, total.body) == (0, 1, 0, 2)
    assert total.checks["title"] == [True] and total.checks["source"] == []  # the source is not on the page
    assert (total.teasers_found, total.teasers_expected, total.teasers_recalled) == (0, 1, 0)
    assert "teaser recall       0/1" in capsys.readouterr().out


def test_cleaning_benchmark_text_comparison_ignores_case_and_punctuation() -> None:
    assert cleaning.norm("“Papers,  STRANGLED!”") == cleaning.norm("papers strangled")
    assert cleaning.norm("O Estado de S.Paulo") == cleaning.norm("O Estado de S. Paulo")
