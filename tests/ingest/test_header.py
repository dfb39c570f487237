"""Bylines of generic pages: the marker's forms, and a byline sharing its line with the date."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.ingest.clean.header import byline
from generator.ingest.clean.rules import default_rules
from generator.ingest.page import ingest_page

PROSE = [
    "The council voted on Tuesday evening to approve the new ferry terminal, ending a debate that had divided the town for more than a year.",
    "Work on the terminal will start in the spring and is expected to take about eighteen months, according to the harbour authority.",
    "Residents who had opposed the plan said they would continue to push for changes to the design, including a smaller car park.",
]


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("Written by Jane Roe", ("Jane Roe",)),  # a verb of writing before the marker
        ("Geschrieben von Anna Berg", ("Anna Berg",)),
        ("Story by Jane Roe and John Doe", ("Jane Roe", "John Doe")),
        ("Tekst: Kari Nordmann", ("Kari Nordmann",)),  # a "Text:" label in its place
        ("Tekst og foto: Kari Nordmann", ("Kari Nordmann",)),
        ("Texto: Ana Lima", ("Ana Lima",)),
        ("By Jane Roe | March 12, 2024", ("Jane Roe",)),  # the date a part of its own
        ("Por Ana Lima | 12/03/2024 - 10:15", ("Ana Lima",)),
        ("Jane Roe and John Doe · 10:15", ("Jane Roe", "John Doe")),
    ],
)
def test_byline_forms(line: str, names: tuple[str, ...]) -> None:
    found = byline(line)
    assert found is not None and found[0] == names


@pytest.mark.parametrize(
    "line",
    [
        "Shot by Police",  # no verb of writing: a headline
        "Text: Die Brücke ist neu",  # a label over words that are no name
        "Home | News | Sport",  # a menu
        "By Jane Roe | Reporter | Harbour desk",  # two parts that are no date
        "Posted by Jane on March 4, 2024",
    ],
)
def test_not_bylines(line: str) -> None:
    assert byline(line) is None


def test_a_byline_that_carries_the_date_gives_the_authors_and_the_date() -> None:
    page = ["Council approves new ferry terminal after year-long debate", "By Jane Roe | March 12, 2024", *PROSE]
    article = ingest_page("\n".join(page).encode(), "a.txt", default_rules()).article
    assert article is not None and (article.authors, article.date) == (("Jane Roe",), dt.date(2024, 3, 12))
    comma = ["Council approves new ferry terminal after year-long debate", "By Jane Roe, 12.03.2024", *PROSE]
    article = ingest_page("\n".join(comma).encode(), "a.txt", default_rules()).article
    assert article is not None and (article.authors, article.date) == (("Jane Roe",), dt.date(2024, 3, 12))


def test_the_headline_printed_again_with_the_sites_name_after_it_names_the_source() -> None:
    headline = "Council approves new ferry terminal after year-long debate"
    page = [f"{headline} | The Harbour Times", "Menu", headline, "By Jane Roe", *PROSE]
    article = ingest_page("\n".join(page).encode(), "a.txt", default_rules()).article
    assert article is not None and (article.title, article.source) == (headline, "The Harbour Times")
    other = ["Ferry fares rise in May | The Harbour Times", "Menu", headline, "By Jane Roe", *PROSE]
    article = ingest_page("\n".join(other).encode(), "a.txt", default_rules()).article
    assert article is not None and article.source is None  # the line does not repeat this headline
