"""A title derived from the first paragraph when the page prints none."""

from __future__ import annotations

import re
from collections.abc import Sequence

from generator.ingest.clean.dates import time_line
from generator.ingest.clean.site import spellings

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


# A headline printed by the page itself (generic pages): the line above the
# article that looks most like one.
MIN_HEADLINE = 17  # characters ("Papiravisene strupes" is 20, a "Closing summary" label 15)
MAX_HEADLINE = 250
HEADLINE_SWEET = (25, 160)
MARKED_HEADING = 2.0  # as good as a plain headline of the right length, whatever its length
_CLOSERS = "\"'”’»)] "
_NOT_HEADLINE = re.compile(
    r"""
    [#@]\w.*\s[#@]\w.*           # hashtag / handle lists
  | .*(?:\s[|·•]\s.*){1,}        # "Texto Anterior | Próximo Texto", "date · reading time"
  | [•*▶►\-–—+].*               # bullets, rubrics ("+ política")
  | .*[:\-–—/]                   # ends like a label or a byline ("… / Name -")
  | .*\d{1,2}[:.h]\d\d(?!\d).*   # carries a clock time: a dateline
    """,
    re.VERBOSE,
)
_ISSUE = re.compile(r"\s*#\d+$")  # "FALTER.morgen #352": the issue number is no part of the name
_SITE_SUFFIX = re.compile(r"(?P<head>.{12,}?)\s+[-–—|]\s+(?P<site>[^-–—|]{2,40})")


def headline_score(line: str, lines: Sequence[str], pos: int) -> float | None:
    """How headline-like `line` (at `pos` of `lines`) is; None for a line that cannot be one.

    A headline has a headline's length, does not end in a period, is not a
    label, bullet or dateline, and is not printed again right beside itself
    or far away (chrome repeats; a headline is repeated a few lines on).
    """
    text = heading_text(line)
    if text != line.strip() and line.startswith("#") and text:  # a markdown heading says what it is
        return MARKED_HEADING
    dense = sum(1 for ch in text if ord(ch) > 0x2E80) > len(text) // 2
    size = len(text) * (3 if dense else 1)
    if not MIN_HEADLINE <= size <= MAX_HEADLINE or (not dense and len(text.split()) < 2) or _NOT_HEADLINE.fullmatch(text) or time_line(text):
        return None
    repeats = [abs(p - pos) for p, other in enumerate(lines) if p != pos and other == line]
    if any(d == 1 or d > 4 for d in repeats):
        return None
    score = 1.0
    if repeats:
        score += 1.0
    several = len(first_sentence(text)) < len(text) - 1  # several sentences: more like a dek or a caption
    if not ends_sentence(text):
        score += 0.5 - (0.75 if several else 0.0)
    elif several:
        score -= 1.0
    if HEADLINE_SWEET[0] <= size <= HEADLINE_SWEET[1]:
        score += 0.5
    return score


def ends_sentence(text: str) -> bool:
    """Ends in a period (closing quotes and brackets aside): prose, where a headline has none."""
    return text.rstrip(_CLOSERS).endswith((".", "。"))


def strip_site_suffix(title: str) -> tuple[str, str | None]:
    """ "Headline - FALTER.morgen #352" → ("Headline", "FALTER.morgen #352"): a short last part is the site's name."""
    text = heading_text(title)
    m = _SITE_SUFFIX.fullmatch(text)
    if m is None or len(m["site"].split()) > 3 or len(m["head"].split()) < 4 or not m["site"][:1].isupper():
        return text, None
    return m["head"].strip(), _ISSUE.sub("", m["site"]).strip()


def heading_text(line: str) -> str:
    """A markdown heading's text ("# Title" → "Title"); a hashtag ("#news") is left as it is."""
    return line[1:].lstrip("#").strip() if line.startswith(("# ", "##")) else line.strip()


# A page that prints no headline-like line may still print its URL slug's words: a section's name in the
# menu of a page scraped as one line ("…/elections-americaines/" and "… Élections américaines …").
MAX_SKIPPED = 2  # short words in a row a slug may leave out ("…-appears-second-day-…" for "appears for a second day")
MAX_SKIPPED_LETTERS = 3
_TOKEN = re.compile(r"[^\W_]+")


def slug_title(lines: Sequence[str], slug: Sequence[str]) -> str | None:
    """The slug's words as the page first prints them, in its own spelling, or None.

    The words must be in the slug's order (a short word the slug drops may stand between them), start with a
    capital or a digit, have a headline's length, and stand apart: not inside a sentence, where the words
    before or after them are lowercase.
    """
    if len(slug) < 2:
        return None
    for line in lines:
        if not any(slug[0] in folded for folded in spellings(line)):  # cheap: most lines do not hold the slug's first word
            continue
        tokens = [(m.start(), m.end(), spellings(m[0])) for m in _TOKEN.finditer(line)]
        for start, token in enumerate(tokens):
            if slug[0] not in token[2] or (end := _slug_end(tokens, start, slug)) is None:
                continue
            text = line[token[0] : tokens[end][1]]
            before, after = line[: token[0]].split(), line[tokens[end][1] :].lstrip()
            inside = (bool(before) and (before[-1][:1].islower() or before[-1].endswith(","))) or after[:1].islower()
            if (text[0].isupper() or text[0].isdigit()) and MIN_HEADLINE <= len(text) <= MAX_HEADLINE and not inside:
                return text
    return None


def _slug_end(tokens: Sequence[tuple[int, int, frozenset[str]]], start: int, slug: Sequence[str]) -> int | None:
    """The index of the token that ends the slug's words from `start`, or None where they do not follow each other."""
    pos, skipped = start, 0
    for word in slug[1:]:
        pos += 1
        while pos < len(tokens) and word not in tokens[pos][2] and skipped < MAX_SKIPPED and tokens[pos][1] - tokens[pos][0] <= MAX_SKIPPED_LETTERS:
            pos, skipped = pos + 1, skipped + 1
        if pos >= len(tokens) or word not in tokens[pos][2]:
            return None
        skipped = 0
    return pos
