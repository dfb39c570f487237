"""Statistical line classes for pages no rule explains, after jusText.

Each line the rules left gets a class from its own features:
  good   long prose: at least LENGTH_HIGH characters, or LENGTH_LOW ending
         like a sentence, with a stopword density near the page's own prose
  near   long enough, but with fewer stopwords than the page's prose
  short  under LENGTH_LOW characters (a third of that in scripts without
         spaces): headings, labels, menu items, one-line paragraphs
  bad    long text with almost no stopwords (name lists, menus on one line)

Stopwords come from stopwordsiso for the page's language. The density is
compared with the page's own prose (the median of its long lines), because
stoplists cover languages unevenly (Turkish, Japanese) and a fixed
threshold would drop whole articles there. `near` lines next to a good one
become good, as in jusText. Where the article is (first to last good line)
and what the short lines around it are is decided by `labels`.
"""

from __future__ import annotations

import functools
import re
import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import stopwordsiso

LENGTH_LOW = 70
LENGTH_HIGH = 200
DENSE_SCRIPT = 3  # scripts without spaces pack about three times the text in a character
RELATIVE_LOW = 0.5  # stopword density, as a share of the page's prose density, below which prose is not prose
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?。！？؟…»”\"')]\s*$")
_FALLBACK = "en"


@dataclass(frozen=True, slots=True)
class Features:
    chars: int  # in Latin-script-equivalent characters
    tokens: int
    stop_density: float
    sentence: bool  # ends like a sentence

    def __str__(self) -> str:
        return f"{self.chars} chars, stopwords {self.stop_density:.2f}, {'sentence' if self.sentence else 'no sentence end'}"


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: str  # good, near, short, bad
    features: Features
    score: float  # stopword density relative to the page's prose (1.0: like its prose)
    initial: str = ""  # the class before the neighbour rule, when that changed it

    @property
    def reason(self) -> str:
        revised = f" ({self.initial} beside good)" if self.initial else ""
        return f"{self.kind}{revised}: {self.features}, {self.score:.2f} of page prose"


@functools.cache
def stopwords(lang: str | None) -> frozenset[str]:
    """The stoplist for a primary language tag (Nynorsk and Bokmål share `no`); English when unknown."""
    code = {"nn": "no", "nb": "no"}.get(lang or "", lang or _FALLBACK)
    words = stopwordsiso.stopwords(code) if stopwordsiso.has_lang(code) else stopwordsiso.stopwords(_FALLBACK)
    return frozenset(w.casefold() for w in words)


def _dense(line: str) -> bool:
    """Text in a script written without spaces (Japanese, Chinese, Thai)."""
    return line.count(" ") * 20 < len(line) and any(unicodedata.east_asian_width(ch) == "W" or "\u0e00" <= ch <= "\u0e7f" for ch in line[:40])


def size(line: str) -> int:
    """Length in Latin-script-equivalent characters (scripts without spaces count three times)."""
    return len(line) * DENSE_SCRIPT if _dense(line) else len(line)


def words(line: str) -> int:
    """Words, or for a script without spaces its length over four."""
    return max(1, len(line) // 4) if _dense(line) else len(line.split())


def features(line: str, stop: frozenset[str]) -> Features:
    if _dense(line):
        tokens = [ch for ch in line if ch.isalnum()]
        chars = len(line) * DENSE_SCRIPT
    else:
        tokens = _WORD.findall(line.casefold())
        chars = len(line)
    hits = sum(map(stop.__contains__, tokens))
    return Features(chars, len(tokens), hits / len(tokens) if tokens else 0.0, bool(_SENTENCE_END.search(line)))


def classify(lines: Sequence[str], lang: str | None) -> list[Verdict]:
    """A class per line, revised by its neighbours."""
    stop = stopwords(lang)
    feats = [features(line, stop) for line in lines]
    prose = [f.stop_density for f in feats if f.chars >= LENGTH_LOW]
    reference = statistics.median(prose) if prose else 0.0
    verdicts = [_initial(f, reference) for f in feats]
    return _revise(verdicts)


def _initial(f: Features, reference: float) -> Verdict:
    score = f.stop_density / reference if reference else 1.0
    if f.chars < LENGTH_LOW:
        return Verdict("short", f, score)
    if score < RELATIVE_LOW:
        return Verdict("bad", f, score)
    if f.chars >= LENGTH_HIGH or f.sentence:
        return Verdict("good", f, score)
    return Verdict("near", f, score)


def _revise(verdicts: list[Verdict]) -> list[Verdict]:
    """jusText's neighbour rule for `near` lines: next to good prose they are prose."""
    kinds = [v.kind for v in verdicts]
    out = list(verdicts)
    for i, v in enumerate(verdicts):
        if v.kind != "near":
            continue
        if _neighbour(kinds, i, -1) == "good" or _neighbour(kinds, i, 1) == "good":
            out[i] = Verdict("good", v.features, v.score, initial="near")
    return out


def _neighbour(kinds: Sequence[str], i: int, step: int) -> str:
    """The class of the nearest line that is not short, or "bad" past the page's edge."""
    j = i + step
    while 0 <= j < len(kinds):
        if kinds[j] not in ("short", "near"):
            return kinds[j]
        j += step
    return "bad"
