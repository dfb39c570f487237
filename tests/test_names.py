"""Sources and tags: distinct names get distinct, stable pages; an entry is listed once per page and feed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import feedparser

from generator.build import build
from generator.config import Config
from generator.structure.names import name_slug
from generator.structure.site import build_site
from tests.conftest import entry_text
from tests.test_structure import TZ, entry


def test_plus_and_sharp_are_spelt_out_and_case_is_ignored() -> None:
    assert [name_slug(n) for n in ("C", "C++", "c#", "C#", "Google+", "#MeToo")] == ["c", "c-plus-plus", "c-sharp", "c-sharp", "google-plus", "metoo"]


def test_a_name_with_nothing_to_slugify_never_lands_on_a_word() -> None:
    empty = {name: name_slug(name) for name in ("..", "-", "😀", "🙂")}
    assert all(re.fullmatch(r"_[0-9a-f]{8}", slug) for slug in empty.values()), empty
    assert len(set(empty.values())) == 4  # and they stay apart
    assert name_slug("..") == name_slug("..")  # a pure function of the name: stable across builds


def test_long_names_are_cut_and_told_apart() -> None:
    one, two = name_slug("word " * 30 + "one"), name_slug("word " * 30 + "two")
    assert one != two and len(one) <= 80 and len(two) <= 80


def test_a_long_name_is_cut_after_the_last_whole_word_that_fits() -> None:
    """python-slugify's word_boundary left out a word too long to fit and went on with later short ones ("…-es-<hash>")."""
    name = "Das Bundesverfassungsgericht und die Vorratsdatenspeicherung: Grundsatzentscheidungssammlung weil es nicht gut war"
    slug = name_slug(name)
    assert re.fullmatch(r"das-bundesverfassungsgericht-und-die-vorratsdatenspeicherung-[0-9a-f]{8}", slug), slug


def test_a_tag_url_does_not_depend_on_other_entries() -> None:
    alone = build_site([entry("a.md", "A", id="a1", tags="['C++']")], TZ, "day")
    crowded = build_site(
        [
            entry("a.md", "A", id="a1", tags="['C++']"),
            entry("b.md", "B", id="b1", tags="['C', 'c#', 'C plus plus']"),
            entry("c.md", "C", id="c1", tags="['..']"),
        ],
        TZ,
        "day",
    )
    assert [t.slug for t in alone.tags] == ["c-plus-plus"]
    assert {t.slug for t in crowded.tags} >= {"c-plus-plus", "c", "c-sharp"}


def test_names_that_must_share_a_page_are_warned_about_and_case_is_one_name() -> None:
    site = build_site(
        [
            entry("a.md", "A", id="a1", tags="['Middle East', 'middle east']", source="The Times"),
            entry("b.md", "B", id="b1", tags="['middle-east']", source="the times"),
            entry("c.md", "C", id="c1", tags="['Middle East']", source="THE TIMES"),
        ],
        TZ,
        "day",
    )
    assert [(t.name, t.slug, [e.id for e in t.entries]) for t in site.tags] == [("Middle East", "middle-east", ["a1", "b1", "c1"])]
    assert [(s.slug, len(s.entries)) for s in site.sources] == [("the-times", 3)]
    assert [str(w) for w in site.warnings] == [
        "b.md: warning: tag 'middle-east' and 'Middle East' share the page /tags/middle-east/ (use one spelling for both)"
    ]
    (issue,) = site.issues
    assert [(g.slug, len(g.articles)) for g in issue.groups] == [("the-times", 3)]  # one source block, not three


def _items(config: Config, folder: str) -> dict[str, list[str]]:
    """Item ids of a folder's RSS, Atom and JSON feeds, as a reader sees them."""
    out = config.output_dir / folder
    found = {name: [e.id for e in feedparser.parse((out / name).read_bytes()).entries] for name in ("feed.xml", "atom.xml")}
    found["feed.json"] = [item["id"] for item in json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]]
    return found


def test_an_entry_with_colliding_tags_appears_once_on_each_page_and_feed(make_digest: Callable[..., Config]) -> None:
    config = make_digest(
        {
            "multi.md": entry_text("Languages compared", tags="['C++', 'C', 'c#', 'C#']", id="multi1", source="'C++'"),
            "other.md": entry_text("Plain C", tags="[C]", id="plainc", source="C"),
            "dots.md": entry_text("Dots", tags="['..', source]", id="dots1", source="'..'"),
        }
    )
    result = build(config)
    assert result.warnings == []
    out = config.output_dir
    for folder, titles in {
        "tags/c/": ["Languages compared", "Plain C"],
        "tags/c-plus-plus/": ["Languages compared"],
        "tags/c-sharp/": ["Languages compared"],
        "sources/c-plus-plus/": ["Languages compared"],
        "sources/c/": ["Plain C"],
        "tags/source/": ["Dots"],  # the real tag `source` keeps its page ...
        f"tags/{name_slug('..')}/": ["Dots"],  # ... and `..` has its own
        f"sources/{name_slug('..')}/": ["Dots"],  # sources by the same rule
    }.items():
        page = (out / folder / "index.html").read_text(encoding="utf-8")
        listed = re.findall(r'<a class="headline" href="[^"]*">([^<]+)</a>', page)
        assert sorted(listed) == titles, folder
        assert all(len(ids) == len(titles) == len(set(ids)) for ids in _items(config, folder).values()), folder
    assert "<h1>c#</h1>" in (out / "tags/c-sharp/index.html").read_text(encoding="utf-8")  # the spelling most entries use
    article = (out / "2024/12/14/languages-compared/index.html").read_text(encoding="utf-8")
    for slug in ("c", "c-plus-plus", "c-sharp"):
        assert article.count(f'href="/digest/tags/{slug}/"') == 1, slug  # `c#` and `C#` are one tag: listed once
