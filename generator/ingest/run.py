"""Ingest many pages: read each file, build its entries, and write the ones that changed.

I/O happens here and in `write`; everything it calls before that is pure.
Reading and cleaning pages is spread over the cores; deciding what to write
and writing it stay in this process, page by page in order, so a story met
on several pages is written exactly as a single process would write it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from generator.ingest.article import Draft
from generator.ingest.document import NO_OVERRIDES, Document, Overrides, ingest_document
from generator.ingest.html.detect import SUFFIXES as HTML_SUFFIXES
from generator.ingest.html.detect import gunzip, is_gzip
from generator.ingest.located import Located, locate
from generator.ingest.page import PageFailure
from generator.ingest.rules import Rule, RuleSet, SlowPattern, build_rules
from generator.ingest.tidy import writing
from generator.ingest.write import Planned, added_of, entry_path, plan, read_existing, render, write_atomic
from generator.parallel import chunk_ranges, fan_out

if TYPE_CHECKING:
    from distributed import Client

PageStatus = Literal["ingested", "unchanged", "skipped", "failed"]
PAGE_SUFFIXES = (".txt", *HTML_SUFFIXES)
PARALLEL_MIN = 64  # pages before forking pays off
CHUNK = 16  # pages per unit of parallel work


@dataclass(frozen=True, slots=True)
class Outcome:
    path: Path | str  # a file, or a URL
    status: PageStatus
    reason: str | None = None
    entries: tuple[Planned, ...] = ()
    origins: tuple[dict[str, Any], ...] = ()  # each entry's provenance, parallel to entries
    problems: tuple[str, ...] = ()  # parts read but not ingested (a feed's broken items), one line each


@dataclass(slots=True)
class Summary:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("ingested", "unchanged", "skipped", "failed"), 0))

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1

    def describe(self, written: bool = True) -> str:
        """`3 pages: 2 ingested, …`; with nothing written, `2 would ingest`."""
        total = sum(self.counts.values())
        parts = ", ".join(f"{n} {said(name, written)}" for name, n in self.counts.items())
        return f"{total} page{'s' if total != 1 else ''}: {parts}"


def said(status: str, written: bool) -> str:
    """A page status as reported: a run that writes nothing only would ingest."""
    return status if written or status != "ingested" else "would ingest"


def page_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the page files below folders (sorted, hidden names skipped)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.name.lower().endswith(PAGE_SUFFIXES) and p.is_file() and not _hidden(p.relative_to(path)))
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def read_raw(path: Path, max_bytes: int) -> bytes:
    """The page's bytes; PageFailure when it cannot or should not be read."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise PageFailure(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (raise ingest.max_bytes in config.yaml)")
        data = path.read_bytes()
    except OSError as exc:
        raise PageFailure(f"cannot read file: {exc.strerror or exc}") from None
    try:  # a saved page may be gzip-compressed (.html.gz)
        return gunzip(data, max_bytes) if is_gzip(data) else data
    except ValueError as exc:
        raise PageFailure(str(exc)) from None


@dataclass(frozen=True, slots=True)
class Prepared:
    """A page cleaned into entries and their file texts, or why it could not be.

    Only this crosses from a worker: not the page's labelled lines, which
    took as long to pickle as the page took to clean.
    """

    path: Path | str
    drafts: tuple[Draft, ...] = ()
    paths: tuple[Path, ...] = ()  # parallel to drafts, relative to the content folder
    texts: tuple[str, ...] = ()  # parallel to drafts
    origins: tuple[dict[str, Any], ...] = ()  # parallel to drafts
    failure: str | None = None
    problems: tuple[str, ...] = ()
    stable_ids: bool = False


def ingest_files(
    files: Sequence[Path],
    rules: RuleSet,
    content_dir: Path,
    max_bytes: int,
    now: dt.datetime,
    write: bool,
    workers: int | None = None,
    cluster: Client | None = None,
) -> Iterator[Outcome]:
    """An Outcome per file, in order; with `write`, new and updated entries are written as they come.

    Pages are cleaned on `workers` local cores, or on the Dask `cluster`
    when given; either way the entries are written here, in file order.
    Entries are found by id wherever they are in content/ (see located);
    a writing run first removes the temp files killed runs left (see tidy).
    """
    located = locate(content_dir)
    reads = _read_on_cluster(files, rules, max_bytes, now, cluster) if cluster else _read_all(files, rules, max_bytes, now, workers)
    with writing(content_dir, located.temps) if write else contextlib.nullcontext(0):
        for read in reads:
            if read.failure is not None:
                yield Outcome(read.path, "failed", read.failure)
                continue
            yield write_read(read, content_dir, now, write, located)


def write_read(read: Prepared, content_dir: Path, now: dt.datetime, write: bool, located: Located | None = None) -> Outcome:
    """Plan a document's entries against content/ and, with `write`, write the new and updated ones.

    `located` is content/'s index for the run (walked here when not given).
    """
    planned = tuple(_plan(read, content_dir, now, located or locate(content_dir)))
    if write:
        for entry in planned:
            if entry.status in ("new", "updated"):
                write_atomic(content_dir / entry.path, entry.text)
    return Outcome(read.path, _page_status(planned), entries=planned, origins=read.origins, problems=read.problems)


def _read_all(files: Sequence[Path], rules: RuleSet, max_bytes: int, now: dt.datetime, workers: int | None) -> Iterator[Prepared]:
    """_read of every file, in order, on `workers` cores (all by default) when there are many."""

    def read_chunk(indices: range) -> tuple[int, list[Prepared]]:
        return indices.start, [_read(files[i], rules, max_bytes, now) for i in indices]

    chunks = chunk_ranges(len(files), CHUNK)
    workers = (workers or os.cpu_count() or 1) if len(files) >= PARALLEL_MIN else 1
    # The first chunk here, before forking: what every page needs (the language
    # model, the rules for common first characters) is then loaded once and shared.
    yield from _in_order(itertools.chain(map(read_chunk, chunks[:1]), fan_out(read_chunk, chunks[1:], workers)))


@dataclass(frozen=True, slots=True)
class Loaded:
    """Consecutive pages from index `start`, read here: each one's bytes, or why it could not be read.

    What crosses to a cluster's worker, which need not see this machine's files.
    """

    start: int
    paths: tuple[Path, ...]
    raws: tuple[bytes | str, ...]  # parallel to paths: a str is the PageFailure reason
    user_rules: tuple[Rule, ...]  # config's boilerplate rules; the shipped ones the worker has
    now: dt.datetime


def _read_on_cluster(files: Sequence[Path], rules: RuleSet, max_bytes: int, now: dt.datetime, client: Client) -> Iterator[Prepared]:
    """_read of every file, in order: read here, cleaned on the cluster's workers (clean_loaded)."""
    from generator.cluster import on_cluster

    user = rules.rules[: rules.user]

    def load(indices: range) -> Loaded:
        chosen = tuple(files[i] for i in indices)
        return Loaded(indices.start, chosen, tuple(map(functools.partial(_raw_or_reason, max_bytes=max_bytes), chosen)), user, now)

    yield from _in_order(on_cluster(client, clean_loaded, map(load, chunk_ranges(len(files), CHUNK))))


def _raw_or_reason(path: Path, max_bytes: int) -> bytes | str:
    try:
        return read_raw(path, max_bytes)
    except PageFailure as exc:
        return str(exc)


def clean_loaded(loaded: Loaded) -> tuple[int, list[Prepared]]:
    """The worker's job on a cluster, pure: pages in, cleaned entries (or failures) out."""
    rules = _rules_for(loaded.user_rules)
    pages = zip(loaded.paths, loaded.raws, strict=True)
    return loaded.start, [Prepared(path, failure=raw) if isinstance(raw, str) else _clean(path, raw, rules, loaded.now) for path, raw in pages]


@functools.lru_cache(maxsize=8)  # one rule set per config a worker serves, compiled once
def _rules_for(user: tuple[Rule, ...]) -> RuleSet:
    return build_rules(user)


def _in_order(results: Iterable[tuple[int, list[Prepared]]]) -> Iterator[Prepared]:
    """The pages of chunks (start index, pages) that come roughly in order, in order."""
    waiting: dict[int, list[Prepared]] = {}  # chunks done ahead of an earlier one
    start = 0
    for first, done in results:
        waiting[first] = done
        while start in waiting:
            ready = waiting.pop(start)
            start += len(ready)
            yield from ready


def _read(path: Path, rules: RuleSet, max_bytes: int, now: dt.datetime) -> Prepared:
    raw = _raw_or_reason(path, max_bytes)
    return Prepared(path, failure=raw) if isinstance(raw, str) else _clean(path, raw, rules, now)


def _clean(path: Path, raw: bytes, rules: RuleSet, now: dt.datetime) -> Prepared:
    try:
        return read_document(path, Document(raw, path.name), rules, now)
    except PageFailure as exc:
        return Prepared(path, failure=str(exc))
    except SlowPattern as exc:
        raise SlowPattern(exc.patterns, exc.line, str(path)) from None


def read_document(path: Path | str, doc: Document, rules: RuleSet, now: dt.datetime, overrides: Overrides = NO_OVERRIDES) -> Prepared:
    """A document's entries with their file paths and texts; PageFailure when it has none."""
    got = ingest_document(doc, rules, overrides)
    drafts = got.drafts
    texts = tuple(render(d, now, origin) for d, origin in zip(drafts, got.origins, strict=True))
    return Prepared(path, drafts, tuple(map(entry_path, drafts)), texts, got.origins, problems=got.problems, stable_ids=got.stable_ids)


def _plan(read: Prepared, content_dir: Path, now: dt.datetime, located: Located) -> Iterator[Planned]:
    for draft, path, text, origin in zip(read.drafts, read.paths, read.texts, read.origins, strict=True):
        where, existing = _existing(content_dir, path, draft.id, located)
        planned = plan(draft, where, text, existing)
        # An id from the source (a feed's guid) finds its entry even if its title or date changed,
        # and an updated item keeps its place in the digest (its first `added`).
        added = added_of(existing) if read.stable_ids and planned.status == "updated" and existing else None
        yield replace(planned, text=render(draft, added, origin)) if added and added != now else planned


def _existing(content_dir: Path, path: Path, entry_id: str, located: Located) -> tuple[Path, str | None]:
    """Where the entry is and its text: at `path`, else wherever it was moved or renamed to (by hand, or by a retitled source)."""
    existing = read_existing(content_dir / path)
    found = located.find(entry_id) if existing is None else None
    return found or (path, existing)


def _page_status(entries: tuple[Planned, ...]) -> PageStatus:
    statuses = {e.status for e in entries}
    if statuses & {"new", "updated"}:
        return "ingested"
    return "skipped" if "edited" in statuses else "unchanged"
