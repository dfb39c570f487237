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

from generator.cache import uint32s
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
class Keys:
    """Every article's posting keys, by its place among the id-sorted articles: where an edit's candidates are found.

    Fixed-width rows (SKETCH_SIZE hashes, TITLE_KEYS word numbers, zero-padded, with a size each) in flat
    arrays: a few bytes an article, read in one pass, instead of a dict of postings rebuilt from every body.
    """

    sketches: array[int]  # each article's bottom-k shingle hashes
    sketch_sizes: bytes
    words: tuple[str, ...]  # the title words that are keys, sorted
    titles: array[int]  # each article's rarest title words, as places in `words`
    title_sizes: bytes

    @staticmethod
    def of(rows: Sequence[tuple[Sequence[int], Sequence[str]]]) -> Keys:
        """The keys of articles given as (sketch, rare title words) rows."""
        words = tuple(sorted({w for _, rare in rows for w in rare}))
        number = {w: n for n, w in enumerate(words)}
        return Keys(
            _rows((sketch for sketch, _ in rows), SKETCH_SIZE),
            bytes(len(sketch) for sketch, _ in rows),
            words,
            _rows(([number[w] for w in rare] for _, rare in rows), TITLE_KEYS),
            bytes(len(rare) for _, rare in rows),
        )

    def sketch(self, i: int) -> array[int]:
        return self.sketches[i * SKETCH_SIZE : i * SKETCH_SIZE + self.sketch_sizes[i]]

    def title(self, i: int) -> array[int]:
        return self.titles[i * TITLE_KEYS : i * TITLE_KEYS + self.title_sizes[i]]

    def resketched(self, sketches: Mapping[int, Sequence[int]]) -> Keys:
        """These keys with some articles' sketches replaced."""
        flat, sizes = array("I", self.sketches), bytearray(self.sketch_sizes)
        for i, sketch in sketches.items():
            flat[i * SKETCH_SIZE : (i + 1) * SKETCH_SIZE] = _rows([sketch], SKETCH_SIZE)
            sizes[i] = len(sketch)
        return dataclasses.replace(self, sketches=flat, sketch_sizes=bytes(sizes))

    def sketch_postings(self, wanted: set[int]) -> dict[int, list[int]]:
        """The articles (ascending) whose sketch holds each wanted hash."""
        return _members(self.sketches, self.sketch_sizes, SKETCH_SIZE, wanted)

    def title_postings(self, wanted: set[int]) -> dict[int, list[int]]:
        """The articles (ascending) whose title keys hold each wanted word number."""
        return _members(self.titles, self.title_sizes, TITLE_KEYS, wanted)


def _rows(rows: Iterable[Sequence[int]], width: int) -> array[int]:
    flat = array("I")
    for row in rows:
        flat.extend(row)
        flat.extend([0] * (width - len(row)))  # zeros pad the row
    return flat


def _members(flat: array[int], sizes: bytes, width: int, wanted: set[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    for slot, value in enumerate(flat):
        if value in wanted and slot % width < sizes[slot // width]:
            found[value].append(slot // width)
    return found


@dataclass(frozen=True, slots=True)
class Grouping:
    """Stories found, and what the next grouping needs to score only the articles whose lead changed."""

    stories: tuple[Story, ...]
    frame: bytes  # frame_key: the articles and everything of them but their bodies
    leads: dict[str, bytes]  # article id → lead_key
    edges: list[tuple[str, str]]  # the candidate pairs found to be one story
    keys: Keys

    def encode(self) -> bytes:
        k = self.keys
        keys = (k.sketches.tobytes(), k.sketch_sizes, k.words, k.titles.tobytes(), k.title_sizes)
        return msgspec.msgpack.encode((self.frame, self.leads, self.edges, [story.ids for story in self.stories], keys))

    @staticmethod
    def decode(data: bytes) -> Grouping:
        frame, leads, edges, stories, (sketches, sketch_sizes, words, titles, title_sizes) = msgspec.msgpack.decode(data, type=_Encoded)
        keys = Keys(uint32s(sketches), sketch_sizes, tuple(words), uint32s(titles), title_sizes)
        return Grouping(tuple(Story(ids[0], tuple(ids[1:])) for ids in stories), frame, leads, edges, keys)


_Encoded = tuple[bytes, dict[str, bytes], list[tuple[str, str]], list[list[str]], tuple[bytes, bytes, list[str], bytes, bytes]]


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
    lead: Callable[[Entry], bytes] | None = None,
) -> Grouping:
    """group_stories, scoring again only the pairs of articles whose lead changed since `before`.

    That takes the same articles with the same titles, times and sources (the
    frame); otherwise every candidate pair is scored, as group_stories does.
    `lead` gives lead_key (the caller may know it for articles it knows unchanged).
    """
    shingle = shingled or (lambda entry, _: sorted_shingles(entry.body))
    articles = sorted((e for e in entries if e.kind == "article" and e.source and not e.draft), key=lambda e: e.id)
    lead = lead or lead_key
    frame, leads = frame_key(articles, config), {e.id: lead(e) for e in articles}
    if before is not None and before.frame == frame:
        if before.leads == leads:  # the same pairs: only leads may swap (a story's lead is its longest earliest report)
            found = _stories(articles, _placed(articles, before.edges))
            return before if found == before.stories else dataclasses.replace(before, stories=found)
        if (since := _edges_since(before, articles, leads, shingle, config)) is not None:
            edges, keys = since
            return Grouping(_stories(articles, edges), frame, leads, _named(articles, edges), keys)
    docs = [_doc(e, leads[e.id], shingle) for e in articles]
    postings, keys = _postings(docs)
    edges = [(a, b) for a, b in _pairs(postings) if _same_story(docs[a], docs[b], config)]
    return Grouping(_stories(articles, edges), frame, leads, _named(articles, edges), keys)


def _doc(entry: Entry, lead: bytes, shingle: Shingler) -> _Doc:
    return _Doc(entry, normalise_title(entry.title), shingle(entry, lead))


def _placed(articles: Sequence[Entry], named: Iterable[tuple[str, str]]) -> list[tuple[int, int]]:
    """Pairs of ids as pairs of places in `articles`."""
    position = {e.id: i for i, e in enumerate(articles)}
    return [(position[a], position[b]) for a, b in named]


def _named(articles: Sequence[Entry], edges: Iterable[tuple[int, int]]) -> list[tuple[str, str]]:
    return sorted((articles[a].id, articles[b].id) for a, b in edges)


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


def _rare_words(doc: _Doc, word_counts: Counter[str]) -> list[str]:
    """The article's rarest title words: posting keys beside its bottom-k shingle hashes."""
    return sorted(set(doc.title.split()), key=lambda w: (word_counts[w], w))[:TITLE_KEYS]


def _postings(docs: Sequence[_Doc]) -> tuple[dict[object, list[int]], Keys]:
    word_counts = Counter(w for d in docs for w in set(d.title.split()))
    rows = [(doc.shingles[:SKETCH_SIZE], _rare_words(doc, word_counts)) for doc in docs]
    postings: dict[object, list[int]] = defaultdict(list)
    for position, (sketch, rare) in enumerate(rows):
        for key in (*sketch, *("w:" + word for word in rare)):
            postings[key].append(position)
    return postings, Keys.of(rows)


def _pairs(postings: Mapping[object, list[int]]) -> list[tuple[int, int]]:
    """Candidate pairs: articles sharing a key that not too many share."""
    pairs: set[tuple[int, int]] = set()
    for positions in postings.values():
        if 1 < len(positions) <= MAX_POSTING:
            pairs.update((a, b) for i, a in enumerate(positions) for b in positions[i + 1 :])
    return sorted(pairs)


def _edges_since(
    before: Grouping, articles: Sequence[Entry], leads: Mapping[str, bytes], shingle: Shingler, config: StoriesConfig
) -> tuple[list[tuple[int, int]], Keys] | None:
    """The edges and keys of a full grouping, from `before`'s and the changed articles' pairs alone; None if that cannot be exact.

    With the frame the same, only changed articles change their keys (their
    sketches: title keys read titles alone). Pairs of unchanged articles stay
    candidates, and keep their scores, as long as no posting the changed ones
    leave or join crosses MAX_POSTING. Only the changed articles and their
    candidates are shingled.
    """
    changed = [i for i, e in enumerate(articles) if before.leads[e.id] != leads[e.id]]
    if len(changed) > MAX_REGROUPED:
        return None
    docs: dict[int, _Doc] = {}

    def doc(i: int) -> _Doc:
        if i not in docs:
            docs[i] = _doc(articles[i], leads[articles[i].id], shingle)
        return docs[i]

    keys = before.keys.resketched({i: doc(i).shingles[:SKETCH_SIZE] for i in changed})
    gained: Counter[int] = Counter(h for i in changed for h in keys.sketch(i))  # per hash: members now minus members before
    gained.subtract(h for i in changed for h in before.keys.sketch(i))
    now = keys.sketch_postings(set(gained))
    if any((len(now.get(h, ())) <= MAX_POSTING) != (len(now.get(h, ())) - n <= MAX_POSTING) for h, n in gained.items()):
        return None
    titled = keys.title_postings({w for i in changed for w in keys.title(i)})
    moved = set(changed)
    edges = {(a, b) for a, b in _placed(articles, before.edges) if a not in moved and b not in moved}
    for i in changed:
        for members in (*(now[h] for h in keys.sketch(i)), *(titled[w] for w in keys.title(i))):
            if 1 < len(members) <= MAX_POSTING:
                edges.update((min(i, j), max(i, j)) for j in members if j != i and _same_story(doc(min(i, j)), doc(max(i, j)), config))
    return sorted(edges), keys


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
