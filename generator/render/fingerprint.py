"""Fingerprints of rendering inputs: equal fingerprints mean equal output bytes.

A page's fingerprint covers its template (with everything it extends or
includes), the config sections pages read, and its context. Entries are
fingerprinted by their file's hash and where links to them point, so an
edit to one entry changes exactly the fingerprints of the pages that show it.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import hashlib
from array import array
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from generator.cache import uint32s
from generator.entries.model import Entry
from generator.structure.site import Site

Digest = bytes

# Values fed by their repr: exact types (subclasses take the slower, general path).
_PLAIN = frozenset({type(None), bool, int, float, dt.date, dt.datetime, dt.timedelta})


def digest_bytes(*parts: bytes) -> Digest:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.digest()


@dataclass(frozen=True, slots=True)
class ShownIn:
    """The reverse index, entry id → positions of the jobs showing it, as flat arrays.

    A build reads it for the few entries that changed, so it stays in the
    arrays it is stored as: at 100,000 entries a dict of lists meant two
    million int objects made on every incremental build.
    """

    ids: list[str]  # sorted
    offsets: array[int]  # the positions of ids[i] are positions[offsets[i]:offsets[i + 1]]
    positions: array[int]

    @staticmethod
    def of(shown: Iterable[tuple[str, ...]]) -> ShownIn:
        """From each job's entries shown, in job order."""
        by_entry: dict[str, list[int]] = {}
        for position, entry_ids in enumerate(shown):
            for entry_id in entry_ids:
                by_entry.setdefault(entry_id, []).append(position)
        ids = sorted(by_entry)
        offsets, positions = array("I", [0]), array("I")
        for entry_id in ids:
            positions.extend(by_entry[entry_id])
            offsets.append(len(positions))
        return ShownIn(ids, offsets, positions)

    def __getitem__(self, entry_id: str) -> array[int]:
        i = bisect.bisect_left(self.ids, entry_id)
        if i == len(self.ids) or self.ids[i] != entry_id:
            return array("I")
        return self.positions[self.offsets[i] : self.offsets[i + 1]]


@dataclass(frozen=True, slots=True)
class JobIndex:
    """Each job's fingerprint, by job key, and the reverse index: entry id → the jobs whose fingerprint read that entry."""

    keys: list[str]
    fingerprints: list[Digest]
    shown_in: ShownIn

    def encode(self) -> tuple[bytes, bytes]:
        """The jobs and what each shows, then their fingerprints: a body edit changes only the second."""
        shown = self.shown_in
        return msgspec.msgpack.encode((self.keys, shown.ids, shown.offsets.tobytes(), shown.positions.tobytes())), msgspec.msgpack.encode(self.fingerprints)

    @staticmethod
    def decode(jobs: bytes, fingerprints: bytes) -> JobIndex:
        keys, ids, offsets, positions = msgspec.msgpack.decode(jobs, type=tuple[list[str], list[str], bytes, bytes])
        return JobIndex(keys, msgspec.msgpack.decode(fingerprints, type=list[bytes]), ShownIn(ids, uint32s(offsets), uint32s(positions)))

    def showing(self, entry_ids: set[str]) -> set[str]:
        """Keys of the jobs whose fingerprint read any of these entries."""
        return {self.keys[i] for entry_id in entry_ids for i in self.shown_in[entry_id]}


@dataclass(frozen=True, slots=True)
class Reuse:
    """The last build's job index, valid for this build's site structure, and the jobs that show a changed entry."""

    known: JobIndex
    dirty: set[str]


class Fingerprinter:
    """Hashes context values; results for long-lived objects are memoised per build.

    Plain values are fed straight into their container's hash (tagged and
    length-prefixed, so different values never collide by concatenation);
    entries and dataclass objects get a digest of their own, computed once.
    Each object's digest remembers which entries it read, so every job's
    fingerprint comes with the ids of the entries it shows (see `job`).
    """

    def __init__(self, site: Site, entry_digests: Mapping[str, Digest], reuse: Reuse | None = None) -> None:
        self._site = site
        self._entry_digests = entry_digests
        self._memo: dict[int, tuple[object, Digest, tuple[str, ...]]] = {}  # keeps objects alive so ids stay unique
        self._fields: dict[type, tuple[str, ...]] = {}
        self._shown: set[str] = set()  # entries read since the current job began
        self._reuse = reuse
        self._reused = {} if reuse is None else dict(zip(reuse.known.keys, reuse.known.fingerprints, strict=True))
        self.jobs: dict[str, tuple[Digest, tuple[str, ...]]] = {}  # job key → fingerprint, entries shown (the jobs worked out)
        # The site's large parts, named across builds: an issue, month, source or tag shows the same entries while the
        # structure stays, so its digest carries over like a job's (an archive page need not hash every entry again).
        self._parts = {id(issue): f"issue:{issue.key}" for issue in site.issues} | {id(month): f"month:{month.key}" for month in site.months}
        self._parts |= {id(source): f"source:{source.slug}" for source in site.sources} | {id(tag): f"tag:{tag.slug}" for tag in site.tags}
        self.parts: dict[str, tuple[Digest, tuple[str, ...]]] = {}  # the same for the parts worked out

    def job(self, key: str, compute: Callable[[], Digest]) -> Digest:
        """A job's fingerprint: the last build's when the site structure is the same and no entry it shows changed."""
        if self._reuse is not None and key not in self._reuse.dirty:
            known = self._reused.get(key)
            if known is not None:
                return known
        self._shown = set()
        result = compute()
        self.jobs[key] = (result, tuple(self._shown))
        return result

    def index(self) -> JobIndex:
        """The job index for the next build: the jobs (and parts) worked out now, and the rest as they were."""
        done = self.jobs | self.parts
        if self._reuse is None:
            return JobIndex(list(done), [fingerprint for fingerprint, _ in done.values()], ShownIn.of(shown for _, shown in done.values()))
        known = self._reuse.known  # same structure: every job shows the entries it showed
        fingerprints = [done[key][0] if key in done else old for key, old in zip(known.keys, known.fingerprints, strict=True)]
        return JobIndex(known.keys, fingerprints, known.shown_in)

    def of(self, value: Any) -> Digest:
        memo = self._memo.get(id(value))
        if memo is not None:
            self._shown.update(memo[2])
            return memo[1]
        part = self._parts.get(id(value))
        if part is not None and self._reuse is not None and part not in self._reuse.dirty:
            known = self._reused.get(part)
            if known is not None:
                self._memo[id(value)] = (value, known, ())  # entries shown: only a full build records them
                return known
        h = hashlib.blake2b(digest_size=16)
        outer, self._shown = self._shown, set()
        try:
            if isinstance(value, Entry):
                self._shown.add(value.id)
                self._entry(h, value)
            elif dataclasses.is_dataclass(value) and not isinstance(value, type):
                self._feed(h, type(value).__qualname__)
                for name in self._field_names(type(value)):
                    self._feed(h, getattr(value, name))
            else:
                self._feed(h, value)
                return h.digest()  # transient containers are not memoised: their ids get reused
        finally:
            outer.update(self._shown)
            shown, self._shown = self._shown, outer
        result = h.digest()
        self._memo[id(value)] = (value, result, tuple(shown))
        if part is not None:
            self.parts[part] = (result, self._memo[id(value)][2])
        return result

    def _feed(self, h: Any, value: Any) -> None:
        kind = type(value)  # exact types first: this runs for every value of every page
        if kind is str:
            data = value.encode("utf-8", "surrogatepass")
            h.update(b"s%d:" % len(data))
            h.update(data)
        elif kind in _PLAIN:
            h.update(b"v%r;" % value)
        elif kind is tuple or kind is list:
            h.update(b"l%d:" % len(value))
            for item in value:
                self._feed(h, item)
        elif kind is Entry or kind in self._fields:
            memo = self._memo.get(id(value))
            h.update(b"o")
            if memo is None:
                h.update(self.of(value))
            else:
                self._shown.update(memo[2])
                h.update(memo[1])
        elif kind is dict:
            self._feed_mapping(h, value)
        else:
            self._feed_other(h, value)

    def _feed_other(self, h: Any, value: Any) -> None:
        if isinstance(value, str):
            self._feed(h, str(value))
        elif value is None or isinstance(value, bool | int | float | dt.date | dt.timedelta):
            h.update(b"v%r;" % value)
        elif isinstance(value, Entry) or dataclasses.is_dataclass(value):
            h.update(b"o")
            h.update(self.of(value))
        elif isinstance(value, list | tuple):
            self._feed(h, list(value))
        elif isinstance(value, Mapping):
            self._feed_mapping(h, value)
        elif isinstance(value, set | frozenset):
            h.update(b"f%d:" % len(value))
            for digest in sorted(self.of(item) for item in value):
                h.update(digest)
        else:
            raise TypeError(f"cannot fingerprint {type(value).__name__}; pass plain data in page contexts")

    def _feed_mapping(self, h: Any, value: Mapping[Any, Any]) -> None:
        h.update(b"m%d:" % len(value))
        for key in sorted(value, key=repr):
            self._feed(h, key)
            self._feed(h, value[key])

    def _entry(self, h: Any, entry: Entry) -> None:
        """An entry is its file's bytes plus where links to it point (which other entries can change)."""
        site = self._site
        h.update(b"e")
        h.update(self._entry_digests.get(entry.id, b""))
        if entry.id in site.urls:
            self._feed(h, site.urls[entry.id])
            self._feed(h, site.link(entry.id))

    def _field_names(self, kind: type) -> tuple[str, ...]:
        names = self._fields.get(kind)
        if names is None:
            names = self._fields[kind] = tuple(f.name for f in dataclasses.fields(kind))
        return names
