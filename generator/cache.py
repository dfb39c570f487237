"""The build cache: an SQLite file beside the output folder.

It remembers, between builds,
- each entry file's parsed form, keyed by path and checked by size, mtime
  and (when the mtime is too recent to trust) a hash of its bytes;
- for each of the two output trees (the live site and its spare), which
  files it holds, with the fingerprint of their inputs and the hash of
  their bytes, so a build rewrites only what changed;
- results derived from all entries that are costly to work out again (the
  teaser matches), each under a key of exactly the inputs it depends on.

- which addresses each issue was mailed to (`digest mail`), one row per
  address written the moment its SMTP transaction succeeded.

Nothing here is precious but that last record: deleting the cache only makes
the next build cold, and lets `digest mail` send every issue again. Clearing
the cache (a new schema) leaves the record alone.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
from array import array
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA_VERSION = "5"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, digest BLOB, payload BLOB);
CREATE TABLE IF NOT EXISTS outputs (
    tree TEXT, path TEXT, fingerprint BLOB, digest BLOB, PRIMARY KEY (tree, path));
CREATE TABLE IF NOT EXISTS derived (name TEXT PRIMARY KEY, key BLOB NOT NULL, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS shingles (lead BLOB PRIMARY KEY, hashes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS mail_sent (issue TEXT, address TEXT, sent_at TEXT NOT NULL, PRIMARY KEY (issue, address));
"""


@dataclass(frozen=True, slots=True)
class CachedFile:
    """What the cache knows of one entry file."""

    size: int
    mtime_ns: int
    digest: bytes
    payload: bytes  # pickled parse result


@dataclass(frozen=True, slots=True)
class FileStat:
    """An entry file's identity as last seen: without its (large) parsed form."""

    size: int
    mtime_ns: int
    digest: bytes


@dataclass(frozen=True, slots=True)
class OutputRecord:
    fingerprint: bytes
    digest: bytes


class BuildCache:
    """A thin typed layer over the SQLite file; one instance per build."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._stats: dict[str, FileStat] | None = None
        if self.meta("schema") != SCHEMA_VERSION:
            self.clear()
            self.set_meta("schema", SCHEMA_VERSION)

    def close(self) -> None:
        self._db.close()

    def clear(self) -> None:
        with self.transaction():
            self._db.execute("DELETE FROM entries")
            self._db.execute("DELETE FROM outputs")
            self._db.execute("DELETE FROM derived")
            self._db.execute("DELETE FROM shingles")
            self._db.execute("DELETE FROM meta")
        self._stats = None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # meta

    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # entries

    def entry_stats(self) -> Mapping[str, FileStat]:
        """Every cached entry file's identity; read once per build (the no-change check and loading both need it)."""
        if self._stats is None:
            rows = self._db.execute("SELECT path, size, mtime_ns, digest FROM entries")
            self._stats = {path: FileStat(size, mtime, digest) for path, size, mtime, digest in rows}
        return self._stats

    def entry_payloads(self) -> Iterator[tuple[str, bytes]]:
        """Every cached parse result, streamed row by row.

        The cursor itself, not a generator over it: a generator left half-read by Ctrl-C would close the
        cursor when collected, after the build has closed the database, and print a traceback.
        """
        rows: Iterator[tuple[str, bytes]] = self._db.execute("SELECT path, payload FROM entries")
        return rows

    def entry_payloads_of(self, paths: Iterable[str]) -> dict[str, bytes]:
        """The cached parse results of these files (those the cache has)."""
        wanted = list(paths)
        found: dict[str, bytes] = {}
        for start in range(0, len(wanted), 500):  # SQLite caps the parameters of one statement
            batch = wanted[start : start + 500]
            marks = ",".join("?" * len(batch))
            found.update((path, bytes(payload)) for path, payload in self._db.execute(f"SELECT path, payload FROM entries WHERE path IN ({marks})", batch))
        return found

    def store_entry_files(self, changed: Iterable[tuple[str, CachedFile]], touched: Iterable[tuple[str, int, int]], removed: Iterable[str]) -> None:
        self._stats = None
        with self.transaction():
            self._db.executemany("DELETE FROM entries WHERE path = ?", ((p,) for p in removed))
            self._db.executemany("UPDATE entries SET size = ?, mtime_ns = ? WHERE path = ?", ((size, mtime, p) for p, size, mtime in touched))
            self._db.executemany(
                "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)",
                ((p, f.size, f.mtime_ns, f.digest, f.payload) for p, f in changed),
            )

    def drop_entries(self) -> None:
        self._stats = None
        self._db.execute("DELETE FROM entries")
        self._bulk_path.unlink(missing_ok=True)

    # every entry in one file besides the rows: a build reads them in one pass, not a row and an unpickling each

    @property
    def _bulk_path(self) -> Path:
        return self.path.with_name(self.path.name + ".entries")

    def entry_bulk(self) -> dict[str, tuple[bytes, object]]:
        """The parse results the last bulk write kept: path → (hash of the bytes parsed, result); {} when there are none."""
        try:
            with self._bulk_path.open("rb") as handle:
                items: list[tuple[str, bytes, object]] = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):  # none yet, or cut short by a crash: the rows hold them too
            return {}
        return {path: (digest, result) for path, digest, result in items}

    def set_entry_bulk(self, items: list[tuple[str, bytes, object]]) -> None:
        """Keep these (path, hash of the bytes parsed, result) in the bulk file, replaced whole (a temp file renamed over it)."""
        temp = self._bulk_path.with_name(self._bulk_path.name + ".tmp")
        with temp.open("wb") as handle:
            pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.fast = True  # no memo (it would hold every object written): entries share their words through _unpickled anyway
            pickler.dump(items)
        os.replace(temp, self._bulk_path)

    # derived results

    def derived(self, name: str, key: bytes) -> bytes | None:
        """The value stored under `name`, if it was derived from inputs with this key."""
        row = self._db.execute("SELECT value FROM derived WHERE name = ? AND key = ?", (name, key)).fetchone()
        return None if row is None else bytes(row[0])

    def set_derived(self, name: str, key: bytes, value: bytes) -> None:
        self._db.execute("INSERT OR REPLACE INTO derived VALUES (?, ?, ?)", (name, key, value))

    # shingles of body leads (story grouping), a row each: an edit writes one row, not every article's

    def use_shingles(self, key: str) -> None:
        """Keep the shingles only if they were made by code with this key (else they are dropped)."""
        if self.meta("shingles") != key:
            with self.transaction():
                self._db.execute("DELETE FROM shingles")
                self.set_meta("shingles", key)

    def shingle(self, lead: bytes) -> bytes | None:
        """One kept lead's shingle hashes."""
        row = self._db.execute("SELECT hashes FROM shingles WHERE lead = ?", (lead,)).fetchone()
        return None if row is None else bytes(row[0])

    def shingles(self) -> dict[bytes, bytes]:
        """Every kept lead's shingle hashes."""
        return {bytes(lead): bytes(hashes) for lead, hashes in self._db.execute("SELECT lead, hashes FROM shingles")}

    def shingle_leads(self) -> set[bytes]:
        return {bytes(lead) for (lead,) in self._db.execute("SELECT lead FROM shingles")}

    def update_shingles(self, added: Mapping[bytes, bytes], removed: Iterable[bytes]) -> None:
        with self.transaction():
            self._db.executemany("DELETE FROM shingles WHERE lead = ?", ((lead,) for lead in removed))
            self._db.executemany("INSERT OR REPLACE INTO shingles VALUES (?, ?)", added.items())

    # mail sent (never cleared with the rest)

    def mailed(self, issue: str) -> set[str]:
        """The addresses (as state.address_key gives them) this issue was sent to."""
        return {str(row[0]) for row in self._db.execute("SELECT address FROM mail_sent WHERE issue = ?", (issue,))}

    def record_mailed(self, issue: str, address: str, sent_at: str) -> None:
        """One address got the issue; committed at once, so an interrupted send resumes after it."""
        self._db.execute("INSERT OR REPLACE INTO mail_sent VALUES (?, ?, ?)", (issue, address, sent_at))

    # output trees

    def outputs(self, tree: str) -> dict[str, OutputRecord]:
        rows = self._db.execute("SELECT path, fingerprint, digest FROM outputs WHERE tree = ?", (tree,))
        return {path: OutputRecord(fp, digest) for path, fp, digest in rows}

    def output_differences(self, tree: str, base: str) -> dict[str, OutputRecord | None]:
        """Where tree `tree` differs from tree `base`: its own record, or None where it lacks a path `base` has.

        Two trees mostly agree (the spare is the live site of the build before), so
        the join runs inside SQLite and only the differences come through Python.
        """
        rows = self._db.execute(
            """SELECT t.path, t.fingerprint, t.digest FROM outputs t WHERE t.tree = ?1 AND NOT EXISTS
                   (SELECT 1 FROM outputs b WHERE b.tree = ?2 AND b.path = t.path AND b.fingerprint = t.fingerprint AND b.digest = t.digest)
               UNION ALL
               SELECT b.path, NULL, NULL FROM outputs b WHERE b.tree = ?2 AND NOT EXISTS
                   (SELECT 1 FROM outputs t WHERE t.tree = ?1 AND t.path = b.path)""",
            (tree, base),
        )
        return {path: None if fp is None else OutputRecord(fp, digest) for path, fp, digest in rows}

    def outputs_at(self, tree: str, paths: Iterable[str]) -> dict[str, OutputRecord | None]:
        """Tree `tree`'s records of these paths (None where it has none): for the few paths two trees are known to differ at."""
        query = "SELECT fingerprint, digest FROM outputs WHERE tree = ? AND path = ?"
        return {path: None if (row := self._db.execute(query, (tree, path)).fetchone()) is None else OutputRecord(*row) for path in paths}

    def count_outputs(self, tree: str) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM outputs WHERE tree = ?", (tree,)).fetchone()[0])

    def replace_outputs(self, tree: str, changed: dict[str, OutputRecord], removed: Iterable[str]) -> None:
        self._db.executemany("DELETE FROM outputs WHERE tree = ? AND path = ?", ((tree, p) for p in removed))
        self._db.executemany(
            "INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?)",
            ((tree, p, r.fingerprint, r.digest) for p, r in changed.items()),
        )

    def copy_outputs(self, source: str, target: str) -> None:
        """Record that tree `target` holds what `source` does (inside SQLite: no row comes through Python)."""
        self._db.execute("DELETE FROM outputs WHERE tree = ?", (target,))
        self._db.execute("INSERT INTO outputs SELECT ?, path, fingerprint, digest FROM outputs WHERE tree = ?", (target, source))

    def forget_tree(self, tree: str) -> None:
        with self.transaction():
            self._db.execute("DELETE FROM outputs WHERE tree = ?", (tree,))
            self._db.execute("DELETE FROM meta WHERE key IN (?, ?, ?, ?)", (f"tree:{tree}", f"dirty:{tree}", f"foreign:{tree}", f"differs:{tree}"))


class EntryRowWriter:
    """Collects entry rows and writes them in batches (or not at all without a cache)."""

    BATCH = 2000

    def __init__(self, cache: BuildCache | None) -> None:
        self._cache = cache
        self._changed: list[tuple[str, CachedFile]] = []
        self._touched: list[tuple[str, int, int]] = []
        self._removed: list[str] = []

    def __enter__(self) -> EntryRowWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.flush()

    def add(self, path: str, row: CachedFile) -> None:
        self._changed.append((path, row))
        if len(self._changed) >= self.BATCH:
            self.flush()

    def touch(self, path: str, size: int, mtime_ns: int) -> None:
        self._touched.append((path, size, mtime_ns))

    def remove(self, paths: Iterable[str]) -> None:
        self._removed.extend(paths)

    def flush(self) -> None:
        if self._cache is not None:
            self._cache.store_entry_files(self._changed, self._touched, self._removed)
        self._changed, self._touched, self._removed = [], [], []


def uint32s(data: bytes) -> array[int]:
    """An `array('I')` again, from the bytes of its tobytes() kept in the cache."""
    values = array("I")
    values.frombytes(data)
    return values


def dumps(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def loads(data: bytes) -> object:
    return pickle.loads(data)
