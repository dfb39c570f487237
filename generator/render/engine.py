"""Planning and rendering outputs: what each output file depends on, and making its bytes.

Every output belongs to a `Job` (a page, a feed with its three formats, or a
static asset) whose fingerprint covers everything the bytes depend on. Jobs
are rendered in worker processes when there are many (fork: the workers
inherit the site structure instead of receiving it pickled).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import jinja2
import jinja2.meta
import msgspec

import generator
from generator.cache import BuildCache, OutputRecord
from generator.config import Config
from generator.entries.model import Entry
from generator.output import write_file
from generator.parallel import chunk_ranges, fan_out, processes
from generator.problems import Problem, TemplateError
from generator.render.feedmodel import FeedSpec
from generator.render.fingerprint import Digest, Fingerprinter, digest_bytes
from generator.structure.site import Site

if TYPE_CHECKING:
    from generator.render.i18n import Language
    from generator.render.pages import Page
    from generator.render.search import SearchPlan

STATIC = "static"
SEARCH_SCRIPT = f"{STATIC}/search.js"  # the search page's script (templates/search.html)
PARALLEL_MIN_JOBS = 400  # below this, forking costs more than it saves
CHUNK = 32  # jobs per unit of parallel rendering


@dataclass(frozen=True, slots=True)
class StaticAsset:
    rel: str
    source: Path


@dataclass(frozen=True, slots=True)
class FeedJob:
    spec: FeedSpec
    entries: Sequence[Entry]


@dataclass(frozen=True, slots=True)
class OpmlJob:
    """`feeds.opml`: every feed of the site, for subscribing to all at once."""

    specs: tuple[FeedSpec, ...]


@dataclass(frozen=True, slots=True)
class Job:
    """One unit of rendering and the output files it produces."""

    paths: tuple[str, ...]
    fingerprint: Digest
    task: Any  # Page | FeedJob | OpmlJob | StaticAsset | ShardTask | RuntimeTask


@functools.cache
def code_key() -> bytes:
    """Changes whenever newsdigest's own code changes (version, or any module edited).

    Computed once per process: a running process keeps the code it loaded.
    """
    root = Path(generator.__file__).parent
    h = hashlib.blake2b(generator.__version__.encode(), digest_size=16)
    for path in sorted(root.rglob("*.py")):
        stat = path.stat()
        h.update(f"{path.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return h.digest()


def environment_key(config: Config) -> bytes:
    """Everything besides entries that outputs depend on: code, config, templates."""
    from generator.render.i18n import locales_dir
    from generator.render.templates import template_dirs

    parts = [code_key(), msgspec.json.encode(config.site), msgspec.json.encode(config.digest), msgspec.json.encode(config.feeds)]
    for folder in [*template_dirs(config), locales_dir(config.path)]:  # the theme's catalogs are in its folder
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                parts.append(f"{path.relative_to(folder)}".encode() + path.read_bytes())
    return digest_bytes(*parts)


@dataclass(frozen=True, slots=True)
class Plan:
    """The planned jobs, and the search index's, which Pagefind may still be making (see SearchPlan)."""

    jobs: list[Job]
    search: SearchPlan | None

    def all_jobs(self, cache: BuildCache | None) -> list[Job]:
        """Every job, the search index's included (waiting for Pagefind if it is still indexing)."""
        return self.jobs + (self.search.jobs(cache) if self.search is not None else [])


@contextmanager
def search_stopped_on_failure(search: SearchPlan | None) -> Iterator[None]:
    """Pagefind's services killed if the block fails (an error, or Ctrl-C): nothing they make would be used."""
    try:
        yield
    except BaseException:
        if search is not None:
            search.cancel()
        raise


def plan(
    site: Site,
    config: Config,
    entry_digests: dict[str, bytes],
    templates: Mapping[str, Digest] | None = None,
    renderer: Renderer | None = None,
    cache: BuildCache | None = None,
    fp: Fingerprinter | None = None,
    workers: int | None = None,
) -> Plan:
    """Every output of the site with the fingerprint of its inputs; the search index's as Pagefind makes them.

    `templates`: template_keys, if known; `renderer`: the one that will render
    the jobs (the search index renders bodies while planning, and the pages
    take them from it instead of parsing them again); `cache`: the build cache,
    which remembers the files of each search shard; `fp`: the fingerprinter,
    when the caller keeps its job index (and may have given it the last build's); `workers`: processes
    the search index may use (default: one per core).
    """
    # Imported here, not at the top: a no-change build never plans, and skips these imports.
    from generator.render.feeds import feed_entries, feed_files, feed_reports, plan_feeds
    from generator.render.opml import OPML_FILE
    from generator.render.pages import plan_pages
    from generator.render.search import RECORD_TEMPLATE, shards, start_search
    from generator.render.templates import make_environment, site_language

    fp = fp or Fingerprinter(site, entry_digests)
    language = site_language(config)
    if templates is None:
        templates = template_keys(make_environment(config, language=language))
    # Templates see `site` (and the digest settings through page contexts) and the catalogs; feeds see `feeds` too.
    pages_key = digest_bytes(msgspec.json.encode(config.site), msgspec.json.encode(config.digest), code_key(), language.key)
    feeds_key = digest_bytes(msgspec.json.encode(config.site), msgspec.json.encode(config.feeds), code_key(), language.key)

    def page_job(page: Page) -> Job:
        return Job((page.path,), fp.job(page.path, lambda: digest_bytes(pages_key, templates[page.template], fp.of(page))), page)

    def feed_fingerprint(spec: FeedSpec, entries: Sequence[Entry]) -> Digest:
        shown = tuple(feed_entries(entries, site, config))  # a feed depends only on the items it lists (and the reports they link to)
        reports = tuple(feed_reports(entry, site, config) for entry in shown)
        return digest_bytes(feeds_key, fp.of(spec), fp.of(shown), fp.of(reports))

    search, found = None, shards(site) if config.site.search else []
    if config.site.search:  # first: Pagefind indexes the changed shards while the rest is planned
        search_key = digest_bytes(b"search", pages_key, templates[RECORD_TEMPLATE])
        search = start_search(site, found, renderer or Renderer(site, config), fp, search_key, cache, processes(workers))
    with search_stopped_on_failure(search):
        jobs = [page_job(page) for page in plan_pages(site, config, language, [shard.name for shard in found])]
        specs = []
        for spec, entries in plan_feeds(site, config, language):
            paths = feed_files(spec)
            jobs.append(Job(paths, fp.job(paths[0], functools.partial(feed_fingerprint, spec, entries)), FeedJob(spec, tuple(entries))))
            specs.append(spec)
        # The list of feeds reads `site` and the feeds' titles and folders, not the `feeds` settings.
        opml_key = digest_bytes(b"opml", msgspec.json.encode(config.site), code_key(), msgspec.json.encode(specs))
        jobs.append(Job((OPML_FILE,), opml_key, OpmlJob(tuple(specs))))
        for asset in static_assets(config):
            if asset.rel != SEARCH_SCRIPT or config.site.search:  # only the search page loads it
                jobs.append(Job((asset.rel,), digest_bytes(b"static", asset.source.read_bytes()), asset))
    return Plan(jobs, search)


def template_keys(env: jinja2.Environment) -> dict[str, Digest]:
    """Per template: a hash of its source and of every template it extends or includes."""
    assert env.loader is not None
    names = [n for n in env.list_templates() if not n.startswith(STATIC + "/") and not n.endswith(".md")]
    loaded = {name: _source(env, name) for name in names}
    sources = {name: source for name, (source, _, _) in loaded.items()}
    refs: dict[str, set[str] | None] = {}
    for name, (source, filename, _) in loaded.items():
        try:
            found = set(jinja2.meta.find_referenced_templates(env.parse(source, name, filename)))
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(Problem(Path(filename or name), f"template syntax error: {exc.message}", exc.lineno)) from None
        refs[name] = None if None in found else {str(n) for n in found}  # None: dynamic, depends on all
    everything = digest_bytes(*(n.encode() + s.encode() for n, s in sorted(sources.items())))

    def closure(name: str) -> set[str] | None:
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            deps = refs.get(current, set())
            if deps is None:
                return None
            todo.extend(deps)
        return seen

    keys = {}
    for name in sources:
        group = closure(name)
        keys[name] = everything if group is None else digest_bytes(*(n.encode() + sources.get(n, "").encode() for n in sorted(group)))
    return keys


def _source(env: jinja2.Environment, name: str) -> tuple[str, str | None, object]:
    assert env.loader is not None
    try:
        return env.loader.get_source(env, name)
    except UnicodeDecodeError as exc:
        searchpath = getattr(env.loader, "searchpath", [])
        path = next((Path(d, name) for d in searchpath if Path(d, name).is_file()), Path(name))
        raise TemplateError(Problem(path, f"template is not valid UTF-8 (byte 0x{exc.object[exc.start]:02x})", hint="re-save it as UTF-8")) from None


def static_assets(config: Config) -> Iterator[StaticAsset]:
    """Theme assets; a file in the site's templates/static overrides the default one."""
    from generator.render.templates import template_dirs

    seen: set[str] = set()
    for folder in template_dirs(config):
        root = folder / STATIC
        for path in sorted(root.rglob("*")) if root.is_dir() else ():
            rel = f"{STATIC}/{path.relative_to(root).as_posix()}"
            if path.is_file() and rel not in seen:
                seen.add(rel)
                yield StaticAsset(rel, path)


class Renderer:
    """What rendering needs, made once per process."""

    def __init__(self, site: Site, config: Config, bytecode_dir: Path | None = None, language: Language | None = None) -> None:
        from generator.render.feeds import in_full_feeds
        from generator.render.templates import make_environment

        self.site = site
        self.config = config
        self.env = make_environment(config, bytecode_dir, language)
        base_path = urlsplit(config.base_url).path
        # The same for every page, so environment globals: macro libraries imported
        # without context are then evaluated once per process, not once per page.
        self.env.globals.update(
            site=config.site,
            url=lambda target="": base_path + target,
            absolute=lambda target="": config.base_url + target,
            digest=site,
        )
        self.feed_items: dict[str, Any] = {}  # entry id → feed item, shared by every feed
        # Each body is parsed once per process: an article page renders its feed HTML too,
        # when a feed carries the body, and leaves it here for the feed to take.
        self.feed_bodies: dict[str, str] = {}
        self.page_bodies: dict[str, str] = {}  # entry id → body as its page shows it (the search records use it too)
        self._in_feeds = in_full_feeds(site, config)
        self.env.filters["body_html"] = self._body_html

    def _body_html(self, entry: Entry) -> Any:
        from markupsafe import Markup

        from generator.render.feedhtml import page_and_feed_html
        from generator.render.markdown import to_html

        page = self.page_bodies.get(entry.id)
        if page is None:
            if entry.id not in self._in_feeds:
                page = to_html(entry.body)
            else:
                page, self.feed_bodies[entry.id] = page_and_feed_html(entry.body, self.config.base_url + self.site.link(entry.id))
            self.page_bodies[entry.id] = page
        return Markup(page)

    def render(self, job: Job) -> dict[str, bytes]:
        from generator.render.feeds import render_feeds
        from generator.render.search import RuntimeTask, ShardTask, render_search
        from generator.render.templates import render

        task = job.task
        if isinstance(task, StaticAsset):
            return {task.rel: task.source.read_bytes()}
        if isinstance(task, ShardTask | RuntimeTask):
            return render_search(task, job.paths, self)
        if isinstance(task, FeedJob):
            return render_feeds(task.spec, task.entries, self.site, self.config, self.feed_items, self.feed_bodies)
        if isinstance(task, OpmlJob):
            from generator.render.opml import OPML_FILE, render_opml

            return {OPML_FILE: render_opml(task.specs, self.config)}
        if task.kind == "email":  # the web view is its email, CSS inlined
            from generator.mail.compose import email_html

            return {task.path: email_html(self.env, task).encode()}
        context = {**task.context, "page": task}
        return {task.path: render(self.env, task.template, context).encode()}


@dataclass(frozen=True, slots=True)
class Target:
    """Where rendered files go: a tree, and what it already holds (to skip identical bytes)."""

    tree: Path
    holds: Mapping[str, OutputRecord]
    bytecode_dir: Path | None = None  # compiled templates kept between builds


def _render_into(renderer: Renderer, job: Job, target: Target, made: set[Path]) -> list[tuple[str, OutputRecord, bool]]:
    """Render one job and write each file whose bytes differ from what the tree holds."""
    out = []
    for rel, data in renderer.render(job).items():
        record = OutputRecord(job.fingerprint, digest_bytes(data))
        held = target.holds.get(rel)
        changed = held is None or held.digest != record.digest
        if changed:
            write_file(target.tree, rel, data, exists=held is not None, made=made)
        out.append((rel, record, changed))
    return out


def render_jobs(
    jobs: Sequence[Job],
    site: Site,
    config: Config,
    target: Target,
    workers: int | None,
    progress: Callable[[int, int], None] | None,
    renderer: Renderer | None = None,
) -> Iterator[tuple[str, OutputRecord, bool]]:
    """Render jobs into the target tree, in parallel when there are many (`renderer`: the one planning used, if any).

    Yields (path, record, written) for every output file.
    """
    renderer, made = renderer or Renderer(site, config, target.bytecode_dir), set[Path]()

    def render_chunk(indices: range) -> tuple[int, list[tuple[str, OutputRecord, bool]]]:
        return len(indices), [result for i in indices for result in _render_into(renderer, jobs[i], target, made)]

    yield from _reporting(fan_out(render_chunk, chunk_ranges(len(jobs), CHUNK), render_processes(len(jobs), workers)), len(jobs), progress)


def render_processes(jobs: int, workers: int | None) -> int:
    """How many processes render_jobs uses for this many jobs (more than one: it forks)."""
    return processes(workers, jobs, PARALLEL_MIN_JOBS)


def _reporting(
    batches: Iterator[tuple[int, list[tuple[str, OutputRecord, bool]]]], total: int, progress: Callable[[int, int], None] | None
) -> Iterator[tuple[str, OutputRecord, bool]]:
    done = 0
    for count, results in batches:
        done += count
        yield from results
        if progress:
            progress(done, total)
