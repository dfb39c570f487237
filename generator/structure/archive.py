"""The archive: issues grouped by the month they start in, newest first."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from generator.structure.digest import Issue


@dataclass(frozen=True, slots=True)
class Month:
    """One month of issues."""

    start: dt.date  # first day of the month
    issues: tuple[Issue, ...]  # newest first

    @property
    def key(self) -> str:
        return f"{self.start:%Y-%m}"

    @property
    def url(self) -> str:
        return f"archive/{self.start:%Y/%m}/"

    @property
    def article_count(self) -> int:
        return sum(len(issue.articles) for issue in self.issues)


def build_archive(issues: Iterable[Issue]) -> tuple[Month, ...]:
    """Months that have issues, newest first; a weekly issue files under its Monday's month."""
    by_month: dict[dt.date, list[Issue]] = defaultdict(list)
    for issue in issues:
        by_month[issue.start.replace(day=1)].append(issue)
    return tuple(Month(start, tuple(sorted(members, key=lambda i: i.start, reverse=True))) for start, members in sorted(by_month.items(), reverse=True))
