from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build import build
from generator.config import Config
from generator.problems import DigestError, TemplateError
from generator.render.markdown import to_html
from tests.conftest import CONFIG, entry_text


def test_markdown_escapes_raw_html_and_neutralises_script_links() -> None:
    html = to_html("<script>alert(1)</script>\n\n[x](javascript:alert(1)) [y](data:text/html,hi) [z](https://ok.example/) <img src=x onerror=alert(1)>")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html and 'href="data:' not in html
    assert "<img" not in html
    assert '<a href="https://ok.example/">z</a>' in html


def test_front_matter_is_autoescaped_in_every_page(make_digest: Callable[..., Config]) -> None:
    hostile = "<script>alert('t')</script>"
    config = make_digest({"x.md": entry_text(hostile, summary=repr(hostile), source=repr(hostile), tags=f"[{hostile!r}]")})
    build(config)
    for page in config.output_dir.rglob("*.html"):
        assert "<script>" not in page.read_text(encoding="utf-8"), page


def test_site_templates_override_the_default_theme(make_digest: Callable[..., Config], tmp_path: Path) -> None:
    config = make_digest({"x.md": entry_text("Story")})
    config.templates_dir.mkdir()
    (config.templates_dir / "article.html").write_text("custom {{ entry.title }} {{ entry.extra.mood }}", encoding="utf-8")
    config = make_digest({"x.md": entry_text("Story", mood="calm")})
    build(config)
    article = next(config.output_dir.glob("2024/12/14/*/index.html"))
    assert article.read_text(encoding="utf-8") == "custom Story calm"
    assert (config.output_dir / "static" / "style.css").is_file()  # rest of the theme still used


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{% if %}", "article.html:1: template syntax error"),
        ("line one\n{{ entry.nonexistent_field }}", "article.html:2: undefined in template"),
        ("one\ntwo\n{{ 1 + 'a' }}", "article.html:3: error in template: TypeError: unsupported operand type(s) for +: 'int' and 'str'"),
        ("{{ entry.title | int(1, 2, 3, 4) }}", "article.html:1: error in template: TypeError:"),
    ],
)
def test_template_errors_name_file_and_line(make_digest: Callable[..., Config], template: str, expected: str) -> None:
    config = make_digest({"x.md": entry_text("Story")})
    config.templates_dir.mkdir()
    (config.templates_dir / "article.html").write_text(template, encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        build(config)
    assert expected in str(info.value)
    assert not config.output_dir.exists()  # nothing half-written


def test_quotes_nested_past_the_parser_limit_keep_their_text(make_digest: Callable[..., Config]) -> None:
    """markdown-it skips what lies deeper than 20 levels; the text must reach the page and the feeds all the same."""
    levels = "".join(">" * depth + f" level {depth}\n" for depth in range(1, 40))
    body = "Opening.\n\n" + levels + ">" * 10_000 + " the deepest words\n\n- " + "\n  - ".join(f"item {n}" for n in range(30))
    config = make_digest({"deep.md": entry_text("Deep", body=body, id="deep1")})
    build(config)
    page = (config.output_dir / "2024/12/14/deep/index.html").read_text(encoding="utf-8")
    feeds = [(config.output_dir / name).read_text(encoding="utf-8") for name in ("feed.xml", "atom.xml", "feed.json")]
    for words in ("level 1", "level 19", "level 39", "the deepest words", "item 0", "item 29"):
        assert words in page, words
        assert all(words in feed for feed in feeds), words


def test_a_body_too_costly_to_render_is_reported_with_file_and_line(make_digest: Callable[..., Config]) -> None:
    """1 MB of `[a](` took 25 s to parse: such a body is refused at once, and a long plain article is not."""
    costly = "A fine start.\n\nStill fine.\n" + "[a](" * 250_000
    long_article = "\n\n".join(f"Paragraph {n} cites [a source](https://example.org/{n}) and *one* (aside)." for n in range(1_000))
    config = make_digest({"costly.md": entry_text("Costly", body=costly), "long.md": entry_text("Long", body=long_article)})
    with pytest.raises(DigestError) as info:
        build(config)
    assert [str(p) for p in info.value.problems] == [
        "costly.md:8: body has more than 10,000 markdown punctuation characters ([ ] ( ) ! * _ ` < & \\ ~), too many to render in reasonable time"
        " (split it into several entries, or remove the stray punctuation)"
    ]


def test_article_shows_its_lead_image(make_digest: Callable[..., Config]) -> None:
    config = make_digest({"a.md": entry_text("With a picture", image="'https://img.example.org/lead.jpg?w=800&h=600'"), "b.md": entry_text("Without")})
    build(config)
    pages = {p.parent.name: p.read_text(encoding="utf-8") for p in config.output_dir.glob("2024/12/14/*/index.html")}
    assert (
        '<img class="lead" src="https://img.example.org/lead.jpg?w=800&amp;h=600" alt="" loading="lazy" referrerpolicy="no-referrer">'
        in pages["with-a-picture"]
    )
    assert 'class="lead"' not in pages["without"]


def test_bare_urls_and_plain_quotes_stay_as_written() -> None:
    """No linkify (a bare URL in scraped text is not a link the author made) and no typographer (quotes stay the source's)."""
    html = to_html('See https://example.org/x and "quoted" -- text (c) ...')
    assert "<a " not in html
    assert "&quot;quoted&quot; -- text (c) ..." in html


@pytest.mark.parametrize(
    ("language", "direction", "date"),
    [("en", "ltr", "15 December 2024"), ("de", "ltr", "15. Dezember 2024"), ("ja", "ltr", "2024年12月15日"), ("ar", "rtl", "15 ديسمبر 2024")],
)
def test_pages_follow_the_site_language_for_direction_and_dates(make_digest: Callable[..., Config], language: str, direction: str, date: str) -> None:
    config = make_digest({"a.md": entry_text("Dated", date="2024-12-15")}, CONFIG.replace("language: en", f"language: {language}"))
    build(config)
    article = next(config.output_dir.glob("2024/12/*/dated/index.html")).read_text(encoding="utf-8")
    assert f'<html lang="{language}" dir="{direction}">' in article
    assert f'<time datetime="2024-12-15">{date}</time>' in article
