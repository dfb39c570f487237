"""Group articles from different sources that report the same story.

Two articles are one story when they are at most `window_days` apart, come
from different sources, and either their bodies share most word shingles or
their titles are close (rapidfuzz token_set_ratio) and their bodies share
some. Scoring every pair would be quadratic at 100,000 entries, so an article
is only compared with the articles sharing one of its bottom-k shingle hashes
(a deterministic MinHash-style sketch) or one of its rarer title words.
Same-language only: no offline translation library is used.

The result is pure and deterministic: the same entries and thresholds give
the same stories, in the same order, whatever order the entries came in.
"""

from __future__ import annotations

import hashlib
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import msgspec
from rapidfuzz import fuzz

from generator.config.schema import StoriesConfig
from generator.entries.model import Entry
from generator.structure.matching import normalise_title

SHINGLE_WORDS = 4  # word 4-grams: long enough that shared ones mean shared sentences
BODY_CHARS = 3000  # about 500 words
SKETCH_SIZE = 8  # bottom-k shingle hashes per article, for candidate pairs
TITLE_KEYS = 3  # rarest title words per article, for candidate pairs
MAX_POSTING = 200  # a key shared by more articles than this says nothing about the story


@dataclass(frozen=True, slots=True)
class Story:
    """Reports of one story: the lead (earliest, then longest) and the other reports, oldest first."""

    lead: str
    others: tuple[str, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return (self.lead, *self.others)


@dataclass(frozen=True, slots=True)
class _Doc:
    entry: Entry
    title: str  # normalised
    shingles: array[int]  # sorted, unique: a tenth of a frozenset's memory (the bottom-k sketch is its head)


Shingler = Callable[[Entry], "array[int]"]  # an article → its sorted shingle hashes (sorted_shingles, or a cache of it)


def group_stories(entries: Iterable[Entry], config: StoriesConfig, shingled: Shingler | None = None) -> tuple[Story, ...]:
    """Stories with at least two reports, ordered by their lead's date then id.

    `shingled` gives an article's sorted_shingles (the build remembers them, as they are most of the cost).
    """
    shingle = shingled or (lambda entry: sorted_shingles(entry.body))
    grouped = (e for e in entries if e.kind == "article" and e.source and not e.draft)
    docs = sorted((_Doc(e, normalise_title(e.title), shingle(e)) for e in grouped), key=lambda d: d.entry.id)
    parent = list(range(len(docs)))
    for a, b in _candidate_pairs(docs):
        if _same_story(docs[a], docs[b], config):
            _union(parent, a, b)
    groups: dict[int, list[Entry]] = defaultdict(list)
    for position, doc in enumerate(docs):
        groups[_find(parent, position)].append(doc.entry)
    ordered = [_oldest_first(members) for members in groups.values() if len({m.source for m in members}) > 1]
    ordered.sort(key=lambda members: (members[0].when, members[0].id))
    return tuple(Story(members[0].id, tuple(e.id for e in members[1:])) for members in ordered)


def grouping_key(entries: Iterable[Entry], config: StoriesConfig) -> bytes:
    """A hash of everything group_stories reads: equal keys, equal stories (msgpack: bytes depend only on values)."""
    fields = [(e.id, e.source, e.kind, e.draft, e.title, e.when, e.body[:BODY_CHARS]) for e in entries]
    return hashlib.blake2b(msgspec.msgpack.encode([msgspec.structs.asdict(config), fields]), digest_size=16).digest()


def story_of(stories: Sequence[Story]) -> dict[str, Story]:
    """Each grouped article id → its story."""
    return {entry_id: story for story in stories for entry_id in story.ids}


def other_reports(entry_id: str, stories: Mapping[str, Story], by_id: Mapping[str, Entry]) -> tuple[Entry, ...]:
    """The story's other reports, lead first then oldest first (none for an article in no story)."""
    story = stories.get(entry_id)
    return tuple(by_id[i] for i in story.ids if i != entry_id) if story else ()


def fold_issue(members: Iterable[Entry], stories: Mapping[str, Story], by_id: Mapping[str, Entry]) -> tuple[frozenset[str], dict[str, tuple[Entry, ...]]]:
    """How an issue shows each story once: the ids it leaves out, and each shown report's other reports.

    The story's first report in this issue is shown (the story's lead when the
    issue holds it); its other reports, in this issue or another, are listed
    under it, and those in this issue are not shown again.
    """
    present = {e.id for e in members if e.id in stories}
    folded: set[str] = set()
    also: dict[str, tuple[Entry, ...]] = {}
    for story in {stories[i].lead: stories[i] for i in present}.values():
        shown = next(i for i in story.ids if i in present)
        also[shown] = other_reports(shown, stories, by_id)
        folded.update(i for i in story.ids if i in present and i != shown)
    return frozenset(folded), dict(sorted(also.items()))


def shingles(text: str) -> frozenset[int]:
    """Stable 32-bit hashes (crc32: fast, and the same in every run, unlike hash()) of the body's word 4-grams.

    Only the first BODY_CHARS count: reports of one story share their lead
    paragraphs, and shingling whole bodies would dominate grouping's cost.
    """
    words = normalise_title(text[:BODY_CHARS]).split()
    if len(words) < SHINGLE_WORDS:
        return frozenset([zlib.crc32(" ".join(words).encode())]) if words else frozenset()
    grams = map(" ".join, zip(*(words[i:] for i in range(SHINGLE_WORDS)), strict=False))  # map/zip: the loop stays in C
    return frozenset(map(zlib.crc32, map(str.encode, grams)))


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _overlap(a: array[int], b: array[int]) -> float:
    """jaccard() of two sorted shingle arrays, a set made only for the pair scored."""
    if not a or not b:
        return 0.0
    shared = len(set(a).intersection(b))
    return shared / (len(a) + len(b) - shared)


def sorted_shingles(body: str) -> array[int]:
    """shingles() as a sorted array of 32-bit hashes: compact, and its head is the bottom-k sketch."""
    return array("I", sorted(shingles(body)))


def lead_key(entry: Entry) -> bytes:
    """A hash of what sorted_shingles reads of an entry."""
    return hashlib.blake2b(entry.body[:BODY_CHARS].encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _candidate_pairs(docs: Sequence[_Doc]) -> list[tuple[int, int]]:
    word_counts = Counter(w for d in docs for w in set(d.title.split()))
    postings: dict[object, list[int]] = defaultdict(list)
    for position, doc in enumerate(docs):
        for key in doc.shingles[:SKETCH_SIZE]:
            postings[key].append(position)
        rare = sorted(set(doc.title.split()), key=lambda w: (word_counts[w], w))[:TITLE_KEYS]
        for word in rare:
            postings["w:" + word].append(position)
    pairs: set[tuple[int, int]] = set()
    for positions in postings.values():
        if 1 < len(positions) <= MAX_POSTING:
            pairs.update((a, b) for i, a in enumerate(positions) for b in positions[i + 1 :])
    return sorted(pairs)


def _same_story(a: _Doc, b: _Doc, config: StoriesConfig) -> bool:
    if a.entry.source == b.entry.source:
        return False
    if abs((a.entry.when - b.entry.when).total_seconds()) > config.window_days * 86400:
        return False
    overlap = _overlap(a.shingles, b.shingles)
    if overlap >= config.body_alone:
        return True
    return overlap >= config.body_overlap and fuzz.token_set_ratio(a.title, b.title) >= config.title_score


def _oldest_first(members: list[Entry]) -> list[Entry]:
    return sorted(members, key=lambda e: (e.when, -len(e.body), e.id))


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _union(parent: list[int], a: int, b: int) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)
