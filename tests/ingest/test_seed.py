"""The real seed page in ../shared/seeds (beside the checkout in CI); skipped when absent.

Its text is never copied here: the checks are the issue's stated expectations.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from generator.ingest.clean.rules import default_rules
from generator.ingest.page import ingest_page
from generator.ingest.write import render

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
SEED = SEEDS / "000_878e665f5527ad4c.txt"
JAPANESE = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds is not beside this checkout")


def test_seed_page_meets_the_issue() -> None:
    data = SEED.read_bytes()
    page = ingest_page(data, SEED.name, default_rules())
    a = page.article
    assert (a.source, a.edition, a.date, a.lang) == ("The Independent", "June 23, 2024", dt.date(2024, 6, 23), "en")
    assert a.title_derived and a.title.startswith("North Korea") and len(a.title) <= 91
    raw_lines = [line.strip() for line in data.decode("utf-8").splitlines() if line.strip()]
    # Paragraphs only: every paragraph is a raw line before the first platform line.
    first_platform = next(i for i, line in enumerate(raw_lines) if JAPANESE.search(line))
    assert a.body.split("\n\n") == raw_lines[:first_platform]
    # One teaser per headline/dek pair after the (twice printed) platform block.
    pairs = raw_lines[first_platform + 6 :]
    assert [(t.title, t.summary) for t in page.teasers] == list(zip(pairs[::2], pairs[1::2], strict=True))
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    for draft in page.drafts:
        assert not JAPANESE.search(render(draft, now, page.origin).split("origin:")[0] + draft.body)
    assert page.origin["ui_lang"] == "ja" and page.origin["platform"] == "magzter"
