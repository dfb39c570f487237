"""Entry bodies as HTML for feeds: every link and image URL made absolute.

A feed item is read far from the site, so a relative `href`/`src` would
resolve against the feed reader, not the page. URLs are rewritten on the
markdown-it tokens (never by pattern-matching the HTML), with the same safe
parser the pages use, so raw HTML stays escaped and unsafe schemes stay out.
An article page renders both from one parse, and the feeds take theirs.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urljoin

from markdown_it.token import Token

# The pages' parser: one configuration decides what is safe, for pages and feeds alike.
from generator.render.markdown import _parser

_URL_ATTRS = {"link_open": "href", "image": "src"}


def absolute_html(body: str, page_url: str) -> str:
    """Render a markdown body with its URLs resolved against `page_url` (absolute)."""
    return page_and_feed_html(body, page_url)[1]


def page_and_feed_html(body: str, page_url: str) -> tuple[str, str]:
    """The body's HTML as the page shows it (URLs as written) and as feeds carry it, from one parse.

    Rendering is cheap next to parsing: the tokens are rendered a second time
    only when a URL had to be made absolute.
    """
    if not body:
        return "", ""
    md = _parser()
    tokens = md.parse(body)
    page = str(md.renderer.render(tokens, md.options, {}))
    changed = False
    for token in _inline_tokens(tokens):
        attr = _URL_ATTRS.get(token.type)
        value = token.attrGet(attr) if attr else None
        if attr and isinstance(value, str):
            absolute = urljoin(page_url, value)
            if absolute != value:
                token.attrSet(attr, absolute)
                changed = True
    return page, str(md.renderer.render(tokens, md.options, {})) if changed else page


def _inline_tokens(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _inline_tokens(token.children)
