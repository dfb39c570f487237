"""The build pipeline: content/ → entries → site structure → outputs → site/.

A build plans every output file with a fingerprint of its inputs, renders
only the outputs whose fingerprint differs from the live site's, brings the
spare tree up to date and swaps it in (see generator.output). When no input
changed at all, it stops after a scan of file sizes and times.

When only entries' bodies changed since the last complete build (same
files, same ids, titles, dates, sources, tags, ..., same stories), the site
has the same structure, so every output shows the same entries as before:
the structure is the last build's, refilled with the entries loaded now
(see remembered.kept_site), and only the outputs showing a changed entry,
found in the job index the last build left (entry → outputs), are
fingerprinted again; the others keep their fingerprints (see `reusable`).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import msgspec

from generator.cache import BuildCache, OutputRecord, loads
from generator.config import Config
from generator.entries.load import entry_files, load_entries
from generator.entries.model import Entry
from generator.faults import each, reached
from generator.output import (
    Trees,
    adopt_marker,
    check_output_dir,
    delete_file,
    link_file,
    link_tree,
    new_tree,
    read_token,
    swap_in,
    tree_files,
    write_file,
)
from generator.parallel import Running, collector_paused, frozen_heap, in_background
from generator.problems import ConfigError, DigestError, OutputError, Problem
from generator.remembered import body_changes, keep_site, kept_site, once, remembered_matches, remembered_stories, remembered_template_keys
from generator.render import engine
from generator.render.engine import Job
from generator.render.fingerprint import Fingerprinter, JobIndex, Reuse, digest_bytes
from generator.structure.matching import match_teasers
from generator.structure.site import Site, build_site
from generator.structure.stories import group_stories

# A cached stat is trusted only for files older than the previous scan by this margin:
# a file rewritten within the same timestamp tick keeps its size and mtime.
RACY_MARGIN_NS = 2_000_000_000
# Past this many changed files, comparing each with its cached parse costs more than fingerprinting every output.
MAX_COMPARED = 1000

Progress = Callable[[int, int], None]  # (done, total)
EntryFile = tuple[str, os.DirEntry[str]]  # as entry_files lists them


@dataclass(slots=True)
class BuildResult:
    written: int = 0  # files written into the new site
    unchanged: int = 0  # files kept as they were
    removed: int = 0  # files of the previous site no longer produced
    rendered: int = 0  # outputs rendered (some may have come out byte-identical)
    fingerprinted: int = 0  # jobs whose fingerprint was worked out (the others kept the last build's)
    nothing_to_do: bool = False
    warnings: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)  # bad entries left out with --keep-going


@dataclass(frozen=True, slots=True)
class Collected:
    site: Site
    problems: list[Problem]  # every bad entry
    digests: dict[str, bytes]  # entry id → hash of its file
    entries: list[Entry] = field(default_factory=list)  # every loaded entry, drafts too
    kept: bool = False  # the site structure is the last build's (see remembered.kept_site)
    # Path → entry then and now, for the files that may have changed since the last complete build, when they
    # differ at most in their bodies (see remembered.body_changes); None when unknown or when they differ in more.
    changes: Mapping[str, tuple[Entry, Entry]] | None = None


@dataclass(frozen=True, slots=True)
class Before:
    """What the last complete build read of the files that may have changed since (their stat says so)."""

    entries: dict[str, Entry | None]  # path → its entry then (None: not an entry, or not cached)
    digests: dict[str, bytes]  # path → hash of its bytes then


def collect(
    config: Config,
    cache: BuildCache | None = None,
    trust_before_ns: int = 0,
    workers: int | None = None,
    files: Sequence[EntryFile] | None = None,
    before: tuple[str, Before] | None = None,
) -> Collected:
    """Load and arrange the content, reporting every problem found.

    `files`: the entry files, if just listed; `before`: the environment key
    and what the last complete build read of the files that may have
    changed: its site structure is kept when it cannot have changed.
    """
    if not config.content_dir.is_dir():  # a mistyped paths.content must not publish an empty site
        hint = "create it (digest ingest writes there), or set paths.content in config.yaml"
        raise ConfigError(Problem(config.content_dir, "content folder not found", hint=hint))
    loaded = load_entries(config.content_dir, config.tz, config.build.max_entry_bytes, cache, trust_before_ns, workers, files)
    grouping = config.digest.story_grouping
    changed = before[1].entries.keys() if before is not None else None
    group = None if grouping is None else once(remembered_stories(cache, grouping, changed)) if cache is not None else partial(group_stories, config=grouping)
    pairs = body_changes(before[1].entries, loaded.entries) if before is not None and not loaded.problems else None
    kept = kept_site(cache, before[0], pairs, loaded.entries, group) if cache is not None and before is not None and pairs is not None else None
    if kept is not None:
        return Collected(kept, loaded.problems, loaded.digests, loaded.entries, kept=True, changes=pairs)
    match = remembered_matches(cache) if cache is not None else match_teasers
    site = build_site(loaded.entries, config.tz, config.digest.period, match, group)
    return Collected(site, loaded.problems, loaded.digests, loaded.entries, changes=pairs)


def build(config: Config, keep_going: bool = False, workers: int | None = None, progress: Progress | None = None) -> BuildResult:
    """Build the site into config.output_dir; on errors, leave the old site untouched."""
    trees = Trees(config.output_dir)
    check_output_dir(trees.live, protected=(config.path, config.content_dir, config.templates_dir))
    trees.state.mkdir(parents=True, exist_ok=True)
    with _locked(trees.state / "lock"):
        store = BuildCache(trees.cache_file)
        try:
            return _build(config, trees, store, keep_going, workers, progress)
        finally:
            store.close()


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One build per output folder at a time; a second one waits."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _build(config: Config, trees: Trees, store: BuildCache, keep_going: bool, workers: int | None, progress: Progress | None) -> BuildResult:
    scan_ns = time.time_ns()
    for tree in (trees.live, trees.spare):
        adopt_marker(tree)  # a site built before tokens moved out of the published files
    env_key = engine.environment_key(config).hex()
    trust_before = int(store.meta("scan_ns") or 0) - RACY_MARGIN_NS
    live_token = read_token(trees.live)
    files, before = None, None
    if live_token is not None and store.meta("complete") == f"{env_key}:{live_token}":
        unchanged, files, maybe_changed = _scan_inputs(config, store, trust_before)
        if unchanged:
            return BuildResult(unchanged=store.count_outputs(live_token), nothing_to_do=True)
        before = _before(store, maybe_changed, len(files))
    store.set_meta("complete", "")
    parse_key = digest_bytes(engine.code_key(), config.site.timezone.encode(), str(config.build.max_entry_bytes).encode()).hex()
    if store.meta("parse_key") != parse_key:
        store.drop_entries()
        store.set_meta("parse_key", parse_key)
    with ExitStack() as background:  # the spare is made ready while loading and planning go on
        prepared = _start_spare(trees, store, live_token, background)
        with collector_paused():  # loading makes long-lived objects, not garbage
            collected = collect(config, store, trust_before, workers, files, (env_key, before) if before is not None else None)
        reached("load")
        site, problems = collected.site, collected.problems
        if problems and not keep_going:
            raise DigestError(problems)
        with frozen_heap():  # entries and site live until the end: no collector passes over them
            renderer = engine.Renderer(site, config, trees.state / "templates")
            shape = stories_key(site)
            with collector_paused():  # planning, too, makes the long-lived jobs and index, and garbage without cycles
                index_key = _index_key(env_key, shape)
                saved_index = _saved_index(store, index_key) if before is not None and not problems else None
                reuse = reusable(saved_index, collected, before) if saved_index is not None and before is not None else None
                fp = Fingerprinter(site, collected.digests, reuse)
                plan = engine.plan(site, config, collected.digests, remembered_template_keys(config, store, env_key), renderer, store, fp, workers)
                index, fingerprinted = fp.index(), len(fp.jobs)
                del fp  # its memo holds every value it hashed: free it before the render workers fork
            with engine.search_stopped_on_failure(plan.search):
                result = _sync(plan, renderer, trees, store, prepared, live_token, workers, progress)
    result.warnings, result.skipped, result.fingerprinted = list(site.warnings), problems, fingerprinted
    complete = "" if problems else f"{env_key}:{read_token(trees.live)}"
    with store.transaction():
        store.set_meta("scan_ns", str(scan_ns))
        store.set_meta("complete", complete)
        if complete:
            jobs, fingerprints = index.encode()
            if saved_index is None or jobs != saved_index[0]:  # a body edit's jobs show what they showed: not written again
                store.set_derived("jobs", index_key, jobs)
            store.set_derived("job_fingerprints", index_key, fingerprints)
            keep_site(store, env_key, site, collected.kept)
    return result


class Differences(msgspec.Struct, frozen=True):
    """Where a tree differs from tree `base` as it is now, kept in the cache for the build that finds them live and spare."""

    base: str
    paths: list[str]


def _differences(base: str | None, paths: list[str]) -> str:
    """Differences as the cache keeps them; "" (unknown) when too many to keep."""
    return msgspec.json.encode(Differences(base, sorted(paths))).decode() if base and len(paths) <= MAX_COMPARED else ""


def _index_key(env_key: str, shape: bytes) -> bytes:
    """What the job index is valid for: code, config and templates, the stories, and the Pagefind its shards came from.

    That it describes the last complete build, the cache's `complete` mark
    says: a build clears it first, and sets it with the index in one transaction.
    """
    from generator.render.search import pagefind_version  # here: a no-change build never plans, and skips the import

    return digest_bytes(env_key.encode(), shape, pagefind_version().encode())


def stories_key(site: Site) -> bytes:
    """A hash of the stories found: the one part of the site structure that entries' bodies decide."""
    return digest_bytes(msgspec.msgpack.encode(sorted((entry_id, story.ids) for entry_id, story in site.stories.items())))


def _before(store: BuildCache, maybe_changed: list[str], count: int) -> Before | None:
    """The cached parses of the files that may have changed; None if files came or went, or too many changed."""
    known = store.entry_stats()
    if count != len(known) or len(maybe_changed) > MAX_COMPARED or any(rel not in known for rel in maybe_changed):
        return None
    parsed = {rel: loads(payload) for rel, payload in store.entry_payloads_of(maybe_changed).items()}
    return Before(
        {rel: entry if isinstance(entry := parsed.get(rel), Entry) else None for rel in maybe_changed}, {rel: known[rel].digest for rel in maybe_changed}
    )


def _saved_index(store: BuildCache, key: bytes) -> tuple[bytes, bytes] | None:
    """The last complete build's job index, as JobIndex.encode gave it, if it was made with this key."""
    jobs, fingerprints = store.derived("jobs", key), store.derived("job_fingerprints", key)
    return None if jobs is None or fingerprints is None else (jobs, fingerprints)


def reusable(saved: tuple[bytes, bytes], collected: Collected, before: Before) -> Reuse | None:
    """The last build's job index and the jobs showing a changed entry, if the site's structure cannot have changed.

    The structure (issues, URLs, pages, lists, feeds, search shards and what
    each shows) is worked out from every field of the entries but their
    bodies, and from the stories, which read bodies. So when the files are
    the same, each changed one parses to an entry equal to its last one but
    for the body, and the stories are the same, every output shows the
    entries it showed: only those showing a changed entry can have changed.
    `saved`: the last complete build's job index.
    """
    pairs = collected.changes
    if pairs is None:
        return None
    changed = {new.id for rel, (old, new) in pairs.items() if old != new or before.digests[rel] != collected.digests.get(new.id)}
    known = JobIndex.decode(*saved)
    return Reuse(known, known.showing(changed))


def _scan_inputs(config: Config, store: BuildCache, trust_before_ns: int) -> tuple[bool, list[EntryFile], list[str]]:
    """Whether every entry file is the one the last complete build read, the files listed, and those that may differ.

    Sizes and times decide, except for files whose time is too recent to
    trust (and symlinks, whose target may change): those are hashed and
    compared with what was read. The listing goes on past the first change,
    its stats cached in the directory entries: loading needs all of them.
    """
    known = store.entry_stats()
    unchanged = True
    files = list(entry_files(config.content_dir))
    maybe_changed = []
    for rel, item in files:
        row = known.get(rel)
        try:
            stat = item.stat()
            if row is None or (row.size, row.mtime_ns) != (stat.st_size, stat.st_mtime_ns) or stat.st_mtime_ns >= trust_before_ns or item.is_symlink():
                maybe_changed.append(rel)
            if unchanged and (row is None or (row.size, row.mtime_ns) != (stat.st_size, stat.st_mtime_ns)):
                unchanged = False
            if unchanged and stat.st_mtime_ns >= trust_before_ns and row is not None:
                unchanged = hashlib.blake2b(Path(item.path).read_bytes(), digest_size=16).digest() == row.digest
        except OSError:
            unchanged = False
            maybe_changed.append(rel)
    return unchanged and len(files) == len(known), files, maybe_changed


def _sync(
    plan: engine.Plan,
    renderer: engine.Renderer,
    trees: Trees,
    store: BuildCache,
    prepared: Spare,
    live_token: str | None,
    workers: int | None,
    progress: Progress | None,
) -> BuildResult:
    """Bring the spare tree to the planned state, then swap it in."""
    live = store.outputs(live_token) if live_token else {}

    def stale(jobs: Sequence[Job]) -> list[Job]:
        return [job for job in jobs if not all(p in live and live[p].fingerprint == job.fingerprint for p in job.paths)]

    jobs, search, todo = plan.jobs, plan.search, stale(plan.jobs)
    # Pagefind goes on indexing while the pages render here; not while workers fork (no thread may run then).
    if search is not None and not (search.pending and todo and engine.render_processes(len(todo), workers) == 1):
        later = search.jobs(store)
        jobs, todo, search = jobs + later, todo + stale(later), None
        planned = {path: job.fingerprint for job in jobs for path in job.paths}
        if trees.live.exists() and live_token and len(live) == len(planned) and all(live.get(p) and live[p].fingerprint == f for p, f in planned.items()):
            return BuildResult(unchanged=len(planned), nothing_to_do=True)
    spare_token, spare = prepared.token, prepared.holds(store, live_token, live)
    foreign = _keep_foreign(trees, store, prepared, live)
    reached("spare")
    records: dict[str, OutputRecord] = {}
    written = 0
    target = engine.Target(trees.spare, spare, trees.state / "templates")

    def render(batch: Sequence[Job], before: int) -> None:
        nonlocal written
        shown = (lambda done, total: progress(before + done, before + total)) if progress else None
        for rel, record, wrote in each("render", engine.render_jobs(batch, renderer.site, renderer.config, target, workers, shown, renderer)):
            records[rel] = record
            written += wrote

    _refuse_clash(trees, foreign, jobs)
    render(todo, 0)
    if search is not None:
        later = search.jobs(store)
        jobs, batch = jobs + later, stale(later)
        _refuse_clash(trees, foreign, later)
        render(batch, len(todo))
        todo += batch
    planned = {path: job.fingerprint for job in jobs for path in job.paths}
    for rel in planned:
        if rel not in records:  # unchanged since the live build: the spare may still need the live bytes
            records[rel] = live[rel]
            if spare.get(rel) is None or spare[rel].digest != live[rel].digest:
                write_file(trees.spare, rel, (trees.live / rel).read_bytes(), exists=rel in spare)
                written += 1
                reached("fill")
    obsolete = [rel for rel in spare if rel not in planned]
    for rel in obsolete:
        if rel not in foreign:  # a user's file now stands where an output was: the record goes, the file stays
            delete_file(trees.spare, rel)
    differs = [rel for rel, record in records.items() if live.get(rel) != record] + [rel for rel in live if rel not in planned]
    with store.transaction():
        store.replace_outputs(spare_token, {r: rec for r, rec in records.items() if spare.get(r) != rec}, obsolete)
        store.set_meta(f"differs:{spare_token}", _differences(live_token, differs))
        if live_token:  # it listed where the live tree differs from the spare as it was before this build
            store.set_meta(f"differs:{live_token}", "")
        store.set_meta(f"foreign:{spare_token}", msgspec.json.encode(sorted(foreign)).decode() if foreign else "")
        store.set_meta(f"dirty:{spare_token}", "")
    reached("swap")
    swap_in(trees.spare, trees.live)
    reached("swapped")
    return BuildResult(written=written, unchanged=len(planned) - written, removed=sum(1 for p in live if p not in planned), rendered=len(todo))


@dataclass(slots=True)
class Spare:
    """The spare tree being made ready while the build loads and plans."""

    token: str
    holds_own: bool  # the cache knows what it holds (a clean spare of an earlier build)
    linked: bool = False  # made afresh of hard links to the live site, in a forked process
    live_files: Running[list[str]] | None = None  # every file of the live site, as that process found (and linked) them

    def holds(self, store: BuildCache, live_token: str | None, live: dict[str, OutputRecord]) -> dict[str, OutputRecord]:
        """What the spare holds once ready, marked dirty until the build completes."""
        if self.linked:
            if self.live_files is not None:
                self.live_files.get()  # the links are made
            with store.transaction():
                store.copy_outputs(str(live_token), self.token)
            return live
        if not self.holds_own:
            return {}
        store.set_meta(f"dirty:{self.token}", "1")
        if not live_token:
            return store.outputs(self.token)
        held = dict(live)  # the spare is mostly what the live tree holds: read only where it differs
        for path, record in _spare_differences(store, self.token, live_token).items():
            if record is None:
                held.pop(path, None)
            else:
                held[path] = record
        return held

    def foreign(self, live: dict[str, OutputRecord]) -> list[str]:
        """The live site's files that no build wrote: put there by hand (a CNAME, a verification file)."""
        return [] if self.live_files is None else [rel for rel in self.live_files.get() if rel not in live]


def _spare_differences(store: BuildCache, spare: str, live: str) -> dict[str, OutputRecord | None]:
    """The spare's records where they differ from the live tree's: at the paths the build that made it live listed, else found by a join."""
    kept = store.meta(f"differs:{live}")
    listed = msgspec.json.decode(kept, type=Differences) if kept else None
    if listed is None or listed.base != spare:
        return store.output_differences(spare, live)
    return store.outputs_at(spare, listed.paths)


def _start_spare(trees: Trees, store: BuildCache, live_token: str | None, background: ExitStack) -> Spare:
    """The spare tree, made ready alongside the build.

    A spare left dirty by a killed build, or unknown to the cache, is made
    afresh: hard links to the live site's files when the cache knows them
    (files are never modified in place, so the twins stay independent). The
    links are system calls, tens of thousands at 10,000 entries: a forked
    process makes them while this one loads and plans (a thread would wait
    for the interpreter lock after every call). A clean spare is kept, and
    the forked process only lists the live site, to find the files put there by hand.
    """
    live, spare = trees.live, trees.spare
    known_live = bool(live_token and live.is_dir() and store.meta(f"tree:{live_token}"))
    token = read_token(spare)
    if token is not None and not store.meta(f"dirty:{token}") and store.meta(f"tree:{token}"):
        listing = background.enter_context(in_background(lambda _: tree_files(live), None)) if known_live else None
        return Spare(token, holds_own=True, live_files=listing)
    if token is not None:
        store.forget_tree(token)
    token = new_tree(spare)
    with store.transaction():
        store.set_meta(f"tree:{token}", "1")
        store.set_meta(f"dirty:{token}", "1")
    if not known_live:
        return Spare(token, holds_own=False)
    return Spare(token, holds_own=False, linked=True, live_files=background.enter_context(in_background(lambda _: link_tree(live, spare), None)))


def _keep_foreign(trees: Trees, store: BuildCache, prepared: Spare, live: dict[str, OutputRecord]) -> set[str]:
    """The files put into the live site by hand (a CNAME, a verification file), carried into the spare so the swap keeps them.

    Those the spare holds from an earlier build but the live site no longer
    does (deleted by hand) leave the spare, before anything is rendered there.
    """
    foreign = set(prepared.foreign(live))
    for rel in set(msgspec.json.decode(store.meta(f"foreign:{prepared.token}") or "[]", type=list[str])) - foreign:
        delete_file(trees.spare, rel)
    if not prepared.linked:
        for rel in sorted(foreign):
            link_file(trees.live, trees.spare, rel)
    return foreign


def _refuse_clash(trees: Trees, foreign: set[str], jobs: Sequence[Job]) -> None:
    """Refuse to render an output over a file put there by hand: its twin in the spare is a hard link to the user's file."""
    clash = next((path for job in jobs for path in job.paths if path in foreign), None) if foreign else None
    if clash is not None:
        hint = "move it out of the output folder: the site now has a page there"
        raise OutputError(Problem(trees.live / clash, "a file newsdigest did not write stands where the build writes one; refusing to replace it", hint=hint))
