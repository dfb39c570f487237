"""The output trees, piece by piece: tokens, hard-linked spares, writes that never touch a live twin, the swap."""

from __future__ import annotations

import ctypes.util
import dataclasses
import os
from pathlib import Path

import pytest

from generator import output
from generator.output import (
    MARKER,
    Trees,
    check_output_dir,
    delete_file,
    link_tree,
    new_tree,
    read_token,
    remove_tree,
    swap_in,
    write_file,
)
from generator.problems import OutputError
from tests.crashes import Crash, crash_at


def files(tree: Path) -> dict[str, bytes]:
    return {p.relative_to(tree).as_posix(): p.read_bytes() for p in sorted(tree.rglob("*")) if p.is_file()}


def test_trees_live_beside_the_site() -> None:
    trees = Trees(Path("/x/site"))
    assert (trees.state, trees.spare, trees.cache_file) == (
        Path("/x/.site.newsdigest"),
        Path("/x/.site.newsdigest/spare"),
        Path("/x/.site.newsdigest/cache.sqlite"),
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        trees.live = Path("/elsewhere")  # type: ignore[misc]
    assert not hasattr(trees, "__dict__")


def test_a_new_tree_replaces_what_was_there_and_names_itself(tmp_path: Path) -> None:
    tree = tmp_path / "deep" / "tree"
    tree.mkdir(parents=True)
    (tree / "old.html").write_text("old", encoding="utf-8")
    token = new_tree(tree)
    assert len(token) == 16 and int(token, 16) >= 0
    assert list(tree.iterdir()) == [] and read_token(tree) == token  # the token is on the folder, not a file in it
    assert new_tree(tmp_path / "fresh" / "one") != new_tree(tmp_path / "fresh" / "two")


@pytest.mark.parametrize(
    ("text", "token"),
    [("Written by newsdigest\ntoken: abc123\n", "abc123"), ("token: first\ntoken: last\n", "last"), ("no token here\n", None), ("token:   \n", None)],
)
def test_read_token(tmp_path: Path, text: str, token: str | None) -> None:
    (tmp_path / MARKER).write_text(text, encoding="utf-8")
    assert read_token(tmp_path) == token


def test_read_token_of_a_tree_without_a_readable_marker(tmp_path: Path) -> None:
    assert read_token(tmp_path) is None
    (tmp_path / MARKER).write_bytes(b"token: \xff\xfe")
    assert read_token(tmp_path) is None


def test_link_tree_makes_a_hard_linked_copy_without_the_marker(tmp_path: Path) -> None:
    source, target = tmp_path / "live", tmp_path / "spare"
    new_tree(source)
    (source / "a" / "b").mkdir(parents=True)
    (source / "index.html").write_bytes(b"home")
    (source / "a" / "b" / "page.html").write_bytes(b"page")
    (source / "a" / "empty").mkdir()
    (source / MARKER).write_text("token: 0123\n", encoding="utf-8")  # as a site of an older newsdigest has it
    (source / ".htaccess").write_bytes(b"hidden files sort before the marker")
    token = new_tree(target)
    link_tree(source, target)
    assert files(target) == {k: v for k, v in files(source).items() if k != MARKER}
    assert read_token(target) == token
    assert (target / "a" / "b" / "page.html").stat().st_ino == (source / "a" / "b" / "page.html").stat().st_ino
    assert (target / "a" / "empty").is_dir()


def test_write_file_replaces_a_hard_linked_file_without_touching_its_twin(tmp_path: Path) -> None:
    live, spare = tmp_path / "live", tmp_path / "spare"
    new_tree(live)
    (live / "dir").mkdir()
    (live / "dir" / "page.html").write_bytes(b"old")
    new_tree(spare)
    link_tree(live, spare)
    write_file(spare, "dir/page.html", b"new")
    assert (spare / "dir" / "page.html").read_bytes() == b"new" and (live / "dir" / "page.html").read_bytes() == b"old"
    assert sorted(p.name for p in (spare / "dir").iterdir()) == ["page.html"]  # no temp file left


def test_write_file_makes_folders_and_writes_every_byte(tmp_path: Path) -> None:
    made: set[Path] = set()
    data = bytes(range(256)) * 40_000  # larger than one write() may take
    write_file(tmp_path, "a/b/c.bin", data, exists=False, made=made)
    write_file(tmp_path, "a/b/d.bin", b"d", exists=False, made=made)
    write_file(tmp_path, "e.bin", b"", exists=False)
    assert files(tmp_path) == {"a/b/c.bin": data, "a/b/d.bin": b"d", "e.bin": b""}
    assert made == {tmp_path / "a" / "b"}
    write_file(tmp_path, "a/b/c.bin", b"shorter", made=made)
    assert (tmp_path / "a/b/c.bin").read_bytes() == b"shorter"
    write_file(tmp_path, "a/b/d.bin", b"", exists=False)  # a file the records missed is still written whole
    assert (tmp_path / "a/b/d.bin").read_bytes() == b""


def test_written_files_get_the_permissions_the_umask_leaves(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_file(tmp_path, "new.html", b"x", exists=False)
        write_file(tmp_path, "new.html", b"y")
    finally:
        os.umask(umask)
    assert (tmp_path / "new.html").stat().st_mode & 0o777 == 0o644


def test_delete_file_removes_the_folders_it_empties_but_not_the_tree(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    for rel in ("x/y/z/page.html", "x/keep.html"):
        write_file(tree, rel, b"-", exists=False)
    delete_file(tree, "x/y/z/page.html")
    assert files(tree) == {"x/keep.html": b"-"} and not (tree / "x" / "y").exists()
    delete_file(tree, "x/keep.html")
    assert tree.is_dir() and list(tree.iterdir()) == []
    delete_file(tree, "gone.html")  # already missing: nothing to do


def test_remove_tree_never_follows_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "file").write_bytes(b"keep")
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    remove_tree(tmp_path / "link")
    remove_tree(tmp_path / "missing")
    assert (tmp_path / "real" / "file").read_bytes() == b"keep"
    remove_tree(tmp_path / "real")
    assert not (tmp_path / "real").exists()


def two_trees(tmp_path: Path) -> tuple[Path, Path]:
    live, spare = tmp_path / "site", tmp_path / "state" / "spare"
    new_tree(live)
    (live / "index.html").write_bytes(b"old site")
    new_tree(spare)
    (spare / "index.html").write_bytes(b"new site")
    (spare / "new.html").write_bytes(b"new page")
    return live, spare


def test_swap_exchanges_the_trees(tmp_path: Path) -> None:
    live, spare = two_trees(tmp_path)
    old, new = files(live), files(spare)
    tokens = read_token(live), read_token(spare)
    swap_in(spare, live)
    assert files(live) == new and files(spare) == old
    assert (read_token(spare), read_token(live)) == tokens  # each token went with its tree


def test_first_swap_renames_the_spare_into_place(tmp_path: Path) -> None:
    spare = tmp_path / "state" / "spare"
    new_tree(spare)
    (spare / "index.html").write_bytes(b"first")
    new = files(spare)
    swap_in(spare, tmp_path / "site")
    assert files(tmp_path / "site") == new and not spare.exists()


def test_exchange_swaps_relative_paths_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    live, spare = two_trees(tmp_path)
    old, new = files(live), files(spare)
    monkeypatch.chdir(tmp_path)
    assert output._exchange(Path("state/spare"), Path("site")) is True
    assert output._exchange(Path("missing-a"), Path("missing-b")) is False  # renameat2 failed: the caller falls back
    assert files(live) == new and files(spare) == old


def test_without_renameat2_the_swap_renames_in_three_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    assert output._exchange(tmp_path / "a", tmp_path / "b") is False
    live, spare = two_trees(tmp_path)
    old, new = files(live), files(spare)
    (spare.with_name("previous")).mkdir()  # left by a swap killed half-way
    swap_in(spare, live)
    assert files(live) == new and files(spare) == old and not spare.with_name("previous").exists()


def test_swap_crashed_at_any_step_leaves_the_old_or_the_new_site(tmp_path: Path) -> None:
    step = 0
    while True:
        live, spare = two_trees(tmp_path / str(step))
        old, new = files(live), files(spare)
        try:
            with crash_at(step):
                swap_in(spare, live)
        except Crash:
            assert files(live) in (old, new), f"crashed at step {step}"
            step += 1
            continue
        assert files(live) == new
        break


@pytest.mark.parametrize("what", ["config", "content"])
def test_output_folder_holding_the_inputs_is_refused(tmp_path: Path, what: str) -> None:
    inside = tmp_path / "project" / what
    with pytest.raises(OutputError, match="refusing to replace it"):
        check_output_dir(tmp_path / "project", protected=(inside,))
    with pytest.raises(OutputError, match="refusing to replace it"):
        check_output_dir(inside, protected=(inside,))
    check_output_dir(tmp_path / "project" / "site", protected=(inside,))


def test_output_folder_checks(tmp_path: Path) -> None:
    check_output_dir(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    check_output_dir(tmp_path / "empty")
    (tmp_path / "ours" / "x").mkdir(parents=True)
    new_tree(tmp_path / "ours")
    check_output_dir(tmp_path / "ours")
    (tmp_path / "theirs").mkdir()
    (tmp_path / "theirs" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="did not create"):
        check_output_dir(tmp_path / "theirs")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="not a folder"):
        check_output_dir(tmp_path / "file")
    os.symlink(tmp_path / "ours", tmp_path / "link")
    with pytest.raises(OutputError, match="not a folder"):
        check_output_dir(tmp_path / "link")
