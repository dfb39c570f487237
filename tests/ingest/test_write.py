import datetime as dt
import errno
import os
import secrets
import stat
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.entries import frontmatter
from generator.entries.parse import parse_entry
from generator.ingest.article import Draft
from generator.ingest.write import _CDumper, added_of, dump, edited_by_hand, entry_path, read_existing, render, same_content, write_atomic

DRAFT = Draft(
    kind="article",
    id="0123456789abcdef",
    title="Bridge: “reopens” #1",
    body="One.\n\nTwo.",
    source="The Lowmouth Courier",
    date=dt.date(2024, 6, 23),
    lang="en",
    authors=("Nell Ashby",),
)
NOW = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
ORIGIN = {"file": "a.txt", "sha256": "ab" * 32, "platform": "magzter", "ui_lang": "ja"}


@settings(max_examples=1000, deadline=None)
@given(st.dictionaries(st.sampled_from(["title", "summary", "source", "edition"]), st.text(max_size=40)), st.lists(st.text(max_size=20), max_size=3))
def test_fast_dump_is_byte_identical(fields: dict[str, str], authors: list[str]) -> None:
    data = {**fields, "authors": authors, "date": dt.date(2024, 1, 1), "origin": {"file": fields.get("title", "x")}}
    assert dump(data, "body") == frontmatter.dump(data, "body")


# Text that YAML would read back as something else unless it is quoted.
AMBIGUOUS = ["true", "No", "null", "~", "", "1e3", "0o17", "0x1f", ".inf", "-.5", "2024-01-01", "<<", "=", "1_000", "+1", "12:30:00", "on", "Y"]
values = st.recursive(
    st.one_of(st.text(max_size=20), st.sampled_from(AMBIGUOUS), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False), st.dates()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=10), values, max_size=6))
def test_direct_node_building_writes_what_pyyaml_writes(fields: dict[str, object]) -> None:
    fast, fast_c = frontmatter.dump(fields, "body"), dump(fields, "body")
    with pytest.MonkeyPatch.context() as patch:
        for dumper in (d for d in (frontmatter._Dumper, _CDumper) if d is not None):
            patch.setattr(dumper, "represent", yaml.representer.BaseRepresenter.represent)
            patch.setattr(dumper, "resolve", yaml.resolver.BaseResolver.resolve)
        assert frontmatter.dump(fields, "body") == fast and dump(fields, "body") == fast_c


def test_shared_containers_keep_their_yaml_anchor() -> None:
    shared = ["a", "b"]
    text = yaml.dump({"x": shared, "y": shared}, Dumper=frontmatter._Dumper, sort_keys=False)
    assert text == "x: &id001\n- a\n- b\ny: *id001\n"


def test_rendered_entry_loads_and_carries_its_hash() -> None:
    text = render(DRAFT, NOW, ORIGIN)
    entry = parse_entry(text, Path("x.md"), ZoneInfo("UTC"))
    assert entry.title == DRAFT.title and entry.authors == ("Nell Ashby",) and entry.origin is not None
    assert len(entry.origin["entry_sha256"]) == 64
    assert not edited_by_hand(text)
    assert edited_by_hand(text.replace("Two.", "Two!"))
    assert edited_by_hand(text.replace("lang: en", "lang: fr"))


def test_same_content_ignores_added_and_origin() -> None:
    a = render(DRAFT, NOW, ORIGIN)
    b = render(DRAFT, NOW + dt.timedelta(days=3), {**ORIGIN, "file": "b.txt", "ui_lang": "de"})
    assert same_content(a, b)
    assert not same_content(a, render(Draft(**{**_fields(DRAFT), "body": "One."}), NOW, ORIGIN))


def _fields(draft: Draft) -> dict:  # type: ignore[type-arg]
    return {name: getattr(draft, name) for name in draft.__slots__}  # type: ignore[attr-defined]


def test_entry_paths_are_readable_and_unique_by_id() -> None:
    assert entry_path(DRAFT) == Path("the-lowmouth-courier/2024-06-23-bridge-reopens-1-01234567.md")
    teaser = Draft(kind="teaser", id="fedcba9876543210", title="Ferry fares", from_id=DRAFT.id)
    assert entry_path(teaser) == Path("unknown-source/teasers/undated-ferry-fares-fedcba98.md")


# "aufgehoben" does not fit in 60 characters; the shorter "und" after it would.
LONG_TITLE = "Die Regel ist nicht gut das Gericht hat die Entscheidung aufgehoben und neu verhandelt"


def test_long_titles_and_sources_are_cut_after_the_last_whole_word_that_fits() -> None:
    draft = Draft(kind="article", id="0123456789abcdef", title=LONG_TITLE, source="Allgemeine Zeitung für Rheinhessen und die Vorderpfalz am Wochenende")
    path = entry_path(draft)
    assert path == Path(
        "allgemeine-zeitung-fur-rheinhessen-und-die-vorderpfalz-am/undated-die-regel-ist-nicht-gut-das-gericht-hat-die-entscheidung-01234567.md"
    )


def test_a_first_word_longer_than_a_slug_is_cut_not_dropped() -> None:
    draft = Draft(kind="article", id="0123456789abcdef", title="Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft x")
    assert entry_path(draft).name == "undated-donaudampfschifffahrtselektrizitatenhauptbetriebswerkbauunte-01234567.md"


def test_atomic_write_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.md"
    write_atomic(target, "one")
    write_atomic(target, "two")
    assert target.read_text() == "two" and [p.name for p in target.parent.iterdir()] == ["b.md"]


def test_ctrl_c_the_instant_the_temp_file_is_made_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def open_then_interrupted(path: str | Path, flags: int, mode: int = 0o777) -> int:
        real_open(path, flags, mode)
        raise KeyboardInterrupt  # as Python raises it when the signal arrived during the system call

    target = tmp_path / "a" / "b.md"
    monkeypatch.setattr(os, "open", open_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "one")
    monkeypatch.undo()
    assert list(target.parent.iterdir()) == []


def test_entry_files_get_the_permissions_of_any_new_file(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "b.md", "one")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "b.md").stat().st_mode) == 0o644


def test_every_hand_edit_is_noticed_and_a_file_without_its_hash_counts_as_edited() -> None:
    """A dozen one-character edits: each changes the hash, whichever way it compares with the stated one."""
    text = render(DRAFT, NOW, ORIGIN)
    edits = [text.replace("Two.", f"Two{mark}") for mark in "!?;:,-+*/=~^"]
    assert all(edited_by_hand(edit) for edit in edits)
    assert edited_by_hand(text.replace("entry_sha256", "entry_sha255"))  # the hash line no longer found


@pytest.mark.parametrize(
    ("line", "added"),
    [
        ("added: '2025-01-02T03:04:05+00:00'", dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)),
        ("added: 2025-01-02T03:04:05+01:00", dt.datetime(2025, 1, 2, 2, 4, 5, tzinfo=dt.UTC)),
        ("added: '2025-13-45T00:00:00'", None),  # no such date: unknown, not an error
        ("title: no added line", None),
    ],
)
def test_added_time_is_read_from_the_file(line: str, added: dt.datetime | None) -> None:
    assert added_of(f"---\nid: x\n{line}\n---\nbody\n") == added


def test_reading_an_entry_that_is_gone_or_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "latin1.md").write_bytes("título".encode("latin-1"))
    assert read_existing(tmp_path / "missing.md") is None
    assert read_existing(tmp_path / "latin1.md") == ""  # not ours any more: counts as edited by hand


def test_atomic_write_makes_every_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c" / "d.md"
    write_atomic(target, "one")
    assert target.read_text() == "one"


def test_a_temp_name_another_writer_holds_is_never_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first name drawn is taken: that file is left alone and the entry still gets written, under the next name."""
    names = iter(["aaaaaaaa", "bbbbbbbb"])
    monkeypatch.setattr(secrets, "token_hex", lambda n: next(names))
    target = tmp_path / "b.md"
    taken = tmp_path / ".b.md.aaaaaaaa.tmp"
    taken.write_text("another writer's")
    write_atomic(target, "mine")
    assert target.read_text() == "mine" and taken.read_text() == "another writer's"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".b.md.aaaaaaaa.tmp", "b.md"]


def test_a_failed_write_raises_its_own_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A disk-full error before the temp file exists reaches the caller as itself, not as a failed clean-up."""

    def full(path: str | Path, flags: int, mode: int = 0o777) -> int:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(os, "open", full)
    with pytest.raises(OSError, match="No space left") as raised:
        write_atomic(tmp_path / "b.md", "one")
    assert raised.value.errno == errno.ENOSPC
