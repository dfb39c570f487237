"""Property-based tests (hypothesis): arbitrary text and front matter never crash ingest or build.

Example counts scale with the test profile (tests/conftest.py): ./scripts/test
runs four times a plain run's; NEWSDIGEST_TEST_PROFILE=thorough, twenty times.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from generator.build import build, collect
from generator.config import load_config
from generator.entries.frontmatter import dump
from generator.entries.parse import parse_entry
from generator.entries.text import clean
from generator.ingest.clean.rules import default_rules
from generator.ingest.page import PageFailure, ingest_page
from generator.ingest.write import render
from tests.conftest import CONFIG, examples
from tests.robustness.test_hostile import ILLEGAL


def bounded(base: int) -> settings:
    """A per-test example budget (costly tests get fewer), scaled by the test profile."""
    return examples(base, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


TZ = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2024, 12, 14, 8, 30, tzinfo=dt.UTC)
RULES = default_rules()

# Text as scraped pages bring it: any code point but surrogates (which cannot be UTF-8 on disk).
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
words = st.sampled_from(
    [
        "Harbour",
        "council",
        "MORE STORIES FROM",
        "Subscribe now",
        "By Ana Ruiz",
        "June 23, 2024",
        "Read more",
        "—",
        "<script>",
        "***",
        "\u200b",
        "¿Qué?",
        "日本語",
        "\x0c",
    ]
)
page_lines = st.lists(st.one_of(any_text, st.lists(words, min_size=1, max_size=8).map(" ".join)), max_size=30)
raw_pages = st.one_of(
    st.binary(max_size=400),
    any_text.map(lambda t: t.encode("utf-8")),
    page_lines.map(lambda lines: "\n".join(lines).encode("utf-8")),
    st.tuples(page_lines, st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1252"])).map(lambda p: "\r\n".join(p[0]).encode(p[1], "replace")),
)


@bounded(300)
@given(raw_pages)
@example(b".")  # found by this test: a page of punctuation gave an entry with an empty title
def test_ingest_never_crashes_and_every_entry_it_writes_loads(data: bytes) -> None:
    try:
        page = ingest_page(data, "page.txt", RULES)
    except PageFailure:
        return  # a clear one-line reason, reported per page
    for draft in page.drafts:
        text = render(draft, NOW, page.origin)
        entry = parse_entry(text, Path("e.md"), TZ)  # raises EntryError if ingest wrote something unloadable
        assert (entry.id, entry.kind, entry.title) == (draft.id, draft.kind, draft.title)
        assert not ILLEGAL.search(text)


# --- front matter -----------------------------------------------------------------

line_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)
safe_id = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,20}", fullmatch=True)
moments = st.datetimes(
    min_value=dt.datetime(1990, 1, 1),
    max_value=dt.datetime(2035, 12, 31),
    timezones=st.sampled_from([dt.UTC, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")]),
)
http_urls = st.builds(
    lambda host, path: f"https://{host}.example/{path}",
    st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9._~/-]{0,30}", fullmatch=True),
)
extra_values: st.SearchStrategy[Any] = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), line_text),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.from_regex(r"[a-z]{1,8}", fullmatch=True), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def front_matter(draw: st.DrawFn) -> dict[str, Any]:
    title = draw(line_text.filter(lambda t: clean(t).strip()))
    fields: dict[str, Any] = {"title": title, "kind": draw(st.sampled_from(["article", "teaser"]))}
    fields["added" if draw(st.booleans()) else "date"] = draw(st.one_of(moments, moments.map(lambda m: m.date())))
    optional = {
        "source": line_text,
        "edition": line_text,
        "summary": any_text,
        "lang": st.sampled_from(["en", "fr", "no", "pt-BR"]),
        "authors": st.lists(line_text, max_size=3),
        "tags": st.lists(line_text, max_size=3),
        "url": http_urls,
        "id": safe_id,
        "draft": st.booleans(),
        "origin": st.dictionaries(st.sampled_from(["file", "platform", "sha256"]), line_text, max_size=3),
        "custom_field": extra_values,
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            fields[key] = draw(strategy)
    return fields


def _expected_text(value: str) -> str | None:
    return clean(value).strip() or None


@bounded(300)
@given(front_matter(), any_text)
def test_dump_then_parse_keeps_every_field(fields: dict[str, Any], body: str) -> None:
    entry = parse_entry(dump(fields, body), Path("e.md"), TZ)
    assert entry.title == clean(fields["title"]).strip()
    assert entry.kind == fields["kind"]
    for key in ("source", "edition", "summary", "lang"):
        assert getattr(entry, key) == (_expected_text(fields[key]) if key in fields else None), key
    assert entry.authors == tuple(a for a in (clean(x).strip() for x in fields.get("authors", [])) if a)
    assert entry.tags == tuple(dict.fromkeys(t for t in (clean(x).strip() for x in fields.get("tags", [])) if t))
    assert entry.url == fields.get("url") and entry.draft == fields.get("draft", False)
    if "id" in fields:
        assert entry.id == fields["id"]
    for key in ("date", "added"):
        if key in fields:
            want = fields[key]
            if key == "added" and not isinstance(want, dt.datetime):  # a bare `added` day means its midnight
                want = dt.datetime(want.year, want.month, want.day, tzinfo=TZ)
            got = getattr(entry, key)
            assert type(got) is type(want), key  # same precision
            if isinstance(want, dt.datetime):  # same instant and offset; `==` is False across zones for a time in a DST gap or fold
                assert (got.timestamp(), got.utcoffset()) == (want.timestamp(), want.utcoffset()), key
            else:
                assert got == want, key
    assert entry.origin == ({k: clean(v) for k, v in fields["origin"].items()} if "origin" in fields else None)
    if fields.get("custom_field") is not None:  # dump leaves out empty (None) fields
        assert "custom_field" in entry.extra
    assert entry.body == clean(body.replace("\r\n", "\n").replace("\r", "\n")).strip("\n")


# --- build --------------------------------------------------------------------------


@bounded(40)
@given(st.lists(st.tuples(front_matter(), any_text), min_size=1, max_size=4))
def test_build_never_crashes_on_what_check_accepts_and_feeds_parse(entries: list[tuple[dict[str, Any], str]]) -> None:
    root = Path(tempfile.mkdtemp(prefix="nd-prop-"))
    try:
        (root / "config.yaml").write_text(CONFIG, encoding="utf-8")
        (root / "content").mkdir()
        for number, (fields, body) in enumerate(entries):
            (root / "content" / f"e{number}.md").write_text(dump(fields, body), encoding="utf-8")
        config = load_config(root / "config.yaml")
        assume(not collect(config).problems)  # what `digest check` accepts (duplicate ids are its business)
        build(config, workers=1)
        feeds = [p for p in config.output_dir.rglob("*.xml") if "sitemap" not in p.name]
        assert feeds
        for path in feeds:
            parsed = feedparser.parse(path.read_bytes())
            assert not parsed.bozo, (path.name, parsed.get("bozo_exception"))
        for path in config.output_dir.rglob("*"):
            if path.suffix in (".html", ".xml", ".json"):
                assert not ILLEGAL.search(path.read_text(encoding="utf-8")), path
    finally:
        shutil.rmtree(root)
