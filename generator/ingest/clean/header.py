"""The header block some pages print above the article.

Two shapes (PUB = publication, DATE = edition):
  TITLE / PUB|DATE / dek / author / TITLE        (title printed again)
  TITLE / PUB / |DATE / dek / - AUTHOR NAME
A header gives the real title, summary, authors, source and edition.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from generator.ingest.clean.dates import Edition, date_line, parse_edition, time_line

_PUB_DATE = re.compile(r"(?P<pub>[^|]{1,120}?)\s*\|\s*(?P<date>[^|]{4,60})")
_BAR_DATE = re.compile(r"\|\s*(?P<date>[^|]{4,60})")
_AUTHOR = re.compile(r"(?:[-–—]\s*|by\s+)(?P<name>\S.{0,100})", re.IGNORECASE)
_NAME_WORD = re.compile(r"(?:[A-ZÀ-ÖØ-Þ][\w.’'-]*|de|da|van|von|der|den|la|le|bin|al|and|&)")
IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<url>[^)\s]+)\)")


@dataclass(frozen=True, slots=True)
class Header:
    """What the header says, and the label of each of its lines (by position)."""

    title: str
    source: str | None
    edition: Edition | None
    summary: str | None
    authors: tuple[str, ...]
    fields: tuple[str, ...]  # one per consumed content line: title, source, date, dek, author, title_repeat


def author_name(line: str) -> str | None:
    """The name on an author line ("- Jane Roe", "By Jane Roe", "Jane Roe")."""
    m = _AUTHOR.fullmatch(line)
    if m:
        return m["name"].strip()
    words = line.split()
    if 1 < len(words) <= 5 and len(line) <= 60 and line[-1] not in ".!?:" and all(_NAME_WORD.fullmatch(w) for w in words):
        return line
    return None


def find_header(lines: Sequence[str]) -> Header | None:
    """Match a header at the start of the page's content lines (blank and boilerplate lines removed)."""
    if len(lines) < 3:
        return None
    title = lines[0]
    m = _PUB_DATE.fullmatch(lines[1])
    if m and _BYLINE.fullmatch(m["pub"].strip()) is None and (edition := parse_edition(m["date"])) is not None:  # "By Jane Roe | …" names no publication
        return _after(title, m["pub"].strip(), edition, ("title", "source_date"), lines[2:])
    b = _BAR_DATE.fullmatch(lines[2])
    if "|" not in lines[1] and len(lines[1]) <= 120 and b and (edition := parse_edition(b["date"])) is not None:
        return _after(title, lines[1].strip(), edition, ("title", "source", "date"), lines[3:])
    return None


def _after(title: str, source: str, edition: Edition, fields: tuple[str, ...], rest: Sequence[str]) -> Header:
    """Dek and author lines after the source/date line, up to the repeated title if any."""
    window = list(rest[:4])
    key = title.casefold()
    end = next((i for i, line in enumerate(window) if line.casefold() == key), None)
    between = window[:end] if end is not None else window[:2]
    summary: str | None = None
    authors: list[str] = []
    used: list[str] = []
    for line in between:
        name = author_name(line)
        if name is not None and (summary is not None or len(between) == 1 or end is None):
            authors.append(name)
            used.append("author")
        elif summary is None and not authors and (end is not None or name is None):
            summary = line
            used.append("dek")
        else:
            break
    if end is not None and len(used) == end:
        used.append("title_repeat")
    return Header(title, source, edition, summary, tuple(authors), fields + tuple(used))


# Generic pages: header lines found around the headline, in many languages.
@dataclass(frozen=True, slots=True)
class GenericHeader:
    title: str | None
    source: str | None = None
    date: dt.date | None = None
    authors: tuple[str, ...] = ()


_BY = r"(?:by|von|par|por|av|door|yazan|di|af|przez|bởi|بقلم|حاوره|حاورها|إعداد|اعداد)"  # Arabic: "by the pen of", "interviewed by", "prepared by"
_EMPTY_BYLINE = re.compile(rf"(?:[^\W\d_][\w ]{{0,30}}?\s)?{_BY}\s*:?(?:\s*[-–—|·]\s*\S.{{0,20}})?", re.IGNORECASE)
# A verb of writing before the marker ("Written by", "Geschrieben von"), or a "Text:" label in its place ("Tekst og foto: …").
_WRITTEN = r"(?:written|reported|posted|story|words|compiled|geschrieben|verfasst|écrit|rédigé|escrito|redactado|scritto|geschreven|skrevet|skrivet)"
_TEXT_LABEL = r"(?:text|tekst|texto|testo|teksti)(?:\s+(?:og|und|and|et|e|y|en|och|ja)\s+(?:fotos?|photos?|bilder|bild|foto's))?\s*:"
_BYLINE = re.compile(
    rf"(?:.*?,\s*)?(?:(?:{_WRITTEN}\s+)?{_BY}\s*:?|{_TEXT_LABEL})(?:\s+(?:in|في)\s+[^/]{{1,30}}?\s*/)?\s+(?P<names>\S.{{0,150}})",  # "… في صنعاء / Name"
    re.IGNORECASE,
)
_PART = re.compile(r"\s+[|·•]\s+")
_JOINED = re.compile(r"\s+(?:and|und|et|e|y|og|en|ve|och|i|&)\s+|\s*,\s*", re.IGNORECASE)
_CONJUNCTION = re.compile(r"\s(?:and|und|et|e|y|og|en|ve|och|&)\s", re.IGNORECASE)
_ASIDE = re.compile(r"\s*\([^)]{0,40}\)")
_PARTICLE = re.compile(r"(?:de|da|do|dos|das|del|della|di|du|van|von|der|den|ter|la|le|bin|al|el|y)")
_SOURCE_LABEL = re.compile(r"(?:source|quelle|fonte|fuente|kaynak|kilde|bron|källa|lähde|źródło|المصدر)\s*:\s*(?P<name>\S.{1,60})", re.IGNORECASE)
_BRAND = re.compile(r"(?P<brand>[^|\-–—]{2,40}?)\s+[|\-–—]\s+[^|\-–—]{2,60}")


def _name(words: str, uncased: bool = False) -> bool:
    """Capitalised words, particles aside; with `uncased` (a byline's marker says names follow), words of a script without case too."""
    parts = words.split()
    return 1 <= len(parts) <= 5 and all(_PARTICLE.fullmatch(w) or (_capital(w, uncased) and not w.isdigit()) for w in parts) and _capital(parts[0], uncased)


def _capital(word: str, uncased: bool) -> bool:
    first = word[:1]
    return first.isupper() or (uncased and first.isalpha() and first.lower() == first.upper())


def byline(line: str) -> tuple[tuple[str, ...], str | None] | None:
    """Authors (and a trailing source) of a byline: "By Jane Roe", "posté à 11h29, par JBB",
    "Tom Ambrose (now) and Hamish Mackay (earlier)", "A, B e C, O Estado de S.Paulo", "By Jane Roe | March 12, 2024"."""
    if len(line) > 160:
        return None
    if len(parts := _PART.split(line)) > 1:  # "By Jane Roe | March 12, 2024": the date and time are parts of their own
        names = [p for p in parts if not time_line(p) and date_line(p, None) is None]
        return byline(names[0]) if len(names) == 1 else None
    m = _BYLINE.fullmatch(line)
    text = m["names"] if m else line
    if m is None and not _CONJUNCTION.search(line):
        return None  # a bare name list needs two names joined by "and"
    text = _ASIDE.sub("", text).strip(" -–—")
    pieces = [p.strip() for p in text.split(",")]
    joined = next((i for i, p in enumerate(pieces) if _CONJUNCTION.search(f" {p} ")), None)
    names_part, rest = (pieces[: joined + 1], pieces[joined + 1 :]) if joined is not None else (pieces, [])
    if joined is None and len(pieces) > 1:  # "By Priya Nair, Local Democracy Reporter": a role, not a second name
        names_part, rest = pieces[:1], []
    names = [n.strip() for p in names_part for n in _JOINED.split(p) if n.strip()]
    if not names or not all(_name(n, uncased=m is not None) for n in names):
        return None
    if m is None and any(len(n.split()) < 2 for n in names):  # "Tech en Media" is a menu item, not two people
        return None
    source = ", ".join(rest).strip() or None
    return tuple(names), source


def signoff(line: str) -> tuple[str, ...]:
    """The author of a line right under the article that is only a two- or three-word name ("Soraya Pechtl")."""
    names = byline(line)
    if names is not None and not names[1]:
        return names[0]
    return (line.strip(),) if 2 <= len(line.split()) <= 3 and _name(line) and not line.isupper() else ()


def empty_byline(line: str) -> bool:
    """A byline whose names the scrape lost ("Erstellt von - 10:32 Uhr", "Written by"): no headline, no brand."""
    return _EMPTY_BYLINE.fullmatch(line.strip()) is not None


def source_label(line: str) -> bool:
    """A "Source: X" line, in any of the languages `_SOURCE_LABEL` knows."""
    return _SOURCE_LABEL.fullmatch(line) is not None


def source_line(line: str) -> str | None:
    """The site's name from a "Source: X" line or a "Brand - Section" / "Brand | tagline" line."""
    m = _SOURCE_LABEL.fullmatch(line)
    if m:
        return m["name"].strip()
    b = _BRAND.fullmatch(line)
    if b and len(b["brand"].split()) <= 3 and b["brand"][:1].isupper() and not empty_byline(line):
        return b["brand"].strip()
    return None
