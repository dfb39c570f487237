"""The whole site's structure: which pages exist and where every entry lives."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from generator.entries.model import Entry
from generator.problems import Problem
from generator.structure.archive import Month, build_archive
from generator.structure.digest import Issue, Period, build_issues, newest_first
from generator.structure.matching import match_teasers
from generator.structure.names import Collection, group_by_name
from generator.structure.stories import Story, other_reports, story_of
from generator.structure.urls import assign_article_urls, teaser_anchor
from generator.structure.wanted import by_source, wanted_teasers


@dataclass(frozen=True, slots=True)
class Site:
    """Published entries arranged for rendering; built once per build."""

    entries: tuple[Entry, ...]  # newest first
    issues: tuple[Issue, ...]  # newest first
    urls: Mapping[str, str]  # entry id → site-relative URL (article page or teaser anchor)
    issue_of: Mapping[str, Issue]  # entry id → its issue
    teasers_of: Mapping[str, tuple[Entry, ...]]  # article id → teasers listed on its page
    sources: tuple[Collection, ...] = ()  # by name
    tags: tuple[Collection, ...] = ()  # by name
    warnings: tuple[Problem, ...] = field(default=())
    matches: Mapping[str, str] = field(default_factory=dict)  # teaser id → id of the article it announces
    months: tuple[Month, ...] = ()  # the archive, newest first
    stories: Mapping[str, Story] = field(default_factory=dict)  # article id → the story it reports (grouped articles only)
    grouped: Mapping[str, Entry] = field(default_factory=dict)  # id → entry, for the articles in a story
    wanted: tuple[Entry, ...] = ()  # teasers no article answers, by source name then newest first (see wanted)

    @property
    def articles(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.is_article)

    def reports(self, entry_id: str) -> tuple[Entry, ...]:
        """The other reports of this article's story, lead first then oldest first (none outside a story)."""
        return other_reports(entry_id, self.stories, self.grouped)

    def link(self, entry_id: str) -> str:
        """Where a link to this entry should go: a matched teaser's article, else its own URL."""
        return self.urls[self.matches.get(entry_id, entry_id)]


Matcher = Callable[[list[Entry]], Mapping[str, str]]  # published entries → teaser id → article id
Grouper = Callable[[list[Entry]], Sequence[Story]]  # published entries → stories across sources


def build_site(entries: Iterable[Entry], tz: ZoneInfo, period: Period, match: Matcher = match_teasers, group: Grouper | None = None) -> Site:
    """Arrange published (non-draft) entries into issues and give each a URL.

    `match` finds the articles that teasers announce: match_teasers, or a
    caller's function that gives the same result (the build remembers it).
    `group` finds stories reported by several sources (None: no grouping).
    """
    published = newest_first(e for e in entries if not e.draft)
    sources, source_warnings = group_by_name(published, lambda e: (e.source,) if e.source else (), "source")
    tags, tag_warnings = group_by_name(published, lambda e: e.tags, "tag")
    stories = story_of(group(published)) if group else {}
    source_names = {s.slug: s.name for s in sources}
    issues = build_issues(published, tz, period, source_names, stories)
    issue_of = {e.id: issue for issue in issues for e in issue.entries}
    urls, warnings = assign_article_urls((e for e in published if e.is_article), tz)
    all_urls = dict(urls)
    teasers_of: dict[str, list[Entry]] = defaultdict(list)
    for entry in published:
        if not entry.is_article:
            all_urls[entry.id] = f"{issue_of[entry.id].url}#{teaser_anchor(entry)}"
            if entry.from_id:
                teasers_of[entry.from_id].append(entry)
    matches = match(published)
    return Site(
        entries=tuple(published),
        issues=issues,
        urls=all_urls,
        issue_of=issue_of,
        teasers_of={k: tuple(v) for k, v in teasers_of.items()},
        sources=tuple(sources),
        tags=tuple(tags),
        warnings=(*warnings, *source_warnings, *tag_warnings),
        matches=matches,
        months=build_archive(issues),
        stories=stories,
        grouped={e.id: e for e in published if e.id in stories},
        wanted=by_source(wanted_teasers(published, matches), source_names),
    )
