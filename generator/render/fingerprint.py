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


def digest_bytes(*parts: bytes) -> Digest:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.digest()


class Fingerprinter:
    """Hashes context values; results for long-lived objects are memoised per build."""

    def __init__(self, site: Site, entry_digests: Mapping[str, Digest]) -> None:
        self._site = site
        self._entry_digests = entry_digests
        self._memo: dict[int, tuple[object, Digest]] = {}  # keeps objects alive so ids stay unique

    def of(self, value: Any) -> Digest:
        if isinstance(value, str):
            return digest_bytes(b"s", value.encode("utf-8", "surrogatepass"))
        if value is None or isinstance(value, bool | int | float | dt.date | dt.timedelta):
            return digest_bytes(b"v", repr(value).encode())
        memo = self._memo.get(id(value))
        if memo is not None:
            return memo[1]
        result = self._compute(value)
        if isinstance(value, Entry) or dataclasses.is_dataclass(value):
            self._memo[id(value)] = (value, result)
        return result

    def _compute(self, value: Any) -> Digest:
        if isinstance(value, Entry):
            site = self._site
            return digest_bytes(
                b"e",
                self._entry_digests.get(value.id, b""),
                site.urls.get(value.id, "").encode(),
                site.link(value.id).encode() if value.id in site.urls else b"",
            )
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            names = [f.name for f in dataclasses.fields(value)]
            return digest_bytes(b"d", type(value).__qualname__.encode(), *(self.of(getattr(value, n)) for n in names))
        if isinstance(value, list | tuple):
            return digest_bytes(b"l", *(self.of(v) for v in value))
        if isinstance(value, Mapping):
            return digest_bytes(b"m", *(self.of(k) + self.of(v) for k, v in sorted(value.items(), key=lambda kv: repr(kv[0]))))
        if isinstance(value, set | frozenset):
            return digest_bytes(b"f", *sorted(self.of(v) for v in value))
        raise TypeError(f"cannot fingerprint {type(value).__name__}; pass plain data in page contexts")
