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

from generator.ingest.clean.classify import Verdict, words
from generator.ingest.clean.dates import date_line, time_line
from generator.ingest.clean.header import GenericHeader, byline, empty_byline, signoff, source_label, source_line
from generator.ingest.clean.site import names_line
from generator.ingest.clean.teasers import Listing, Teaser, parse_listing, ticker
from generator.ingest.clean.title import ends_sentence, heading_text, headline_score, strip_site_suffix

MAX_TITLE_GAP = 6  # content lines between a headline and its article's first prose line
MENU_RUN = 3  # consecutive menu-like short lines that make a menu
MAX_CUT_TAIL, MAX_CUT_TAIL_WORDS = 2, 6  # short lines ending the text right under the article (a cut-off scrape)
NAMED_BONUS = 1.5  # more than being nearer the article by two candidates
MAX_LEAD_GAP = 3  # content lines between a headline and the lead line under it (a byline, a date)
MIN_NAMED = 8  # characters of a listing's name printed again in another line: a shorter one is a common word
MIN_HEADLINE_WORDS = 4  # a shorter line over the best candidate wins only as a real headline, not a rubric
_CLOSERS = "\"'”’»)] "
_STOPS = (".", "!", "?", "。", "！", "？", "؟")


@dataclass(slots=True)
class Layout:
    labels: dict[int, tuple[str, str]] = field(default_factory=dict)  # line index → (kind, detail)
    header: GenericHeader | None = None
    teasers: tuple[Teaser, ...] = ()
    listing: bool = False


def read_layout(
    index: Sequence[int],
    lines: Sequence[str],
    verdicts: Sequence[Verdict],
    lang: str | None,
    separators: set[int],
    ended: bool,
    leads: Sequence[int] = (),
    named: frozenset[str] = frozenset(),
) -> Layout:
    """`index`: the content lines' numbers; `separators`: rule lines (read more, dateline) that mark listing blocks;
    `ended`: a rule marked where the article ends (the lines up to there are the article's); `leads`: rule lines
    printed between a headline and its text ("Listen to this article"); `named`: folded words of the page's
    file name or URL path, which a headline that repeats them is preferred for (see site.path_words)."""
    out = Layout()
    texts = [lines[i] for i in index]
    kinds = [v.kind for v in verdicts]
    for pos, v in enumerate(verdicts):
        out.labels[index[pos]] = ("body", "") if v.kind == "good" else ("boilerplate", f"classifier {v.reason}")
    tickers = {p: parts for p, text in enumerate(texts) if (parts := ticker(text))}
    for p, parts in tickers.items():  # headlines run together on one line: teasers wherever they are
        kinds[p] = "ticker"
        out.labels[index[p]] = ("teaser", "ticker")
        out.teasers += tuple(Teaser(part) for part in parts)
    good = [p for p, k in enumerate(kinds) if k == "good"]
    if not good and tickers:
        out.listing = True
        return out
    listing, seq = _listing(index, lines, kinds, separators)
    at = {i: p for p, i in enumerate(seq)}
    if listing.teasers and listing.covers([at[index[p]] for p in good]):
        return _as_listing(out, index, lines, texts, listing, seq, lang, named)
    if not good:
        return out
    title: int | None
    if (led := _led(index, texts, leads, lang, named)) is not None:  # the article starts under the player below its headline
        title, first = led
        good = [p for p in good if p >= first]
        last = good[-1] if good else len(texts) - 1
    else:
        # The article starts at its first line that is prose on its own (a dek or caption beside it is only near).
        first, last = next((p for p in good if not verdicts[p].initial), good[0]), good[-1]
        good = [p for p in good if p >= first]
        title = _pick_title(texts, max(0, first - MAX_TITLE_GAP), first, lang, prose=True, named=named)
        if title == first:  # the headline is long enough to read as prose
            if len(good) == 1:
                return _headline_only(out, index, texts, title)
            first = good[1]
    header = _header(out, index, texts, title, first, lang)
    last = len(texts) - 1 if ended else _trailing_prose(texts, kinds, last)
    if (second := _second_story(texts, kinds, first, last, lang)) is not None:
        for pos in range(second, len(texts)):  # a story appended by infinite scroll is not merged into this one
            out.labels[index[pos]] = ("boilerplate", "next story")
        texts, kinds, last, ended = texts[:second], kinds[:second], second - 1, True
    signed = last + 1 < len(texts) and not (header and header.authors) and bool(signoff(texts[last + 1]))
    if not ended and not signed:
        last = _cut_off(texts, kinds, last, _unbroken(index, last, separators))
    for pos in range(first, last + 1):
        out.labels[index[pos]] = _in_article(pos, texts, kinds, verdicts)
    after = list(range(last + 1, len(texts)))
    if signed:  # a column signed at its end: the name is its author, and the article ends there
        names = signoff(texts[after[0]])
        header = GenericHeader(header.title, header.source, header.date, names) if header else GenericHeader(None, authors=names)
        out.labels[index[after[0]]] = ("header", "author")
        after = after[1:]
    tail = parse_listing([texts[p] for p in after], [kinds[p] for p in after])
    for offset, name in tail.fields.items():
        out.labels[index[after[offset]]] = ("teaser", name)
    out.teasers += tail.teasers
    out.header = header
    return out


def _as_listing(
    out: Layout,
    index: Sequence[int],
    lines: Sequence[str],
    texts: Sequence[str],
    listing: Listing,
    seq: Sequence[int],
    lang: str | None,
    named: frozenset[str] = frozenset(),
) -> Layout:
    """A page that only lists stories: teasers, its heading (which may hold its date) and chrome."""
    out.listing = True
    for i in index:  # no article: what is no teaser is chrome
        if out.labels[i][0] == "body":
            out.labels[i] = ("boilerplate", "listing")
    fields, teasers = listing.fields, listing.teasers
    block = _named_block(lines, seq, listing)
    if block is not None:  # the listing's own name and description, not a teaser
        fields = {p: name for p, name in fields.items() if p not in block}
        teasers = teasers[1:]
        for p in block:
            out.labels[seq[p]] = ("title", "") if p == min(block) else ("boilerplate", "listing's description")
    for p, name in fields.items():
        out.labels[seq[p]] = ("teaser", name)
    out.teasers += teasers
    first = next((p for p, i in enumerate(index) if i >= seq[min(listing.fields)]), len(texts))
    if block is not None:
        heading = heading_text(lines[seq[min(block)]])
        header = _header(out, index, texts, None, first, lang, listing=True)
        out.header = GenericHeader(heading, header.source if header else None, header.date if header else None, ())
        return out
    title = _pick_title(texts, 0, first - 1, lang, prose=False, dated=True, named=named)
    header = _header(out, index, texts, title, first, lang, listing=True)
    if header is not None and title is not None:  # "Het nieuws van 11 januari 2019"
        day = header.date or date_line(texts[title], lang)
        header = GenericHeader(heading_text(texts[title]), header.source or source_line(texts[title]), day, ())
    out.header = header
    return out


def _led(index: Sequence[int], texts: Sequence[str], leads: Sequence[int], lang: str | None, named: frozenset[str]) -> tuple[int, int] | None:
    """(headline, first article line) around a lead line ("Listen to this article"): the headline is a content line
    right above it (bylines and date lines aside) that does not end like a sentence; the article is what follows."""
    for lead in sorted(leads):
        first = next((p for p, i in enumerate(index) if i > lead), None)
        if first is None or first == 0:
            continue
        title = _pick_title(texts, max(0, first - MAX_LEAD_GAP), first - 1, lang, prose=False, named=named)
        if title is not None and not ends_sentence(texts[title]):
            return title, first
    return None


def _named_block(lines: Sequence[str], seq: Sequence[int], listing: Listing) -> list[int] | None:
    """The positions of the listing's first block when its headline is printed again inside another line
    of the page ("Subscribe to Harbour Notes" over "Harbour Notes"): that is the listing's name, not a story's."""
    titles = sorted(p for p, name in listing.fields.items() if name == "title")
    if len(titles) < 2 or not listing.teasers or min(listing.fields) != titles[0]:
        return None
    head = lines[seq[titles[0]]].strip()
    if len(head) < MIN_NAMED or listing.teasers[0].title != head:
        return None
    folded = head.casefold()
    if not any(folded in line.casefold() and line.strip() != head for i, line in enumerate(lines) if i != seq[titles[0]]):
        return None
    return [p for p in listing.fields if titles[0] <= p < titles[1]]


def _header_line(text: str, lang: str | None, dated: bool) -> bool:
    """A byline (or one left empty), a source line or (unless the heading may hold the date) a date line: no headline."""
    return byline(text) is not None or empty_byline(text) or source_line(text) is not None or (not dated and date_line(text, lang) is not None)


def _brand_shaped(text: str, lang: str | None, dated: bool) -> bool:
    """A header line only for its "Name - Word" shape: no byline, no date, no "Source:" label."""
    return byline(text) is None and not empty_byline(text) and (dated or date_line(text, lang) is None) and not source_label(text)


def _second_story(texts: Sequence[str], kinds: Sequence[str], first: int, last: int, lang: str | None) -> int | None:
    """Where another story starts inside the article: a headline over a byline or date line over prose."""
    for pos in range(first + 1, last - 1):
        if kinds[pos] == "good" or headline_score(texts[pos], texts, pos) is None:
            continue
        below = pos + 1
        header = 0
        while below < last and (byline(texts[below]) is not None or date_line(texts[below], lang) is not None):
            below, header = below + 1, header + 1
        if header and kinds[below] == "good":
            return pos
    return None


def _trailing_prose(texts: Sequence[str], kinds: Sequence[str], last: int) -> int:
    """Short sentences right after the last long paragraph still belong to it ("It worked."), and so
    does a subheading over such a sentence ("What happens next" / "Work starts in the autumn.")."""
    while last + 1 < len(texts) and kinds[last + 1] == "short" and not signoff(texts[last + 1]):
        if _sentence(texts[last + 1]):
            last += 1
        elif last + 2 < len(texts) and kinds[last + 2] in ("short", "near", "good") and _sentence(texts[last + 2]) and _menu_like(texts[last + 1], "short"):
            last += 2
        else:
            break
    return last


def _sentence(text: str) -> bool:
    return text.rstrip(_CLOSERS).endswith(_STOPS)


def _unbroken(index: Sequence[int], last: int, separators: set[int]) -> bool:
    """No section mark ("Related stories", a dateline) stands between content line `last` and the page's end."""
    return not any(i > index[last] for i in separators)


def _cut_off(texts: Sequence[str], kinds: Sequence[str], last: int, unbroken: bool) -> int:
    """A few short lines that end the text right under the article belong to it: a scrape cut off under a subheading."""
    if not unbroken:
        return last
    rest = range(last + 1, len(texts))
    if len(rest) <= MAX_CUT_TAIL and all(kinds[p] == "short" and len(texts[p].split()) <= MAX_CUT_TAIL_WORDS for p in rest):
        return len(texts) - 1
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


def _pick_title(texts: Sequence[str], lo: int, hi: int, lang: str | None, prose: bool, dated: bool = False, named: frozenset[str] = frozenset()) -> int | None:
    """The most headline-like line in [lo, hi], nearer the article scoring higher; line `hi` is the
    article's first prose line when `prose`, a candidate only if it does not end like a sentence.
    A line most of whose words the file name or URL repeats (`named`) scores NAMED_BONUS more.

    Of a headline and the longer dek under it, the headline wins, unless only the longer one repeats `named`.
    """
    scores: dict[int, float] = {}
    branded: dict[int, float] = {}  # "Brand - Section" lines, which may be a headline naming a person ("Von der Leyen - Porträt")
    for pos in range(lo, min(hi + 1, len(texts))):
        text = texts[pos]
        if pos == hi and prose and ends_sentence(text):
            continue
        score = headline_score(text, texts, pos)
        if dated and score is None and source_line(text) is not None and text.count("|") == 1:
            score = 1.5  # a home page is headed by the site's "Brand | tagline"
        elif score is not None and _header_line(text, lang, dated) and _brand_shaped(text, lang, dated):
            branded[pos] = score
            continue
        elif score is None or _header_line(text, lang, dated):
            continue
        scores[pos] = score + (NAMED_BONUS if named and names_line(text, named) else 0.0)
    if not scores:  # no other line is a headline: the brand-shaped one is
        return max(branded) if branded else None
    ranked = {pos: score - 0.5 * sum(1 for p in scores if p > pos) for pos, score in scores.items()}
    best = max(ranked, key=lambda p: (ranked[p], p))
    above = _above(texts, best, scores, lang)
    if (
        above in scores
        and len(texts[above]) < len(texts[best])
        and words(texts[above]) >= MIN_HEADLINE_WORDS
        and not (named and names_line(texts[best], named) and not names_line(texts[above], named))  # the URL's headline is no dek
    ):
        return above
    return best


def _above(texts: Sequence[str], pos: int, scores: dict[int, float], lang: str | None) -> int:
    """The nearest candidate above `pos`, past bylines, date lines and one other line
    (a headline may stand over its byline and dek)."""
    up, skipped = pos - 1, 0
    while up >= 0 and up not in scores:
        if byline(texts[up]) is None and date_line(texts[up], lang) is None:
            skipped += 1
            if skipped > 1:
                return -1
        up -= 1
    return up


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
            day = day or date_line(text, lang)  # "By Jane Roe | March 12, 2024"
            out.labels[index[pos]] = ("header", "author")
        elif (found := date_line(text, lang)) is not None:  # the first date is the page's; "updated" ones follow it
            day = day or found
            out.labels[index[pos]] = ("header", "date")
        elif source is None and (name := source_line(text)) is not None:
            source = name
            out.labels[index[pos]] = ("header", "source")
        elif time_line(text):
            out.labels[index[pos]] = ("header", "time")
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
