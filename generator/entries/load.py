"""Read every entry file under `content/`, collecting problems instead of stopping.

With a build cache, a file whose size and mtime are unchanged is not read
again; a file whose mtime is too recent to trust (it may have changed within
the filesystem's timestamp granularity) is re-hashed, and parsed only if its
bytes changed.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import Pool
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.cache import BuildCache, CachedFile, EntryRowWriter, dumps, loads
from generator.entries.model import Entry
from generator.entries.parse import EntryError, parse_entry
from generator.problems import Problem

SUFFIXES = (".md", ".markdown")


@dataclass(slots=True)
class Loaded:
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    digests: dict[str, bytes] = field(default_factory=dict)  # entry id → hash of its file
    parsed: int = 0  # files parsed this time rather than taken from the cache


def entry_files(content_dir: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Markdown files below `content_dir` as (path relative to it, directory entry).

    Sorted, hidden names skipped, symlinked folders not followed. Directory
    entries carry their type and cache their stat: one system call per file,
    which matters when a rebuild only has to check 100,000 of them.
    """

    def walk(folder: str, prefix: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
        with os.scandir(folder) as found:
            items = sorted((item for item in found if not item.name.startswith(".")), key=lambda item: item.name)
        folders = []
        for item in items:
            if item.is_dir(follow_symlinks=False):
                folders.append(item)
            elif item.name.endswith(SUFFIXES) and not _is_folder(item):
                yield prefix + item.name, item
        for item in folders:
            yield from walk(item.path, f"{prefix}{item.name}/")

    yield from walk(str(content_dir), "")


def _is_folder(item: os.DirEntry[str]) -> bool:
    try:
        return item.is_dir()
    except OSError:  # a symlink loop: listed as a file, then reported as a broken link
        return False


def read_bytes(path: Path, display: Path, max_bytes: int) -> bytes:
    """Read an entry file, refusing what cannot be an entry."""
    try:
        real = path.resolve(strict=True)
        if not real.is_file():  # a FIFO or device would block the read or never end
            raise EntryError(Problem(display, "not a regular file (a pipe, socket or device)", hint="move it out of the content folder"))
        size = real.stat().st_size
        if size > max_bytes:
            raise EntryError(Problem(display, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit", hint="raise build.max_entry_bytes in config.yaml"))
        data = real.read_bytes()
    except OSError as exc:
        raise EntryError(Problem(display, f"cannot read file: {exc.strerror or exc}")) from None
    if not data.strip():
        raise EntryError(Problem(display, "file is empty", hint="write front matter with `title` and `date`, or delete the file"))
    if b"\x00" in data:
        raise EntryError(Problem(display, "binary file, not a markdown entry", hint="move it out of the content folder"))
    return data


def decode(data: bytes, display: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise EntryError(Problem(display, f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", line, "re-save the file as UTF-8")) from None


ParseResult = Entry | list[Problem]


def _parse_file(display: Path, data: bytes, tz: ZoneInfo) -> ParseResult:
    try:
        return parse_entry(decode(data, display), display, tz)
    except EntryError as exc:
        return exc.problems


def check_link(path: Path, display: Path, root: Path) -> None:
    """A symlinked entry must lead to an existing file inside the content folder."""
    if not path.is_symlink():
        return
    target = Path(os.path.realpath(path))  # never raises, even on a loop
    if not target.is_relative_to(root):
        raise EntryError(
            Problem(display, "symlink points outside the content folder; refusing to read it", hint="copy the file into the content folder instead")
        )
    if not target.exists():
        raise EntryError(Problem(display, "broken symlink: its target does not exist or the links form a loop", hint="fix or delete the link"))


def load_entries(content_dir: Path, tz: ZoneInfo, max_bytes: int, cache: BuildCache | None = None, trust_before_ns: int = 0) -> Loaded:
    """Load all entries; every bad file becomes a Problem and the rest still load.

    With a cache, unchanged files are taken from it: their parsed forms are
    streamed out of SQLite one row at a time, and new ones written in batches,
    so memory holds the entries, not a second copy of them. Files to parse are
    parsed in batches, on every core when a batch is large.
    """
    known = cache.entry_stats() if cache is not None else {}
    root = content_dir.resolve()
    order: list[str] = []
    results: dict[str, ParseResult] = {}
    digests: dict[str, bytes] = {}
    reuse: set[str] = set()
    loaded = Loaded()
    with EntryRowWriter(cache) as rows, _BatchParser(tz) as parser:
        for rel, item in entry_files(content_dir):
            order.append(rel)
            try:
                if item.is_symlink():
                    check_link(Path(item.path), Path(rel), root)
                stat = item.stat()
                row = known.get(rel)
                if row and (row.size, row.mtime_ns) == (stat.st_size, stat.st_mtime_ns) and stat.st_mtime_ns < trust_before_ns and not item.is_symlink():
                    reuse.add(rel)
                    digests[rel] = row.digest
                    continue
                data = read_bytes(Path(item.path), Path(rel), max_bytes)
            except EntryError as exc:
                results[rel] = exc.problems
                continue
            except OSError as exc:
                results[rel] = [Problem(Path(rel), f"cannot read file: {exc.strerror or exc}")]
                continue
            digests[rel] = hashlib.blake2b(data, digest_size=16).digest()
            if row and row.digest == digests[rel]:
                reuse.add(rel)
                rows.touch(rel, stat.st_size, stat.st_mtime_ns)
            else:
                parser.add(_Pending(rel, Path(rel), data, stat.st_size, stat.st_mtime_ns, digests[rel]))
            if parser.full():
                loaded.parsed += parser.flush(results, rows)
        loaded.parsed += parser.flush(results, rows)
        loaded.parsed += parser.flush(results, rows)
        if cache is not None:
            results.update((rel, loads(payload)) for rel, payload in cache.entry_payloads() if rel in reuse)  # type: ignore[misc]
            present = set(order)
            rows.remove(p for p in known if p not in present)
    _assemble(loaded, order, results, digests)
    return loaded


@dataclass(frozen=True, slots=True)
class _Pending:
    rel: str
    display: Path
    data: bytes
    size: int
    mtime_ns: int
    digest: bytes


class _BatchParser:
    """Parses files in batches; a large batch goes to forked worker processes."""

    BATCH = 2000
    PARALLEL_MIN = 500

    def __init__(self, tz: ZoneInfo) -> None:
        self._tz = tz
        self._pending: list[_Pending] = []
        self._pool: Pool | None = None

    def __enter__(self) -> _BatchParser:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.terminate()

    def add(self, item: _Pending) -> None:
        self._pending.append(item)

    def full(self) -> bool:
        return len(self._pending) >= self.BATCH

    def flush(self, results: dict[str, ParseResult], rows: EntryRowWriter) -> int:
        """Parse what is pending into `results` and the cache rows; returns how many."""
        batch, self._pending = self._pending, []
        jobs = [(item.display, item.data, self._tz) for item in batch]
        workers = os.cpu_count() or 1
        if len(batch) >= self.PARALLEL_MIN and workers > 1:
            self._pool = self._pool or multiprocessing.get_context("fork").Pool(workers)
            parsed = self._pool.starmap(_parse_file, jobs, chunksize=64)
        else:
            parsed = [_parse_file(*job) for job in jobs]
        for item, result in zip(batch, parsed, strict=True):
            results[item.rel] = result
            rows.add(item.rel, CachedFile(item.size, item.mtime_ns, item.digest, dumps(result)))
        return len(batch)


def _assemble(loaded: Loaded, order: list[str], results: dict[str, ParseResult], digests: dict[str, bytes]) -> None:
    """Entries and problems in file order; the first file with an id keeps it."""
    seen_ids: dict[str, str] = {}
    for rel in order:
        result = results[rel]
        if isinstance(result, list):
            loaded.problems.extend(result)
            continue
        if result.id in seen_ids:
            loaded.problems.append(
                Problem(Path(rel), f"duplicate id {result.id!r}, already used by {seen_ids[result.id]}", hint="give each entry its own `id`")
            )
            continue
        seen_ids[result.id] = rel
        loaded.entries.append(result)
        loaded.digests[result.id] = digests[rel]
