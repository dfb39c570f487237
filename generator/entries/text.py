"""Text hygiene applied to every string that comes out of an entry file."""

from __future__ import annotations

import re

# C0/C1 controls (but tab and newline), lone surrogates and non-characters:
# illegal in XML 1.0 or flagged by HTML validators.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """Drop characters that must never reach HTML or XML output."""
    return _ILLEGAL.sub("", text)
