from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator.cache import BuildCache, dumps, loads
from generator.entries.frontmatter import dump
from generator.entries.load import load_entries
from generator.entries.model import Entry
from generator.entries.parse import EntryError, parse_entry
from tests.conftest import entry_text

TZ = ZoneInfo("Europe/Berlin")
P = Path("story.md")


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_entry(text, P, TZ)


def error(text: str) -> str:
    with pytest.raises(EntryError) as info:
        parse(text)
    return str(info.value)


def test_full_entry_round_trips_through_dump() -> None:
    fields = {
        "title": "Ports reopen: a long night",
        "kind": "article",
        "date": dt.date(2024, 6, 23),
        "added": dt.datetime(2024, 12, 14, 8, 30, tzinfo=dt.UTC),
        "source": "The Harbour Gazette",
        "edition": "June 23, 2024",
        "lang": "no",
        "summary": "Cranes move again.",
        "authors": ["Ana Ruiz"],
        "tags": ["economy", "shipping"],
        "url": "https://example.org/original",
        "image": "https://example.org/lead.jpg",
        "id": "3f2a9c01d4e5b6a7",
        "from": "9b1c",
        "title_derived": True,
        "origin": {"file": "raw/page.txt", "platform": "magzter"},
        "custom_field": {"nested": [1, 2]},
    }
    entry = parse(dump(fields, "First paragraph.\n\nSecond."))
    assert entry.title == "Ports reopen: a long night"
    assert entry.date == dt.date(2024, 6, 23)
    assert entry.added == dt.datetime(2024, 12, 14, 8, 30, tzinfo=dt.UTC)
    assert entry.when == entry.added
    assert entry.lang == "no"  # YAML 1.1 would have made this False
    assert entry.authors == ("Ana Ruiz",) and entry.tags == ("economy", "shipping")
    assert entry.from_id == "9b1c" and entry.title_derived
    assert entry.slug == "ports-reopen-a-long-night"
    assert entry.extra == {"custom_field": {"nested": [1, 2]}}
    assert entry.url == "https://example.org/original" and entry.image == "https://example.org/lead.jpg"
    assert entry.body == "First paragraph.\n\nSecond."
    again = loads(dumps(entry))  # as the build cache and parallel loading pass entries on
    assert again == entry and [getattr(again, f.name) for f in dataclasses.fields(Entry)] == [getattr(entry, f.name) for f in dataclasses.fields(Entry)]


def test_entries_from_the_cache_share_their_repeated_words() -> None:
    text = "\n".join(
        ["---", "title: {}", "date: 2024-06-23", "source: The Gazette", "edition: June 23, 2024", "lang: fr", "authors: [Ana Ruiz]", "tags: [port]", "---", ""]
    )
    one, two = (loads(dumps(parse(text.format(title)))) for title in ("One", "Two"))
    for name in ("kind", "source", "edition", "lang"):
        assert getattr(one, name) is getattr(two, name), name
    assert one.authors[0] is two.authors[0] and one.tags[0] is two.tags[0]


def test_long_title_slugs_keep_every_word_up_to_the_cut() -> None:
    title = "Die Regel ist nicht gut, das Gericht hat die Entscheidung des Landesamtes für Verkehr aufgehoben und neu verhandelt"
    entry = parse(f"---\ntitle: {title}\ndate: 2024-06-23\n---\n")
    assert entry.slug == "die-regel-ist-nicht-gut-das-gericht-hat-die-entscheidung-des-landesamtes-fur"


def test_defaults_and_derived_fields() -> None:
    entry = parse("---\ntitle: Editor's note\ndate: 2024-06-23\n---\n")
    assert entry.kind == "article" and not entry.draft
    assert entry.slug == "editors-note"
    assert entry.when == dt.datetime(2024, 6, 23, tzinfo=TZ)  # no `added`: falls back to `date`
    assert len(entry.id) == 16
    # the derived id ignores the body, so fixing a typo keeps the feed guid
    assert parse("---\ntitle: Editor's note\ndate: 2024-06-23\n---\nNew body\n").id == entry.id


def test_naive_datetime_is_read_in_site_time_zone() -> None:
    entry = parse("---\ntitle: T\nadded: 2024-12-14 08:30:00\n---\n")
    assert entry.when == dt.datetime(2024, 12, 14, 8, 30, tzinfo=TZ)


def test_bom_and_crlf_are_accepted() -> None:
    entry = parse("\ufeff---\r\ntitle: T\r\ndate: 2024-06-23\r\n---\r\nLine one\r\n")
    assert entry.body == "Line one"


def test_control_characters_are_removed() -> None:
    entry = parse('---\ntitle: "Bad\\x07 title"\ndate: 2024-06-23\n---\nText\x00with\x1bcontrols\n')
    assert entry.title == "Bad title"
    assert entry.body == "Textwithcontrols"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no front matter\n", "story.md:1: entry must start with a `---` line"),
        ("---\ntitle: T\n", "front matter is not closed"),
        ("---\ntitle: T\ndate: [2024\n---\n", "story.md:4: invalid YAML"),
        ("---\n- a\n- b\n---\n", "must be a YAML mapping"),
        ("---\ndate: 2024-06-23\n---\n", "missing required key `title`"),
        ("---\ntitle: T\ndate: 2024-06-23\ntags: 5\n---\n", "story.md:4: `tags`: expected `array`, got `int`"),
        ("---\ntitle: T\ndate: 2024-02-30\n---\n", "story.md:3: `date`: invalid date '2024-02-30'"),
        ("---\ntitle: T\nadded: yesterday\n---\n", "story.md:3: `added`: invalid date"),
        ("---\ntitle: T\ndate: 2024-06-23\nkind: opinion\n---\n", "story.md:4: `kind`: invalid enum value 'opinion'"),
        ("---\ntitle: T\n---\n", "needs `date` or `added`"),
        ("---\ntitle: T\ndate: 2024-06-23\nslug: ../../etc/passwd\n---\n", "story.md:4: `slug` may hold only"),
        ("---\ntitle: T\ndate: 2024-06-23\nurl: javascript:alert(1)\n---\n", "`url` must be an absolute http(s) URL"),
        ("---\ntitle: T\ndate: 2024-06-23\nimage: /lead.jpg\n---\n", "story.md:4: `image` must be an absolute http(s) URL, got '/lead.jpg'"),
        ("---\ntitle: ''\ndate: 2024-06-23\n---\n", "`title` is empty"),
    ],
)
def test_bad_entries_name_file_line_and_problem(text: str, expected: str) -> None:
    assert expected in error(text)


def test_loader_collects_every_problem_and_keeps_good_entries(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "good.md").write_text(entry_text("Good", id="aaa"), encoding="utf-8")
    (content / "twin.md").write_text(entry_text("Twin", id="aaa"), encoding="utf-8")
    (content / "bad.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    (content / "latin1.md").write_bytes("---\ntitle: Caf\xe9\ndate: 2024-01-01\n---\n".encode("latin-1"))
    (content / "empty.md").write_text("", encoding="utf-8")
    (content / "binary.md").write_bytes(b"\x00\x01\x02---")
    (content / "notes.txt").write_text("not an entry", encoding="utf-8")
    loaded = load_entries(content, TZ, max_bytes=10_000)
    assert [e.title for e in loaded.entries] == ["Good"]
    messages = "\n".join(str(p) for p in loaded.problems)
    assert "twin.md: duplicate id 'aaa', already used by good.md" in messages
    assert "bad.md:3: invalid YAML" in messages
    assert "latin1.md:2: not valid UTF-8 (byte 0xe9)" in messages
    assert "empty.md: file is empty" in messages
    assert "binary.md: binary file" in messages
    assert len(loaded.problems) == 5


def test_oversized_file_and_outside_symlink_are_refused(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "big.md").write_text(entry_text("Big", body="x" * 5000), encoding="utf-8")
    secret = tmp_path / "secret.md"
    secret.write_text(entry_text("Secret"), encoding="utf-8")
    (content / "link.md").symlink_to(secret)
    loaded = load_entries(content, TZ, max_bytes=1000)
    messages = "\n".join(str(p) for p in loaded.problems)
    assert "big.md: file is" in messages and "over the 1,000-byte limit" in messages
    assert "link.md: symlink points outside the content folder" in messages
    assert loaded.entries == []


def test_dump_round_trips_values_that_yaml_ends_with_a_document_marker() -> None:
    entry = parse(dump({"title": "T", "date": "2024-01-01", "summary": "\n\n"}, "Body"))
    assert entry.body == "Body"


def test_parallel_parsing_gives_the_same_entries_and_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.entries import load

    content = tmp_path / "content"
    content.mkdir()
    for i in range(7):
        (content / f"e{i}.md").write_text(entry_text(f"Story {i}", id=f"id{i}"), encoding="utf-8")
    (content / "bad.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    serial = load_entries(content, TZ, max_bytes=10_000)
    monkeypatch.setattr(load, "PARALLEL_MIN", 2)
    monkeypatch.setattr(load, "CHUNK", 3)
    parallel = load_entries(content, TZ, max_bytes=10_000)
    assert parallel.entries == serial.entries and len(parallel.entries) == 7
    assert [str(p) for p in parallel.problems] == [str(p) for p in serial.problems] != []


@pytest.mark.parametrize("parallel", [False, True], ids=["here", "forked"])
def test_cache_parses_only_changed_files_and_hashes_untrusted_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool) -> None:
    from generator.cache import BuildCache
    from generator.entries import load

    if parallel:
        monkeypatch.setattr(load, "PARALLEL_MIN", 2)
        monkeypatch.setattr(load, "CHUNK", 2)
    content = tmp_path / "content"
    content.mkdir()
    for i in range(6):
        (content / f"e{i}.md").write_text(entry_text(f"Story {i}", id=f"id{i}"), encoding="utf-8")
    cache = BuildCache(tmp_path / "cache.sqlite")
    first = load_entries(content, TZ, 10_000, cache)
    assert first.parsed == 6 and len(first.entries) == 6
    trusted = load_entries(content, TZ, 10_000, cache, trust_before_ns=2**62)  # stats trusted: nothing read
    assert trusted.parsed == 0 and trusted.entries == first.entries and trusted.digests == first.digests
    (content / "e3.md").write_text(entry_text("Story 3, revised", id="id3"), encoding="utf-8")
    untrusted = load_entries(content, TZ, 10_000, cache, trust_before_ns=0)  # every file hashed, one parsed
    assert untrusted.parsed == 1
    assert [e.title for e in untrusted.entries if e.id == "id3"] == ["Story 3, revised"]
    assert {k: v for k, v in untrusted.digests.items() if k != "id3"} == {k: v for k, v in first.digests.items() if k != "id3"}
    (content / "e0.md").unlink()
    assert sorted(e.id for e in load_entries(content, TZ, 10_000, cache).entries) == [f"id{i}" for i in range(1, 6)]
    cache.close()


def test_cached_parses_read_halfway_leave_nothing_to_report_once_the_cache_is_closed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Ctrl-C during loading left the payload stream half-read; collected after the build closed the
    # database, it printed "Exception ignored … Cannot operate on a closed database".
    cache = BuildCache(tmp_path / "cache.sqlite")
    content = tmp_path / "content"
    content.mkdir()
    for i in range(3):
        (content / f"e{i}.md").write_text(entry_text(f"Story {i}", id=f"id{i}"), encoding="utf-8")
    load_entries(content, TZ, 10_000, cache)
    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    rows = cache.entry_payloads()
    assert next(rows)[0].startswith("e")
    cache.close()
    del rows
    gc.collect()
    assert unraisable == []
