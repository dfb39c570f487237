"""Which HTML pages the site has, and the template context of each."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.config import Config
from generator.entries.model import Entry
from generator.structure.digest import Issue
from generator.structure.site import Site


@dataclass(frozen=True, slots=True)
class Page:
    """One HTML page to render: where it goes, with which template and data."""

    url: str  # site-relative URL: "" for the home page, "issues/2024-06-23/", ...
    template: str
    title: str
    context: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""

    @property
    def path(self) -> str:
        """Output file path relative to the site root."""
        return self.url + "index.html" if self.url == "" or self.url.endswith("/") else self.url


def plan_pages(site: Site, config: Config) -> Iterator[Page]:
    """Every HTML page of the site, in a stable order."""
    yield Page("", "index.html", config.site.title, {"issues": site.issues[: config.digest.index_issues]}, config.site.description)
    for issue in site.issues:
        yield issue_page(issue)
    for issue in site.issues:
        articles = issue.articles
        for position, entry in enumerate(articles):
            yield article_page(entry, issue, site, previous=articles[position - 1] if position else None, following=articles[position + 1] if position + 1 < len(articles) else None)


def issue_page(issue: Issue) -> Page:
    return Page(issue.url, "issue.html", f"Digest of {issue.key}", {"issue": issue})


def article_page(entry: Entry, issue: Issue, site: Site, previous: Entry | None, following: Entry | None) -> Page:
    return Page(
        site.urls[entry.id],
        "article.html",
        entry.title,
        {"entry": entry, "issue": issue, "teasers": site.teasers_of.get(entry.id, ()), "previous": previous, "next": following},
        entry.summary or "",
    )
