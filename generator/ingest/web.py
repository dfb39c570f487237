"""Documents from the web: fetch a URL into a Document (feed or page) and ingest it like a file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.config import Config
from generator.ingest.clean.rules import RuleSet
from generator.ingest.document import NO_OVERRIDES, Document, Overrides
from generator.ingest.feeds.sniff import is_feed
from generator.ingest.fetch.charset import decode_text
from generator.ingest.fetch.client import Fetched, Fetcher, FetchError, Settings
from generator.ingest.located import Located
from generator.ingest.page import PageFailure
from generator.ingest.run import Outcome, read_document, write_read


def fetched_document(got: Fetched) -> Document:
    """A feed's bytes go to feedparser as they came (it reads their encoding); a page's are decoded here."""
    data = got.data
    if not is_feed(data, got.content_type):
        data = decode_text(data, got.content_type).encode("utf-8")
    return Document(data, got.url, got.url, got.content_type)


def ingest_url(
    fetcher: Fetcher,
    url: str,
    rules: RuleSet,
    content_dir: Path,
    now: dt.datetime,
    write: bool,
    overrides: Overrides = NO_OVERRIDES,
    located: Located | None = None,
) -> Outcome:
    """Fetch one URL and ingest it; a failure of any kind is an Outcome with a one-line reason.

    `located` is content/'s index for the run (walked here when not given).
    """
    try:
        doc = fetched_document(fetcher.get(url))
        read = read_document(url, doc, rules, now, overrides)
    except FetchError as exc:
        return Outcome(url, "failed", exc.reason)
    except PageFailure as exc:
        return Outcome(url, "failed", str(exc))
    return write_read(read, content_dir, now, write, located)


def fetch_settings(config: Config) -> Settings:
    f = config.fetch
    return Settings(f.user_agent, f.timeout, f.delay, f.retries, f.max_retry_wait, f.max_redirects, config.ingest.max_bytes)
