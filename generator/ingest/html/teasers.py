"""Teasers from a page's "related" and "more stories" blocks: headline links with their deks.

A block is one whose class, id or aria-label, or whose own heading, says it
lists other stories. In it, each card (the largest element around a headline
link holding no other headline link) is a teaser when it also holds a dek: a
headline alone is a link list, not a teaser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import lxml.html

from generator.ingest.clean.teasers import Teaser
from generator.ingest.html.fragment import safe_url

CONTAINERS = ("section", "aside", "div", "ul", "ol", "nav", "footer")
_RELATED_ATTR = re.compile(
    r"related|more[-_ ]?(?:stories|news|from|articles|on)|recommend|read[-_ ]?(?:more|next)|you[-_ ]?may|also[-_ ]?(?:like|read)"
    r"|most[-_ ]?(?:read|popular)|trending|outbrain|taboola",
    re.IGNORECASE,
)
_RELATED_HEADING = re.compile(
    r"(?:related\b|more (?:stories|from|news|on|in)\b|read (?:more|next)\b|you (?:may|might) also like|recommended"
    r"|also (?:read|on|in)\b|most (?:read|popular)|trending|top stories).*",
    re.IGNORECASE,
)
MIN_HEADLINE_WORDS, MAX_HEADLINE_CHARS = 3, 200
MIN_DEK_WORDS = 5
MAX_CARD_WORDS = 80  # more is an article's text around a link, not a card


@dataclass(frozen=True, slots=True)
class LinkTeaser:
    teaser: Teaser
    url: str | None

    @property
    def title(self) -> str:
        return self.teaser.title

    @property
    def summary(self) -> str | None:
        return self.teaser.summary


def find_teasers(tree: lxml.html.HtmlElement, base_url: str | None) -> list[LinkTeaser]:
    found: dict[str, LinkTeaser] = {}
    for container in _related_blocks(tree):
        for teaser in _cards(container, base_url):
            found.setdefault(teaser.title.casefold(), teaser)
    return list(found.values())


def _related_blocks(tree: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """The outermost elements that say they list other stories."""
    chosen: list[lxml.html.HtmlElement] = []
    for el in tree.iter(*CONTAINERS):
        if _says_related(el) and not _inside(el, chosen):
            chosen.append(el)
            yield el


def _inside(el: lxml.html.HtmlElement, chosen: list[lxml.html.HtmlElement]) -> bool:
    ancestors = set(el.iterancestors())
    return any(c in ancestors for c in chosen)


def _says_related(el: lxml.html.HtmlElement) -> bool:
    marks = " ".join(filter(None, (el.get("class"), el.get("id"), el.get("aria-label"), el.get("data-component"))))
    if marks and _RELATED_ATTR.search(marks):
        return True
    heading = next((h for h in el.iterchildren("h2", "h3", "h4", "header")), None)
    return heading is not None and _RELATED_HEADING.fullmatch(_text(heading)) is not None


def _cards(container: lxml.html.HtmlElement, base_url: str | None) -> Iterator[LinkTeaser]:
    links = [a for a in container.iter("a") if _is_headline(_text(a))]
    headline_links = set(links)
    for link in links:
        card = link
        while (parent := card.getparent()) is not None and parent is not container and _count(parent, headline_links) == 1:
            card = parent
        dek = _dek(card, link) if len(_text(card).split()) <= MAX_CARD_WORDS else None
        if dek is not None:
            yield LinkTeaser(Teaser(_text(link), dek), safe_url(link.get("href"), base_url))


def _count(el: lxml.html.HtmlElement, links: set[lxml.html.HtmlElement]) -> int:
    return sum(1 for a in el.iter("a") if a in links)


def _dek(card: lxml.html.HtmlElement, link: lxml.html.HtmlElement) -> str | None:
    """The card's text outside its headline link, when it reads as a sentence."""
    parts = []
    for p in card.iter("p", "span", "div"):
        if p is link or link in p.iterancestors() or p in link.iterancestors() or p.find(".//a") is not None:
            continue
        if (text := _text(p)) and text not in parts:
            parts.append(text)
    dek = max(parts, key=len, default="")
    return dek if len(dek.split()) >= MIN_DEK_WORDS else None


def _is_headline(text: str) -> bool:
    return len(text.split()) >= MIN_HEADLINE_WORDS and len(text) <= MAX_HEADLINE_CHARS


def _text(el: lxml.html.HtmlElement) -> str:
    return " ".join(el.text_content().split())
