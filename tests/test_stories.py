"""Grouping reports of one story across sources (generator/structure/stories.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.config.load import load_config
from generator.config.schema import StoriesConfig
from generator.entries.model import Entry
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
