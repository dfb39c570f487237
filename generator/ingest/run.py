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
import hashlib
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from generator.ingest.article import Draft
from generator.ingest.clean.rules import Rule, RuleSet, SlowPattern, build_rules
from generator.ingest.document import NO_OVERRIDES, Document, Overrides, ingest_document
from generator.ingest.html.detect import SUFFIXES as HTML_SUFFIXES
from generator.ingest.html.detect import gunzip, is_gzip
from generator.ingest.learn.sitestore import SiteStore, Written
from generator.ingest.learn.template import NO_TEMPLATE, Sample, Template, of_page, site_of
from generator.ingest.located import Located, locate
from generator.ingest.page import PageFailure
from generator.ingest.tidy import writing
from generator.ingest.write import Planned, added_of, edited_by_hand, entry_path, plan, read_existing, render, write_atomic
from generator.parallel import chunk_ranges, fan_out, processes

if TYPE_CHECKING:
    from generator.cluster import Cluster

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
    recleaned: bool = False  # an earlier page cleaned again because its site's template grew


@dataclass(slots=True)
class Summary:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("ingested", "unchanged", "skipped", "failed"), 0))
    recleaned: int = 0

    def add(self, outcome: Outcome) -> None:
        if outcome.recleaned:
            self.recleaned += outcome.status == "ingested"
            return
        self.counts[outcome.status] += 1

    def describe(self, written: bool = True) -> str:
        """`3 pages: 2 ingested, …`; with nothing written, `2 would ingest`."""
        total = sum(self.counts.values())
        parts = ", ".join(f"{n} {said(name, written)}" for name, n in self.counts.items())
        pages = f"{total} page{'s' if total != 1 else ''}: {parts}"
        if not self.recleaned:
            return pages
        return f"{pages}; {self.recleaned} page{'s' if self.recleaned != 1 else ''} {'' if written else 'would be '}re-cleaned with the site template"


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
    raw: bytes = b""  # a text page's bytes, kept in the store to clean it again when its site's template grows
    sample: Sample | None = None


def ingest_files(
    files: Sequence[Path],
    rules: RuleSet,
    content_dir: Path,
    max_bytes: int,
    now: dt.datetime,
    write: bool,
    workers: int | None = None,
    cluster: Cluster | None = None,
) -> Iterator[Outcome]:
    """An Outcome per file, in order; with `write`, new and updated entries are written as they come.

    Pages are cleaned on `workers` local cores, or on the Dask `cluster`
    when given, with their site's template as it stood when the run began;
    either way the entries are written, and the store updated, here, in file
    order. Then the pages of every site whose template grew are cleaned again
    the same way (see _reclean_site). Entries are found by id wherever they
    are in content/ (see located); a writing run first removes the temp files
    killed runs left (see tidy).
    """
    located = locate(content_dir)
    root = content_dir.parent
    sites = [site_of(f, root) for f in files]
    with writing(content_dir, located.temps) if write else contextlib.nullcontext(0), SiteStore(content_dir, persist=write) as store:
        templates = {site: store.template(site) for site in set(sites)}  # as the workers clean with them
        jobs = Jobs(rules, max_bytes, now, sites, templates)
        reads = _read_on_cluster(files, jobs, cluster) if cluster else _read_all(files, jobs, workers)
        for read, site in zip(reads, sites, strict=True):
            if read.failure is not None:
                yield Outcome(read.path, "failed", read.failure)
                continue
            yield _learnt(read, site, content_dir, now, write, located, store)
        for site in sorted(set(sites)):
            yield from _reclean_site(site, jobs, content_dir, write, store, workers, cluster)


def _learnt(read: Prepared, site: str, content_dir: Path, now: dt.datetime, write: bool, located: Located, store: SiteStore) -> Outcome:
    """Record a page in its site's store, write its entries (replacing those last written from it where their ids changed), note them."""
    if read.sample is None:
        return write_read(read, content_dir, now, write, located)
    sha = hashlib.sha256(read.raw).hexdigest()
    store.record(site, sha, str(Path(read.path).resolve()), read.raw, read.sample)
    outcome = write_read(read, content_dir, now, write, located, store.written(sha))
    _done(store, sha, read, outcome)
    return outcome


def _reclean_site(site: str, jobs: Jobs, content_dir: Path, write: bool, store: SiteStore, workers: int | None, cluster: Cluster | None) -> Iterator[Outcome]:
    """The site's stored pages whose template lines changed, cleaned again; entries edited by hand stay as they are.

    Nothing to do while the site's template is the one its pages were last all
    cleaned with; a run killed half-way through leaves it unsettled, so the
    next run finishes the job.
    """
    if store.settled(site):
        return
    located = locate(content_dir)  # the entries this run wrote included
    counts = store.counts(site)
    stale = [(page, template) for page in store.pages(site) if frozenset(template := of_page(page.keys, counts)) != page.used]
    user = jobs.rules.rules[: jobs.rules.user]

    def load(indices: range) -> Loaded:
        chosen = stale[indices.start : indices.stop]
        raws = tuple(store.raw(p.sha) for p, _ in chosen)
        return Loaded(indices.start, tuple(Path(p.name) for p, _ in chosen), raws, user, jobs.now, tuple(t for _, t in chosen))

    loaded = map(load, chunk_ranges(len(stale), CHUNK))
    for (page, _), read in zip(stale, _clean_all(loaded, len(stale), workers, cluster), strict=True):
        if read.failure is not None:
            continue  # nothing but template now: its entries stay as they were
        outcome = write_read(read, content_dir, jobs.now, write, located, store.written(page.sha))
        _done(store, page.sha, read, outcome)
        yield replace(outcome, recleaned=True)
    store.settle(site)


def _done(store: SiteStore, sha: str, read: Prepared, outcome: Outcome) -> None:
    if read.sample is None:
        return
    kept = tuple(Written(e.draft.kind, e.draft.id, e.draft.title) for e in outcome.entries if e.status != "removed")
    store.done(sha, read.sample.used, kept)


def write_read(read: Prepared, content_dir: Path, now: dt.datetime, write: bool, located: Located | None = None, previous: tuple[Written, ...] = ()) -> Outcome:
    """Plan a document's entries against content/ and, with `write`, write the new and updated ones.

    `located` is content/'s index for the run (walked here when not given); `previous`: the entries
    last written from the same page, which the new ones replace where their ids changed.
    """
    planned = tuple(_plan(read, content_dir, now, located or locate(content_dir), previous))
    if write:
        for entry in planned:
            if entry.status in ("new", "updated"):
                write_atomic(content_dir / entry.path, entry.text)
            if entry.status == "removed" or (entry.status == "updated" and entry.replaces):
                (content_dir / (entry.replaces or entry.path)).unlink(missing_ok=True)
    return Outcome(read.path, _page_status(planned), entries=planned, origins=read.origins, problems=read.problems)


@dataclass(frozen=True, slots=True)
class Jobs:
    """What cleaning a run's pages takes besides their bytes."""

    rules: RuleSet
    max_bytes: int
    now: dt.datetime
    sites: Sequence[str]  # parallel to the run's files
    templates: Mapping[str, Template]  # each site's, as the run began

    def template(self, index: int) -> Template:
        return self.templates.get(self.sites[index], NO_TEMPLATE)


def _read_all(files: Sequence[Path], jobs: Jobs, workers: int | None) -> Iterator[Prepared]:
    """_read of every file, in order, on `workers` cores (all by default) when there are many."""

    def read_chunk(indices: range) -> tuple[int, list[Prepared]]:
        return indices.start, [_read(files[i], jobs.rules, jobs.max_bytes, jobs.now, jobs.template(i)) for i in indices]

    chunks = chunk_ranges(len(files), CHUNK)
    workers = processes(workers, len(files), PARALLEL_MIN)
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
    templates: tuple[Template, ...] = ()  # parallel to paths: each page's site template


def _read_on_cluster(files: Sequence[Path], jobs: Jobs, cluster: Cluster) -> Iterator[Prepared]:
    """_read of every file, in order: read here, cleaned on the cluster's workers (clean_loaded)."""
    user = jobs.rules.rules[: jobs.rules.user]

    def load(indices: range) -> Loaded:
        chosen = tuple(files[i] for i in indices)
        raws = tuple(map(functools.partial(_raw_or_reason, max_bytes=jobs.max_bytes), chosen))
        return Loaded(indices.start, chosen, raws, user, jobs.now, tuple(map(jobs.template, indices)))

    return _clean_all(map(load, chunk_ranges(len(files), CHUNK)), len(files), None, cluster)


def _clean_all(loaded: Iterable[Loaded], pages: int, workers: int | None, cluster: Cluster | None) -> Iterator[Prepared]:
    """clean_loaded of every chunk, its pages in order: on the cluster, else on `workers` local cores when there are many."""
    if cluster is not None:
        from generator.cluster import on_cluster

        return _in_order(on_cluster(cluster, clean_loaded, loaded))
    return _in_order(fan_out(clean_loaded, loaded, processes(workers, pages, PARALLEL_MIN)))


def _raw_or_reason(path: Path, max_bytes: int) -> bytes | str:
    try:
        return read_raw(path, max_bytes)
    except PageFailure as exc:
        return str(exc)


def clean_loaded(loaded: Loaded) -> tuple[int, list[Prepared]]:
    """The worker's job on a cluster, pure: pages in, cleaned entries (or failures) out."""
    rules = _rules_for(loaded.user_rules)
    templates = loaded.templates or (NO_TEMPLATE,) * len(loaded.paths)
    pages = zip(loaded.paths, loaded.raws, templates, strict=True)
    return loaded.start, [Prepared(path, failure=raw) if isinstance(raw, str) else _clean(path, raw, rules, loaded.now, t) for path, raw, t in pages]


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


def _read(path: Path, rules: RuleSet, max_bytes: int, now: dt.datetime, template: Template) -> Prepared:
    raw = _raw_or_reason(path, max_bytes)
    return Prepared(path, failure=raw) if isinstance(raw, str) else _clean(path, raw, rules, now, template)


def _clean(path: Path, raw: bytes, rules: RuleSet, now: dt.datetime, template: Template) -> Prepared:
    try:
        return read_document(path, Document(raw, path.name), rules, now, template=template)
    except PageFailure as exc:
        return Prepared(path, failure=str(exc))
    except SlowPattern as exc:
        raise SlowPattern(exc.patterns, exc.line, str(path)) from None


def read_document(
    path: Path | str, doc: Document, rules: RuleSet, now: dt.datetime, overrides: Overrides = NO_OVERRIDES, template: Template = NO_TEMPLATE
) -> Prepared:
    """A document's entries with their file paths and texts; PageFailure when it has none."""
    got = ingest_document(doc, rules, overrides, template)
    drafts = got.drafts
    texts = tuple(render(d, now, origin) for d, origin in zip(drafts, got.origins, strict=True))
    raw = doc.data if got.sample is not None else b""
    paths = tuple(map(entry_path, drafts))
    return Prepared(path, drafts, paths, texts, got.origins, problems=got.problems, stable_ids=got.stable_ids, raw=raw, sample=got.sample)


def _plan(read: Prepared, content_dir: Path, now: dt.datetime, located: Located, previous: tuple[Written, ...]) -> Iterator[Planned]:
    ids = {d.id for d in read.drafts}
    stale = [w for w in previous if w.id not in ids]  # the page's entries under ids it no longer gives
    for draft, path, text, origin in zip(read.drafts, read.paths, read.texts, read.origins, strict=True):
        where, existing = _existing(content_dir, path, draft.id, located)
        former = _former(draft, stale) if existing is None else None
        if former is not None and (found := located.find(former.id)) is not None:
            stale.remove(former)
            yield _replacing(draft, found, origin, now)
            continue
        planned = plan(draft, where, text, existing)
        # An id from the source (a feed's guid) finds its entry even if its title or date changed,
        # and an updated item keeps its place in the digest (its first `added`).
        added = added_of(existing) if read.stable_ids and planned.status == "updated" and existing else None
        yield replace(planned, text=render(draft, added, origin)) if added and added != now else planned
    for old in stale:  # what the page no longer yields (a chrome list read as teasers) goes, unless edited
        if (found := located.find(old.id)) is not None:
            gone = Draft(kind="teaser" if old.kind == "teaser" else "article", id=old.id, title=old.title)
            yield Planned(gone, found[0], found[1], "edited" if edited_by_hand(found[1]) else "removed")


def _former(draft: Draft, stale: list[Written]) -> Written | None:
    """The entry this draft was before the page was cleaned again: the article, or the teaser of that title."""
    return next((w for w in stale if w.kind == draft.kind and (draft.kind == "article" or w.title == draft.title)), None)


def _replacing(draft: Draft, found: tuple[Path, str], origin: dict[str, Any], now: dt.datetime) -> Planned:
    """The draft in the place of its former entry (in the folder it is in, keeping its `added`), unless that was edited by hand."""
    where, text = found
    if edited_by_hand(text):
        return Planned(draft, where, text, "edited")
    path = where.parent / entry_path(draft).name
    return Planned(draft, path, render(draft, added_of(text) or now, origin), "updated", replaces=where if path != where else None)


def _existing(content_dir: Path, path: Path, entry_id: str, located: Located) -> tuple[Path, str | None]:
    """Where the entry is and its text: at `path`, else wherever it was moved or renamed to (by hand, or by a retitled source)."""
    existing = read_existing(content_dir / path)
    found = located.find(entry_id) if existing is None else None
    return found or (path, existing)


def _page_status(entries: tuple[Planned, ...]) -> PageStatus:
    statuses = {e.status for e in entries}
    if statuses & {"new", "updated", "removed"}:
        return "ingested"
    return "skipped" if "edited" in statuses else "unchanged"
