"""Read every entry file under `content/`, collecting problems instead of stopping.

With a build cache, a file whose size and mtime are unchanged is not read
again; a file whose mtime is too recent to trust (it may have changed within
the filesystem's timestamp granularity) is re-hashed, and parsed only if its
bytes changed.
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.cache import BuildCache, CachedFile, EntryRowWriter, dumps, loads
from generator.entries.model import Entry
from generator.entries.parse import EntryError, parse_entry
from generator.parallel import chunk_ranges, fan_out, processes
from generator.problems import Problem

SUFFIXES = (".md", ".markdown")
PARALLEL_MIN = 500  # files to read before forking pays off
CHUNK = 100  # files per unit of parallel reading
BULK_STALE = 500  # cached files read from their rows (changed since the bulk file) past which it is written again


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
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then tells what it is.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        with open(fd, "rb") as handle:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block the read or never end
                raise EntryError(Problem(display, "not a regular file (a pipe, socket or device)", hint="move it out of the content folder"))
            if info.st_size > max_bytes:
                message = f"file is {info.st_size:,} bytes, over the {max_bytes:,}-byte limit"
                raise EntryError(Problem(display, message, hint="raise build.max_entry_bytes in config.yaml"))
            data = handle.read()
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


def load_entries(
    content_dir: Path,
    tz: ZoneInfo,
    max_bytes: int,
    cache: BuildCache | None = None,
    trust_before_ns: int = 0,
    workers: int | None = None,
    files: Sequence[tuple[str, os.DirEntry[str]]] | None = None,
) -> Loaded:
    """Load all entries; every bad file becomes a Problem and the rest still load.

    With a cache, unchanged files are taken from it: their parsed forms are
    streamed out of SQLite one row at a time, and new ones written in batches,
    so memory holds the entries, not a second copy of them. Files are read
    and parsed in chunks, on every core when there are many. `files`: what
    entry_files listed moments ago, stats cached (the build's no-change check
    made them), so the folder is not scanned twice.
    """
    known = cache.entry_stats() if cache is not None else {}
    root = content_dir.resolve()
    order: list[str] = []
    results: dict[str, ParseResult] = {}
    digests: dict[str, bytes] = {}
    reuse: set[str] = set()
    todo: list[_ToRead] = []
    for rel, item in entry_files(content_dir) if files is None else files:
        order.append(rel)
        try:
            if item.is_symlink():
                check_link(Path(item.path), Path(rel), root)
            info = item.stat()
        except EntryError as exc:
            results[rel] = exc.problems
            continue
        except OSError as exc:
            results[rel] = [Problem(Path(rel), f"cannot read file: {exc.strerror or exc}")]
            continue
        row = known.get(rel)
        if row and (row.size, row.mtime_ns) == (info.st_size, info.st_mtime_ns) and info.st_mtime_ns < trust_before_ns and not item.is_symlink():
            reuse.add(rel)
            digests[rel] = row.digest
        else:
            todo.append(_ToRead(rel, item.path, info.st_size, info.st_mtime_ns, row.digest if row else None))
    loaded, from_rows = Loaded(), 0
    read_chunk = functools.partial(_read_chunk, todo, tz, max_bytes)
    with EntryRowWriter(cache) as rows:
        for indices, outcomes in fan_out(read_chunk, chunk_ranges(len(todo), CHUNK), processes(workers, len(todo), PARALLEL_MIN)):
            for read, outcome in zip((todo[i] for i in indices), outcomes, strict=True):
                if isinstance(outcome, list):  # unreadable: not cached, read again next time
                    results[read.rel] = outcome
                    continue
                digests[read.rel], payload = outcome
                if payload is None:  # same bytes as the cached parse
                    reuse.add(read.rel)
                    rows.touch(read.rel, read.size, read.mtime_ns)
                    continue
                results[read.rel] = loads(payload)  # type: ignore[assignment]
                rows.add(read.rel, CachedFile(read.size, read.mtime_ns, digests[read.rel], payload))
                loaded.parsed += 1
        if cache is not None:
            from_rows = _from_cache(cache, reuse, digests, results)
            present = set(order)
            rows.remove(p for p in known if p not in present)
    if cache is not None and (not reuse or from_rows == len(reuse) or from_rows > max(BULK_STALE, len(order) // 20)):  # none, or too old
        cache.set_entry_bulk([(rel, digests[rel], results[rel]) for rel in order if rel in digests and rel in results])
    _assemble(loaded, order, results, digests)
    return loaded


def _from_cache(cache: BuildCache, reuse: set[str], digests: dict[str, bytes], results: dict[str, ParseResult]) -> int:
    """Put the cached parses of the `reuse` files into `results`: from the bulk file where it holds the same bytes, else from their rows.

    Returns how many came from rows: files changed since the bulk was
    written. Past BULK_STALE of them (or a twentieth), the bulk is written again.
    """
    bulk = cache.entry_bulk()
    rest: set[str] = set()
    for rel in reuse:
        hit = bulk.get(rel)
        if hit is not None and hit[0] == digests[rel]:
            results[rel] = hit[1]  # type: ignore[assignment]  # what the rows hold: a ParseResult
        else:
            rest.add(rel)
    rows = cache.entry_payloads() if len(rest) > BULK_STALE else cache.entry_payloads_of(rest).items()
    results.update((rel, loads(payload)) for rel, payload in rows if rel in rest)  # type: ignore[misc]
    return len(rest)


@dataclass(frozen=True, slots=True)
class _ToRead:
    rel: str
    path: str
    size: int
    mtime_ns: int
    cached: bytes | None  # hash of the bytes the cache parsed for this path, if any


# Per file read: its hash and its pickled parse result (None: the cached one still
# holds), or the problems that kept it from being read.
_Outcome = tuple[bytes, bytes | None] | list[Problem]


def _read_chunk(todo: Sequence[_ToRead], tz: ZoneInfo, max_bytes: int, indices: range) -> tuple[range, list[_Outcome]]:
    """Read, hash and parse some files (in a worker process when there are many).

    Results travel back pickled once: the same bytes go into the cache.
    """
    outcomes: list[_Outcome] = []
    for i in indices:
        item = todo[i]
        display = Path(item.rel)
        try:
            data = read_bytes(Path(item.path), display, max_bytes)
        except EntryError as exc:
            outcomes.append(exc.problems)
            continue
        digest = hashlib.blake2b(data, digest_size=16).digest()
        outcomes.append((digest, None if digest == item.cached else dumps(_parse_file(display, data, tz))))
    return indices, outcomes


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
