"""Stories across sources in the built site: issue pages, article pages, feeds, and what a one-edit rebuild renders."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build import build
from generator.config import Config, load_config
from generator.problems import ConfigError
from generator.render import engine
from tests.conftest import CONFIG, entry_text
from tests.feedcheck import read_feed

BASE = "https://news.example.org/digest/"
# Written for these tests: one story told by three papers, and an unrelated article.
BRIDGE = (
    "The council voted on Tuesday evening to close the old river bridge to cars from the first of May, "
    "after engineers found cracks in two of its supporting piers during the spring inspection. "
    "Buses will be diverted over the northern ring road and cyclists may still cross on the footway."
)
PARK = "The city zoo welcomed two red panda cubs born in the spring, keepers said, and visitors can see them from June in the new woodland enclosure."


def story_entries(days: tuple[int, int, int] = (14, 14, 15)) -> dict[str, str]:
    reports = {
        f"{source.lower()}.md": entry_text(
            "Council closes old river bridge to cars",
            body=f"{BRIDGE} {source} adds a line of its own.",
            id=f"br-{source.lower()}",
            source=source,
            date=f"2024-12-{day}",
            added=f"2024-12-{day}T0{hour}:00:00+00:00",
        )
        for source, day, hour in zip(("Daily", "Courier", "Herald"), days, (6, 7, 8), strict=True)
    }
    return {**reports, "zoo.md": entry_text("Red panda cubs at the zoo", body=PARK, id="zoo", source="Courier", added="2024-12-14T09:00:00+00:00")}


def page(config: Config, rel: str) -> str:
    return (config.output_dir / rel).read_text(encoding="utf-8")


ISSUE = "issues/2024-12-14/index.html"
DAILY, COURIER, HERALD = (f"2024/12/{day}/council-closes-old-river-bridge-to-cars/index.html" for day in (14, 14, 15))


def test_an_issue_shows_a_story_once_under_its_first_report_with_the_others(make_digest: Callable[..., Config]) -> None:
    config = make_digest(story_entries())
    build(config)
    issue = page(config, ISSUE)
    assert issue.count("<h3><a href") == 2  # the story (Daily's report leads) and the zoo; Courier's report is folded in
    assert issue.count(">Council closes old river bridge to cars</a></h3>") == 1
    lead, _, rest = issue.partition('class="reports"')
    assert "/digest/2024/12/14/council-closes-old-river-bridge-to-cars/" in lead.rsplit("<article", 1)[1]
    reports = rest.split("</div>", 1)[0]
    assert "Also reported by" in reports
    assert '<span class="reports-source">Courier</span>, <time datetime="2024-12-14">14 December 2024</time>' in reports
    assert '<span class="reports-source">Herald</span>, <time datetime="2024-12-15">15 December 2024</time>' in reports
    assert 'href="/digest/2024/12/14/council-closes-old-river-bridge-to-cars-br-couri/"' in reports or "br-courier" in reports or "courier" in reports
    assert "Red panda cubs" in issue  # Courier's other article keeps its source block
    next_issue = page(config, "issues/2024-12-15/index.html")  # Herald's report leads the next day's issue, pointing back
    assert "Also reported by" in next_issue and "Daily</span>" in next_issue and "Courier</span>" in next_issue


def test_article_pages_link_to_the_other_reports(make_digest: Callable[..., Config]) -> None:
    config = make_digest(story_entries())
    build(config)
    articles = {p.relative_to(config.output_dir).as_posix(): p.read_text(encoding="utf-8") for p in config.output_dir.glob("2024/12/*/*/index.html")}
    bridge = {rel: text for rel, text in articles.items() if "council-closes" in rel}
    assert len(bridge) == 3
    for rel, text in bridge.items():
        others = [other for other in bridge if other != rel]
        aside = text.split('aria-label="Other reports of this story"', 1)[1].split("</aside>", 1)[0]
        assert all(f'href="/digest/{other.removesuffix("index.html")}"' in aside for other in others), rel
        assert f'href="/digest/{rel.removesuffix("index.html")}"' not in aside
    zoo = next(text for rel, text in articles.items() if "red-panda" in rel)
    assert "Also reported by" not in zoo


def test_stories_false_shows_every_article_as_before(make_digest: Callable[..., Config]) -> None:
    config = make_digest(story_entries(), CONFIG + "digest: {stories: false}\n")
    build(config)
    issue = page(config, ISSUE)
    assert issue.count(">Council closes old river bridge to cars</a></h3>") == 2
    assert "Also reported by" not in issue
    assert not any("Also reported by" in p.read_text(encoding="utf-8") for p in config.output_dir.rglob("*.html"))


def test_feeds_carry_one_item_per_article_by_default(make_digest: Callable[..., Config]) -> None:
    config = make_digest(story_entries())
    build(config)
    for name in ("feed.xml", "atom.xml"):
        titles = [e.title for e in read_feed(config.output_dir / name, BASE).entries]
        assert titles.count("Council closes old river bridge to cars") == 3
    assert "Also reported by" not in page(config, "feed.xml")


def test_feeds_stories_true_gives_one_item_per_story_linking_every_report(make_digest: Callable[..., Config]) -> None:
    config = make_digest(story_entries(), CONFIG + "feeds: {stories: true}\n")
    build(config)
    report_urls = [BASE + f"2024/12/{day}/council-closes-old-river-bridge-to-cars/" for day in (14, 15)]
    for name in ("feed.xml", "atom.xml"):
        feed = read_feed(config.output_dir / name, BASE)
        items = [e for e in feed.entries if e.title == "Council closes old river bridge to cars"]
        assert len(items) == 1 and len(feed.entries) == 2
        item = items[0]
        assert item.link == report_urls[0]  # the earliest report leads
        content = item.content[0].value
        assert "Also reported by" in content and "(Herald, 15 December 2024)" in content and "(Courier, 14 December 2024)" in content
        assert report_urls[1] in content
    feed_json = json.loads(page(config, "feed.json"))
    story = [i for i in feed_json["items"] if i["title"].startswith("Council")]
    assert len(story) == 1 and "(Herald, 15 December 2024)" in story[0]["content_html"]
    # a source's feed shows its own report, linking to the other sources' ones
    herald = read_feed(config.output_dir / "sources/herald/feed.xml", BASE).entries
    assert [e.link for e in herald] == [report_urls[1]] and "(Daily, 14 December 2024)" in herald[0].content[0].value


def test_feeds_stories_must_be_a_boolean(make_digest: Callable[..., Config]) -> None:
    with pytest.raises(ConfigError, match="stories"):
        make_digest(story_entries(), CONFIG + "feeds: {stories: often}\n")


def rendered_by(config: Config, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The outputs a build renders (one process, so every render is seen here)."""
    seen: set[str] = set()
    real = engine.Renderer.render

    def render(self: engine.Renderer, job: engine.Job) -> dict[str, bytes]:
        seen.update(job.paths)
        return real(self, job)

    monkeypatch.setattr(engine.Renderer, "render", render)
    build(config, workers=1)
    monkeypatch.setattr(engine.Renderer, "render", real)
    return seen


def write_digest(root: Path, entries: dict[str, str], config_text: str) -> Config:
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "config.yaml").write_text(config_text, encoding="utf-8")
    for rel, text in entries.items():
        (root / "content" / rel).write_text(text, encoding="utf-8")
    return load_config(root / "config.yaml")


def pages_after_editing_herald(root: Path, config_text: str, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    days = (10, 10, 12)  # Daily and Courier on the 10th, Herald on the 12th; the zoo on the 14th
    entries = story_entries(days)
    build(write_digest(root, entries, config_text), workers=1)
    entries["herald.md"] = entries["herald.md"].replace("adds a line of its own.", "adds a line of its own, corrected.")
    return {p for p in rendered_by(write_digest(root, entries, config_text), monkeypatch) if p.endswith(".html")}


def test_editing_one_report_re_renders_only_the_pages_of_its_story(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    grouped = pages_after_editing_herald(tmp_path / "on", CONFIG, monkeypatch)
    alone = pages_after_editing_herald(tmp_path / "off", CONFIG + "digest: {stories: false}\n", monkeypatch)
    assert "2024/12/12/council-closes-old-river-bridge-to-cars/index.html" in alone and "issues/2024-12-12/index.html" in alone
    # With grouping, what shows Herald's report besides: the story's lead issue on the 10th (page and email; the page is
    # re-rendered without grouping too, as it links to the next issue), and the other two reports' article pages, which
    # list it. Nothing else: not their sources, not the zoo, not Herald's source page more than before.
    story_issue = {"issues/2024-12-10/index.html", "issues/2024-12-10/email.html"}
    assert story_issue <= grouped
    articles = grouped - alone - story_issue
    assert len(articles) == 2 and all(p.startswith("2024/12/10/council-closes-old-river-bridge-to-cars") for p in articles)
    assert alone <= grouped and len(grouped - alone - articles) == 1
    assert not any("sources/" in p or "red-panda" in p for p in grouped - alone)


def test_a_rebuild_after_one_edit_shingles_only_the_edited_article(make_digest: Callable[..., Config], monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.build as build_module

    shingled: list[str] = []
    real = build_module.sorted_shingles
    monkeypatch.setattr(build_module, "sorted_shingles", lambda body: shingled.append(body) or real(body))
    entries = story_entries()
    build(make_digest(entries))
    assert len(shingled) == 4
    shingled.clear()
    entries["herald.md"] = entries["herald.md"].replace("adds a line of its own.", "adds a line of its own, corrected.")
    build(make_digest(entries))
    assert len(shingled) == 1 and "corrected" in shingled[0]
    assert "Also reported by" in page(make_digest(), ISSUE)
