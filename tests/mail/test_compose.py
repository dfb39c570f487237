"""Each issue as an email: the web view the build writes, both parts, language and direction, overrides."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from generator.build import build, collect
from generator.config import Config
from generator.mail.address import parse_address
from generator.mail.compose import Envelope, Mailing, compose, email_html, email_text, message
from generator.output import MARKER
from generator.render.engine import Renderer
from generator.render.pages import email_page
from generator.render.templates import site_language, text_direction
from tests.conftest import CONFIG, entry_text
from tests.mail.htmlscan import assert_mail_ready, scan

BASE = "https://news.example.org/digest/"

ENTRIES = {
    "gazette/ports.md": entry_text(
        "Ports reopen & cranes move",
        body="Cranes are moving again.\n\nSee [the map](/maps/harbour/) and ![a crane](crane.jpg).",
        source="'The Harbour Gazette'",
        id="ports1",
        authors="[Zoë Ünal]",
        summary="'Three terminals, one backlog <b>and</b> a storm.'",
    ),
    "gazette/teasers/ferry.md": entry_text(
        "Island ferry returns", body="", kind="teaser", source="'The Harbour Gazette'", id="ferry1", summary="Extra sailings"
    ),
    "gazette/teasers/ports.md": entry_text(
        "Ports reopen & cranes move", body="", kind="teaser", source="'The Harbour Gazette'", id="portsteaser", **{"from": "other"}
    ),
    "ukeblad/nordlys.md": entry_text("שלום מהנמל", body="טקסט.", source="Ukeblad", id="he1", lang="he"),
    "older.md": entry_text("Yesterday's news", source="Courier", id="old1", added="2024-12-13T08:00:00+00:00"),
}


@pytest.fixture
def config(make_digest: Callable[..., Config]) -> Config:
    config = make_digest(ENTRIES)
    build(config)
    return config


def web_view(config: Config, key: str = "2024-12-14") -> str:
    return (config.output_dir / "issues" / key / "email.html").read_text(encoding="utf-8")


def test_every_issue_has_a_web_view_ready_for_mail(config: Config) -> None:
    for key in ("2024-12-14", "2024-12-13"):
        assert_mail_ready(web_view(config, key), BASE)
    html = web_view(config)
    found = scan(html)
    assert ("html", {"lang": "en", "dir": "ltr"}) in found.tags
    assert BASE + "issues/2024-12-14/" in found.links  # the issue on the web
    assert BASE + "2024/12/14/ports-reopen-cranes-move/" in found.links
    assert BASE + "issues/2024-12-14/#t-ferry1" in found.links  # a teaser links to its anchor on the issue page
    assert "Ports reopen &amp; cranes move" in html and "&lt;b&gt;and&lt;/b&gt;" in html  # escaped, never live
    assert "Yesterday" not in html  # another issue
    assert "View this email in your browser" not in html and "Unsubscribe" not in html  # mailed copies only


def test_language_and_direction(make_digest: Callable[..., Config]) -> None:
    config = make_digest(ENTRIES, CONFIG.replace("language: en", "language: ar"))
    build(config)
    found = scan(web_view(config))
    assert ("html", {"lang": "ar", "dir": "rtl"}) in found.tags
    assert any(tag == "table" and a.get("dir") == "rtl" for tag, a in found.tags)  # for clients that drop <html>
    assert any(a.get("lang") == "he" and a.get("dir") == "rtl" for _, a in found.tags)


@pytest.mark.parametrize(
    ("lang", "direction"),
    [
        ("ar", "rtl"),
        ("he-IL", "rtl"),
        ("fa", "rtl"),
        ("ur-PK", "rtl"),
        ("ckb", "rtl"),
        ("az-Arab", "rtl"),
        ("ar-Latn", "ltr"),
        ("en", "ltr"),
        ("pt-BR", "ltr"),
        ("", "ltr"),
        (None, "ltr"),
    ],
)
def test_text_direction(lang: str | None, direction: str) -> None:
    assert text_direction(lang) == direction


def _edition_parts(config: Config, mailing: Mailing | None) -> tuple[str, str, str]:
    collected = collect(config)
    renderer = Renderer(collected.site, config)
    page = email_page(collected.site.issues[0], config, site_language(config))
    if mailing is None:
        return page.title, email_html(renderer.env, page), email_text(renderer.env, page)
    edition = compose(renderer.env, page, "2024-12-14", mailing)
    return edition.subject, edition.html, edition.text


def test_the_web_view_is_the_email_and_a_mailed_copy_adds_its_mailing_links(config: Config) -> None:
    assert _edition_parts(config, None)[1] == web_view(config)
    mailing = Mailing(BASE + "issues/2024-12-14/email.html", "https://news.example.org/unsubscribe?list=digest")
    subject, html, _ = _edition_parts(config, mailing)
    assert subject == "Test Digest · 14 December 2024"
    assert_mail_ready(html, BASE.removesuffix("digest/"))
    links = scan(html).links
    assert mailing.web_view in links and mailing.unsubscribe in links
    assert sorted((Counter(links) - Counter(scan(web_view(config)).links)).elements()) == sorted([mailing.web_view, mailing.unsubscribe])


def test_the_plain_text_part_reads_on_its_own(config: Config) -> None:
    _, _, text = _edition_parts(config, Mailing(BASE + "issues/2024-12-14/email.html", "mailto:leave@example.org"))
    assert "Ports reopen & cranes move" in text and "<b>and</b>" in text  # plain text: nothing escaped
    assert "By Zoë Ünal" in text and "Read it on the web: " + BASE + "issues/2024-12-14/" in text
    assert BASE + "2024/12/14/ports-reopen-cranes-move/" in text.splitlines()
    assert "Unsubscribe: mailto:leave@example.org" in text
    assert "<" not in text.replace("<b>and</b>", "")  # no markup of ours
    assert all(len(line) <= 72 or line.split()[-1].startswith(("https://", "mailto:")) for line in text.splitlines())  # links stay whole
    assert "\n\n\n\n" not in text


def test_a_site_template_overrides_the_email_and_is_still_inlined(make_digest: Callable[..., Config]) -> None:
    config = make_digest(ENTRIES)
    config.templates_dir.mkdir()
    (config.templates_dir / "email.html").write_text(
        '<!DOCTYPE html><html><head><style>p { color: #123456; }</style></head><body><p><a href="{{ url(issue.url) }}">{{ issue.key }}</a></p></body></html>\n',
        encoding="utf-8",
    )
    (config.templates_dir / "email.txt").write_text("Issue {{ issue.key }} & more: {{ url(issue.url) }}\n", encoding="utf-8")
    build(config)
    html = web_view(config)
    assert '<p style="color: #123456;"><a href="' + BASE + 'issues/2024-12-14/">2024-12-14</a></p>' in html
    assert "<style>" not in html
    collected = collect(config)
    env = Renderer(collected.site, config).env
    assert email_text(env, email_page(collected.site.issues[0], config, site_language(config))) == f"Issue 2024-12-14 & more: {BASE}issues/2024-12-14/\n"


def test_editing_the_email_template_rerenders_the_email_pages_only(config: Config, make_digest: Callable[..., Config]) -> None:
    before = {p: p.stat().st_mtime_ns for p in config.output_dir.rglob("*") if p.is_file() and p.name not in ("email.html", MARKER)}
    config.templates_dir.mkdir()
    theme = Path(__file__).resolve().parents[2] / "templates" / "email.html"
    (config.templates_dir / "email.html").write_text(theme.read_text(encoding="utf-8").replace("Read the story →", "Read on →"), encoding="utf-8")
    result = build(make_digest(ENTRIES))
    assert result.rendered == 2  # the two issues' emails
    assert "Read on →" in web_view(config)
    assert {p: p.stat().st_mtime_ns for p in config.output_dir.rglob("*") if p.is_file() and p.name not in ("email.html", MARKER)} == before


def test_message_headers_and_parts_survive_the_wire(config: Config) -> None:
    mailing = Mailing(BASE + "issues/2024-12-14/email.html", "mailto:leave@example.org")
    collected = collect(config)
    edition = compose(Renderer(collected.site, config).env, email_page(collected.site.issues[0], config, site_language(config)), "2024-12-14", mailing)
    envelope = Envelope(
        parse_address("Zoë’s Digest <digest@news.example.org>"),
        parse_address("desk@news.example.org"),
        ("mailto:leave@example.org",),
        "en",
        "Test Digest <news.example.org>",
    )
    sent = message(edition, envelope, parse_address("Ana Ruiz <ana@example.org>"), dt.datetime(2024, 12, 15, 7, 0, tzinfo=dt.UTC))
    raw = sent.as_bytes(policy=policy.SMTP)
    assert raw.isascii()  # non-ASCII names and subject are encoded words
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    assert parsed["Subject"] == "Test Digest · 14 December 2024"
    assert parsed["From"].addresses[0].display_name == "Zoë’s Digest"
    assert parsed["List-Unsubscribe"] == "<mailto:leave@example.org>" and parsed["Reply-To"] == "desk@news.example.org"
    assert "List-Unsubscribe-Post" not in parsed  # one-click needs an https URL to POST to
    assert parsed.get_content_type() == "multipart/alternative"
    text_part, html_part = parsed.iter_parts()
    assert text_part.get_content_type() == "text/plain" and html_part.get_content_type() == "text/html"
    assert text_part.get_content().replace("\r\n", "\n") == edition.text  # the wire has CRLF line ends
    assert html_part.get_content().replace("\r\n", "\n") == edition.html


def test_markup_in_attribute_values_stays_escaped_after_inlining(make_digest: Callable[..., Config]) -> None:
    hostile = "'<script>alert(1)</script>'"
    config = make_digest({"x.md": entry_text("Story", source=hostile)})
    build(config)
    html = web_view(config)
    assert "<script>" not in html and 'content="1 article from &lt;script&gt;alert(1)&lt;/script&gt;."' in html
    assert ("meta", {"name": "description", "content": "1 article from <script>alert(1)</script>."}) in scan(html).tags  # the same text, read back
