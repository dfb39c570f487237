"""Markdown bodies to HTML with markdown-it-py, safe for scraped text.

Raw HTML is disabled (it is escaped, never passed through) and links may only
use http(s), mailto or relative URLs: scraped pages must never inject markup
or script into a reader's browser.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt

_SAFE_LINK = re.compile(r"^(?:https?:|mailto:|[^:/?#]*(?:[/?#]|$))", re.IGNORECASE)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = lambda url: bool(_SAFE_LINK.match(url.strip()))  # type: ignore[method-assign]
    return md


def to_html(text: str) -> str:
    """Render one markdown body to an HTML fragment."""
    return _parser().render(text) if text else ""


def first_paragraph_text(text: str) -> str:
    """Plain text of the body's first paragraph (for summaries and feed descriptions)."""
    tokens = _parser().parse(text) if text else []
    for position, token in enumerate(tokens):
        if token.type == "paragraph_open" and position + 1 < len(tokens):
            children = tokens[position + 1].children or []
            return "".join(c.content if c.type in ("text", "code_inline") else " " if c.type in ("softbreak", "hardbreak") else "" for c in children).strip()
    return ""
