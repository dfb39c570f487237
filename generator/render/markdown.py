"""Markdown bodies to HTML with markdown-it-py, safe for scraped text.

Raw HTML is disabled (it is escaped, never passed through) and links may only
use http(s), mailto or relative URLs: scraped pages must never inject markup
or script into a reader's browser. Quotes and lists nested past
markdown-it's limit are kept as text instead of being dropped.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_SAFE_LINK = re.compile(r"^(?:https?:|mailto:|[^:/?#]*(?:[/?#]|$))", re.IGNORECASE)
# A list opens two levels (list, item): containers stop two short of the limit, where
# markdown-it would skip the rest of the block ("not ordinary situation").
_CONTAINER_HEADROOM = 2


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = lambda url: bool(_SAFE_LINK.match(url.strip()))  # type: ignore[method-assign]
    md.block.ruler.before("table", "too_deep", _too_deep)
    return md


def _too_deep(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Near the nesting limit, what is left of the block becomes one paragraph of text."""
    if state.level < state.md.options["maxNesting"] - _CONTAINER_HEADROOM:
        return False
    if silent:
        return True
    token = state.push("paragraph_open", "p", 1)
    token.map = [start, end]
    token = state.push("inline", "", 0)
    token.content = state.getLines(start, end, state.blkIndent, False).strip()
    token.map = [start, end]
    token.children = []
    state.push("paragraph_close", "p", -1)
    state.line = end
    return True


def to_html(text: str) -> str:
    """Render one markdown body to an HTML fragment."""
    return _parser().render(text) if text else ""


@lru_cache(maxsize=16384)
def first_paragraph_text(text: str) -> str:
    """Plain text of the body's first paragraph (for summaries and feed descriptions).

    Parses block by block and stops at the first paragraph: listings call this
    for every entry they show, and bodies run to pages. (A fenced code block may
    hold blank lines, so a body with fences is parsed whole.) Remembered per
    body: an entry is listed on its issue, source and tag pages and in feeds.
    """
    blocks = [text] if "```" in text or "~~~" in text else _BLANK_LINE.split(text)
    for block in blocks:
        tokens = _parser().parse(block) if block.strip() else []
        for position, token in enumerate(tokens):
            if token.type == "paragraph_open" and position + 1 < len(tokens):
                return _plain(tokens[position + 1].children or [])
    return ""


def _plain(children: list[Token]) -> str:
    parts = (c.content if c.type in ("text", "code_inline") else " " if c.type in ("softbreak", "hardbreak") else "" for c in children)
    return "".join(parts).strip()
