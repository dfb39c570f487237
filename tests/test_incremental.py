"""Incremental builds: every rebuild equals a clean build of the same input, byte for byte."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import msgspec
import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

import generator.build
from generator.build import BuildResult, build
from generator.cache import BuildCache
from generator.config import Config, load_config
from generator.output import Trees, read_token
from generator.problems import DigestError
from tests.conftest import CONFIG, entry_text, examples, rendered_by, site_files

SOURCES = ["Gazette", "Courier", "Herald"]
TAGS = ["alpha", "beta", "gamma"]


# Written for these tests: two stories that entries join by taking one as their body (and leave by any other edit).
STORIES = [
    "The council voted on Tuesday evening to close the old river bridge to cars from the first of May, after engineers "
    "found cracks in two of its supporting piers during the spring inspection. Buses will be diverted over the ring road.",
    "The city zoo welcomed two red panda cubs born in the spring, keepers said, and visitors can see them from June "
    "in the new woodland enclosure beside the lake, where a viewing platform is being built for school groups.",
]


def write_entry(content: Path, n: int, version: int, rng_bits: int, title: int = 0, story: int | None = None) -> None:
    """Entry n; `version` and `rng_bits` change its body, dek, tags and source, `title` its title, `story` makes it report one."""
    source = SOURCES[rng_bits % 3]
    tags = "[" + ", ".join(TAGS[: rng_bits % 4]) + "]"
    kind = "teaser" if n % 4 == 3 else "article"
    day = 10 + (n + rng_bits) % 5
    text = entry_text(
        f"Story {n} take {title}",
        body=f"Paragraph {version} of story {n}.\n\nSecond paragraph with *emphasis* {rng_bits}." if story is None else STORIES[story] + f" ({n})",
        id=f"id{n}",
        source=source,
        tags=tags,
        kind=kind,
        added=f"2024-12-{day:02d}T08:{n % 60:02d}:00+00:00",
        summary=f"'Dek {rng_bits}'",
        **({"from": "id0"} if kind == "teaser" else {}),
    )
    entry_path(content, n).write_text(text, encoding="utf-8")


def write_wanted(content: Path, n: int, bits: int) -> None:
    """Entries 13-14: teasers with a link no article has yet; 15-16: the articles at those links (of another source)."""
    if n <= 14:
        text = entry_text(f"Wanted lighthouse news {n}", body="", id=f"id{n}", source=SOURCES[bits % 3], kind="teaser", url=f"https://w.example/{n}",
                          added=f"2024-12-{10 + bits % 5:02d}T09:00:00+00:00")  # fmt: skip
    else:
        text = entry_text(f"Keeper's report {n} ({bits})", id=f"id{n}", source=SOURCES[(bits + 1) % 3], origin=f"{{url: 'https://w.example/{n - 2}'}}",
                          added=f"2024-12-{10 + bits % 5:02d}T10:00:00+00:00")  # fmt: skip
    entry_path(content, n).write_text(text, encoding="utf-8")


def entry_path(content: Path, n: int) -> Path:
    """Entry n's file: where a rename moved it, if it was."""
    moved = content / "moved" / f"e{n}.md"
    return moved if moved.exists() else content / f"e{n}.md"


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("edit"), st.integers(0, 7), st.integers(0, 50)),
        st.tuples(st.just("body"), st.integers(0, 16), st.integers(0, 50)),  # the body alone: the site keeps its structure
        st.tuples(st.just("retitle"), st.integers(0, 7), st.integers(1, 3)),
        st.tuples(st.just("story"), st.integers(0, 12), st.integers(0, 5)),  # joins (or moves to) a story
        st.tuples(st.just("stories"), st.integers(0, 2), st.just(0)),
        st.tuples(st.just("add"), st.integers(8, 12), st.integers(0, 50)),
        st.tuples(st.just("want"), st.integers(13, 16), st.integers(0, 50)),
        st.tuples(st.just("delete"), st.integers(0, 16), st.just(0)),
        st.tuples(st.just("rename"), st.integers(0, 12), st.just(0)),
        st.tuples(st.just("broken"), st.just(0), st.just(0)),
        st.tuples(st.just("template"), st.integers(0, 3), st.just(0)),
        st.tuples(st.just("config"), st.integers(1, 4), st.just(0)),
    ),
    min_size=1,
    max_size=5,
)


def apply(root: Path, op: tuple[str, int, int]) -> None:
    kind, n, bits = op
    content = root / "content"
    if kind in ("edit", "add"):
        write_entry(content, n, bits, bits)
    elif kind == "body":
        path = entry_path(content, n)
        if path.exists():
            path.write_text(path.read_text(encoding="utf-8") + f"\nA line added ({bits}).\n", encoding="utf-8")
    elif kind == "want":  # a wanted teaser, or the article that answers one
        write_wanted(content, n, bits)
    elif kind == "retitle":
        write_entry(content, n, 0, n, title=bits)
    elif kind == "story":  # bits picks the story and the source: reports from different sources join, a same-source one does not
        write_entry(content, n, 0, bits, story=bits % 2)
    elif kind == "stories":  # grouping off, one feed item per story, or the defaults
        settings = ("digest: {stories: false}\n", "feeds: {stories: true}\n", "")[n]
        (root / "config.yaml").write_text(CONFIG + settings, encoding="utf-8")
    elif kind == "delete":
        entry_path(content, n).unlink(missing_ok=True)
    elif kind == "rename":  # the same entry under another path
        if (content / f"e{n}.md").exists():
            (content / "moved").mkdir(exist_ok=True)
            (content / f"e{n}.md").rename(content / "moved" / f"e{n}.md")
    elif kind == "broken":
        (content / "broken.md").write_text("---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")
    elif kind == "template":
        (root / "templates").mkdir(exist_ok=True)
        (root / "templates" / "robots.txt").write_text(f"User-agent: *\nDisallow: /private-{n}/\n", encoding="utf-8")
    else:
        (root / "config.yaml").write_text(CONFIG + f"digest: {{per_page: {n}}}\nfeeds: {{limit: {n + 1}}}\n", encoding="utf-8")


def clean_build(root: Path, scratch: Path) -> dict[str, bytes]:
    if scratch.exists():
        shutil.rmtree(scratch)
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns("site", ".site.newsdigest"))
    config = load_config(scratch / "config.yaml")
    build(config, workers=1)
    return site_files(config.output_dir)


@examples(12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.integers(0, 2), ops=OPS)
def test_incremental_build_equals_clean_build(tmp_path_factory: object, start: int, ops: list[tuple[str, int, int]]) -> None:
    root = tmp_path_factory.mktemp("digest")  # type: ignore[attr-defined]
    (root / "content").mkdir()
    apply(root, ("stories", start, 0))  # the first build with grouping off, one feed item per story, or the defaults
    for n in range(8):
        write_entry(root / "content", n, 0, n, story=0 if n in (1, 2) else None)  # 1 and 2: one story from two sources
    config = load_config(root / "config.yaml")
    build(config, workers=1)
    for op in ops:
        apply(root, op)
        config = load_config(root / "config.yaml")
        if op[0] == "broken":  # a failed build (its spare half made) leaves the next one to do all the work
            with pytest.raises(DigestError):
                build(config, workers=1)
            (root / "content" / "broken.md").unlink()
        build(config, workers=1)
        assert site_files(config.output_dir) == clean_build(root, root.parent / f"{root.name}-clean")


def test_no_change_rebuild_writes_nothing(make_digest, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = make_digest({f"e{i}.md": entry_text(f"Story {i}", id=f"s{i}") for i in range(5)})
    first = build(config)
    assert first.written > 0 and not first.nothing_to_do
    stamps = {p: p.stat().st_mtime_ns for p in config.output_dir.rglob("*") if p.is_file()}
    again: BuildResult = build(config)
    assert again.nothing_to_do and again.written == 0
    assert {p: p.stat().st_mtime_ns for p in config.output_dir.rglob("*") if p.is_file()} == stamps


def test_one_edit_rewrites_only_the_pages_that_show_it(make_digest) -> None:  # type: ignore[no-untyped-def]
    entries = {f"e{i}.md": entry_text(f"Story {i}", id=f"s{i}", added=f"2024-12-1{i}T08:00:00+00:00") for i in range(5)}
    config = make_digest(entries)
    build(config)
    article = next(config.output_dir.glob("2024/12/10/story-0/index.html"))
    untouched = next(config.output_dir.glob("2024/12/14/story-4/index.html"))
    before = untouched.stat().st_mtime_ns
    config = make_digest({"e0.md": entry_text("Story 0", body="A new body.", id="s0", added="2024-12-10T08:00:00+00:00")})
    result = build(config)
    assert "A new body." in article.read_text(encoding="utf-8")
    assert 0 < result.written < len(site_files(config.output_dir)) / 2
    assert untouched.stat().st_mtime_ns == before


def test_a_body_edit_keeps_the_site_structure_unless_the_stories_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a change to what the structure reads (any field but the body, or the stories) builds it again; each build equals a clean one."""
    built: list[int] = []
    real = generator.build.build_site
    monkeypatch.setattr(generator.build, "build_site", lambda *args: built.append(1) or real(*args))
    root = tmp_path / "digest"
    (root / "content").mkdir(parents=True)
    (root / "config.yaml").write_text(CONFIG, encoding="utf-8")
    for n in range(6):
        write_entry(root / "content", n, 0, n, story=0 if n in (1, 2) else None)
    config = load_config(root / "config.yaml")
    build(config, workers=1)
    steps = [
        (("body", 4, 1), 0),  # an article outside every story: kept
        (("body", 1, 2), 0),  # a report of the story, its lead unchanged: kept
        (("story", 4, 4), 1),  # article 4's body alone changes, and it now reports the story too: built again
        (("retitle", 5, 2), 1),  # a title: built again
        (("body", 5, 3), 0),
    ]
    for step, (op, rebuilt) in enumerate(steps):
        built.clear()
        apply(root, op)
        build(config, workers=1)
        assert len(built) == rebuilt, f"step {step} ({op[0]}): built the structure {len(built)} times"
        assert site_files(config.output_dir) == clean_build(root, tmp_path / f"clean-{step}"), f"step {step} ({op[0]})"


def test_a_body_edit_writes_neither_the_job_index_nor_the_site_structure_again(make_digest, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With search off: the search index's files are named by their contents, so its jobs, in the index, change with a body."""
    config = make_digest({f"e{i}.md": entry_text(f"Story {i}", id=f"s{i}") for i in range(4)}, config=CONFIG + "  search: false\n")
    written: list[str] = []
    real = BuildCache.set_derived
    monkeypatch.setattr(BuildCache, "set_derived", lambda self, name, key, value: written.append(name) or real(self, name, key, value))
    build(config)
    assert {"jobs", "site"} <= set(written)
    written.clear()
    (config.content_dir / "e1.md").write_text(entry_text("Story 1", body="Edited.", id="s1"), encoding="utf-8")
    assert build(config).written > 0
    assert not {"jobs", "site"} & set(written)
    written.clear()
    (config.content_dir / "e1.md").write_text(entry_text("Story 1 retitled", body="Edited.", id="s1"), encoding="utf-8")
    build(config)
    assert {"jobs", "site"} <= set(written)  # a title is part of the structure


def test_unchanged_entries_come_from_the_bulk_file_and_a_damaged_one_is_only_slower(make_digest, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from generator.entries import load

    config = make_digest({f"e{i}.md": entry_text(f"Story {i}", id=f"s{i}") for i in range(6)})
    an_hour_ago = time.time() - 3600
    for path in config.content_dir.iterdir():  # old enough for their size and time to be trusted
        os.utime(path, (an_hour_ago, an_hour_ago))
    build(config)
    bulk = Trees(config.output_dir).cache_file.with_name("cache.sqlite.entries")
    assert bulk.stat().st_size > 0
    unpickled: list[bytes] = []
    real = load.loads
    monkeypatch.setattr(load, "loads", lambda payload: unpickled.append(payload) or real(payload))
    (config.content_dir / "e1.md").write_text(entry_text("Story 1", body="Edited.", id="s1"), encoding="utf-8")
    build(config)
    assert len(unpickled) == 1  # the edited file's new parse; the five others came from the bulk file in one read
    bulk.write_bytes(b"not a pickle")
    (config.content_dir / "e2.md").write_text(entry_text("Story 2", body="Edited too.", id="s2"), encoding="utf-8")
    unpickled.clear()
    build(config)
    assert len(unpickled) == 6  # every file from its own row, as before there was a bulk file
    assert site_files(config.output_dir) == clean_build(config.path.parent, config.path.parent.with_name(config.path.parent.name + "-clean"))
    store = BuildCache(bulk.with_name("cache.sqlite"))
    try:
        assert len(store.entry_bulk()) == 6  # written again
    finally:
        store.close()


def test_the_spare_is_read_where_the_last_build_said_it_differs_and_that_agrees_with_a_full_comparison(make_digest) -> None:  # type: ignore[no-untyped-def]
    config = make_digest({f"e{i}.md": entry_text(f"Story {i}", id=f"s{i}") for i in range(4)})
    build(config)
    trees = Trees(config.output_dir)
    for round_ in range(3):
        (config.content_dir / "e1.md").write_text(entry_text("Story 1", body=f"Edit {round_}.", id="s1"), encoding="utf-8")
        if round_ == 2:
            (config.content_dir / "e3.md").unlink()
        build(config)
        live, spare = str(read_token(trees.live)), str(read_token(trees.spare))
        store = BuildCache(trees.cache_file)
        try:
            listed = generator.build._spare_differences(store, spare, live)
            kept = msgspec.json.decode(store.meta(f"differs:{live}"), type=generator.build.Differences)
            assert kept.base == spare and listed == store.output_differences(spare, live) != {}
        finally:
            store.close()


def test_parallel_and_serial_builds_agree(make_digest, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from generator.render import engine

    config = make_digest({f"e{i}.md": entry_text(f"Story {i}", id=f"s{i}", tags="[a, b]") for i in range(30)})
    build(config.with_output(tmp_path / "serial"), workers=1)
    monkeypatch.setattr(engine, "PARALLEL_MIN_JOBS", 1)
    build(config.with_output(tmp_path / "parallel"), workers=2)
    assert site_files(tmp_path / "serial") == site_files(tmp_path / "parallel")


def test_config_and_template_changes_invalidate_only_what_they_affect(make_digest, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    entries = {f"e{i}.md": entry_text(f"Story {i}", id=f"s{i}", added=f"2024-12-1{i}T08:00:00+00:00") for i in range(4)}
    config = make_digest(entries)
    build(config)
    html = {p: p.stat().st_mtime_ns for p in config.output_dir.rglob("*.html")}
    feeds_only = build(make_digest(entries, CONFIG + "feeds: {limit: 2}\n"))
    assert feeds_only.rendered == 2  # only the site feed and the wanted feed (no sources or tags here); no page
    assert {p: p.stat().st_mtime_ns for p in config.output_dir.rglob("*.html")} == html
    config.templates_dir.mkdir()
    theme = Path(__file__).resolve().parents[1] / "templates" / "article.html"
    text = theme.read_text(encoding="utf-8")
    head, _, tail = text.rpartition("{% endblock %}")
    (config.templates_dir / "article.html").write_text(head + "<!-- custom -->{% endblock %}" + tail, encoding="utf-8")
    result = build(make_digest(entries, CONFIG + "feeds: {limit: 2}\n"))
    assert result.rendered == 4  # the four article pages, nothing else
    assert all("<!-- custom -->" in p.read_text(encoding="utf-8") for p in config.output_dir.glob("2024/*/*/*/index.html"))


def test_same_size_edit_within_the_same_clock_tick_is_not_missed(make_digest) -> None:  # type: ignore[no-untyped-def]
    config = make_digest({"e.md": entry_text("Story", body="Version A.", id="s1")})
    build(config)
    path = config.content_dir / "e.md"
    stamp = path.stat().st_mtime_ns
    path.write_text(entry_text("Story", body="Version B.", id="s1"), encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))  # same size, same mtime: only the bytes tell
    result = build(config)
    assert not result.nothing_to_do
    assert "Version B." in next(config.output_dir.glob("2024/12/14/story/index.html")).read_text(encoding="utf-8")


def test_teaser_matches_are_worked_out_again_only_when_what_they_read_changes(make_digest, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import generator.remembered as build_module

    calls: list[int] = []
    real = build_module.match_teasers
    monkeypatch.setattr(build_module, "match_teasers", lambda published: calls.append(len(published)) or real(published))

    def digest(article_title: str, body: str) -> Config:
        article = entry_text(article_title, body=body, id="a1", source="Gazette", added="2024-12-14T07:00:00+00:00")
        teaser = entry_text("Harbour bridge reopens to traffic", body="", id="t1", source="Gazette", kind="teaser")
        return make_digest({"a.md": article, "t.md": teaser})

    def teaser_is_matched(config: Config) -> bool:
        return "full story here" in (config.output_dir / "issues/2024-12-14/index.html").read_text(encoding="utf-8")

    config = digest("Harbour bridge reopens to traffic", "First version.")
    build(config)
    assert calls == [2] and teaser_is_matched(config)
    config = digest("Harbour bridge reopens to traffic", "Second version of the body.")
    build(config)
    assert calls == [2] and teaser_is_matched(config)  # a body edit reuses the matches
    config = digest("Council approves the new budget", "Second version of the body.")
    build(config)
    assert calls == [2, 2] and not teaser_is_matched(config)  # a new title matches afresh
    assert site_files(config.output_dir) == clean_build(config.path.parent, config.path.parent.parent / "clean")


def rebuild_equals_clean_build(config: Config) -> BuildResult:
    result = build(config)
    assert site_files(config.output_dir) == clean_build(config.path.parent, config.path.parent.parent / "clean")
    return result


def test_a_deleted_entry_is_noticed_when_it_is_the_only_change(make_digest) -> None:  # type: ignore[no-untyped-def]
    config = make_digest({f"e{i}.md": entry_text(f"Story {i}", id=f"s{i}", added=f"2024-12-1{i}T08:00:00+00:00") for i in range(3)})
    build(config)
    assert build(config).nothing_to_do
    page = config.output_dir / "2024/12/11/story-1/index.html"
    assert page.is_file()
    (config.content_dir / "e1.md").unlink()
    result = rebuild_equals_clean_build(config)
    assert not result.nothing_to_do and result.removed >= 1
    assert not page.exists()
    assert "Story 1" not in (config.output_dir / "index.html").read_text(encoding="utf-8")


def test_pages_are_relinked_when_an_entry_they_show_moves_though_its_file_did_not_change(make_digest) -> None:  # type: ignore[no-untyped-def]
    """Two articles want one URL; when the first goes, the second moves to it: its tag page (showing only it) links there."""
    first = entry_text("Same title", id="x1", tags="[alpha]", added="2024-12-14T08:00:00+00:00")
    second = entry_text("Same title", id="y1", tags="[beta]", added="2024-12-14T09:00:00+00:00")
    keeps_alpha = entry_text("Other story", id="z1", tags="[alpha]", added="2024-12-14T10:00:00+00:00")
    config = make_digest({"x.md": first, "y.md": second, "z.md": keeps_alpha})
    build(config)
    build(config)  # makes the spare tree
    beta = config.output_dir / "tags/beta/index.html"
    assert 'href="/digest/2024/12/14/same-title-y1/"' in beta.read_text(encoding="utf-8")
    (config.content_dir / "x.md").unlink()
    rebuild_equals_clean_build(config)
    assert 'href="/digest/2024/12/14/same-title/"' in beta.read_text(encoding="utf-8")


def test_pages_are_relinked_when_the_article_a_teaser_links_to_moves(make_digest) -> None:  # type: ignore[no-untyped-def]
    """A teaser links to the article it announces; the article's new slug reaches the tag page that shows only the teaser."""

    def digest(slug: str) -> Config:
        article = entry_text("Harbour bridge reopens to traffic", id="a1", source="Gazette", slug=slug, added="2024-12-14T07:00:00+00:00")
        teaser = entry_text("Harbour bridge reopens to traffic", body="", id="t1", source="Gazette", kind="teaser", tags="[gamma]")
        return make_digest({"a.md": article, "t.md": teaser})

    config = digest("bridge")
    build(config)
    build(config)  # makes the spare tree
    gamma = config.output_dir / "tags/gamma/index.html"
    assert 'href="/digest/2024/12/14/bridge/"' in gamma.read_text(encoding="utf-8")
    rebuild_equals_clean_build(digest("bridge-reopens"))
    assert 'href="/digest/2024/12/14/bridge-reopens/"' in gamma.read_text(encoding="utf-8")


def test_touched_files_with_the_same_bytes_publish_nothing(make_digest) -> None:  # type: ignore[no-untyped-def]
    """Newer times, same bytes: every output's fingerprint is unchanged, so no spare is filled and nothing is swapped."""
    config = make_digest({f"e{i}.md": entry_text(f"Story {i}", id=f"s{i}") for i in range(3)})
    build(config)
    build(config)
    for path in config.content_dir.glob("*.md"):
        os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)
    live = config.output_dir.stat().st_ino
    result = build(config)
    assert result.nothing_to_do and result.written == 0
    assert config.output_dir.stat().st_ino == live  # the same tree: no swap


def test_a_body_edit_works_out_again_only_the_fingerprints_of_the_outputs_showing_the_entry(make_digest) -> None:  # type: ignore[no-untyped-def]
    def entries(body: str, title: str = "Story 0") -> dict[str, str]:
        made = {f"e{i}.md": entry_text(f"Story {i}", id=f"s{i}", source="Gazette", added=f"2024-12-1{i}T08:00:00+00:00") for i in range(1, 5)}
        return made | {"e0.md": entry_text(title, body=body, id="s0", source="Gazette", added="2024-12-10T08:00:00+00:00")}

    config = make_digest(entries("First version."))
    every = build(config).fingerprinted
    result = rebuild_equals_clean_build(make_digest(entries("Second version of the body.")))
    assert 0 < result.fingerprinted < every / 2 and result.rendered > 0
    assert "Second version of the body." in (config.output_dir / "2024/12/10/story-0/index.html").read_text(encoding="utf-8")
    assert rebuild_equals_clean_build(make_digest(entries("Second version of the body.", title="Story zero"))).fingerprinted == every


def test_a_body_edit_renders_only_the_page_of_a_long_source_list_that_shows_the_entry(make_digest, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def entries(body: str) -> dict[str, str]:
        return {
            f"e{i}.md": entry_text(
                f"Story {i}", body=body if i == 8 else "Some text.", id=f"s{i}", source="Gazette", tags="[alpha]", added=f"2024-12-1{i}T08:00:00+00:00"
            )
            for i in range(9)
        }

    paged = CONFIG + "digest:\n  per_page: 2\n"
    config = make_digest(entries("First version."), paged)
    build(config)
    build(config)  # makes the spare tree
    rendered = rendered_by(make_digest(entries("Second version of the body."), paged), monkeypatch)
    lists = {p for p in rendered if p.startswith(("sources/", "tags/")) and p.endswith(".html")}
    # Each list page names its source or tag and the count, not every entry: the newest entry is on page 1 alone.
    assert lists == {"sources/gazette/index.html", "tags/alpha/index.html"}, rendered
    assert (config.output_dir / "sources/gazette/page/5/index.html").is_file()
    assert site_files(config.output_dir) == clean_build(config.path.parent, config.path.parent.parent / "clean")
