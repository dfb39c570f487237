"""`digest fetch`: every configured source, fetched on threads, written here in config order.

Each source is fetched (a conditional GET with the validators of the last
run), read into entries and, for `full_text` feeds, completed with each new
item's article page, on a thread of its own. Planning and writing stay in
the calling thread, source by source, so two sources can never race for a
file. Any failure of one source is its one-line reason; the others go on.
content/ is walked once for the whole run (not once per source), and a
writing run first removes the temp files killed runs left, as file ingest does.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator.ingest.clean.rules import RuleSet, SlowPattern
from generator.ingest.document import Document, ingest_document
from generator.ingest.feeds.sniff import is_feed
from generator.ingest.fetch.cache import NO_VALIDATORS, FetchCache, Validators
from generator.ingest.fetch.client import Fetcher, FetchError
from generator.ingest.located import Located, locate
from generator.ingest.page import PageFailure
from generator.ingest.run import Outcome, Prepared, read_document, write_read
from generator.ingest.sources import Source
from generator.ingest.tidy import writing
from generator.ingest.web import fetched_document
from generator.ingest.write import find_entry, read_existing, render


@dataclass(frozen=True, slots=True)
class SourceResult:
    source: Source
    outcome: Outcome | None = None  # None: not modified since the last run
    failure: str | None = None  # `URL: reason`

    @property
    def failed(self) -> bool:
        return self.failure is not None or (self.outcome is not None and bool(self.outcome.problems))


@dataclass(frozen=True, slots=True)
class _Fetched:
    read: Prepared | None = None  # None: 304
    validators: Validators = NO_VALIDATORS
    failure: str | None = None


@dataclass(frozen=True, slots=True)
class Run:
    """What every source's fetch shares."""

    fetcher: Fetcher
    rules: RuleSet
    content_dir: Path
    now: dt.datetime


def fetch_sources(sources: Sequence[Source], run: Run, cache: FetchCache, write: bool, workers: int) -> Iterator[SourceResult]:
    """A SourceResult per source, in order; with `write`, entries are written and validators kept."""
    located = locate(run.content_dir)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch")
    try:
        with writing(run.content_dir, located.temps) if write else contextlib.nullcontext(0):
            futures: list[Future[_Fetched]] = [pool.submit(_fetch, source, run, cache.validators(source.url)) for source in sources]
            for source, future in zip(sources, futures, strict=True):
                yield _written(source, future.result(), run, cache, write, located)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _written(source: Source, got: _Fetched, run: Run, cache: FetchCache, write: bool, located: Located) -> SourceResult:
    """In the calling thread: a fetched source planned against content/ and, with `write`, written."""
    if got.failure is not None:
        return SourceResult(source, failure=got.failure)
    if got.read is None:
        return SourceResult(source)
    outcome = write_read(got.read, run.content_dir, run.now, write, located)
    if write and not outcome.problems:  # a source with problems is fetched whole next time
        cache.store(source.url, got.validators, run.now.isoformat())
    return SourceResult(source, outcome)


def _fetch(source: Source, run: Run, validators: Validators) -> _Fetched:
    """On a fetching thread: everything but writing."""
    try:
        got = run.fetcher.get(source.url, validators.etag, validators.last_modified)
        if got.status == 304:
            return _Fetched()
        doc = fetched_document(got)
        if source.kind == "feed" and not is_feed(doc.data, doc.content_type):
            raise PageFailure(f"not a feed ({got.content_type or 'no content type'}); give it as `page:` if it is a page")
        read = read_document(source.label, doc, run.rules, run.now, source.overrides)
        if source.full_text:
            read = _with_full_text(read, run)
        return _Fetched(read, Validators(got.etag, got.last_modified))
    except FetchError as exc:
        return _Fetched(failure=str(exc))
    except (PageFailure, SlowPattern) as exc:  # a pattern too slow on this source's text fails the source
        return _Fetched(failure=f"{source.url}: {exc}")


def _with_full_text(read: Prepared, run: Run) -> Prepared:
    """Each new item's body from its article page; items already ingested are left as they are."""
    drafts, texts, problems = list(read.drafts), list(read.texts), list(read.problems)
    for i, (draft, path, origin) in enumerate(zip(read.drafts, read.paths, read.origins, strict=True)):
        existing = read_existing(run.content_dir / find_entry(run.content_dir, path, draft.id))
        if existing is not None:
            texts[i] = existing  # unchanged (or edited by hand): never replaced by the feed's summary
            continue
        if draft.url is None:
            continue
        try:
            body = article_body(run, draft.url)
        except (FetchError, PageFailure) as exc:
            problems.append(f"{exc if isinstance(exc, FetchError) else f'{draft.url}: {exc}'}; kept the feed's text")
            continue
        drafts[i] = dataclasses.replace(draft, body=body)
        texts[i] = render(drafts[i], run.now, origin)
    return dataclasses.replace(read, drafts=tuple(drafts), texts=tuple(texts), problems=tuple(problems))


def article_body(run: Run, url: str) -> str:
    """The article text of the page at `url`, cleaned like any page."""
    doc: Document = fetched_document(run.fetcher.get(url))
    got = ingest_document(doc, run.rules)
    article = next((d for d in got.drafts if d.kind == "article"), None)
    if article is None or not article.body.strip():
        raise PageFailure("no article text found")
    return article.body
