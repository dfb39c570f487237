"""The site's name from its copyright line, confirmed by the page's own lines."""

from __future__ import annotations

from generator.ingest.clean.brand import brand, copyright_name
from generator.ingest.clean.rules import default_rules
from generator.ingest.page import read_page

PROSE = [
    "The council voted on Tuesday evening to approve the new ferry terminal, ending a debate that had divided the town for more than a year.",
    "Work on the terminal will start in the spring and is expected to take about eighteen months, according to the harbour authority.",
    "Residents who had opposed the plan said they would continue to push for changes to the design, including a smaller car park.",
]


def test_a_longer_copyright_name_counts_when_the_page_prints_it_alone_too() -> None:
    notice = "© 2021 The Harbour Times. All rights reserved."
    assert copyright_name(notice) is None  # several words: a person's or a printer's name, as far as the line tells
    assert copyright_name(notice, confirmed={"the harbour times"}) == "The Harbour Times"
    assert copyright_name(notice, strict=True, confirmed={"the harbour times"}) == "The Harbour Times"  # a year: a notice
    assert copyright_name("© Jane Roe", strict=True, confirmed={"jane roe"}) is None  # no year: a picture's credit
    assert brand(["The Harbour Times", "Menu", notice], [2]) == "The Harbour Times"
    assert brand(["Menu", notice], [1]) is None


def test_the_logo_text_and_the_copyright_line_name_the_source_of_a_generic_page() -> None:
    page = ["Menu", "The Harbour Times", "Council approves new ferry terminal after year-long debate", *PROSE, "© 2021 The Harbour Times. All rights reserved."]
    assert read_page("\n".join(page).encode(), default_rules()).meta.source == "The Harbour Times"
    unnamed = [line for line in page if line != "The Harbour Times"]
    assert read_page("\n".join(unnamed).encode(), default_rules()).meta.source is None
