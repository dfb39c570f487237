"""An HTML fragment (a feed item's content, an extracted article body) → CommonMark.

lxml applies newsdigest's link policy first (links absolute, only http(s) and
mailto kept, media, scripts and styles gone); html-to-markdown, a compiled
converter, then writes the markdown, escaping what would otherwise read as
markup at the start of a line or inside a word.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import html_to_markdown
import lxml.etree
import lxml.html

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# Removed with their content: never article text.
DROPPED = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "canvas", "video", "audio", "map", "form", "button")
MEDIA = ("img", "picture", "source")

_OPTIONS = html_to_markdown.ConversionOptions(
    heading_style="atx",
    bullets="-",
    strong_em_symbol="*",
    escape_asterisks=True,
    escape_underscores=True,
    newline_style="backslash",  # a visible hard break, safe from editors trimming trailing spaces
    skip_images=True,
    extract_metadata=False,
    autolinks=True,
    preprocessing=html_to_markdown.PreprocessingOptions(enabled=False),  # the caller chose the content
)


def fragment_to_markdown(html: str, base_url: str | None, prune: Callable[[lxml.html.HtmlElement], None] | None = None) -> str:
    """CommonMark for `html`: paragraphs, headings, lists, quotes, emphasis and safe absolute links.

    `prune`, when given, edits the cleaned tree in place before it is written (a feed item's boilerplate goes there).
    """
    root = _parse(html)
    if root is None:
        return ""
    clean_tree(root, base_url)
    if prune is not None:
        prune(root)
    markup = lxml.html.tostring(root, encoding="unicode")
    return (html_to_markdown.convert(markup, _OPTIONS).content or "").strip()


def _parse(html: str) -> lxml.html.HtmlElement | None:
    if not html.strip():
        return None
    try:
        # Wrapped so that text before the first tag is kept; a whole document's
        # <html>/<body> tags inside the wrapper are ignored by the parser.
        return lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return None


def clean_tree(root: lxml.html.HtmlElement, base_url: str | None) -> None:
    """Apply the link policy to `root` in place: what fragment_to_markdown keeps of a tree."""
    for el in list(root.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction, *DROPPED)):
        el.drop_tree()
    for figure in list(root.iter("figure")):
        # A figure is an image and its caption: without the image, the caption misleads.
        if next(figure.iter(*MEDIA), None) is not None:
            figure.drop_tree()
    for el in list(root.iter(*MEDIA)):
        el.drop_tree()
    for link in list(root.iter("a")):
        _apply_link_policy(link, base_url)


def _apply_link_policy(link: lxml.html.HtmlElement, base_url: str | None) -> None:
    href = safe_url(link.get("href"), base_url)
    if href is None or not link.text_content().strip():
        link.drop_tag()  # the text stays, as plain text
        return
    attrib = link.attrib
    for name in list(attrib):
        if name not in ("href", "title"):
            del attrib[name]
    attrib["href"] = href


def safe_url(href: str | None, base_url: str | None) -> str | None:
    """`href` made absolute against `base_url` when its scheme is http(s) or mailto, else None."""
    if href is None or not (href := href.strip()):
        return None
    try:
        absolute = urljoin(base_url, href) if base_url else href
        parts = urlsplit(absolute)
    except ValueError:  # e.g. a malformed IPv6 host
        return None
    if parts.scheme.lower() not in LINK_SCHEMES:
        return None
    if parts.scheme.lower() != "mailto" and not parts.netloc:
        return None
    return absolute
