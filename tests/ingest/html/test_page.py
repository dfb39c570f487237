"""HTML pages through the pure pipeline: metadata, main content, rules, teasers, failures."""

import datetime as dt
import gzip

import pytest

from generator.ingest.clean.rules import default_rules
from generator.ingest.page import Page, PageFailure, ingest_page, read_page
from tests.ingest.html import pages


def ingest(html: str, name: str = "page.html") -> Page:
    return ingest_page(html.encode("utf-8"), name, default_rules())


def test_article_metadata_comes_from_the_page() -> None:
    article = ingest(pages.article()).article
    assert article.fields() == {
        "title": "Lowmouth bridge reopens after eight months",
        "kind": "article",
        "id": article.id,
        "source": "The Lowmouth Courier",
        "date": dt.date(2024, 6, 23),
        "lang": "en-GB",
        "summary": "Eight months and four million pounds later, the river is crossable again.",
        "authors": ["Nell Ashby", "Ivo Marsh"],
        "url": "https://courier.example.org/news/2024/06/bridge-reopens",
        "image": "https://courier.example.org/images/bridge-lead.jpg",
    }


def test_body_keeps_structure_and_drops_page_furniture() -> None:
    body = ingest(pages.article()).article.body
    assert body == "\n\n".join(
        [
            f"{pages.PARAGRAPHS[0]} Read the [engineers' report](https://courier.example.org/reports/bridge.pdf) or watch the video.",
            *pages.PARAGRAPHS[1:3],
            "## What was repaired",
            "\n".join(f"- {item}" for item in pages.ITEMS),
            f"> {pages.QUOTE}",
            f"{pages.PARAGRAPHS[3]} *Further closures* are not planned.",
        ]
    )
    for furniture in ("Home", "Sign up", "Copyright", "tracker", "font-family", "The bridge at dawn", "Lowmouth bridge reopens"):
        assert furniture not in body


def test_related_cards_with_deks_become_teasers() -> None:
    page = ingest(pages.article())
    teasers = [(t.title, t.summary, t.url, t.from_id, t.source) for t in page.teasers]
    assert teasers == [
        (
            "Town hall clock stops again",
            "The clock lost a full hour on Monday, the third time this year.",
            "https://courier.example.org/local/clock",
            page.article.id,
            "The Lowmouth Courier",
        ),
        (
            "Lifeboat crew rescues two kayakers",
            "Volunteers reached the pair within twenty minutes of the call.",
            "https://other.example.net/lifeboat",
            page.article.id,
            "The Lowmouth Courier",
        ),
    ]  # the market headline has no dek: a link, not a teaser


def test_related_block_named_by_its_heading_only() -> None:
    related = pages.RELATED.replace('class="related-stories"', 'class="x1"').replace("More stories", "You may also like")
    assert [t.title for t in ingest(pages.article(related=related)).teasers] == ["Town hall clock stops again", "Lifeboat crew rescues two kayakers"]
    unrelated = pages.RELATED.replace('class="related-stories"', 'class="x1"').replace("More stories", "Our team")
    assert ingest(pages.article(related=unrelated)).teasers == ()


def test_title_falls_back_to_og_title_then_h1_without_the_site_name() -> None:
    og = '<meta property="og:title" content="Bridge open again | The Lowmouth Courier"><meta property="og:site_name" content="The Lowmouth Courier">'
    article = ingest(pages.article(ld=None, head=og)).article
    assert (article.title, article.source, article.title_derived) == ("Bridge open again", "The Lowmouth Courier", False)
    dashed = '<meta property="og:title" content="The Lowmouth Courier - Bridge open again"><meta property="og:site_name" content="The Lowmouth Courier">'
    assert ingest(pages.article(ld=None, head=dashed)).article.title == "Bridge open again"
    assert ingest(pages.article(ld=None)).article.title == "Lowmouth bridge reopens after eight months"  # the h1


def test_fields_the_page_does_not_state_are_left_out() -> None:
    page = pages.article(ld=None, lang=None, canonical=None, related="")
    page = page.replace("<h1>Lowmouth bridge reopens after eight months</h1>", "")
    article = ingest(page).article
    fields = article.fields()
    assert {"source", "date", "authors", "url", "image", "summary"}.isdisjoint(fields)
    assert article.title_derived and article.title.startswith("The harbour bridge in Lowmouth reopened on Saturday")
    assert fields["lang"] == "en"  # not stated: detected from the text, as for text pages


def test_published_time_meta_and_relative_canonical() -> None:
    head = '<meta property="article:published_time" content="2024-06-21T23:30:00-05:00"><meta name="author" content="Nell Ashby">'
    article = ingest(pages.article(ld=None, head=head)).article
    assert (article.date, article.authors) == (dt.date(2024, 6, 21), ("Nell Ashby",))
    assert ingest(pages.article(canonical="/news/bridge")).article.url is None  # no base to make it absolute against


def test_paywall_and_more_stories_lines_are_cleaned_by_the_rules() -> None:
    extra = "<p>Subscribe now for unlimited access to every story we publish.</p><p>Read more: Town hall clock stops again</p>"
    body = ingest(pages.article(body_extra=extra)).article.body
    assert "Subscribe" not in body and "Read more" not in body


def test_explain_lines_and_labels() -> None:
    labelled = read_page(pages.article().encode(), default_rules())
    labelled_lines = dict(zip(labelled.lines, map(str, labelled.labels), strict=True))
    assert labelled_lines["Lowmouth bridge reopens after eight months"] == "title"
    assert labelled_lines["Sign up for our daily newsletter"] == "boilerplate(newsletter)"
    assert labelled_lines[pages.PARAGRAPHS[1]] == "body"
    assert labelled_lines["Town hall clock stops again"] == "teaser(title)"
    assert labelled_lines["The clock lost a full hour on Monday, the third time this year."] == "teaser(dek)"
    assert labelled.meta.source == "The Lowmouth Courier" and labelled.meta.date == dt.date(2024, 6, 23)


def test_html_is_told_by_content_not_name() -> None:
    as_txt = ingest(pages.article(), name="saved.txt")
    assert as_txt.origin["format"] == "html" and as_txt.article.title == "Lowmouth bridge reopens after eight months"
    text = "\n\n".join(pages.PARAGRAPHS).encode()
    as_html = ingest_page(text, "page.html", default_rules())
    assert "format" not in as_html.origin and as_html.article.body.split("\n\n") == pages.PARAGRAPHS


def test_same_page_same_ids() -> None:
    first, again = ingest(pages.article()), ingest(pages.article())
    assert [d.id for d in first.drafts] == [d.id for d in again.drafts]
    assert len({d.id for d in first.drafts}) == 3


def test_declared_charset_is_used_when_the_bytes_are_not_utf8() -> None:
    page = pages.article(ld=None).replace('<meta charset="utf-8">', '<meta charset="windows-1252">').replace("engineers'", "engineers’")
    article = ingest_page(page.encode("cp1252"), "page.html", default_rules()).article
    assert "[engineers’ report]" in article.body


def test_a_listing_page_yields_its_stories_as_teasers_and_no_article() -> None:
    page = ingest(pages.listing())
    assert page.article is None
    assert [(t.title, t.url, t.from_id, t.source) for t in page.teasers][:2] == [
        ("Lowmouth bridge reopens after eight months", None, None, None),
        ("Town hall clock stops again", None, None, None),
    ]
    assert len(page.teasers) == 5 and page.teasers[1].summary == "The clock lost a full hour on Monday, the third time this year, and nobody knows why."
    fetched = ingest_page(pages.listing().encode(), "u", default_rules(), url="https://courier.example.org/news/").teasers
    assert fetched[1].url == "https://courier.example.org/news/1"
    assert read_page(pages.listing().encode(), default_rules()).listing


@pytest.mark.parametrize(
    "html",
    [
        "<!DOCTYPE html><html><head><title>Nothing here</title></head><body><nav><a href='/'>Home</a></nav></body></html>",
        "<html><body><script>render()</script><p>Sign up for our daily newsletter</p></body></html>",
        "<!doctype html>",
    ],
)
def test_a_page_without_article_text_fails(html: str) -> None:
    with pytest.raises(PageFailure, match=r"^no article text found"):
        ingest(html)


def test_unclosed_tags_are_read_as_a_browser_reads_them() -> None:
    page = pages.article().replace("</p>", "").replace("</article></main>", "")
    assert ingest(page).article.body.startswith(pages.PARAGRAPHS[0])


def test_gzip_bytes_are_not_sniffed_as_html() -> None:
    with pytest.raises(PageFailure, match="binary file"):
        ingest_page(gzip.compress(pages.article().encode()), "page.html.gz", default_rules())


def test_a_fetched_page_resolves_against_its_url() -> None:
    page = pages.article(canonical="/news/bridge", related="").replace('"/images/bridge-lead.jpg"', '"lead.jpg"')
    article = ingest_page(page.encode(), "https://courier.example.org/a/b", default_rules(), url="https://courier.example.org/a/b").article
    assert article.url == "https://courier.example.org/news/bridge"  # the canonical link, made absolute
    assert article.image == "https://courier.example.org/news/lead.jpg"  # against the page's own URL
    assert "[engineers' report](https://courier.example.org/reports/bridge.pdf)" in article.body
    bare = ingest_page(pages.article(canonical=None).encode(), "u", default_rules(), url="https://courier.example.org/a/b").article
    assert bare.url == "https://courier.example.org/a/b"  # no canonical: where it was fetched from


def test_a_list_of_links_to_other_stories_is_no_article_text() -> None:
    items = ["Ferry timetable for the summer season", "How the new cables were made in Wales", "Ten photos of the bridge at night"]
    after = "<p>Traffic counts on the bridge will be published every month from July, the council said on Sunday evening.</p>"
    links = "<ul>" + "".join(f'<li><a href="/{i}">{item}</a></li>' for i, item in enumerate(items)) + "</ul>" + after
    body = ingest(pages.article(body_extra=links)).article.body
    assert not any(item in body for item in items) and body.endswith("the council said on Sunday evening.")
    prose_list = ingest(pages.article()).article.body
    assert "- a wider deck with a cycle lane" in prose_list  # a list of prose stays


def test_headline_printed_again_in_another_wording_is_dropped() -> None:
    page = pages.article(title="Bridge reopens after eight months of repairs | The Lowmouth Courier")
    page = page.replace("<h1>Lowmouth bridge reopens after eight months</h1>", "<h2>Bridge reopens after eight months of repairs</h2>")
    article = ingest(page).article
    assert article.title == "Lowmouth bridge reopens after eight months"  # the JSON-LD headline
    assert "Bridge reopens after eight months of repairs" not in article.body


def test_a_long_block_around_a_link_is_no_teaser_card() -> None:
    essay = " ".join(pages.PARAGRAPHS * 2)
    related = f'<aside class="related"><p><a href="/x">A long read about bridges</a></p><p>{essay}</p></aside>'
    assert ingest(pages.article(related=related)).teasers == ()


def test_an_e_newsstand_pages_pitches_and_more_stories_are_cleaned_as_in_text() -> None:
    extra = (
        "<p>Subscribe to Magzter GOLD to access thousands of magazines and premium stories</p>"
        "<p>MORE STORIES FROM The Lowmouth CourierView all</p>"
        "<h3>Town hall clock stops again</h3><p>The clock lost a full hour on Monday, the third time this year.</p>"
        "<h3>Lifeboat crew rescues two kayakers</h3><p>Volunteers reached the pair within twenty minutes of the call.</p>"
    )
    page = ingest(pages.article(body_extra=extra, related=""))
    assert page.article.body.endswith("*Further closures* are not planned.")  # the pitch, the marker and the teasers are out
    assert [(t.title, t.summary, t.from_id) for t in page.teasers] == [
        ("Town hall clock stops again", "The clock lost a full hour on Monday, the third time this year.", page.article.id),
        ("Lifeboat crew rescues two kayakers", "Volunteers reached the pair within twenty minutes of the call.", page.article.id),
    ]
    labels = dict(zip(page.labelled.lines, map(str, page.labelled.labels), strict=True))
    assert labels["MORE STORIES FROM The Lowmouth CourierView all"] == "boilerplate(more_stories)"
    assert labels["Subscribe to Magzter GOLD to access thousands of magazines and premium stories"] == "boilerplate(subscribe)"


def test_date_from_the_pages_date_markup_and_open_graph_fallbacks() -> None:
    dated = pages.article(ld=None, canonical=None, body_extra='<p class="dateline"><time datetime="2024-06-20T10:00:00Z" class="published">20 June</time></p>')
    assert ingest(dated).article.date == dt.date(2024, 6, 20)  # no JSON-LD or article meta: htmldate reads the markup
    head = '<meta property="og:image" content="/img/og.jpg"><meta property="og:url" content="https://courier.example.org/news/og">'
    ld = {k: v for k, v in pages.LD.items() if k != "image"} | {"inLanguage": "en-AU"}
    article = ingest(pages.article(ld=ld, lang=None, canonical=None, head=head)).article
    assert (article.url, article.image, article.lang) == ("https://courier.example.org/news/og", "https://courier.example.org/img/og.jpg", "en-AU")
