"""One raw document (bytes, and where they came from) → its entries. Pure.

A feed gives an article per item; a text page an article and its teasers.
Which one a document is comes from its media type and its first bytes,
never from its name alone.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from generator.ingest.article import Draft, hygienic
from generator.ingest.clean.rules import RuleSet
from generator.ingest.feeds.drafts import feed_drafts
from generator.ingest.feeds.items import FeedFailure, read_feed
from generator.ingest.feeds.sniff import is_feed
from generator.ingest.learn.template import NO_TEMPLATE, Sample, Template, sample
from generator.ingest.page import Page, PageFailure, ingest_page


@dataclass(frozen=True, slots=True)
class Document:
    data: bytes
    name: str  # the file name, or the URL it was fetched from
    url: str | None = None  # set when fetched: the final URL, base of relative links
    content_type: str | None = None  # the Content-Type header, when fetched


@dataclass(frozen=True, slots=True)
class Overrides:
    """What a configured source says about its entries (see sources)."""

    source: str | None = None
    tags: tuple[str, ...] = ()
    max_items: int | None = None


NO_OVERRIDES = Overrides()


@dataclass(frozen=True, slots=True)
class Ingested:
    drafts: tuple[Draft, ...]
    origins: tuple[dict[str, Any], ...]  # parallel to drafts
    problems: tuple[str, ...] = ()  # one line each: what was read but could not be ingested
    stable_ids: bool = False  # ids come from the source (feed guids), not from the text
    sample: Sample | None = None  # a page's lines, for its site's template (none for a feed)


def ingest_document(doc: Document, rules: RuleSet, overrides: Overrides = NO_OVERRIDES, template: Template = NO_TEMPLATE) -> Ingested:
    """PageFailure when nothing in the document can be ingested; `template`: the site's (pages, not feeds)."""
    if is_feed(doc.data, doc.content_type):
        return _feed(doc, overrides, rules)
    page = ingest_page(doc.data, doc.name, rules, doc.url, template)
    origin = _fetched(page.origin, doc)
    drafts = tuple(_override(d, overrides) for d in page.drafts)
    return Ingested(drafts, (origin,) * len(drafts), sample=_sample(page, template))


def _sample(page: Page, template: Template) -> Sample:
    labelled = page.labelled
    lines = [labelled.lines[i] for i in labelled.open_lines]
    if page.article is not None:
        return sample(lines, page.article.title, labelled.body, template)
    return sample(lines, "\n".join(t.title for t in page.teasers), (), template)


def _feed(doc: Document, overrides: Overrides, rules: RuleSet) -> Ingested:
    try:
        feed = read_feed(doc.data, doc.url, doc.content_type)
    except FeedFailure as exc:
        raise PageFailure(str(exc)) from None
    read = feed_drafts(feed, doc.name, overrides.source, overrides.tags, overrides.max_items, rules)
    if not read.entries and read.problems:
        raise PageFailure("; ".join(read.problems))
    # Feeds bring control and bidi characters, as characters or references, in any field.
    return Ingested(tuple(hygienic(e.draft) for e in read.entries), tuple(e.origin for e in read.entries), read.problems, stable_ids=True)


def _fetched(origin: dict[str, Any], doc: Document) -> dict[str, Any]:
    """A fetched page names its URL, not a file."""
    if doc.url is None:
        return origin
    return {"url": doc.url, **{k: v for k, v in origin.items() if k != "file"}}


def _override(draft: Draft, overrides: Overrides) -> Draft:
    if overrides.source is None and not overrides.tags:
        return draft
    tags = tuple(dict.fromkeys((*draft.tags, *overrides.tags)))
    return dataclasses.replace(draft, source=overrides.source or draft.source, tags=tags)
