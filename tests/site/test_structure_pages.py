"""Structure behind the pages: teaser matching, stable URLs, pagination, archive."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.entries.model import Entry
from generator.render.pages import Page, sitemap_pages
from generator.structure import matching
from generator.structure.archive import build_archive
from generator.structure.digest import build_issues
from generator.structure.matching import match_teasers, normalise_title
from generator.structure.pagination import paginate
from generator.structure.site import build_site

TZ = ZoneInfo("Europe/Berlin")
DAY = dt.datetime(2024, 12, 14, 8, 30, tzinfo=dt.UTC)


def entry(n: int | str, title: str, source: str | None = "Gazette", kind: str = "article", days: int = 0, slug: str | None = None) -> Entry:
    when = DAY + dt.timedelta(days=days, minutes=int(str(n), 16) % 600 if isinstance(n, str) else n)
    return Entry(
        id=f"{n:016x}" if isinstance(n, int) else n,
        title=title,
        slug=slug or normalise_title(title).replace(" ", "-")[:60] or "x",
        kind=kind,
        when=when,
        date=when.date(),
        added=when,
        body="Text.",
        path=f"{n}.md",
        source=source,  # type: ignore[arg-type]
    )


def test_titles_normalise_case_accents_and_punctuation() -> None:
    assert normalise_title("  Ports RE-OPEN: after the Storm! ") == "ports re open after the storm"
    assert normalise_title("Nordlysturismen slår rekord") == normalise_title("nordlysturismen slar REKORD")
    assert normalise_title("The valley’s harvest") == normalise_title("The valley's harvest")


def test_teaser_matches_article_of_the_same_source_only() -> None:
    article = entry(1, "Council budget leaves the library hours untouched")
    other = entry(2, "Ferry strike ends after three days", source="Courier")
    entries = [
        article,
        other,
        entry(10, "Council budget leaves library hours untouched", kind="teaser"),  # close: a word less
        entry(11, "COUNCIL BUDGET LEAVES THE LIBRARY HOURS UNTOUCHED!", kind="teaser"),  # exact once normalised
        entry(12, "Ferry strike ends after three days", kind="teaser"),  # same title, other source
        entry(13, "Council budget cuts the swimming pool hours", kind="teaser"),  # same words, other story
        entry(14, "Council budget leaves the library hours untouched", source=None, kind="teaser"),
    ]
    assert match_teasers(entries) == {f"{10:016x}": article.id, f"{11:016x}": article.id}


def test_site_links_matched_teasers_to_the_article() -> None:
    article = entry(1, "Wind farm plan goes back to the drawing board", days=1)
    teaser = entry(10, "Wind-farm plan goes back to drawing board", kind="teaser")
    site = build_site([article, teaser], TZ, "day")
    assert site.matches == {teaser.id: article.id}
    assert site.link(teaser.id) == site.urls[article.id] == "2024/12/15/wind-farm-plan-goes-back-to-the-drawing-board/"
    assert site.urls[teaser.id] == f"issues/2024-12-14/#t-{teaser.id}"  # its anchor stays


def test_matching_scores_a_bounded_number_of_candidates_per_teaser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Near-linear at 100k entries: no teaser is scored against more than MAX_CANDIDATES
    articles, even when every title is made of the same few common words."""
    rng = random.Random(4)
    rare = [f"w{n}" for n in range(3000)]
    common = [f"c{n}" for n in range(12)]
    titles = [" ".join(rng.choices(rare, k=7)) for _ in range(45_000)] + [" ".join(rng.sample(common, k=7)) for _ in range(5_000)]
    articles = [entry(n, title, source=f"S{n % 20}") for n, title in enumerate(titles)]
    teasers = [entry(100_000 + n, titles[n] + " now" if n % 2 else titles[n].upper(), source=f"S{n % 20}", kind="teaser") for n in range(50_000)]
    scored: list[int] = []
    real = matching.process.extractOne
    monkeypatch.setattr(matching.process, "extractOne", lambda query, choices, **options: scored.append(len(choices)) or real(query, choices, **options))
    matches = match_teasers(articles + teasers)
    assert len(matches) >= 49_000
    assert scored and max(scored) <= matching.MAX_CANDIDATES


def test_pagination_splits_and_links() -> None:
    pages = paginate(list(range(7)), 3, "tags/x/")
    assert [p.items for p in pages] == [(0, 1, 2), (3, 4, 5), (6,)]
    assert [p.url for p in pages] == ["tags/x/", "tags/x/page/2/", "tags/x/page/3/"]
    assert (pages[0].previous_url, pages[0].next_url) == (None, "tags/x/page/2/")
    assert (pages[2].previous_url, pages[2].next_url) == ("tags/x/page/2/", None)
    assert len(paginate([], 3, "x/")) == 1  # an empty list still has its page


def test_archive_groups_issues_by_month_newest_first() -> None:
    entries = [entry(1, "A", days=0), entry(2, "B", days=-20), entry(3, "C", days=-21)]
    months = build_archive(build_issues(entries, TZ, "day"))
    assert [(m.key, m.url, len(m.issues), m.article_count) for m in months] == [("2024-12", "archive/2024/12/", 1, 1), ("2024-11", "archive/2024/11/", 2, 2)]


titles = st.text(alphabet="abcdefghij ", min_size=1, max_size=20).filter(str.strip)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(titles, st.integers(-40, 40)), min_size=2, max_size=25, unique_by=lambda t: t[0]), st.data())
def test_urls_never_change_when_other_entries_come_or_go(specs: list[tuple[str, int]], data: st.DataObject) -> None:
    entries = [entry(n + 1, title, days=days) for n, (title, days) in enumerate(specs)]
    full = build_site(entries, TZ, "day").urls
    kept = data.draw(st.lists(st.sampled_from(entries), unique_by=lambda e: e.id, min_size=1))
    extra = [entry(1000 + n, title, days=days) for n, (title, days) in enumerate(specs)]  # newcomers wanting the same URLs, added later
    for subset in (kept, [*kept, *extra]):
        urls = build_site(subset, TZ, "day").urls
        for e in kept:
            if sum(1 for other in entries if other.slug == e.slug and other.when.date() == e.when.date()) == 1:
                assert urls[e.id] == full[e.id]  # an entry with its own URL keeps it, whatever else comes or goes


def test_large_sitemaps_are_split_under_an_index() -> None:
    pages = [Page(f"p{n}/", "x.html", "x") for n in range(5)]
    single = list(sitemap_pages(pages, limit=5))
    assert [(p.url, p.template) for p in single] == [("sitemap.xml", "sitemap.xml")]
    split = list(sitemap_pages(pages, limit=2))
    assert [(p.url, len(p.context.get("pages", ()))) for p in split] == [("sitemap-1.xml", 2), ("sitemap-2.xml", 2), ("sitemap-3.xml", 1), ("sitemap.xml", 0)]
    assert split[-1].template == "sitemap-index.xml" and split[-1].context["parts"] == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml"]
