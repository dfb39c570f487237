"""Stories across sources in the built site: issue pages, article pages, feeds, and what a one-edit rebuild renders."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build import build, collect
from generator.cache import BuildCache
from generator.config import Config, load_config
from generator.output import Trees
from generator.problems import ConfigError
from tests.conftest import CONFIG, entry_text, rendered_by
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


def write_digest(root: Path, entries: dict[str, str], config_text: str) -> Config:
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "config.yaml").write_text(config_text, encoding="utf-8")
    for rel, text in entries.items():
        (root / "content" / rel).write_text(text, encoding="utf-8")
    return load_config(root / "config.yaml")


# Written for these tests: three stories told by two or three papers (each adds a line of its own), and three articles
# that report nothing else. Days are December 2024; each day is one issue.
FERRY = (
    "Ferry crews walked out at dawn on Monday over a pay dispute, stranding hundreds of passengers at the harbour, "
    "and the operator said no sailings to the islands would run before Thursday at the earliest."
)
STORIES = {
    "bridge": ("Council closes old river bridge to cars", BRIDGE),
    "zoo": ("Red panda cubs at the zoo", PARK),
    "ferry": ("Ferry strike halts island crossings", FERRY),
}
REPORTS = [("bridge", "Daily", 10), ("bridge", "Courier", 10), ("bridge", "Herald", 12), ("zoo", "Daily", 11), ("zoo", "Herald", 13), ("ferry", "Courier", 12), ("ferry", "Herald", 14)]  # fmt: skip
ALONE = [
    (
        "Snow expected over the weekend",
        "Herald",
        10,
        "Forecasters expect the first snow of the winter on Saturday night, with up to ten centimetres in the hills.",
    ),
    (
        "Library opens late on Fridays",
        "Daily",
        12,
        "The central library will stay open until ten on Friday evenings from January, to give students room before exams.",
    ),
    (
        "Tram line extension approved",
        "Courier",
        13,
        "The regional assembly approved money for taking the tram line to the new hospital, with trams running by 2027.",
    ),
]


def several_stories() -> dict[str, str]:
    entries = {}
    for story, source, day in REPORTS:
        title, body = STORIES[story]
        entries[f"{story}-{source.lower()}.md"] = entry_text(title, body=f"{body} {source} adds a line of its own.", id=f"{story}-{source.lower()}",
                                                             source=source, date=f"2024-12-{day}", added=f"2024-12-{day}T08:00:00+00:00")  # fmt: skip
    for title, source, day, body in ALONE:
        entries[f"alone-{day}.md"] = entry_text(title, body=body, id=f"alone-{day}", source=source, added=f"2024-12-{day}T09:00:00+00:00")
    return entries


def rebuilt_pages(root: Path, config_text: str, edit: Callable[[dict[str, str]], None], monkeypatch: pytest.MonkeyPatch) -> tuple[set[str], Config]:
    """The HTML pages a build renders after `edit` changed the entries of a built several_stories() site."""
    entries = several_stories()
    build(write_digest(root, entries, config_text), workers=1)
    edit(entries)
    config = write_digest(root, entries, config_text)
    return {p for p in rendered_by(config, monkeypatch) if p.endswith(".html")}, config


def correct_herald_bridge(entries: dict[str, str]) -> None:
    entries["bridge-herald.md"] = entries["bridge-herald.md"].replace("adds a line of its own.", "adds a line of its own, corrected.")


def herald_zoo_retells_the_bridge(entries: dict[str, str]) -> None:
    """Herald's zoo report leaves the zoo story and joins the bridge story (its body becomes a bridge report)."""
    entries["zoo-herald.md"] = entries["zoo-herald.md"].replace(PARK, BRIDGE)


def article(day: int, slug: str) -> str:
    return f"2024/12/{day}/{slug}/index.html"


BRIDGE_PAGES = {article(10, "council-closes-old-river-bridge-to-cars"), article(10, "council-closes-old-river-bridge-to-cars-bridge-d"),
                article(12, "council-closes-old-river-bridge-to-cars")}  # fmt: skip
ZOO_PAGES = {article(11, "red-panda-cubs-at-the-zoo"), article(13, "red-panda-cubs-at-the-zoo")}
# What shows any entry, whichever it is: the home page, the issue list, the archive and the month (the sources' index shows
# each source's name and count alone).
LISTS = {"index.html", "issues/index.html", "archive/index.html", "archive/2024/12/index.html"}


def issue(day: int) -> set[str]:
    return {f"issues/2024-12-{day}/index.html", f"issues/2024-12-{day}/email.html"}


@pytest.mark.parametrize("feeds", ["", "feeds: {stories: true}\n"])
def test_a_body_edit_re_renders_the_pages_of_its_story_and_no_other_article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, feeds: str) -> None:
    grouped, config = rebuilt_pages(tmp_path / "on", CONFIG + feeds, correct_herald_bridge, monkeypatch)
    library = article(12, "library-opens-late-on-fridays")
    assert {p for p in grouped if p.startswith("2024/")} == BRIDGE_PAGES | {library}
    # Exactly: the story's three article pages (the edited one and the two that list it), the page before it in its
    # issue (whose "next" link shows its title), the issues holding a report of the story (the 10th, where the story
    # leads, and the 12th, the edited report's own), Herald's source page and the lists that show every entry.
    assert grouped == BRIDGE_PAGES | {library} | issue(10) | issue(12) | LISTS | {"sources/herald/index.html"}
    alone, _ = rebuilt_pages(tmp_path / "off", CONFIG + feeds + "digest: {stories: false}\n", correct_herald_bridge, monkeypatch)
    assert grouped - alone == BRIDGE_PAGES - {article(12, "council-closes-old-river-bridge-to-cars")} | issue(10)
    assert alone <= grouped
    assert "Also reported by" in page(config, article(10, "council-closes-old-river-bridge-to-cars"))


@pytest.mark.parametrize("feeds", ["", "feeds: {stories: true}\n"])
def test_an_edit_that_moves_a_report_to_another_story_re_renders_the_pages_of_both_stories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, feeds: str) -> None:
    rendered, config = rebuilt_pages(tmp_path, CONFIG + feeds, herald_zoo_retells_the_bridge, monkeypatch)
    # Both stories' article pages and issues (the zoo's on the 11th and 13th, the bridge's on the 10th and 12th; the
    # 13th is the moved report's own, its tram neighbour shows it), and not the ferry story or the other articles.
    tram = article(13, "tram-line-extension-approved")
    assert {p for p in rendered if p.startswith("2024/")} == BRIDGE_PAGES | ZOO_PAGES | {tram}
    assert rendered == BRIDGE_PAGES | ZOO_PAGES | {tram} | issue(10) | issue(11) | issue(12) | issue(13) | LISTS | {"sources/herald/index.html"}
    zoo_daily = page(config, article(11, "red-panda-cubs-at-the-zoo"))
    assert "Also reported by" not in zoo_daily  # the zoo story is now Daily's report alone
    assert page(config, article(13, "red-panda-cubs-at-the-zoo")).count('class="reports-source"') == 3


def test_a_rebuild_after_one_edit_hashes_only_the_edited_articles_lead(make_digest: Callable[..., Config], monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import remembered
    from generator.structure import stories

    hashed: list[str] = []
    real = stories.lead_key
    for module in (remembered, stories):
        monkeypatch.setattr(module, "lead_key", lambda entry: hashed.append(entry.id) or real(entry))
    config = make_digest(story_entries())
    an_hour_ago = time.time() - 3600
    for path in config.content_dir.iterdir():  # old enough for their size and time to be trusted
        os.utime(path, (an_hour_ago, an_hour_ago))
    build(config)
    assert len(hashed) == 4  # every article's, once
    hashed.clear()
    herald = config.content_dir / "herald.md"
    herald.write_text(herald.read_text(encoding="utf-8").replace("adds a line of its own.", "adds a line of its own, corrected."), encoding="utf-8")
    build(config)
    seen = list(hashed)
    assert seen == [next(e for e in collect(config).site.entries if e.path == "herald.md").id]
    assert "Also reported by" in page(config, ISSUE)


def test_a_rebuild_after_one_edit_shingles_only_the_edited_article(make_digest: Callable[..., Config], monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.remembered as build_module

    shingled: list[str] = []
    real = build_module.sorted_shingles
    monkeypatch.setattr(build_module, "sorted_shingles", lambda body: shingled.append(body) or real(body))
    entries = story_entries()
    build(make_digest(entries))
    assert len(shingled) == 4
    shingled.clear()
    entries["herald.md"] = entries["herald.md"].replace("adds a line of its own.", "adds a line of its own, corrected.")
    config = make_digest(entries)
    build(config)
    assert len(shingled) == 1 and "corrected" in shingled[0]
    assert "Also reported by" in page(make_digest(), ISSUE)
    kept = BuildCache(Trees(config.output_dir).cache_file).shingles()
    assert len(kept) == 4 and real(entries["herald.md"].split("---\n", 2)[2]).tobytes() in kept.values()  # the old lead's row went
