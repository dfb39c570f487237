"""The digest model: issues of what entered the collection in one period.

An issue collects entries by `when` (`added`, falling back to `date`) in the
site's time zone; inside an issue, entries are grouped by source, articles
first, then that source's teasers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

from generator.entries.model import Entry
from generator.structure.names import name_slug
from generator.structure.stories import Story, fold_issue

Period = Literal["day", "week"]
NO_SOURCE = "Other sources"
NO_SOURCE_SLUG = "_none"  # no source name slugifies to this (see names.py)


@dataclass(frozen=True, slots=True)
class SourceGroup:
    """One source's entries within an issue."""

    name: str
    slug: str
    articles: tuple[Entry, ...]
    teasers: tuple[Entry, ...]
    leads: tuple[Entry, ...] = ()  # the articles shown: all but reports of a story another source leads here


@dataclass(frozen=True, slots=True)
class Issue:
    """Everything that entered the collection in one day or week."""

    key: str  # 2024-06-23 or 2024-W25
    start: dt.date
    period: Period
    groups: tuple[SourceGroup, ...]
    also: Mapping[str, tuple[Entry, ...]] = field(default_factory=dict)  # shown article id → the story's other reports

    @property
    def url(self) -> str:
        return f"issues/{self.key}/"

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(e for g in self.groups for e in (*g.articles, *g.teasers))

    @property
    def articles(self) -> tuple[Entry, ...]:
        return tuple(e for g in self.groups for e in g.articles)

    @property
    def ref(self) -> IssueRef:
        return IssueRef(self.key, self.start, self.period)


@dataclass(frozen=True, slots=True)
class IssueRef:
    """An issue as an article page links it: its key, first day and period, not what it holds (so an edit to another
    article of the issue, or to a report of one of its stories, does not reach the page)."""

    key: str
    start: dt.date
    period: Period

    @property
    def url(self) -> str:
        return f"issues/{self.key}/"


def issue_key(moment: dt.datetime, tz: ZoneInfo, period: Period) -> tuple[str, dt.date]:
    """The issue an instant belongs to, as (key, first day)."""
    day = moment.astimezone(tz).date()
    if period == "day":
        return day.isoformat(), day
    year, week, weekday = day.isocalendar()
    return f"{year}-W{week:02d}", day - dt.timedelta(days=weekday - 1)


def newest_first(entries: Iterable[Entry]) -> list[Entry]:
    """Newest `when` first; ties broken by title then id so order is stable."""
    return sorted(entries, key=lambda e: (-e.when.timestamp(), e.title.casefold(), e.id))


def build_issues(
    entries: Iterable[Entry], tz: ZoneInfo, period: Period, source_names: Mapping[str, str] | None = None, stories: Mapping[str, Story] | None = None
) -> tuple[Issue, ...]:
    """Group published entries into issues, newest issue first.

    Sources are grouped by slug, as their pages are, and shown by the name
    `source_names` gives a slug (the source page's), else the entry's own.
    `stories` (article id → its story) makes each story show once per issue.
    """
    by_issue: dict[tuple[str, dt.date], list[Entry]] = defaultdict(list)
    by_id: dict[str, Entry] = {}
    for entry in entries:
        by_issue[issue_key(entry.when, tz, period)].append(entry)
        by_id[entry.id] = entry
    names = source_names or {}
    issues = []
    for (key, start), members in by_issue.items():
        folded, also = fold_issue(members, stories, by_id) if stories else (frozenset[str](), {})
        issues.append(Issue(key, start, period, _groups(members, names, folded), also))
    return tuple(sorted(issues, key=lambda i: i.start, reverse=True))


def _groups(entries: list[Entry], names: Mapping[str, str], folded: frozenset[str]) -> tuple[SourceGroup, ...]:
    by_source: dict[str, list[Entry]] = defaultdict(list)
    shown: dict[str, str] = {}
    for entry in entries:
        slug = name_slug(entry.source) if entry.source else NO_SOURCE_SLUG
        by_source[slug].append(entry)
        shown.setdefault(slug, names.get(slug) or entry.source or NO_SOURCE)
    slugs = sorted(by_source, key=lambda slug: (slug == NO_SOURCE_SLUG, shown[slug].casefold(), slug))
    return tuple(_group(shown[slug], slug, by_source[slug], folded) for slug in slugs)


def _group(name: str, slug: str, members: list[Entry], folded: frozenset[str]) -> SourceGroup:
    ordered = newest_first(members)
    teasers = sorted((e for e in members if not e.is_article), key=lambda e: (e.from_id or "", e.path))
    articles = tuple(e for e in ordered if e.is_article)
    return SourceGroup(name, slug, articles, tuple(teasers), tuple(e for e in articles if e.id not in folded))


def source_groups(entries: list[Entry], names: Mapping[str, str]) -> tuple[SourceGroup, ...]:
    """Entries by source, as issues group theirs (no story folding; wanted.py groups its teasers so)."""
    return _groups(entries, names, frozenset())
