"""Teasers of other stories listed after the article's boilerplate.

Layouts (one page may mix A and B):
  A  headline / dek
  B  headline / dek / author name / role line ("Actor, @handle")
  C  PUB / headline / dek / "time-read" / "7 mins  |" / date,
     sometimes preceded by a truncated headline ending "..", which is no teaser.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from generator.ingest.clean.classify import size, words
from generator.ingest.clean.dates import Edition, parse_full, time_line

_ROLE = re.compile(r"(?=.{0,160}$).*@[\w.]{2,}\s*")  # "Actor, @handle"
_TRUNCATED = re.compile(r".*[^.]\.\.|.*…")


@dataclass(frozen=True, slots=True)
class Teaser:
    title: str
    summary: str | None = None
    authors: tuple[str, ...] = ()
    edition: Edition | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """One non-blank line of the teaser area; `marker` is set for "time-read"-like lines."""

    index: int
    text: str
    marker: bool = False


@dataclass(frozen=True, slots=True)
class Parsed:
    teasers: tuple[Teaser, ...]
    fields: dict[int, str]  # line index → teaser field (title, dek, author, role, source, date, truncated)


def parse_teasers(items: Sequence[Item], source: str | None) -> Parsed:
    """Group the teaser-area lines into teasers, in page order."""
    fields: dict[int, str] = {}
    teasers: list[Teaser] = []
    plain: list[Item] = []  # lines of A/B lists waiting to be paired
    i = 0
    while i < len(items):
        item = items[i]
        if item.marker:
            block, consumed = _block_c(plain, items, i, source, fields)
            if block is not None:
                teasers += _pairs(plain[: len(plain) - consumed], fields)
                teasers.append(block)
                plain = []
            i = _skip_markers(items, i)
            if i < len(items) and not items[i].marker and (edition := parse_full(items[i].text)) is not None:
                if block is not None:
                    teasers[-1] = _with_edition(teasers[-1], edition)
                fields[items[i].index] = "date"
                i += 1
            continue
        plain.append(item)
        i += 1
    teasers += _pairs(plain, fields)
    return Parsed(_unique(teasers), fields)


def _block_c(plain: list[Item], items: Sequence[Item], i: int, source: str | None, fields: dict[int, str]) -> tuple[Teaser | None, int]:
    """The layout-C teaser whose headline and dek are the last plain lines before a marker."""
    if len(plain) < 2:
        return None, 0
    title, dek = plain[-2], plain[-1]
    consumed = 2
    fields[title.index], fields[dek.index] = "title", "dek"
    if len(plain) > consumed and _is_source(plain[-consumed - 1].text, source):
        consumed += 1
        fields[plain[-consumed].index] = "source"
    if len(plain) > consumed and _TRUNCATED.fullmatch(plain[-consumed - 1].text):
        consumed += 1
        fields[plain[-consumed].index] = "truncated"
    return Teaser(title.text, dek.text), consumed


def _is_source(text: str, source: str | None) -> bool:
    return source is not None and text.casefold() == source.casefold()


def _skip_markers(items: Sequence[Item], i: int) -> int:
    while i < len(items) and items[i].marker:
        i += 1
    return i


def _with_edition(teaser: Teaser, edition: Edition) -> Teaser:
    return Teaser(teaser.title, teaser.summary, teaser.authors, edition)


def _pairs(lines: Sequence[Item], fields: dict[int, str]) -> list[Teaser]:
    """Layout A pairs, with layout B four-line blocks recognised by their role line."""
    out: list[Teaser] = []
    i = 0
    while i < len(lines):
        if i + 3 < len(lines) and _ROLE.fullmatch(lines[i + 3].text):
            head, dek_line, author, role = lines[i : i + 4]
            fields.update({head.index: "title", dek_line.index: "dek", author.index: "author", role.index: "role"})
            out.append(Teaser(head.text, dek_line.text, (author.text,)))
            i += 4
            continue
        if _TRUNCATED.fullmatch(lines[i].text) and not (i + 1 < len(lines)):
            fields[lines[i].index] = "truncated"
            i += 1
            continue
        title = lines[i]
        dek = lines[i + 1] if i + 1 < len(lines) else None
        fields[title.index] = "title"
        if dek is not None:
            fields[dek.index] = "dek"
        out.append(Teaser(title.text, dek.text if dek else None))
        i += 2
    return out


def _unique(teasers: list[Teaser]) -> tuple[Teaser, ...]:
    """Teasers repeated on the page count once (the first keeps its place)."""
    seen: dict[tuple[str, str | None], Teaser] = {}
    for teaser in teasers:
        seen.setdefault((teaser.title.casefold(), (teaser.summary or "").casefold()), teaser)
    return tuple(seen.values())


# Generic listings: blocks of [kicker] / headline / [time or date] / [headline again] / dek / [time or read-more],
# and, after an article, kicker / headline pairs without a dek.
_NOT_TITLE = re.compile(r"[•*\-–—].*|.*\s[|·]\s.*|.*:")  # bullets, "Brand | tagline", labels
MIN_DEK = 60  # characters of a dek (shorter prose under a headline is a second headline line)
MAX_KICKER_WORDS = 3
MAX_BARE_TITLE = 120  # a prose line this short with no headline above it is the headline
MAX_UNMARKED_DEK = 400  # characters of a dek in a listing without times or read-more lines
BLOCK_LINES = 4
MIN_RELATED = 2  # kicker / headline pairs that make a list of related stories
_CLOSERS = "\"'”’»)] "  # lines above a dek that belong to its block


@dataclass(frozen=True, slots=True)
class Listing:
    teasers: tuple[Teaser, ...]
    fields: dict[int, str]  # position → teaser field (kicker, title, time, title_repeat, dek, more)
    prose: frozenset[int]  # positions read as deks or bare headlines, in every block (kept or not)
    separated: int  # blocks with a time, date or read-more line
    runs: int  # prose lines straight after another one: an article's paragraphs, not deks
    longest_dek: int = 0
    titled: bool = False  # every block has a headline

    def covers(self, positions: Sequence[int]) -> bool:
        """Every given prose line is a block's dek, and the blocks have a listing's marks."""
        if not positions or not all(p in self.prose for p in positions):
            return False
        if self.separated:
            return self.separated * 3 >= len(self.prose) and self.runs * 3 <= len(self.prose)
        # unmarked: headline / short dek blocks only, at least three (an article's subheadings have long paragraphs)
        return self.runs == 0 and len(self.teasers) >= 3 and self.titled and self.longest_dek <= MAX_UNMARKED_DEK


@dataclass(slots=True)
class _Block:
    teaser: Teaser
    fields: dict[int, str]
    marked: bool


def _kicker(text: str) -> bool:
    return words(text) <= MAX_KICKER_WORDS and not text.rstrip().endswith((".", "!", "?", "…")) and not time_line(text)


def _headline(text: str) -> bool:
    return size(text) >= 12 and not time_line(text) and not _NOT_TITLE.fullmatch(text)


def _is_sep(texts: Sequence[str], kinds: Sequence[str], p: int) -> bool:
    return kinds[p] == "sep" or time_line(texts[p])


def parse_listing(texts: Sequence[str], kinds: Sequence[str]) -> Listing:
    """Teaser blocks in page order; `kinds` are the classifier's (`sep` for a read-more or dateline rule line).

    Where some blocks carry a time or read-more line, blocks without one (a
    caption, the page's own description) are no teasers; a kicker counts only
    where at least two blocks have one.
    """
    blocks: list[_Block] = []
    runs = 0
    pending: list[int] = []
    for pos, (text, kind) in enumerate(zip(texts, kinds, strict=True)):
        repeat = any(texts[p] == text for p in pending[-BLOCK_LINES:])
        if kind in ("good", "near") and size(text) >= MIN_DEK and not repeat and not _headline_above_dek(pos, texts, kinds):
            if blocks and blocks[-1].fields.get(pos - 1) in ("dek", "title") and not pending:
                runs += 1
            blocks.append(_block(pos, pending, texts, kinds))
            pending = []
        elif _is_sep(texts, kinds, pos) and (not pending or (blocks and pos - 1 in blocks[-1].fields)):
            if blocks:
                blocks[-1].fields[pos] = "more" if kinds[pos] == "sep" else "time"
                blocks[-1].marked = True
        else:
            pending.append(pos)
    prose = frozenset(p for b in blocks for p, name in b.fields.items() if name in ("dek", "title", "title_repeat") and kinds[p] in ("good", "near"))
    separated = sum(b.marked for b in blocks)
    titled = all("title" in b.fields.values() for b in blocks)
    kept = [b for b in blocks if b.marked or not separated]
    if sum(1 for b in kept if "kicker" in b.fields.values()) < 2:
        for b in kept:
            b.fields = {p: name for p, name in b.fields.items() if name != "kicker"}
    fields = {p: name for b in kept for p, name in b.fields.items()}
    teasers = [b.teaser for b in kept] + _title_only(pending, texts, fields, MIN_RELATED if not kept else 1)
    longest = max((size(t.summary) for t in teasers if t.summary), default=0)
    return Listing(_unique(teasers), fields, prose, separated, runs, longest, titled)


def _block(pos: int, pending: Sequence[int], texts: Sequence[str], kinds: Sequence[str]) -> _Block:
    """The block a dek at `pos` closes: its headline, kicker, times and repeated headline above it."""
    from generator.ingest.clean.title import derive_title  # title imports nothing from here; kept local to stay acyclic

    above = list(pending[-BLOCK_LINES:])
    title = _block_title(above, texts)
    fields: dict[int, str] = {}
    for p in above:
        if _is_sep(texts, kinds, p):
            fields[p] = "time"
        elif title is not None and p > title and texts[p] == texts[title]:
            fields[p] = "title_repeat"
        elif title is not None and p == title - 1 and _kicker(texts[p]):
            fields[p] = "kicker"
    marked = any(_is_sep(texts, kinds, p) for p in above) or _next_is_sep(pos, texts, kinds)
    text = texts[pos]
    if title is None and size(text) <= MAX_BARE_TITLE:  # a headline under a kicker, no dek
        fields[pos] = "title"
        return _Block(Teaser(text), fields, marked)
    fields[pos] = "dek"
    if title is not None:
        fields[title] = "title"
    return _Block(Teaser(texts[title] if title is not None else derive_title(text), text), fields, marked)


def _headline_above_dek(pos: int, texts: Sequence[str], kinds: Sequence[str]) -> bool:
    """A long line over a longer prose line (times and its own repeat between) is a headline:
    when it has no final period, or the line under it is three times as long."""
    nxt = pos + 1
    while nxt < len(texts) and (kinds[nxt] == "sep" or time_line(texts[nxt]) or texts[nxt] == texts[pos]):
        nxt += 1
    if nxt >= len(texts) or kinds[nxt] not in ("good", "near"):
        return False
    here, under = size(texts[pos]), size(texts[nxt])
    if under <= here:
        return False
    return not texts[pos].rstrip(_CLOSERS).endswith((".", "。")) or (here <= MAX_BARE_TITLE and under >= 3 * here)


def _block_title(pending: Sequence[int], texts: Sequence[str]) -> int | None:
    """The headline of a block: its last headline-like line that is not only a kicker."""
    for p in reversed(pending[-BLOCK_LINES:]):
        if _headline(texts[p]) and words(texts[p]) > 1:
            first = next(q for q in pending[-BLOCK_LINES:] if texts[q] == texts[p])
            return first
    return None


def _next_is_sep(pos: int, texts: Sequence[str], kinds: Sequence[str]) -> bool:
    return pos + 1 < len(texts) and (kinds[pos + 1] == "sep" or time_line(texts[pos + 1]))


def _title_only(pending: Sequence[int], texts: Sequence[str], fields: dict[int, str], least: int) -> list[Teaser]:
    """Kicker / headline pairs left at the end (related stories without deks); alone, one pair is no list."""
    pairs = [(a, b) for a, b in itertools.pairwise(pending) if b == a + 1 and _kicker(texts[a]) and _headline(texts[b]) and not _kicker(texts[b])]
    if len(pairs) < least:
        return []
    for a, b in pairs:
        fields[a], fields[b] = "kicker", "title"
    return [Teaser(texts[b]) for _a, b in pairs]


_GAP = re.compile(r"\s{3,}")
MIN_TICKER = 3  # headlines a ticker line joins


def ticker(line: str) -> tuple[str, ...]:
    """Headlines a ticker prints on one line, apart by wide gaps; () for any other line."""
    if "   " not in line:
        return ()
    parts = [p.strip() for p in _GAP.split(line) if p.strip()]
    if len(parts) < MIN_TICKER or not all(words(p) >= 2 and not p.endswith(".") for p in parts):
        return ()
    return tuple(parts)
