"""Fingerprints of rendering inputs: equal fingerprints mean equal output bytes.

A page's fingerprint covers its template (with everything it extends or
includes), the config sections pages read, and its context. Entries are
fingerprinted by their file's hash and where links to them point, so an
edit to one entry changes exactly the fingerprints of the pages that show it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

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


class Fingerprinter:
    """Hashes context values; results for long-lived objects are memoised per build.

    Plain values are fed straight into their container's hash (tagged and
    length-prefixed, so different values never collide by concatenation);
    entries and dataclass objects get a digest of their own, computed once.
    """

    def __init__(self, site: Site, entry_digests: Mapping[str, Digest]) -> None:
        self._site = site
        self._entry_digests = entry_digests
        self._memo: dict[int, tuple[object, Digest]] = {}  # keeps objects alive so ids stay unique
        self._fields: dict[type, tuple[str, ...]] = {}

    def of(self, value: Any) -> Digest:
        memo = self._memo.get(id(value))
        if memo is not None:
            return memo[1]
        h = hashlib.blake2b(digest_size=16)
        if isinstance(value, Entry):
            self._entry(h, value)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            self._feed(h, type(value).__qualname__)
            for name in self._field_names(type(value)):
                self._feed(h, getattr(value, name))
        else:
            self._feed(h, value)
            return h.digest()  # transient containers are not memoised: their ids get reused
        result = h.digest()
        self._memo[id(value)] = (value, result)
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
            h.update(memo[1] if memo is not None else self.of(value))
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
