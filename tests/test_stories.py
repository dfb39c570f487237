"""Grouping reports of one story across sources (generator/structure/stories.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.config.load import load_config
from generator.config.schema import StoriesConfig
from generator.entries.model import Entry
from generator.structure import stories
from generator.structure.stories import Story, group_stories

CONFIG = StoriesConfig()
DAY = dt.datetime(2025, 3, 10, 8, 0, tzinfo=dt.UTC)

# Written for these tests: one story told by three papers, and a second story on the same topic.
BRIDGE = (
    "The council voted on Tuesday evening to close the old river bridge to cars from the first of May, "
    "after engineers found cracks in two of its supporting piers during the spring inspection. "
    "Buses will be diverted over the northern ring road and cyclists may still cross on the footway."
)
BRIDGE_RETOLD = (
    "Engineers found cracks in two of its supporting piers during the spring inspection, and the council voted "
    "on Tuesday evening to close the old river bridge to cars from the first of May. Buses will be diverted over "
    "the northern ring road. A councillor called the decision overdue."
)
OTHER_BRIDGE = (
    "Work on the new rail bridge south of the harbour is three months behind schedule, the contractor said, "
    "because the steel sections arrived late from the foundry. Trains will keep using the old line until autumn."
)


def article(entry_id: str, source: str, title: str, body: str, days: float = 0, kind: str = "article") -> Entry:
    when = DAY + dt.timedelta(days=days)
    return Entry(id=entry_id, title=title, slug=entry_id, kind=kind, when=when, date=when.date(), added=when, body=body, path=f"{entry_id}.md", source=source)  # type: ignore[arg-type]


def test_same_story_from_two_sources_is_grouped_and_same_topic_is_not() -> None:
    entries = [
        article("a", "Daily", "Council closes old river bridge to cars", BRIDGE),
        article("b", "Courier", "Old river bridge to close to cars in May", BRIDGE_RETOLD, days=1),
        article("c", "Gazette", "Rail bridge behind schedule", OTHER_BRIDGE, days=1),
    ]
    assert group_stories(entries, CONFIG) == (Story("a", ("b",)),)


def test_reports_further_apart_than_the_window_are_separate_stories() -> None:
    entries = [article("a", "Daily", "Bridge closes", BRIDGE), article("b", "Courier", "Bridge closes", BRIDGE, days=4)]
    assert group_stories(entries, CONFIG) == ()
    assert group_stories(entries, StoriesConfig(window_days=5)) == (Story("a", ("b",)),)


def test_one_source_repeating_itself_is_not_a_story_and_teasers_are_left_out() -> None:
    entries = [
        article("a", "Daily", "Bridge closes", BRIDGE),
        article("b", "Daily", "Bridge closes", BRIDGE),
        article("t", "Courier", "Bridge closes", BRIDGE, kind="teaser"),
    ]
    assert group_stories(entries, CONFIG) == ()


def test_earliest_then_longest_report_leads_whatever_the_input_order() -> None:
    entries = [
        article("z", "Courier", "Council closes old river bridge", BRIDGE_RETOLD + " More words here.", days=0),
        article("y", "Daily", "Council closes old river bridge", BRIDGE, days=0),
        article("x", "Gazette", "Council closes old river bridge", BRIDGE, days=-0.5),
    ]
    expected = (Story("x", ("z", "y")),)
    assert group_stories(entries, CONFIG) == expected
    assert group_stories(list(reversed(entries)), CONFIG) == expected


def test_different_titles_with_nearly_the_same_body_are_one_story() -> None:
    entries = [article("a", "Daily", "Cars banned", BRIDGE), article("b", "Wire", "Piers cracked", BRIDGE + " Updated.", days=0.1)]
    assert group_stories(entries, CONFIG) == (Story("a", ("b",)),)


def config_text(tmp_path: Path, stories: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(f"site:\n  title: T\n  url: https://example.org/\ndigest:\n  stories: {stories}\n", encoding="utf-8")
    return path


def test_stories_are_on_by_default_and_false_turns_them_off(tmp_path: Path) -> None:
    assert load_config(config_text(tmp_path, "true")).digest.story_grouping == StoriesConfig()
    assert load_config(config_text(tmp_path, "false")).digest.story_grouping is None
    assert load_config(config_text(tmp_path, "{window_days: 1}")).digest.story_grouping == StoriesConfig(window_days=1)


@pytest.mark.parametrize(
    ("value", "message"),
    [("{window_days: -1}", "window_days"), ("{title_score: 120}", "title_score"), ("{body_overlap: 0}", "body_overlap"), ("{typo: 1}", "typo")],
)
def test_bad_story_thresholds_are_explained(tmp_path: Path, value: str, message: str) -> None:
    with pytest.raises(Exception, match=message):
        load_config(config_text(tmp_path, value))


# Sentences written for these tests; bodies made of a few of them share shingles with many others.
SENTENCES = [
    "The council met on Tuesday to discuss the closing of the river bridge to all cars.",
    "Engineers said the cracks in the piers were found during the spring inspection of the bridge.",
    "Buses will take the northern ring road while the works last into the summer.",
    "Cyclists and people on foot may still cross the bridge on the footway each day.",
    "A councillor said the decision was overdue and that repairs should have started years ago.",
    "Shops near the bridge fear they will lose trade while the road stays closed.",
    "The harbour authority said the new rail bridge would open three months late.",
    "Trains will keep using the old line through the valley until the autumn timetable.",
]
SOURCES = ["Daily", "Courier", "Gazette", "Herald"]


def corpus_article(n: int, picks: list[int], source: int, day: int) -> Entry:
    body = " ".join(SENTENCES[i] for i in picks)
    return article(f"e{n:02d}", SOURCES[source], f"Bridge report number {n % 5}", body, days=day)


LEADS = [[0, 1, 2], [0, 1, 3], [1, 2, 3, 4], [4, 5], [6, 7], [5, 6, 7], [2]]  # some retell others, some share a sentence
ARTICLE = st.tuples(st.sampled_from(LEADS), st.integers(0, 3), st.integers(0, 3))


def regrouped_after(entries: list[Entry], edits: dict[int, list[int]]) -> tuple[Entry, ...]:
    edited = list(entries)
    for n, picks in edits.items():
        edited[n] = dataclasses.replace(edited[n], body=" ".join(SENTENCES[i] for i in picks))
    return tuple(edited)


@settings(max_examples=120, deadline=None)
@given(
    articles=st.lists(ARTICLE, min_size=4, max_size=24),
    edits=st.dictionaries(st.integers(0, 23), st.sampled_from(LEADS), max_size=4),
    max_posting=st.sampled_from([3, 6, stories.MAX_POSTING]),
)
def test_regrouping_after_lead_edits_finds_what_grouping_afresh_finds(
    articles: list[tuple[list[int], int, int]], edits: dict[int, list[int]], max_posting: int
) -> None:
    # Small postings limits make edits cross MAX_POSTING, where regrouping has to score everything again.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stories, "MAX_POSTING", max_posting)
        entries = [corpus_article(n, picks, source, day) for n, (picks, source, day) in enumerate(articles)]
        before = stories.regroup(entries, CONFIG)
        edited = regrouped_after(entries, {n: picks for n, picks in edits.items() if n < len(entries)})
        again = stories.regroup(edited, CONFIG, before=before)
        fresh = stories.regroup(edited, CONFIG)
        assert again.stories == fresh.stories and again.edges == fresh.edges and again.leads == fresh.leads
        assert again.keys == fresh.keys  # what the next regrouping reads
        assert stories.Grouping.decode(again.encode()) == again


def test_an_edited_lead_is_scored_against_its_candidates_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    entries = [corpus_article(n, LEADS[n % 4], n // 4, 0) for n in range(12)]  # each lead told by three sources
    before = stories.regroup(entries, CONFIG)
    assert before.stories  # the corpus has stories to keep
    edited = regrouped_after(entries, {3: LEADS[0]})
    fresh = stories.regroup(edited, CONFIG)
    scored: list[tuple[str, str]] = []
    real = stories._same_story
    monkeypatch.setattr(stories, "_same_story", lambda a, b, config: scored.append((a.entry.id, b.entry.id)) or real(a, b, config))
    shingled: list[str] = []
    again = stories.regroup(edited, CONFIG, lambda e, _: shingled.append(e.id) or stories.sorted_shingles(e.body), before)
    assert again.stories == fresh.stories and again.edges == fresh.edges
    assert scored and all("e03" in pair for pair in scored)
    assert set(shingled) == {"e03"} | {i for pair in scored for i in pair}  # the edited article and the candidates scored, alone
    assert stories.regroup(edited, CONFIG, before=again) is again  # nothing changed since: nothing scored or rebuilt


def test_a_report_grown_past_its_lead_becomes_the_story_lead_when_regrouped() -> None:
    lead = (BRIDGE + " ") * (stories.BODY_CHARS // len(BRIDGE) + 1)  # the same lead, longer than grouping reads
    entries = [article("a", "Daily", "Bridge closes", lead + "Short."), article("b", "Courier", "Bridge closes", lead + "A longer ending.")]
    before = stories.regroup(entries, CONFIG)
    assert before.stories == (Story("b", ("a",)),)
    grown = [dataclasses.replace(entries[0], body=lead + "A much longer ending than the other one."), entries[1]]
    assert stories.regroup(grown, CONFIG, before=before).stories == stories.regroup(grown, CONFIG).stories == (Story("a", ("b",)),)
