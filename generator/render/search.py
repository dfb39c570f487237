"""The search index: every published article and teaser, indexed by Pagefind into `pagefind/`, one bundle per month.

Each entry becomes a small HTML record (the theme's `search-record.html`:
its text, and its link, source, date, kind, language and tags as Pagefind
meta and filters), rendered in memory; the Pagefind binary from the
`pagefind` package indexes them through its service (generator.render.pagefind),
nothing written to disk.

Pagefind cannot update an index in place, and indexing every entry again
on every change costs seconds at thousands of entries. So the index is
split into shards: the entries of one month (of `when`, the date an entry
entered the digest), or a part of a month of many, make one Pagefind bundle
in `pagefind/YYYY-MM.N/` (see `shards`). A shard's fingerprint covers its entries (their files and where they link),
the record template, the settings and the Pagefind version; the build cache
remembers the files each fingerprint gave. A shard whose fingerprint the
cache knows is not indexed at all: its files carry over from the live tree
like any unchanged output. Only shards whose entries changed are indexed
again. The search page lists the shards, newest first; its script loads
the one `pagefind/pagefind.js` all shards share and merges every shard's
index with Pagefind's `mergeIndex` (merged indexes use the WebAssembly of the
first, so a reader downloads it once).

Pagefind writes the values of a filter in hash-map order, so its filter
files (and the metadata and entry files naming them by a hash of their
content) differ from run to run on the same input; `deterministic`
rewrites them in sorted order, so the same entries give the same bytes
whichever build indexed them.
"""

from __future__ import annotations

import concurrent.futures
import functools
import gzip
import hashlib
import importlib.metadata
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import cbor2
import msgspec

from generator.entries.model import Entry
from generator.problems import OutputError, Problem
from generator.render.fingerprint import Digest, Fingerprinter, digest_bytes
from generator.render.pagefind import Bundle, Record, Services, index_bundles
from generator.render.templates import render
from generator.structure.site import Site

if TYPE_CHECKING:
    from generator.cache import BuildCache
    from generator.render.engine import Job, Renderer

BUNDLE = "pagefind"
RECORD_TEMPLATE = "search-record.html"
RUNTIME = "pagefind.js"  # Pagefind's script, the same for every shard: one copy at pagefind/
SEGMENTED = ("ja", "zh")  # languages the extended Pagefind binary splits into words
# What a shard keeps of a bundle (besides the wasm of its languages): the script is shared, and the
# ready-made interfaces, the web worker (the page runs Pagefind without it) and the playground are not used.
KEPT = ("pagefind-entry.json", "fragment/", "index/", "filter/")
# Entries per shard, on average: what one edit re-indexes. Pagefind indexes about 450 records a
# second of CPU; a reader's browser fetches a few small files per shard (the WebAssembly only once).
SHARD_SIZE = 150


@dataclass(frozen=True, slots=True)
class Shard:
    """Entries of one month, indexed together into pagefind/<name>/."""

    name: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class ShardTask:
    """A shard to write: its files, when planning indexed it (None: indexed when rendered, the cache knew its paths)."""

    shard: Shard
    files: Mapping[str, bytes] | None


@dataclass(frozen=True, slots=True)
class RuntimeTask:
    """pagefind/pagefind.js, when planning had it from a shard it indexed (None: taken from a small index when rendered)."""

    data: bytes | None


def shards(site: Site) -> list[Shard]:
    """The site's entries by month of `when`, newest month first; a month of more than SHARD_SIZE entries in several shards.

    A month of n entries has ceil(n / SHARD_SIZE) shards, `YYYY-MM.1` and on,
    and an entry goes into the one a hash of its id picks: it stays there
    while the month's count of shards stays the same. Within a shard, entries
    are in order of id, so a shard's index depends only on its entries.
    """
    months: dict[str, list[Entry]] = {}
    for entry in site.entries:
        months.setdefault(f"{entry.when:%Y-%m}", []).append(entry)
    made: list[Shard] = []
    for month in sorted(months, reverse=True):
        count = -(-len(months[month]) // SHARD_SIZE)
        parts: list[list[Entry]] = [[] for _ in range(count)]
        for entry in months[month]:
            parts[int.from_bytes(hashlib.blake2b(entry.id.encode(), digest_size=8).digest(), "big") % count].append(entry)
        made.extend(Shard(f"{month}.{i + 1}", tuple(sorted(part, key=lambda entry: entry.id))) for i, part in enumerate(parts) if part)
    return made


def pagefind_version() -> str:
    """The installed Pagefind's version: search shards depend on it."""
    return importlib.metadata.version("pagefind")


class SearchPlan:
    """The search index's jobs, while Pagefind indexes the shards the cache does not know, in a thread of its own.

    The services index on their own CPU while this process plans and renders
    the pages; `jobs` waits for them, `cancel` gives them up (Ctrl-C, or a
    failure elsewhere). The thread only talks to Pagefind: the records are
    rendered before it starts.
    """

    def __init__(self, known: list[Job], todo: list[tuple[Shard, Digest]], key: Digest, renderer: Renderer, workers: int) -> None:
        self._known, self._todo, self._key = known, todo, key
        self._services = Services()
        self._thread = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="search")
        shards_todo = [shard for shard, _ in todo]
        indexes = [records(shard.entries, renderer) for shard in shards_todo]  # here: the thread must not share the renderer
        self._made = self._thread.submit(bundle_shards, shards_todo, indexes, workers, self._services) if todo else None

    @property
    def pending(self) -> bool:
        """Whether Pagefind has shards to index (then `jobs` may wait for it)."""
        return self._made is not None

    def jobs(self, cache: BuildCache | None) -> list[Job]:
        """Every shard's job and the shared script's, once the indexing is done (its files recorded in the cache)."""
        from generator.render.engine import Job

        try:
            made = self._made.result() if self._made is not None else []
        except BaseException:  # Pagefind failed, or Ctrl-C while waiting for it
            self.cancel()
            raise
        self._thread.shutdown()
        jobs = list(self._known)
        for (shard, fingerprint), (files, _) in zip(self._todo, made, strict=True):
            if cache is not None:
                cache.set_derived(f"search:{shard.name}", fingerprint, msgspec.msgpack.encode(sorted(files)))
            jobs.append(Job(tuple(sorted(files)), fingerprint, ShardTask(shard, files)))
        jobs.append(Job((f"{BUNDLE}/{RUNTIME}",), self._key, RuntimeTask(made[0][1] if made else None)))
        return jobs

    def cancel(self) -> None:
        """Stop the indexing and wait for its thread: nothing it made is used."""
        self._services.stop()
        self._thread.shutdown(cancel_futures=True)


def start_search(
    site: Site, found: Sequence[Shard], renderer: Renderer, fp: Fingerprinter, key: Digest, cache: BuildCache | None, workers: int = 1
) -> SearchPlan | None:
    """The index's plan, whose `jobs` are one per shard (`found`: the site's shards) plus the shared script.

    None for a site without entries: Pagefind refuses to index nothing.

    `key` covers what every record depends on besides its entry (code, settings, the record template);
    the shards the cache does not know are shared among `workers` Pagefind processes, which start now.
    """
    from generator.render.engine import Job

    if not site.entries:
        return None
    key = digest_bytes(key, pagefind_version().encode())
    known, todo = [], []

    def fingerprint_of(shard: Shard) -> Digest:
        return digest_bytes(key, shard.name.encode(), fp.of(shard.entries))

    for shard in found:
        fingerprint = fp.job(f"{BUNDLE}:{shard.name}", functools.partial(fingerprint_of, shard))
        cached = cache.derived(f"search:{shard.name}", fingerprint) if cache is not None else None
        if cached is None:
            todo.append((shard, fingerprint))
        else:
            known.append(Job(tuple(msgspec.msgpack.decode(cached, type=list[str])), fingerprint, ShardTask(shard, None)))
    return SearchPlan(known, todo, key, renderer, workers)


def render_search(task: ShardTask | RuntimeTask, paths: Sequence[str], renderer: Renderer) -> dict[str, bytes]:
    """A search job's files: those planning made, or made now (the same bytes: the index is deterministic)."""
    if isinstance(task, RuntimeTask):
        if task.data is not None:
            return {paths[0]: task.data}
        [(_, runtime)] = index_shards([min(shards(renderer.site), key=lambda shard: len(shard.entries))], renderer)
        return {paths[0]: runtime}
    if task.files is not None:
        return dict(task.files)
    [(files, _)] = index_shards([task.shard], renderer)
    if sorted(files) != sorted(paths):
        hint = "delete the build cache (.<output>.newsdigest/) and build again"
        raise OutputError(Problem(None, f"the search index of {task.shard.name} came out unlike the last build's", hint=hint))
    return files


def index_shards(todo: Sequence[Shard], renderer: Renderer, workers: int = 1) -> list[tuple[dict[str, bytes], bytes]]:
    """Each shard's files (at their place in the site) and Pagefind's script, from `workers` Pagefind services."""
    return bundle_shards(todo, [records(shard.entries, renderer) for shard in todo], workers)


def bundle_shards(
    todo: Sequence[Shard], indexes: Sequence[Sequence[Record]], workers: int = 1, services: Services | None = None
) -> list[tuple[dict[str, bytes], bytes]]:
    """index_shards once the records are rendered: no renderer needed, so it may run beside one in another thread."""
    made = []
    for shard, raw in zip(todo, index_bundles(indexes, workers, services), strict=True):
        bundle = deterministic(raw)
        entry = json.loads(bundle["pagefind-entry.json"])
        wasm = {f"wasm.{language['wasm']}.pagefind" for language in entry["languages"].values()}
        kept = {rel: data for rel, data in bundle.items() if rel.startswith(KEPT) or rel in wasm or rel.endswith(".pf_meta")}
        made.append(({f"{BUNDLE}/{shard.name}/{rel}": data for rel, data in kept.items()}, bundle[RUNTIME]))
    return made


def records(entries: Sequence[Entry], renderer: Renderer) -> list[Record]:
    """One record per entry, at its id (Pagefind's own URL for it is never shown: `link` is).

    Rendered with the build's renderer, whose bodies the article pages then reuse.
    """
    site = renderer.site
    site_lang = renderer.config.site.language.split("-")[0].lower()
    made = []
    for entry in entries:
        lang = (entry.lang or site_lang).split("-")[0].lower()
        context = {"entry": entry, "link": site.link(entry.id), "lang": lang, "index_lang": index_language(lang, site_lang)}
        made.append((f"/{entry.id}.html", render(renderer.env, RECORD_TEMPLATE, context)))
    return made


def index_language(lang: str, site_lang: str) -> str:
    """The Pagefind index an entry goes into.

    The search page searches every index at once, but Pagefind processes a
    query with the stemmer of one index only, the site language's: an entry
    stemmed in another language (Arabic, German) could then not be found by
    its words. So only the site's language is stemmed; Chinese and Japanese
    keep indexes of their own, for word segmentation (they have no stemmer);
    all other languages share one unstemmed index (`und`, undetermined), where
    a word is found as written.
    """
    return lang if lang in (site_lang, *SEGMENTED) else "und"


# Pagefind's binary files: gzip of this signature followed by one CBOR value.
SIGNATURE = b"pagefind_dcd"


def deterministic(bundle: Bundle) -> Bundle:
    """The bundle with its filter, metadata and entry files in sorted order, renamed by a hash of their new content.

    A filter file is [name, [[value, pages], ...]] with values in arbitrary
    order; the metadata file of a language lists its filters as [[name, file], ...].
    """
    out = dict(bundle)
    renamed: dict[str, str] = {}
    for rel in sorted(r for r in bundle if r.startswith("filter/") and r.endswith(".pf_filter")):
        name, values = _read_chunk(out.pop(rel))
        stem = rel.removeprefix("filter/").removesuffix(".pf_filter")
        new, data = _chunk(stem, [name, sorted(values, key=lambda value: value[0])], 7)
        renamed[stem] = new
        out[f"filter/{new}.pf_filter"] = data
    for rel in sorted(r for r in bundle if r.startswith("pagefind.") and r.endswith(".pf_meta")):
        stem = rel.removeprefix("pagefind.").removesuffix(".pf_meta")
        meta = _replaced(_read_chunk(out.pop(rel)), renamed)
        meta[3] = sorted(meta[3], key=lambda named: named[0])
        new, data = _chunk(stem, meta, 10)
        renamed[stem] = new
        out[f"pagefind.{new}.pf_meta"] = data
    entry = _replaced(json.loads(out["pagefind-entry.json"]), renamed)
    out["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return out


def _read_chunk(data: bytes) -> Any:
    data = gzip.decompress(data)
    if not data.startswith(SIGNATURE):
        raise OutputError(Problem(None, "the search index has a file Pagefind did not write as expected"))
    return cbor2.loads(data[len(SIGNATURE) :])


def _chunk(stem: str, value: Any, digits: int) -> tuple[str, bytes]:
    """`value` as Pagefind's file, and its new name: the language of `stem` and a hash of the content."""
    data = gzip.compress(SIGNATURE + cbor2.dumps(value), mtime=0)
    return f"{stem.partition('_')[0]}_{hashlib.sha256(data).hexdigest()[:digits]}", data


def _replaced(value: Any, names: Mapping[str, str]) -> Any:
    """`value` with every string that names a renamed file replaced by its new name."""
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, list):
        return [_replaced(item, names) for item in value]
    if isinstance(value, dict):
        return {key: _replaced(item, names) for key, item in value.items()}
    return value
