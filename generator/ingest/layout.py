"""Where the article is on a page no platform layout explains.

Given the content lines (no rule matched them) and their statistical
classes (`classify`), decide per line: title, header field, body,
boilerplate with a reason, or teaser field.

  * A page whose prose lines are all teaser deks, each next to a time,
    date or read-more line (or in kicker / headline / dek triples), is a
    listing: its lines become teasers and it has no article.
  * Otherwise the article runs from its first to its last good line. Its
    headline is the most headline-like line above it; header lines
    (byline, date, source) are read around the headline; every other line
    above the headline is chrome. Short lines inside the article are kept
    (subheadings, one-line paragraphs) unless they form a menu run.
  * Lines after the article are teasers where they have a listing's shape,
    else chrome.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from generator.ingest.classify import Verdict
from generator.ingest.dates import date_line
from generator.ingest.header import GenericHeader, byline, source_line
from generator.ingest.teasers import Listing, Teaser, parse_listing
from generator.ingest.title import ends_sentence, headline_score, strip_site_suffix

MAX_TITLE_GAP = 6  # content lines between a headline and its article's first prose line
MENU_RUN = 3
_CLOSERS = "\"'”’»)] "
_STOPS = (".", "!", "?", "。", "！", "？", "؟")  # consecutive menu-like short lines that make a menu


@dataclass(slots=True)
class Layout:
    labels: dict[int, tuple[str, str]] = field(default_factory=dict)  # line index → (kind, detail)
    header: GenericHeader | None = None
    teasers: tuple[Teaser, ...] = ()
    listing: bool = False


def read_layout(index: Sequence[int], lines: Sequence[str], verdicts: Sequence[Verdict], lang: str | None, separators: set[int], ended: bool) -> Layout:
    """`index`: the content lines' numbers; `separators`: rule lines (read more, dateline) that mark listing blocks;
    `ended`: a rule marked where the article ends (the lines up to there are the article's)."""
    out = Layout()
    texts = [lines[i] for i in index]
    kinds = [v.kind for v in verdicts]
    for pos, v in enumerate(verdicts):
        out.labels[index[pos]] = ("body", "") if v.kind == "good" else ("boilerplate", f"classifier {v.reason}")
    good = [p for p, k in enumerate(kinds) if k == "good"]
    listing, seq = _listing(index, lines, kinds, separators)
    at = {i: p for p, i in enumerate(seq)}
    if listing.teasers and listing.covers([at[index[p]] for p in good]):
        out.listing = True
        for p, name in listing.fields.items():
            out.labels[seq[p]] = ("teaser", name)
        out.teasers = listing.teasers
        first = next((p for p, i in enumerate(index) if i >= seq[min(listing.fields)]), len(texts))
        title = _pick_title(texts, 0, first - 1, lang, prose=False, dated=True)
        header = _header(out, index, texts, title, first, lang, listing=True)
        if header is not None and title is not None:  # a listing's heading may be its date ("Het nieuws van 11 januari 2019")
            day = header.date or date_line(texts[title], lang)
            header = GenericHeader(_heading_text(texts[title]), header.source, day, ())
        out.header = header
        return out
    if not good:
        return out
    # The article starts at its first line that is prose on its own (a dek or caption beside it is only near).
    first, last = next((p for p in good if not verdicts[p].initial), good[0]), good[-1]
    good = [p for p in good if p >= first]
    title = _pick_title(texts, max(0, first - MAX_TITLE_GAP), first, lang, prose=True)
    if title == first:  # the headline is long enough to read as prose
        if len(good) == 1:
            return _headline_only(out, index, texts, title)
        first = good[1]
    header = _header(out, index, texts, title, first, lang)
    last = len(texts) - 1 if ended else _trailing_prose(texts, kinds, last)
    for pos in range(first, last + 1):
        out.labels[index[pos]] = _in_article(pos, texts, kinds, verdicts)
    after = list(range(last + 1, len(texts)))
    tail = parse_listing([texts[p] for p in after], [kinds[p] for p in after])
    for offset, name in tail.fields.items():
        out.labels[index[after[offset]]] = ("teaser", name)
    out.teasers = tail.teasers
    out.header = header
    return out


def _trailing_prose(texts: Sequence[str], kinds: Sequence[str], last: int) -> int:
    """Short sentences right after the last long paragraph still belong to it ("It worked.")."""
    while last + 1 < len(texts) and kinds[last + 1] == "short" and texts[last + 1].rstrip(_CLOSERS).endswith(_STOPS):
        last += 1
    return last


def _headline_only(out: Layout, index: Sequence[int], texts: Sequence[str], title: int) -> Layout:
    """A page whose only prose line is its headline: the text is the article."""
    out.labels[index[title]] = ("body", "")
    return out


def _listing(index: Sequence[int], lines: Sequence[str], kinds: Sequence[str], separators: set[int]) -> tuple[Listing, list[int]]:
    """The page read as a listing: content lines and separator lines in page order."""
    kind_of = dict(zip(index, kinds, strict=True))
    seq = sorted(set(index) | separators)
    return parse_listing([lines[i] for i in seq], [kind_of.get(i, "sep") for i in seq]), seq


def _heading_text(line: str) -> str:
    return line.lstrip("#").strip()


def _pick_title(texts: Sequence[str], lo: int, hi: int, lang: str | None, prose: bool, dated: bool = False) -> int | None:
    """The most headline-like line in [lo, hi], nearer the article scoring higher; line `hi` is the
    article's first prose line when `prose`, a candidate only if it does not end like a sentence.

    Of a headline and the longer dek under it, the headline wins.
    """
    scores: dict[int, float] = {}
    for pos in range(lo, min(hi + 1, len(texts))):
        text = texts[pos]
        if pos == hi and prose and ends_sentence(text):
            continue
        score = headline_score(text, texts, pos)
        if score is not None and byline(text) is None and (dated or date_line(text, lang) is None) and source_line(text) is None:
            scores[pos] = score
    if not scores:
        return None
    ranked = {pos: score - 0.5 * sum(1 for p in scores if p > pos) for pos, score in scores.items()}
    best = max(ranked, key=lambda p: (ranked[p], p))
    before = best - 1
    if before in scores and len(texts[before]) < len(texts[best]):
        return before
    return best


def _header(
    out: Layout, index: Sequence[int], texts: Sequence[str], title: int | None, first: int, lang: str | None, listing: bool = False
) -> GenericHeader | None:
    """Header fields above the article's first prose line; other lines above the headline are chrome."""
    authors: tuple[str, ...] = ()
    day: dt.date | None = None
    source: str | None = None
    for pos in range(first):
        text = texts[pos]
        if pos == title:
            out.labels[index[pos]] = ("title", "")
        elif not authors and (found_by := byline(text)) is not None:
            authors, by_source = found_by
            source = source or by_source
            out.labels[index[pos]] = ("header", "author")
        elif day is None and (found := date_line(text, lang)) is not None:
            day = found
            out.labels[index[pos]] = ("header", "date")
        elif source is None and (name := source_line(text)) is not None:
            source = name
            out.labels[index[pos]] = ("header", "source")
        elif title is None or pos < title or listing:
            out.labels[index[pos]] = ("boilerplate", "above the headline" if title is not None and pos < title else "above the article")
        elif len(text.split()) == 1:
            out.labels[index[pos]] = ("boilerplate", "label under the headline")
        else:
            out.labels[index[pos]] = ("body", "")
    if title is None:
        return GenericHeader(None, source, day, authors) if (authors or day or source) else None
    heading, site = strip_site_suffix(texts[title])
    return GenericHeader(heading, source or site, day, authors)


def _in_article(pos: int, texts: Sequence[str], kinds: Sequence[str], verdicts: Sequence[Verdict]) -> tuple[str, str]:
    kind = kinds[pos]
    if kind == "good":
        return ("body", "")
    if kind == "bad" and not verdicts[pos].features.sentence:  # few stopwords, but sentences inside an article stay
        return ("boilerplate", f"classifier {verdicts[pos].reason}")
    if _in_menu_run(pos, texts, kinds):
        return ("boilerplate", "menu run")
    return ("body", "")


def _menu_like(text: str, kind: str) -> bool:
    return kind == "short" and len(text.split()) <= 3 and not text.rstrip().endswith((".", "!", "?", ":", "…"))


def _in_menu_run(pos: int, texts: Sequence[str], kinds: Sequence[str]) -> bool:
    if not _menu_like(texts[pos], kinds[pos]):
        return False
    lo = hi = pos
    while lo > 0 and _menu_like(texts[lo - 1], kinds[lo - 1]):
        lo -= 1
    while hi + 1 < len(texts) and _menu_like(texts[hi + 1], kinds[hi + 1]):
        hi += 1
    return hi - lo + 1 >= MENU_RUN
