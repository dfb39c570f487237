"""Text hygiene applied to every string that comes out of an entry file or the config."""

from __future__ import annotations

import re

# Directional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they
# reorder the text shown around them, so "gnp.exe" can display as "exe.png". Pages and
# feeds mark an entry's language and direction themselves; scraped text never needs them.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
# C0/C1 controls (but tab and newline), lone surrogates and non-characters:
# illegal in XML 1.0 or flagged by HTML validators; and the bidi controls above.
_ILLEGAL = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff{BIDI_CONTROLS}]")


def clean(text: str) -> str:
    """Drop characters that must never reach HTML or XML output."""
    return _ILLEGAL.sub("", text)
