"""Raw page bytes → clean text lines.

UTF-8 is tried first (nearly every page); other encodings are detected with
charset-normalizer. ftfy repairs mojibake but only runs on lines that look
broken, and never straightens curly quotes: they are the author's.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy
from charset_normalizer import from_bytes

from generator.entries.text import BIDI_CONTROLS

_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    unescape_html=False,
    explain=False,
)
# UTF-8 read as cp1252/latin-1: a lead byte shown as Â..ô followed by a
# character that a continuation byte turns into. Cheap test before ftfy.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
# Zero-width characters, soft hyphens, BOMs, C0/C1 controls (tabs become spaces
# first so words stay apart) and the bidi controls entries never carry.
_INVISIBLE = re.compile(f"[\u200b-\u200d\u2060\ufeff\u00ad\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}]")


class NotText(ValueError):
    """The bytes are not a text page (binary data or an unknown encoding)."""


def decode(data: bytes) -> str:
    """Bytes → str, detecting the encoding when UTF-8 fails."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    best = from_bytes(data).best()
    if best is None:
        raise NotText("not a text file (no text encoding fits its bytes)")
    return str(best)


def looks_binary(data: bytes) -> bool:
    """NUL bytes outside UTF-16 text mean binary data (images, archives, PDFs)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in data[:8192]


def clean_line(line: str) -> str:
    """Repair, normalise and tidy one line of text."""
    if _MOJIBAKE.search(line):
        line = _repaired(line)
    if not line.isascii():
        line = _INVISIBLE.sub("", line)
        line = unicodedata.normalize("NFC", line.replace("\t", " "))
    elif not line.isprintable():  # ASCII controls: rare, so checked last
        line = _INVISIBLE.sub("", line.replace("\t", " "))
    return line.strip()


def _repaired(line: str) -> str:
    """ftfy on each space-separated word that looks broken, not on the whole line.

    A mis-decoded UTF-8 character never holds an ASCII space (its bytes are all above 0x7f), so words
    are repaired apart; ftfy's cost grows with the text it is given, and a paragraph with one broken
    apostrophe cost it a hundred times one word's.
    """
    return " ".join(ftfy.fix_text(word, _FTFY) if _MOJIBAKE.search(word) else word for word in line.split(" "))


def text_lines(text: str) -> list[str]:
    """Split into lines (any line break) and clean each one."""
    return [clean_line(line) for line in text.splitlines()]
