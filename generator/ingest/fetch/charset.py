"""A fetched page's text: the charset from the headers, else the page's own meta tag, else detected."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
# <meta charset="…">, <meta http-equiv="Content-Type" content="…; charset=…"> or <?xml … encoding="…"?>
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
META_BYTES = 4096  # the HTML spec looks for the meta charset in the first 1024 bytes; be lenient


def header_charset(content_type: str | None) -> str | None:
    m = _HEADER_CHARSET.search(content_type or "")
    return m[1] if m else None


def meta_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:META_BYTES])
    return (m[1] or m[2]).decode("ascii") if m else None


def decode_text(data: bytes, content_type: str | None) -> str:
    """UTF-8 when the bytes are valid UTF-8, else the first declared charset that decodes them
    cleanly (header, then meta tag), else charset-normalizer's guess.

    Servers often declare the wrong charset: non-ASCII text that happens to be
    valid UTF-8 is practically never anything else, and a declaration the
    bytes do not fit is passed over, not trusted.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name).lstrip("\ufeff")
    if not data.isascii():  # non-ASCII bytes that are valid UTF-8 are UTF-8, whatever a header says
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    for declared in (header_charset(content_type), meta_charset(data)):
        if declared:
            try:
                return data.decode(_codec(declared))
            except (LookupError, UnicodeDecodeError):
                continue
    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", errors="replace")


def _codec(name: str) -> str:
    """Browsers read a declared Latin-1 as windows-1252 (its superset), and so do we."""
    codec = codecs.lookup(name).name
    return "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec
