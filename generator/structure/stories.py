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

import dataclasses
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


Shingler = Callable[[Entry, bytes], "array[int]"]  # an article and its lead_key → its sorted shingle hashes
MAX_REGROUPED = 50  # more articles with a new lead than this are grouped afresh


@dataclass(frozen=True, slots=True)
class Grouping:
    """Stories found, and what the next grouping needs to score only the articles whose lead changed."""

    stories: tuple[Story, ...]
    frame: bytes  # frame_key: the articles and everything of them but their bodies
    leads: dict[str, bytes]  # article id → lead_key
    edges: list[tuple[str, str]]  # the candidate pairs found to be one story

    def encode(self) -> bytes:
        return msgspec.msgpack.encode((self.frame, self.leads, self.edges, [story.ids for story in self.stories]))

    @staticmethod
    def decode(data: bytes) -> Grouping:
        frame, leads, edges, stories = msgspec.msgpack.decode(data, type=tuple[bytes, dict[str, bytes], list[tuple[str, str]], list[list[str]]])
        return Grouping(tuple(Story(ids[0], tuple(ids[1:])) for ids in stories), frame, leads, edges)


def group_stories(entries: Iterable[Entry], config: StoriesConfig, shingled: Shingler | None = None) -> tuple[Story, ...]:
    """Stories with at least two reports, ordered by their lead's date then id.

    `shingled` gives an article's sorted_shingles (the build remembers them, as they are most of the cost).
    """
    return regroup(entries, config, shingled).stories


def regroup(
    entries: Iterable[Entry],
    config: StoriesConfig,
    shingled: Shingler | None = None,
    before: Grouping | None = None,
    shingles_of: Callable[[bytes], array[int] | None] | None = None,
) -> Grouping:
    """group_stories, scoring again only the pairs of articles whose lead changed since `before`.

    That takes the same articles with the same titles, times and sources (the
    frame), and the changed articles' old shingles (`shingles_of` a lead key);
    otherwise every candidate pair is scored, as group_stories does.
    """
    shingle = shingled or (lambda entry, _: sorted_shingles(entry.body))
    articles = sorted((e for e in entries if e.kind == "article" and e.source and not e.draft), key=lambda e: e.id)
    frame, leads = frame_key(articles, config), {e.id: lead_key(e) for e in articles}
    if before is not None and before.frame == frame and before.leads == leads:  # the same pairs: only leads may swap
        position = {e.id: i for i, e in enumerate(articles)}  # (a story's lead is its longest earliest report)
        found = _stories(articles, [(position[a], position[b]) for a, b in before.edges])
        return before if found == before.stories else dataclasses.replace(before, stories=found)
    docs = [_Doc(e, normalise_title(e.title), shingle(e, leads[e.id])) for e in articles]
    postings, word_counts = _postings(docs)
    edges = None
    if before is not None and before.frame == frame and shingles_of is not None:
        edges = _edges_since(before, docs, postings, word_counts, leads, shingles_of, config)
    if edges is None:
        edges = [(a, b) for a, b in _pairs(postings) if _same_story(docs[a], docs[b], config)]
    named = [(docs[a].entry.id, docs[b].entry.id) for a, b in edges]
    return Grouping(_stories(articles, edges), frame, leads, sorted(named))


def frame_key(articles: Iterable[Entry], config: StoriesConfig) -> bytes:
    """A hash of everything grouping reads but the bodies (msgpack: bytes depend only on values)."""
    fields = [(e.id, e.source, e.title, e.when) for e in articles]
    return hashlib.blake2b(msgspec.msgpack.encode([msgspec.structs.asdict(config), fields]), digest_size=16).digest()


def _stories(articles: Sequence[Entry], edges: Iterable[tuple[int, int]]) -> tuple[Story, ...]:
    """The stories the edges (pairs of positions in `articles`) join."""
    parent = list(range(len(articles)))
    for a, b in edges:
        _union(parent, a, b)
    groups: dict[int, list[Entry]] = defaultdict(list)
    for position, entry in enumerate(articles):
        groups[_find(parent, position)].append(entry)
    ordered = [_oldest_first(members) for members in groups.values() if len({m.source for m in members}) > 1]
    ordered.sort(key=lambda members: (members[0].when, members[0].id))
    return tuple(Story(members[0].id, tuple(e.id for e in members[1:])) for members in ordered)


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


def _keys(doc: _Doc, word_counts: Counter[str]) -> list[object]:
    """The posting keys of an article: its bottom-k shingle hashes and its rarest title words."""
    rare = sorted(set(doc.title.split()), key=lambda w: (word_counts[w], w))[:TITLE_KEYS]
    return [*doc.shingles[:SKETCH_SIZE], *("w:" + word for word in rare)]


def _postings(docs: Sequence[_Doc]) -> tuple[dict[object, list[int]], Counter[str]]:
    word_counts = Counter(w for d in docs for w in set(d.title.split()))
    postings: dict[object, list[int]] = defaultdict(list)
    for position, doc in enumerate(docs):
        for key in _keys(doc, word_counts):
            postings[key].append(position)
    return postings, word_counts


def _pairs(postings: Mapping[object, list[int]]) -> list[tuple[int, int]]:
    """Candidate pairs: articles sharing a key that not too many share."""
    pairs: set[tuple[int, int]] = set()
    for positions in postings.values():
        if 1 < len(positions) <= MAX_POSTING:
            pairs.update((a, b) for i, a in enumerate(positions) for b in positions[i + 1 :])
    return sorted(pairs)


def _edges_since(
    before: Grouping,
    docs: Sequence[_Doc],
    postings: Mapping[object, list[int]],
    word_counts: Counter[str],
    leads: Mapping[str, bytes],
    shingles_of: Callable[[bytes], array[int] | None],
    config: StoriesConfig,
) -> list[tuple[int, int]] | None:
    """The edges of a full grouping, from `before`'s and the pairs of the changed articles alone; None if that cannot be exact.

    With the frame the same, only changed articles change their keys. Pairs of
    unchanged articles stay candidates, and keep their scores, as long as no
    posting the changed ones leave or join crosses MAX_POSTING.
    """
    changed = [i for i, doc in enumerate(docs) if before.leads[doc.entry.id] != leads[doc.entry.id]]
    if len(changed) > MAX_REGROUPED:
        return None
    balance: Counter[object] = Counter()  # per key: members now minus members before
    for i in changed:
        old = shingles_of(before.leads[docs[i].entry.id])
        if old is None:
            return None
        balance.update(docs[i].shingles[:SKETCH_SIZE])
        balance.subtract(old[:SKETCH_SIZE])
    if any((len(postings.get(key, ())) <= MAX_POSTING) != (len(postings.get(key, ())) - gained <= MAX_POSTING) for key, gained in balance.items()):
        return None
    moved, position = set(changed), {doc.entry.id: i for i, doc in enumerate(docs)}
    edges = {(position[a], position[b]) for a, b in before.edges if position[a] not in moved and position[b] not in moved}
    for i in changed:
        for key in _keys(docs[i], word_counts):
            members = postings[key]
            if 1 < len(members) <= MAX_POSTING:
                edges.update((min(i, j), max(i, j)) for j in members if j != i and _same_story(docs[min(i, j)], docs[max(i, j)], config))
    return sorted(edges)


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
