"""Match teasers to articles in the collection: same source, close title.

A teaser whose headline is an article we also have should link to that
article instead of repeating it. Titles are compared after normalising case,
accents and punctuation; an exact normalised match wins, otherwise a fuzzy
score (rapidfuzz) decides among the source's articles that share one of the
teaser's rarest words. That keeps matching near-linear for 100k entries:
a teaser is only ever scored against a handful of candidates.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import msgspec
from rapidfuzz import fuzz, process

from generator.entries.model import Entry
from generator.structure.links import article_urls, url_matches

MIN_SCORE = 90.0  # token_sort_ratio: allows an article or a word more, not another story
RARE_WORDS = 3  # candidate articles must share one of the teaser's rarest words
MAX_CANDIDATES = 64  # bounds the work per teaser, however common its words

_NON_WORD = re.compile(r"[\W_]+")


def normalise_title(title: str) -> str:
    """Lowercase, accents and punctuation removed, single spaces."""
    folded = title.casefold()
    if not folded.isascii():  # most headlines are ASCII: skip the per-character pass
        folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", folded).strip()


@dataclass(frozen=True, slots=True)
class SourceIndex:
    """One source's articles, indexed by normalised title and by word."""

    titles: tuple[str, ...]  # normalised, words sorted (token_sort_ratio's form, computed once), parallel to ids
    ids: tuple[str, ...]
    exact: Mapping[str, str]  # normalised title → first article id
    postings: Mapping[str, frozenset[int]]  # word → positions in titles


def index_source(articles: Sequence[Entry]) -> SourceIndex:
    ordered = sorted(articles, key=lambda e: (e.when, e.id))  # oldest wins ties, like URLs
    titles = tuple(normalise_title(e.title) for e in ordered)
    exact: dict[str, str] = {}
    postings: dict[str, list[int]] = defaultdict(list)
    for position, (title, entry) in enumerate(zip(titles, ordered, strict=True)):
        exact.setdefault(title, entry.id)
        for word in set(title.split()):
            postings[word].append(position)
    return SourceIndex(tuple(_sorted_words(t) for t in titles), tuple(e.id for e in ordered), exact, {w: frozenset(p) for w, p in postings.items()})


def _sorted_words(title: str) -> str:
    return " ".join(sorted(title.split()))


def match_one(teaser: Entry, index: SourceIndex) -> str | None:
    """The id of the article this teaser announces, if any."""
    title = normalise_title(teaser.title)
    if not title:
        return None
    if title in index.exact:
        return index.exact[title]
    candidates = _candidates(title, index)
    if not candidates:
        return None
    choices = [index.titles[position] for position in candidates]
    # fuzz.ratio on word-sorted titles is token_sort_ratio without re-sorting every candidate
    best = process.extractOne(_sorted_words(title), choices, scorer=fuzz.ratio, processor=None, score_cutoff=MIN_SCORE)
    return index.ids[candidates[best[2]]] if best else None


def _candidates(title: str, index: SourceIndex) -> list[int]:
    """Articles sharing one of the teaser's rarest words; narrowed by its next-rarest
    words while there are too many (a real match shares nearly all its words)."""
    words = sorted((w for w in set(title.split()) if w in index.postings), key=lambda w: (len(index.postings[w]), w))
    lists = [index.postings[w] for w in words]
    if not lists:
        return []
    if sum(len(p) for p in lists[:RARE_WORDS]) <= MAX_CANDIDATES:
        return sorted(frozenset().union(*lists[:RARE_WORDS]))
    found = lists[0]
    for more in lists[1:]:
        if len(found) <= MAX_CANDIDATES:
            break
        found &= more
    return sorted(found)[:MAX_CANDIDATES]


def match_key(entries: Iterable[Entry]) -> bytes:
    """A hash of everything match_teasers reads of the entries: equal keys, equal matches.

    Encoded with msgpack, whose bytes depend only on the values (pickle's
    would also depend on which equal strings happen to be the same object).
    """
    fields = [(e.id, e.source, e.is_article, e.title, e.when, e.url or "", sorted(article_urls(e)) if e.is_article else []) for e in entries]
    return hashlib.blake2b(msgspec.msgpack.encode(fields), digest_size=16).digest()


def match_teasers(entries: Iterable[Entry]) -> dict[str, str]:
    """Teaser id → matched article id, for every teaser that has a match.

    A teaser whose link is an article's URL is answered by that article (of
    any source); the others are matched by headline within their source.
    """
    entries = list(entries)
    by_link = url_matches(entries)
    articles: dict[str, list[Entry]] = defaultdict(list)
    teasers: list[Entry] = []
    for entry in entries:
        if entry.source is None:
            continue  # without a source there is nothing to be sure about
        if entry.is_article:
            articles[entry.source].append(entry)
        else:
            teasers.append(entry)
    indexes = {source: index_source(members) for source, members in articles.items()}
    matches: dict[str, str] = {}
    for teaser in teasers:
        index = indexes.get(teaser.source or "")
        found = match_one(teaser, index) if index else None
        if found:
            matches[teaser.id] = found
    return matches | by_link
