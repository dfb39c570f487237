"""One raw page (bytes) → its entries, or the reason it cannot be ingested. Pure."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from generator.ingest.article import Draft, build_article, build_teaser, hygienic, listing_id
from generator.ingest.clean.labels import Labelled, label_page
from generator.ingest.clean.language import LANGUAGES
from generator.ingest.clean.rules import RuleSet
from generator.ingest.clean.site import path_words, site_words, story_slug
from generator.ingest.decode import NotText, decode, looks_binary, text_lines
from generator.ingest.html.detect import looks_like_html
from generator.ingest.html.page import HtmlFailure, html_drafts, read_html
from generator.ingest.learn.template import NO_TEMPLATE, Template

_LANGUAGES = frozenset(LANGUAGES)


class PageFailure(ValueError):
    """The page yields no entries; the message is the one-line reason."""


@dataclass(frozen=True, slots=True)
class Page:
    name: str
    labelled: Labelled
    article: Draft | None  # None for a page that only lists other stories
    teasers: tuple[Draft, ...]
    origin: dict[str, Any]

    @property
    def drafts(self) -> tuple[Draft, ...]:
        return (self.article, *self.teasers) if self.article else self.teasers


def read_page(data: bytes, rules: RuleSet, template: Template = NO_TEMPLATE, name: str = "", url: str | None = None) -> Labelled:
    """Decode and label a page; raises PageFailure for input that is no text page.

    `template`: the site's recurring lines (see template); `name`, `url`: the page's file name and where it
    was fetched from, whose words may name the site (see site).
    """
    if not data.strip():
        raise PageFailure("file is empty")
    if looks_like_html(data):
        try:
            return read_html(data, rules, template=template).labelled
        except HtmlFailure as exc:
            raise PageFailure(str(exc)) from None
    if looks_binary(data):
        raise PageFailure("binary file, not a text page")
    try:
        text = decode(data)
    except NotText as exc:
        raise PageFailure(str(exc)) from None
    return label_page(text_lines(text), rules, template, site_words(name, url, _LANGUAGES), path_words(name, url), url, story_slug(name, url))


def ingest_page(data: bytes, name: str, rules: RuleSet, url: str | None = None, template: Template = NO_TEMPLATE) -> Page:
    """`url`: where a fetched page came from (an HTML page's base for relative links)."""
    if data.strip() and looks_like_html(data):
        return _html_page(data, name, rules, url, template)
    labelled = read_page(data, rules, template, name, url)
    has_text = any(ch.isalnum() for line in labelled.body for ch in line)  # "." alone is no article
    if not has_text and not (labelled.listing and labelled.teasers):
        raise PageFailure("no article text found (every line is a header, boilerplate or teaser)")
    article = build_article(labelled) if has_text else None
    source = article.source if article else labelled.meta.source
    page_id = article.id if article else listing_id(labelled)
    teasers = tuple(build_teaser(t, page_id, source, article.id if article else None) for t in labelled.teasers)
    origin = {
        "file": name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "platform": labelled.meta.platform,
        "ui_lang": labelled.meta.ui_lang,
    }
    return Page(name, labelled, article, teasers, {k: v for k, v in origin.items() if v is not None})


def _html_page(data: bytes, name: str, rules: RuleSet, url: str | None, template: Template) -> Page:
    try:
        page = read_html(data, rules, url, template)
        article, teasers = html_drafts(page)
    except HtmlFailure as exc:
        raise PageFailure(str(exc)) from None
    # Text pages lose control and bidi characters line by line as they are decoded; HTML keeps them until here.
    article, teasers = (hygienic(article) if article else None), tuple(map(hygienic, teasers))
    origin = {"file": name, "sha256": hashlib.sha256(data).hexdigest(), "format": "html"}
    return Page(name, page.labelled, article, teasers, origin)
