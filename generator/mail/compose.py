"""An issue as an email: the HTML part (CSS inlined), the plain-text part, and the MIME message.

Both parts come from the theme's `email.html` and `email.txt`, rendered from
the same page the build writes as the issue's web view
(`issues/<key>/email.html`), so the web view is the email itself. Inside
email templates `url()` gives absolute URLs: a mail client has no page
address to resolve a relative link against.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any
from urllib.parse import urlsplit

import css_inline
import jinja2

from generator.render.pages import Page
from generator.render.templates import render


@dataclass(frozen=True, slots=True)
class Mailing:
    """What only a mailed copy shows: where to read it on the web, and how to unsubscribe."""

    web_view: str  # absolute URL of the email.html
    unsubscribe: str = ""  # the link shown in the footer ("" for none)


@dataclass(frozen=True, slots=True)
class Edition:
    """One issue ready to mail: subject and both parts."""

    key: str  # the key, 2024-12-14
    subject: str
    html: str
    text: str


def _context(env: jinja2.Environment, page: Page, mailing: Mailing | None) -> dict[str, Any]:
    return {**page.context, "page": page, "url": env.globals["absolute"], "mailing": mailing}


def email_html(env: jinja2.Environment, page: Page, mailing: Mailing | None = None) -> str:
    """The HTML part, with every style rule inlined (media queries stay in a <style> for the clients that read it)."""
    html = render(env, page.template, _context(env, page, mailing))
    inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)
    inlined = _reescape(str(inliner.inline(html)))
    return inlined.rstrip("\n") + "\n"  # the inliner drops the template's final newline


# The inliner (html5ever's serializer) writes every attribute as name="value" with `"` and `&`
# escaped, and `<` in text as &lt;; so outside comments and raw-text elements a `<` opens a tag,
# and a tag's quoted values are exactly its attribute values.
_MARKUP = re.compile(r'<!--.*?-->|<(style|script)\b[^>]*>.*?</\1\s*>|<[A-Za-z][^\s/>]*(?:\s+[^\s"\'>/=]+(?:="[^"]*")?)*\s*/?>', re.S | re.I)
_VALUE = re.compile(r'="([^"]*)"')


def _reescape(html: str) -> str:
    """The document unchanged but for `<` and `>` inside attribute values, escaped again.

    The inliner leaves them raw there, as the HTML standard allows; mail
    sanitizers are not all standard parsers, and a headline's `<script>` must
    stay `&lt;script&gt;` wherever it lands.
    """
    return _MARKUP.sub(_reescape_tag, html)


def _reescape_tag(match: re.Match[str]) -> str:
    tag = match[0]
    if match[1] or tag.startswith("<!--") or ("<" not in tag[1:] and ">" not in tag[:-1]):
        return tag
    return _VALUE.sub(lambda value: '="' + value[1].replace("<", "&lt;").replace(">", "&gt;") + '"', tag)


def email_text(env: jinja2.Environment, page: Page, mailing: Mailing | None = None) -> str:
    """The plain-text part (`email.txt`), not HTML-escaped: there is no markup in it to inject."""
    return render(env.overlay(autoescape=False), "email.txt", _context(env, page, mailing))


def compose(env: jinja2.Environment, page: Page, key: str, mailing: Mailing) -> Edition:
    return Edition(key, page.title, email_html(env, page, mailing), email_text(env, page, mailing))


@dataclass(frozen=True, slots=True)
class Envelope:
    """The headers every copy of an issue shares."""

    sender: Address
    reply_to: Address | None
    unsubscribe: Sequence[str]  # List-Unsubscribe URLs (mailto: or https:)
    language: str  # Content-Language
    list_id: str  # List-Id, e.g. "The Morning Digest <digest.example.org>"


def message(edition: Edition, envelope: Envelope, recipient: Address, now: dt.datetime) -> EmailMessage:
    """One recipient's copy: multipart/alternative, plain text first (clients show the last part they can)."""
    msg = EmailMessage()
    msg["From"] = envelope.sender
    msg["To"] = recipient
    msg["Subject"] = edition.subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(domain=envelope.sender.domain)
    if envelope.reply_to is not None:
        msg["Reply-To"] = envelope.reply_to
    if envelope.unsubscribe:
        msg["List-Unsubscribe"] = ", ".join(f"<{url}>" for url in envelope.unsubscribe)
        if any(url.startswith("https:") for url in envelope.unsubscribe):
            # RFC 8058 one-click: clients POST to the https URL instead of opening it.
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["List-Id"] = envelope.list_id
    # Quoted-printable: 7-bit lines any server relays unchanged, and still readable raw.
    msg.set_content(edition.text, cte="quoted-printable")
    msg.add_alternative(edition.html, subtype="html", cte="quoted-printable")
    msg["Content-Language"] = envelope.language  # after the parts: setting content moves Content-* headers into them
    return msg


def list_id(title: str, site_url: str) -> str:
    """`Title <host>`: a stable identifier mail clients and filters group the issues by."""
    return f"{title} <{urlsplit(site_url).hostname}>"
