"""Whole pages through the pure pipeline: labels, header, teasers, metadata."""

import datetime as dt

import pytest

from generator.ingest.clean.rules import default_rules
from generator.ingest.page import PageFailure, ingest_page
from tests.ingest import pages


def ingest(data: bytes):  # type: ignore[no-untyped-def]
    return ingest_page(data, "page.txt", default_rules())


def test_standard_page() -> None:
    result = ingest(pages.STANDARD)
    article = result.article
    assert article.body.split("\n\n") == pages.ARTICLE
    assert (article.source, article.edition, article.date, article.lang) == ("The Lowmouth Courier", "June 23, 2024", dt.date(2024, 6, 23), "en")
    assert article.title_derived and article.title == "The harbour bridge in Lowmouth reopened on Saturday after eight months of repairs that…"
    assert [(t.title, t.summary) for t in result.teasers] == [
        ("Town hall clock stops again", "The clock lost a full hour on Monday, the third time this year"),
        ("Lifeboat crew rescues two kayakers", "Volunteers reached the pair within twenty minutes of the call."),
    ]
    assert all(t.from_id == article.id and t.source == "The Lowmouth Courier" for t in result.teasers)
    assert result.origin["platform"] == "magzter" and result.origin["ui_lang"] == "en"


def test_layout_b_and_c_mixed() -> None:
    result = ingest(pages.page(pages.ARTICLE, pages.PLATFORM_BLOCK, pages.TEASERS_A[:2], pages.TEASERS_B, pages.TEASERS_C))
    teasers = [(t.title, t.summary, t.authors, t.edition, t.date) for t in result.teasers]
    assert teasers == [
        ("Town hall clock stops again", "The clock lost a full hour on Monday, the third time this year", (), None, None),
        ("Why I still write letters", "A columnist on paper, ink and patience", ("Ola Brenn",), None, None),
        ("Market traders fear the new parking charges", "Stallholders say footfall fell by a quarter in a month.", (), "June 22, 2024", dt.date(2024, 6, 22)),
    ]


def test_repeated_teasers_count_once() -> None:
    result = ingest(pages.page(pages.ARTICLE, pages.PLATFORM_BLOCK, pages.TEASERS_A, pages.PLATFORM_BLOCK, pages.TEASERS_A))
    assert len(result.teasers) == 2


def test_header_form_with_repeated_title() -> None:
    header = [
        "Bridge reopens at last",
        "The Lowmouth Courier|June 23, 2024",
        "Eight months and a lot of money later, the river is crossable again.",
        "Nell Ashby",
        "Bridge reopens at last",
    ]
    result = ingest(pages.page(["Try GOLD - Free"], header, pages.ARTICLE, pages.PLATFORM_BLOCK))
    a = result.article
    assert (a.title, a.title_derived, a.summary, a.authors) == ("Bridge reopens at last", False, header[2], ("Nell Ashby",))
    assert a.body.split("\n\n") == pages.ARTICLE


def test_header_form_with_bar_date() -> None:
    header = ["Bridge reopens at last", "The Lowmouth Courier", "|JULY 2018", "Eight months later, the river is crossable again.", "- NELL ASHBY"]
    result = ingest(pages.page(header, pages.ARTICLE))
    a = result.article
    assert (a.title, a.source, a.edition, a.date, a.summary, a.authors) == (
        "Bridge reopens at last",
        "The Lowmouth Courier",
        "JULY 2018",
        dt.date(2018, 7, 1),
        header[3],
        ("NELL ASHBY",),
    )
    assert result.origin["platform"] == "generic"


def test_generic_page_with_dateline() -> None:
    lines = [
        "Home > News > Local",
        "First Published: Oct 01, 2018 13:22 IST",
        pages.ARTICLE[0],
        "Advertisement",
        *pages.ARTICLE[1:],
        "Sign up for our free morning newsletter",
        "© Pat Lund/Lowmouth Courier",
    ]
    a = ingest(pages.page(lines)).article
    assert a.body.split("\n\n") == pages.ARTICLE
    assert (a.date, a.edition, a.source) == (dt.date(2018, 10, 1), None, None)


def test_same_story_other_ui_language_same_ids() -> None:
    ja_block = ["この記事は The Lowmouth Courier の June 23, 2024 版に掲載されています。", "すでに購読者です ? サインイン"]
    en = ingest(pages.STANDARD)
    ja = ingest(pages.page(pages.ARTICLE, ja_block, ja_block, pages.TEASERS_A))
    assert [d.id for d in en.drafts] == [d.id for d in ja.drafts]
    assert ja.origin["ui_lang"] == "ja" and ja.article.lang == "en"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "file is empty"),
        (b"   \n\n", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (pages.page(pages.PLATFORM_BLOCK, pages.TEASERS_A), "no article text"),
    ],
)
def test_failures(data: bytes, reason: str) -> None:
    with pytest.raises(PageFailure, match=reason):
        ingest(data)
