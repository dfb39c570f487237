"""Which pages the site has, and the template context of each.

Every page kind is planned here, in a stable order; the sitemap is planned
last from the HTML pages before it, so it can never list a page that is not
built (or miss one that is).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.config import Config
from generator.entries.model import Entry
from generator.render.i18n import Language
from generator.render.markdown import first_paragraph_text
from generator.structure.archive import Month
from generator.structure.digest import NO_SOURCE_SLUG, Issue, IssueRef, SourceGroup
from generator.structure.names import Collection
from generator.structure.pagination import Pagination, paginate
from generator.structure.site import Site

DESCRIPTION_CHARS = 200
SITEMAP_LIMIT = 50_000  # URLs per sitemap file, by the sitemaps.org protocol


@dataclass(frozen=True, slots=True)
class FeedLink:
    """One `<link rel="alternate">` to a feed."""

    type: str  # MIME type
    title: str
    href: str  # site-relative
    format: str  # "RSS", "Atom" or "JSON Feed", for links that name the format only


@dataclass(frozen=True, slots=True)
class Page:
    """One output page: where it goes, with which template and data."""

    url: str  # site-relative URL: "" for the home page, "issues/2024-06-23/", "404.html", ...
    template: str
    title: str
    context: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    kind: str = "page"  # home, issue, article, source, tag, ... (tests and og:type read it)
    feeds: tuple[FeedLink, ...] = ()  # the page's own feeds, besides the site's
    lastmod: dt.date | None = None  # for the sitemap
    indexed: bool = True  # canonical URL and sitemap entry (not for 404)

    @property
    def path(self) -> str:
        """Output file path relative to the site root."""
        return self.url + "index.html" if self.url == "" or self.url.endswith("/") else self.url


def feed_links(folder: str, name: str) -> tuple[FeedLink, ...]:
    """The three feeds the feed renderer writes into a folder (`""`, `sources/x/`, `tags/y/`)."""
    formats = (("application/rss+xml", "RSS", "feed.xml"), ("application/atom+xml", "Atom", "atom.xml"), ("application/feed+json", "JSON Feed", "feed.json"))
    return tuple(FeedLink(media, f"{name} ({label})", folder + file, label) for media, label, file in formats)


def plan_pages(site: Site, config: Config, language: Language, shard_names: Sequence[str] = ()) -> Iterator[Page]:
    """Every page of the site, in a stable order: HTML pages, then 404, sitemap and robots.txt.

    `shard_names`: the search index's shards, which the search page loads (with site.search on).
    """
    html = list(_html_pages(site, config, language, shard_names))
    yield from html
    _ = language.gettext
    yield Page("404.html", "404.html", _("Page not found"), {}, _("There is no page at this address."), kind="404", indexed=False)
    yield from sitemap_pages([p for p in html if p.indexed])
    yield Page("robots.txt", "robots.txt", "robots.txt", {}, kind="robots", indexed=False)


@dataclass(frozen=True, slots=True)
class SitemapUrl:
    """What a sitemap lists of a page: nothing else, so editing an entry's text leaves it alone."""

    url: str
    lastmod: dt.date | None


def sitemap_pages(pages: Sequence[Page], limit: int | None = None) -> Iterator[Page]:
    """`sitemap.xml`, or when there are too many URLs for one file, an index of numbered parts."""
    limit = limit or SITEMAP_LIMIT
    urls = [SitemapUrl(page.url, page.lastmod) for page in pages]
    if len(urls) <= limit:
        yield Page("sitemap.xml", "sitemap.xml", "Sitemap", {"pages": urls}, kind="sitemap", indexed=False)
        return
    parts = [f"sitemap-{n}.xml" for n in range(1, -(-len(urls) // limit) + 1)]
    for number, name in enumerate(parts):
        yield Page(name, "sitemap.xml", "Sitemap", {"pages": urls[number * limit : (number + 1) * limit]}, kind="sitemap", indexed=False)
    yield Page("sitemap.xml", "sitemap-index.xml", "Sitemap index", {"parts": parts}, kind="sitemap", indexed=False)


def _html_pages(site: Site, config: Config, language: Language, shard_names: Sequence[str]) -> Iterator[Page]:
    per_page = config.digest.per_page
    _ = language.gettext
    yield home_page(site, config)
    yield from list_pages(paginate(site.issues, per_page, "issues/"), "issues.html", _("All issues"), "issues", language)
    for position, issue in enumerate(site.issues):
        newer, older = site.issues[position - 1] if position else None, _at(site.issues, position + 1)
        yield issue_page(issue, language, newer=newer.ref if newer else None, older=older.ref if older else None)
    for issue in site.issues:
        yield email_page(issue, config, language)
    for issue in site.issues:
        articles, ref = issue.articles, issue.ref
        for position, entry in enumerate(articles):
            yield article_page(entry, ref, site, previous=articles[position - 1] if position else None, following=_at(articles, position + 1))
    yield from collection_pages(site.sources, "sources/", "source", per_page, language)
    yield from collection_pages(site.tags, "tags/", "tag", per_page, language)
    yield Page("archive/", "archive.html", _("Archive"), {"months": site.months}, _("Every issue of the digest, by month."), kind="archive")
    if config.site.search:
        yield Page("search/", "search.html", _("Search"), {"shards": list(shard_names)}, _("Search every story of the digest."), kind="search")
    for month in site.months:
        yield month_page(month, language)
    from generator.render.wanted import wanted_pages  # here: that module builds on this one

    yield from wanted_pages(site, config, language)


def _at(items: Sequence[Any], position: int) -> Any:
    return items[position] if position < len(items) else None


def home_page(site: Site, config: Config) -> Page:
    latest = site.issues[0] if site.issues else None
    recent = site.issues[1 : config.digest.index_issues]
    lastmod = latest.start if latest else None
    return Page("", "index.html", config.site.title, {"latest": latest, "recent": recent}, config.site.description, kind="home", lastmod=lastmod)


def list_pages(pages: Sequence[Pagination[Any]], template: str, title: str, kind: str, language: Language) -> Iterator[Page]:
    for pager in pages:
        yield Page(
            pager.url,
            template,
            numbered(title, pager.number, language),
            {"pager": pager},
            language.gettext("All issues of the digest, newest first."),
            kind=kind,
        )


def numbered(title: str, number: int, language: Language) -> str:
    """`All issues`, `All issues, page 2`."""
    return title if number == 1 else language.gettext("%(title)s, page %(number)s", title=title, number=language.number(number))


def issue_page(issue: Issue, language: Language, newer: IssueRef | None, older: IssueRef | None) -> Page:
    context = {"issue": issue, "newer": newer, "older": older}
    return Page(issue.url, "issue.html", issue_label(issue, language), context, issue_description(issue, language), kind="issue", lastmod=issue.start)


def email_page(issue: Issue, config: Config, language: Language) -> Page:
    """The issue as an email (`email.html`); its title is the subject. Built as the web view, and mailed by `digest mail`."""
    title = f"{config.site.title} · {issue_label(issue, language)}"
    description = issue_description(issue, language)
    return Page(f"{issue.url}email.html", "email.html", title, {"issue": issue}, description, kind="email", lastmod=issue.start)


def source_name(group: SourceGroup, language: Language) -> str:
    """A group's heading: its source's name, or the site language's "Other sources" for entries without one."""
    return language.gettext("Other sources") if group.slug == NO_SOURCE_SLUG else group.name


def issue_description(issue: Issue, language: Language) -> str:
    sources = language.names(source_name(g, language) for g in issue.groups)
    count = len(issue.articles)
    if not count:
        return language.gettext("Headlines from %(sources)s.", sources=sources)
    return language.ngettext("%(num)s article from %(sources)s.", "%(num)s articles from %(sources)s.", count, sources=sources)


def article_page(entry: Entry, issue: IssueRef, site: Site, previous: Entry | None, following: Entry | None) -> Page:
    """An article's page; `reports`, the other reports of its story, are in its context (and so in its fingerprint).

    `issue` is the issue it links to, not the issue's entries: the page shows only its neighbours (`previous`, `next`).
    """
    teasers = site.teasers_of.get(entry.id, ())
    context = {"entry": entry, "issue": issue, "teasers": teasers, "previous": previous, "next": following, "reports": site.reports(entry.id)}
    description = clip(entry.summary or first_paragraph_text(entry.body))
    return Page(site.urls[entry.id], "article.html", entry.title, context, description, kind="article", lastmod=entry.when.date())


def collection_pages(collections: Sequence[Collection], folder: str, kind: str, per_page: int, language: Language) -> Iterator[Page]:
    """An index of every source (or tag), then each one's paginated list with its feeds."""
    _ = language.gettext
    title, description = (_("Sources"), _("Sources in the digest.")) if kind == "source" else (_("Tags"), _("Tags in the digest."))
    yield Page(folder, "collections.html", title, {"collections": [c.ref for c in collections], "kind": kind}, description, kind=f"{kind}s")
    for collection in collections:
        base = f"{folder}{collection.slug}/"
        feeds = feed_links(base, collection.name)
        if kind == "source":
            description = _("Stories from %(name)s, newest first.", name=collection.name)
        else:
            description = _("Stories tagged %(name)s, newest first.", name=collection.name)
        for pager in paginate(collection.entries, per_page, base):
            context = {"collection": collection.ref, "pager": pager, "kind": kind}
            yield Page(pager.url, "collection.html", numbered(collection.name, pager.number, language), context, description, kind=kind, feeds=feeds)


def month_page(month: Month, language: Language) -> Page:
    title = language.month(month.start)
    description = language.gettext("Issues of the digest in %(month)s.", month=title)
    return Page(month.url, "month.html", title, {"month": month}, description, kind="month")


def issue_label(issue: Issue | IssueRef, language: Language) -> str:
    """`14 December 2024`, or `Week of 9 December 2024` (`15. Dezember 2024`, `Woche vom 9. Dezember 2024`)."""
    day = language.date(issue.start)
    return day if issue.period == "day" else language.gettext("Week of %(date)s", date=day)


def clip(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """Shorten to a word boundary for meta descriptions."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
