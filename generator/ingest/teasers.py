"""Teasers of other stories listed after the article's boilerplate.

Layouts (one page may mix A and B):
  A  headline / dek
  B  headline / dek / author name / role line ("Actor, @handle")
  C  PUB / headline / dek / "time-read" / "7 mins  |" / date,
     sometimes preceded by a truncated headline ending "..", which is no teaser.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from generator.ingest.dates import Edition, parse_full

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
