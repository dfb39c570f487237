"""HTML fragments to body markdown: structure kept, links made safe and absolute."""

import pytest
from markdown_it import MarkdownIt

from generator.ingest.html.fragment import fragment_to_markdown, safe_url

BASE = "https://news.example.org/world/2024/bridge.html"


def test_structure_is_kept() -> None:
    html = """
    <h2>The repairs</h2>
    <p>Work began in <em>October</em> and cost <strong>four million</strong>.</p>
    <ul><li>new cables</li><li>a wider deck<ul><li>with a cycle lane</li></ul></li></ul>
    <ol><li>survey</li><li>rebuild</li></ol>
    <blockquote><p>It is a fine bridge again.</p><p>We waited long.</p></blockquote>
    <p>First line<br>second line</p>
    """
    assert fragment_to_markdown(html, BASE) == (
        "## The repairs\n\n"
        "Work began in *October* and cost **four million**.\n\n"
        "- new cables\n- a wider deck\n  - with a cycle lane\n\n"
        "1. survey\n2. rebuild\n\n"
        "> It is a fine bridge again.\n>\n> We waited long.\n\n"
        "First line\\\nsecond line"
    )


def test_links_are_made_absolute() -> None:
    html = '<p><a href="/local/tide-tables">tide tables</a>, <a href="other.html">a page beside it</a>, <a href="#notes">notes</a> and <a href="mailto:desk@example.org">the desk</a></p>'
    assert fragment_to_markdown(html, BASE) == (
        "[tide tables](https://news.example.org/local/tide-tables), [a page beside it](https://news.example.org/world/2024/other.html), "
        "[notes](https://news.example.org/world/2024/bridge.html#notes) and [the desk](mailto:desk@example.org)"
    )


@pytest.mark.parametrize(
    "href",
    ["javascript:alert(1)", " JavaScript:void(0)", "data:text/html,hi", "ftp://files.example.org/x", "tel:+4712345678", "http://[::1", ""],
)
def test_other_links_become_plain_text(href: str) -> None:
    assert fragment_to_markdown(f'<p>Call <a href="{href}">the office</a> today.</p>', BASE) == "Call the office today."


def test_relative_links_without_a_base_become_plain_text() -> None:
    html = '<p><a href="/a">relative</a> and <a href="https://example.org/b">absolute</a></p>'
    assert fragment_to_markdown(html, None) == "relative and [absolute](https://example.org/b)"


def test_media_scripts_and_styles_are_dropped() -> None:
    html = """<p>Before<img src="/pic.jpg" alt="a picture"> after.</p>
    <figure><img src="/lead.jpg"><figcaption>The bridge at dawn.</figcaption></figure>
    <script>document.write("tracking")</script><style>p { color: red }</style><noscript>Enable JavaScript</noscript>
    <p><a href="/gallery"><img src="/thumb.jpg"></a>Gallery</p><!-- a comment -->
    <iframe src="https://video.example.org/embed"></iframe><p>End.</p>"""
    assert fragment_to_markdown(html, BASE) == "Before after.\n\nGallery\n\nEnd."


def test_text_that_looks_like_markdown_stays_text() -> None:
    html = "<p># 1 in the charts</p><p>- not a list</p><p>2024. A year</p><p>&gt; not a quote</p><p>snake_case_name and 2*3*4</p>"
    markdown = fragment_to_markdown(html, BASE)
    rendered = MarkdownIt("commonmark").render(markdown)
    assert rendered == ("<p># 1 in the charts</p>\n<p>- not a list</p>\n<p>2024. A year</p>\n<p>&gt; not a quote</p>\n<p>snake_case_name and 2*3*4</p>\n")


@pytest.mark.parametrize("html", ["", "   \n", "<p></p>", "<script>x()</script>", "<!-- only a comment -->"])
def test_empty_fragments_give_empty_markdown(html: str) -> None:
    assert fragment_to_markdown(html, BASE) == ""


def test_bare_text_and_whole_documents() -> None:
    assert fragment_to_markdown("Just words &amp; more", None) == "Just words & more"
    doc = "<!DOCTYPE html><html><head><title>T</title></head><body><p>Inside the body.</p></body></html>"
    assert fragment_to_markdown(doc, None) == "Inside the body."


def test_malformed_html_is_read_as_a_browser_would() -> None:
    assert fragment_to_markdown("<p>One <b>bold<p>Two</i> <a href='/x'>link", BASE) == "One **bold**\n\nTwo [link](https://news.example.org/x)"


def test_safe_url() -> None:
    assert safe_url(" /a?b=1 ", "https://example.org/x/y") == "https://example.org/a?b=1"
    assert safe_url("//cdn.example.org/p", "https://example.org/") == "https://cdn.example.org/p"
    assert safe_url("https:", None) is None
    assert safe_url(None, BASE) is None
