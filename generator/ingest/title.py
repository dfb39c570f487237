"""A title derived from the first paragraph when the page prints none."""

from __future__ import annotations

import re

MAX_TITLE = 90
_END = re.compile(r"[.!?]\s+(\S)")
_OPEN_QUOTES = frozenset("\"'“‘«„‚‹「『")
_TRAILING = ",;:–—- "


def derive_title(paragraph: str) -> str:
    """First sentence, final period dropped, cut at a word boundary near 90 characters."""
    sentence = first_sentence(paragraph.strip())
    if sentence.endswith("."):
        sentence = sentence[:-1]
    if len(sentence) <= MAX_TITLE:
        return sentence
    cut = sentence.rfind(" ", 0, MAX_TITLE)
    return sentence[: cut if cut > 0 else MAX_TITLE].rstrip(_TRAILING) + "…"


def first_sentence(text: str) -> str:
    """Text up to the first . ! ? followed by space and an uppercase letter, digit
    or opening quote ("U.S. officials" does not end a sentence); else all of it."""
    for m in _END.finditer(text):
        after = m[1]
        if after.isupper() or after.isdigit() or after in _OPEN_QUOTES:
            return text[: m.start() + 1]
    return text
