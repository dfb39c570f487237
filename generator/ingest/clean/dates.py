"""Edition dates as news-stands print them, parsed by hand.

A generic multilingual parser is ~11 ms a call and gets several of these
wrong; the forms are few and the month names are always English. Date
lines of generic pages, in any language, are read by `date_line`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from generator.ingest.clean.site import fold, spellings

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_M = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|sept|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\.?"
_Y = r"(?:19|20)\d\d(?!\d)"
_DASH = r"\s*[-–—/]\s*"
# Longest forms first: a range must win over the bare month that starts it.
_EDITION = re.compile(
    rf"""
    (?P<m1>{_M}){_DASH}(?:{_M}),?\s*(?P<y1>{_Y})                    # May-June, 2024
  | (?P<m2>{_M}),?\s+(?P<y2>{_Y}){_DASH}(?:{_M}),?\s+(?:{_Y})      # December 2024 - January 2025
  | (?P<m3>{_M})\s*(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*(?P<y3>{_Y})  # June 23, 2024 / September 14,2024
  | (?P<d4>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m4>{_M}),?\s+(?P<y4>{_Y})     # 23 June 2024
  | (?P<m5>{_M})\s+(?P<n5>first|second)\s*,?\s*(?P<y5>{_Y})        # April First 2018
  | (?P<m6>{_M}),?\s+(?P<y6>{_Y})                                  # JULY 2018
  | (?P<y7>{_Y})-(?P<m7>\d\d)-(?P<d7>\d\d)                          # 2024-06-23
    """,
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Edition:
    """An edition as printed and the first day it stands for."""

    printed: str
    date: dt.date


def parse_edition(text: str) -> Edition | None:
    """Parse a date form at the start of `text`; `printed` is the matched part.

    A trailing glued word ("June 29, 2019-utgaven") is not part of it.
    """
    text = text.strip()
    match = _EDITION.match(text)
    if match is None:
        return None
    day = _first_day(match)
    return None if day is None else Edition(match.group().strip(), day)


def parse_full(text: str) -> Edition | None:
    """Like parse_edition, but the whole text must be the date (teaser date lines)."""
    edition = parse_edition(text)
    return edition if edition is not None and edition.printed == text.strip() else None


def _first_day(match: re.Match[str]) -> dt.date | None:
    g = match.groupdict()
    try:
        if g["y7"]:
            return dt.date(int(g["y7"]), int(g["m7"]), int(g["d7"]))
        for n in "123456":
            if g[f"y{n}"]:
                month = _MONTHS[g[f"m{n}"].lower().rstrip(".")]
                day = int(g.get(f"d{n}") or 1)
                if g.get(f"n{n}"):
                    day = 1 if g[f"n{n}"].lower() == "first" else 16
                return dt.date(int(g[f"y{n}"]), month, day)
    except ValueError:  # "February 30, 2024"
        return None
    return None


# Generic pages: a date line in any language ("Versendet am 24.06.2022",
# "mercredi 10 juin 2009", "22 de abril de 2020 | 21h17"). Numeric forms are
# read here; month names in other languages go to dateparser, which is slow
# (milliseconds a call), so only short lines that carry a year reach it.
MAX_DATE_LINE = 90
MAX_LABEL = 24  # characters of a label before the date ("Sist oppdatert ")
MAX_OTHER_WORDS = 6  # words besides the date: more is a sentence that mentions a date
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_NUMERIC = re.compile(
    r"(?<!\d)(?:(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>(?:19|20)\d\d)|(?P<y2>(?:19|20)\d\d)[./-](?P<m2>\d{1,2})[./-](?P<d2>\d{1,2}))(?!\d)"
)
_DATEPARSER_LANG = {"no": "nb"}
_SHORT_YEAR = re.compile(r"[^\W\d_]{2,20}(?:\s+[^\W\d_]{2,20}){0,2}\s*:?\s+(?P<date>\d{1,2}[./]\d{1,2}[./]\d\d)")
_PARTS = re.compile(r"\s+[·|]\s+")
_WORD_START = re.compile(r"(?<!\w)[^\W\d_]")


# Digits of other scripts, as Arabic, Persian, Hindi, Bengali and (full-width) Japanese pages print dates: "٤ مارس ٢٠٢٤".
_DIGITS = str.maketrans({chr(zero + n): str(n) for zero in (0x0660, 0x06F0, 0x0966, 0x09E6, 0xFF10) for n in range(10)})


def date_line(text: str, lang: str | None) -> dt.date | None:
    """The date of a short line that is mostly a date, or None."""
    if len(text) > MAX_DATE_LINE:
        return None
    text = text.translate(_DIGITS)
    if not _YEAR.search(text):
        labelled = _SHORT_YEAR.fullmatch(text.strip())  # "Posted 10/6/22": a two-digit year only after a label
        return _short_year(labelled["date"], lang) if labelled else None
    if " · " in text or " | " in text:  # "Yayın: 21 Eylül 2025, 16:25 · Okuma süresi: 3 dakika": the date is one part
        parts = [p for p in _PARTS.split(text) if _YEAR.search(p)]
        return date_line(parts[0], lang) if len(parts) == 1 and parts[0] != text else None
    if (m := _NUMERIC.search(text)) is not None:
        return _numeric(m, text)
    if (edition := parse_edition(text)) is not None:
        return edition.date
    return _search(text, lang)


@functools.lru_cache(maxsize=256)
def _short_year(printed: str, lang: str | None) -> dt.date | None:
    """A d/m/yy or m/d/yy date, in the order the page's language writes it (dateparser knows which)."""
    import dateparser

    code = _DATEPARSER_LANG.get(lang or "", lang)
    try:
        when = dateparser.parse(printed, languages=[code] if code else None, settings={"REQUIRE_PARTS": ["day", "month", "year"]})
    except (ValueError, OverflowError):  # a language dateparser does not know
        return None
    return when.date() if when else None


def _numeric(m: re.Match[str], text: str) -> dt.date | None:
    if len(text[: m.start()].split()) + len(text[m.end() :].split()) > MAX_OTHER_WORDS:
        return None
    return _numeric_day(m)


def _numeric_day(m: re.Match[str]) -> dt.date | None:
    try:
        if m["y"]:
            day, month = int(m["d"]), int(m["m"])
            if month > 12 >= day:  # "12/25/2021": only month-first reads it (American pages write it so)
                day, month = month, day
            return dt.date(int(m["y"]), month, day)
        return dt.date(int(m["y2"]), int(m["m2"]), int(m["d2"]))
    except ValueError:
        return None


@functools.lru_cache(maxsize=1024)
def _search(text: str, lang: str | None) -> dt.date | None:
    """The line from its first digit (or the word or two before it) parsed whole ("Mis à jour le 28 avril 2020 à 12h30"), else searched."""
    import dateparser  # imported on first use: it takes ~0.5 s
    from dateparser.search import search_dates

    code = _DATEPARSER_LANG.get(lang or "", lang)
    settings: Any = {"REQUIRE_PARTS": ["day", "month", "year"]}
    languages = [code] if code else None
    digit = next((i for i, ch in enumerate(text) if ch.isdigit()), 0)
    # From the first digit, else from one or two words before it: the month or weekday ("Updated: Jan. 5, 2021 at 3:15 p.m. ET").
    words = [m.start() for m in _WORD_START.finditer(text, 0, digit)]
    starts = [i for i in (digit, *words[-1:], *words[-2:-1]) if i <= MAX_LABEL]
    try:
        whole = next(((i, when) for i in starts if (when := dateparser.parse(text[i:], languages=languages, settings=settings))), None)
        found = [(text[whole[0] :], whole[1])] if whole else search_dates(text, languages=languages, settings=settings)
    except (ValueError, OverflowError):  # a language dateparser does not know
        return None
    for printed, when in found or ():
        if _YEAR.search(printed) and len(text.replace(printed, " ").split()) <= MAX_OTHER_WORDS:
            day: dt.date = when.date()
            return day
    return None


# Listings print times, dates and relative times on lines of their own.
_TIME_LINE = re.compile(
    r"""
    (?:\w{2,4}\.?,?\s+)?\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?:\s*[-–,]?\s*\d{1,2}[:.]\d\d)?   # 2024.07.01 / Dom, 30/11/2025 - 23:40
  | \d{1,2}[:.]\d\d\s*(?:uhr|h|am|pm)?                                                   # 22:13 Uhr
  | (?:(?:vor|hace|il\s+y\s+a|há|fa)\s+)?(?:\d+|an?|one)\s+\w{3,12}(?:\s+\d+\s+\w{3,12})?(?:\s+(?:ago|geleden|sonra|önce|fa|siden|sedan))?
    # 7 hours ago, vor 3 Stunden
    """,
    re.IGNORECASE | re.VERBOSE,
)
_RELATIVE_WORD = re.compile(
    r"(?:second|minute|min|hour|day|week|month|year|sekunde|minute|stunde|tag|woche|monat|jahr|seconde|heure|jour|semaine|mois|an|segundo|minuto|hora|día|dia|semana|mes|mês|año|ano|uur|dag|week|maand|jaar|time|timer|dager|saniye|dakika|saat|gün|hafta|ay|yıl|minuti|ora|ore|giorno|giorni)\w{0,3}",
    re.IGNORECASE,
)
_LABEL = re.compile(r"^\w{3,14}:\s+")


def time_line(text: str) -> bool:
    """A line that is only a time, a date or a relative time ("3 days 23 hours ago")."""
    text = _LABEL.sub("", text.strip(), count=1)
    if len(text) > 40 or not _TIME_LINE.fullmatch(text):
        return False
    if not any(ch.isdigit() for ch in text):
        return False
    return any(ch in text for ch in ":./-") or any(_RELATIVE_WORD.fullmatch(w) for w in text.casefold().split())


# A date as a URL path writes it: /2025/10/11/, /2025-10-11-, /20251011/ (a year from 1990 on, a real day).
_URL_DATE = re.compile(
    r"(?<![\d])(?P<y>(?:199\d|20\d\d))(?P<sep>[/-]?)(?P<m>0[1-9]|1[0-2]|(?<=[/-])[1-9](?=[/-]))(?P=sep)(?P<d>0[1-9]|[12]\d|3[01]|(?<=[/-])[1-9](?=[/-]|$))(?![\d])"
)
# Or with the month as a word, as a slug (or a lead) spells it: /2019/oct/13/, /15-aralik-2025-…, /13-de-octubre-de-2019-….
_TOKEN_SPLIT = re.compile(r"[\W_]+")
_DAY_TOKEN = re.compile(r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?")
_YEAR_TOKEN = re.compile(r"199\d|20\d\d")
_JOINERS = frozenset(["de", "del", "of"])  # "13-de-octubre-de-2019", "13th-of-october-2019"
MIN_MONTH_NAME = 3  # letters: shorter abbreviations are words of a slug as often as months


def url_date(url: str | None, lang: str | None = None) -> dt.date | None:
    """The day a page's URL path states (…/2025/10/11/slug.html, …/2019/oct/13/…), or None; the host and query do not count.

    A month spelt as a word is read in English (as URLs of any language may spell it) and in `lang`, the
    page's language, as CLDR names it, folded as slugs write it ("Aralık" → "aralik").
    """
    if not url:
        return None
    path = urlsplit(url).path
    found = [m for m in _URL_DATE.finditer(path) if m["sep"] or _whole_segment_digits(path, m)]
    days = set()
    for m in found:
        try:
            days.add(dt.date(int(m["y"]), int(m["m"]), int(m["d"])))
        except ValueError:  # 2025/02/30
            continue
    if any(ch.isalpha() for ch in path):
        days |= _named_month_dates(unquote(path), lang)
    return days.pop() if len(days) == 1 else None  # two different days: cannot tell which is the story's


MAX_LEAD = 600  # characters of the lead searched: its first sentences, where a report names its day


def lead_date(text: str, lang: str | None) -> dt.date | None:
    """The one day an article's lead paragraph names in full ("Here are the stories of 15 December 2025"), or None.

    The last resort for a page whose header and URL state no date (as htmldate searches a page's text):
    news leads name the day they report, and a day, month and year together rarely name another.
    Two different days: cannot tell which is the story's.
    """
    text = text[:MAX_LEAD].translate(_DIGITS)
    if not _YEAR.search(text):
        return None
    days = {day for m in _NUMERIC.finditer(text) if (day := _numeric_day(m)) is not None}
    days |= _named_month_dates(text, lang)
    return days.pop() if len(days) == 1 else None


def _named_month_dates(text: str, lang: str | None) -> set[dt.date]:
    """Days written day-month-year, year-month-day or month-day-year with the month as a word (joiners aside)."""
    tokens = [t for w in _TOKEN_SPLIT.split(text) if (t := fold(w)) and t not in _JOINERS]
    if not any(_YEAR_TOKEN.fullmatch(t) for t in tokens):
        return set()
    names = {**_MONTHS, **(month_names(lang) if lang and lang != "en" else {})}
    days: set[dt.date] = set()
    for i, token in enumerate(tokens):
        if (month := names.get(token)) is None:
            continue
        before = tokens[i - 1] if i else ""
        after, after2 = tokens[i + 1 : i + 3] + [""] * (2 - len(tokens[i + 1 : i + 3]))
        for day, year in ((before, after), (after, before), (after, after2)):  # 15-aralik-2025, 2019/oct/13, october-13-2019
            if _DAY_TOKEN.fullmatch(day) and _YEAR_TOKEN.fullmatch(year):
                try:
                    days.add(dt.date(int(year), month, int(day.rstrip("stndrh"))))
                except ValueError:  # 31 February
                    continue
    return days


@functools.lru_cache(maxsize=64)
def month_names(lang: str) -> dict[str, int]:
    """Folded month names, wide and abbreviated, of a language's CLDR data (Babel); {} for a language Babel does not know.

    A name two months share (none should) is left out.
    """
    from babel.core import UnknownLocaleError  # imported on first use: loading a locale takes ~50 ms
    from babel.dates import get_month_names

    names: dict[str, int] = {}
    shared: set[str] = set()
    try:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale=lang).items():
                    for folded in spellings(name):  # "März": "marz" and "maerz"
                        if len(folded) < MIN_MONTH_NAME or not folded.isascii() or not folded.isalpha():
                            continue
                        if names.setdefault(folded, number) != number:
                            shared.add(folded)
    except (UnknownLocaleError, ValueError):
        return {}
    return {name: number for name, number in names.items() if name not in shared}


def _whole_segment_digits(path: str, m: re.Match[str]) -> bool:
    """An 8-digit yyyymmdd stands alone between separators (not inside a longer number or an id)."""
    before = path[m.start() - 1] if m.start() else "/"
    after = path[m.end()] if m.end() < len(path) else "/"
    return not before.isalnum() and not after.isalnum()
