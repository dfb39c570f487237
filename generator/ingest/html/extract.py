"""The article's main content, as a list of top-level blocks, found by trafilatura.

trafilatura runs in its fast mode (no readability/jusText comparison) with
reader comments left out: on the dev set that scored higher and ran faster
than its default (benchmarks/extraction.py). Its output is turned into plain
HTML blocks (p, h2, ul, blockquote, table, …) that keep their links.
"""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html
import trafilatura
from lxml.etree import _Element
from trafilatura.htmlprocessing import convert_to_html
from trafilatura.settings import Document


@dataclass(frozen=True, slots=True)
class Block:
    element: _Element
    text: str  # whitespace collapsed: what rules and teaser detection read
    link_share: float  # share of the text inside links
    longest: int  # words of its longest item (a list's item, a table's row; else the whole block)


def extract_blocks(tree: lxml.html.HtmlElement, url: str | None) -> list[Block]:
    """The main content's blocks in page order; [] when trafilatura finds none."""
    document = trafilatura.bare_extraction(
        tree,  # copied by trafilatura, which prunes its copy
        url=url,
        fast=True,
        include_comments=False,
        include_links=True,
        include_formatting=True,
        include_tables=True,
        include_images=False,
        deduplicate=False,
        with_metadata=False,
    )
    if not isinstance(document, Document) or document.body is None:
        return []
    body = convert_to_html(document.body)[0]
    return [block for el in body if (block := _block(el)) is not None]


CONTAINERS = ("ul", "ol", "dl", "table", "tbody", "thead", "tr")
BLOCKS = (*CONTAINERS, "p", "div", "li", "td", "th", "dt", "dd", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre")


def _block(el: _Element) -> Block | None:
    text = _text(el)
    if not text:
        return None
    linked = sum(len(" ".join("".join(a.itertext()).split())) for a in el.iter("a"))
    return Block(el, text, min(1.0, linked / len(text)), _longest(el))


def _longest(el: _Element) -> int:
    if str(el.tag) in CONTAINERS:
        return max((_longest(child) for child in el), default=0)
    return len(_text(el).split())


def _text(el: _Element) -> str:
    """The text with whitespace collapsed; list items, table cells and nested blocks kept apart."""
    if str(el.tag) in CONTAINERS:
        return " ".join(t for child in el if (t := _text(child)))
    parts = [el.text or ""]
    for child in el:
        parts += [f" {_text(child)} " if str(child.tag) in BLOCKS else "".join(child.itertext()), child.tail or ""]
    return " ".join("".join(parts).split())
