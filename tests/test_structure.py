from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.entries.parse import parse_entry
from generator.structure.digest import build_issues, issue_key
from generator.structure.site import build_site
from tests.conftest import entry_text

TZ = ZoneInfo("Europe/Berlin")


def entry(name: str, title: str, **fields: object):  # type: ignore[no-untyped-def]
    return parse_entry(entry_text(title, **fields), Path(name), TZ)


def test_issue_is_keyed_by_added_in_site_time_zone() -> None:
    late = dt.datetime(2024, 12, 14, 23, 30, tzinfo=dt.UTC)  # already the 15th in Berlin
    assert issue_key(late, TZ, "day") == ("2024-12-15", dt.date(2024, 12, 15))
    assert issue_key(late, TZ, "week") == ("2024-W50", dt.date(2024, 12, 9))


def test_old_edition_scraped_today_is_in_todays_issue() -> None:
    old = entry("old.md", "Old story", date="2019-03-01", added="2024-12-14T09:00:00+01:00")
    issues = build_issues([old], TZ, "day")
    assert [i.key for i in issues] == ["2024-12-14"]
    assert issues[0].entries[0].date == dt.date(2019, 3, 1)


def test_issue_groups_by_source_articles_before_teasers() -> None:
    entries = [
        entry("t.md", "Teaser B", kind="teaser", source="Beta", id="t1", **{"from": "a2"}),
        entry("a.md", "Article A", source="Alpha", id="a1"),
        entry("b.md", "Article B", source="Beta", id="a2"),
        entry("n.md", "No source", id="n1"),
    ]
    (issue,) = build_issues(entries, TZ, "day")
    assert [g.name for g in issue.groups] == ["Alpha", "Beta", "Other sources"]
    beta = issue.groups[1]
    assert [e.title for e in beta.articles] == ["Article B"]
    assert [e.title for e in beta.teasers] == ["Teaser B"]


def test_weekly_issues_and_drafts() -> None:
    entries = [
        entry("mon.md", "Monday", added="2024-12-09T10:00:00+01:00"),
        entry("sun.md", "Sunday", added="2024-12-15T10:00:00+01:00"),
        entry("next.md", "Next week", added="2024-12-16T10:00:00+01:00"),
        entry("draft.md", "Draft", added="2024-12-16T10:00:00+01:00", draft="true"),
    ]
    site = build_site(entries, TZ, "week")
    assert [(i.key, len(i.entries)) for i in site.issues] == [("2024-W51", 1), ("2024-W50", 2)]
    assert "Draft" not in [e.title for e in site.entries]


def test_urls_are_stable_and_collisions_disambiguated_deterministically() -> None:
    first = entry("a.md", "Same title", id="aaaa1111", added="2024-12-14T08:00:00+01:00")
    second = entry("b.md", "Same title", id="bbbb2222", added="2024-12-14T09:00:00+01:00")
    teaser = entry("t.md", "A teaser", kind="teaser", id="cccc3333", **{"from": "aaaa1111"})
    site = build_site([second, teaser, first], TZ, "day")
    assert site.urls["aaaa1111"] == "2024/12/14/same-title/"
    assert site.urls["bbbb2222"] == "2024/12/14/same-title-bbbb2222/"
    assert site.urls["cccc3333"] == "issues/2024-12-14/#t-cccc3333"
    assert [str(w) for w in site.warnings] == [
        "b.md: warning: URL /2024/12/14/same-title/ is already used by a.md; using /2024/12/14/same-title-bbbb2222/ (give one of them its own `slug`)"
    ]
    assert site.teasers_of["aaaa1111"] == (teaser,)
    # adding an unrelated entry changes nobody's URL
    other = entry("c.md", "Other", id="dddd4444")
    assert {k: v for k, v in build_site([first, second, teaser, other], TZ, "day").urls.items() if k != "dddd4444"} == site.urls
