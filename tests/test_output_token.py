"""The token that names an output tree: on the tree's folder, never among the published files."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable

import pytest

from generator.build import build
from generator.config import Config
from generator.output import MARKER, TOKEN_ATTRIBUTE, Trees, read_token
from tests.conftest import entry_text


def built_twice(config: Config) -> None:
    """Built, edited and built again: the second tree, the spare, exists from now on."""
    build(config)
    (config.content_dir / "a.md").write_text(entry_text(body="Edited."), encoding="utf-8")
    build(config)


def test_the_token_is_kept_off_the_published_site(make_digest: Callable[..., Config]) -> None:
    config = make_digest({"a.md": entry_text()})
    built_twice(config)
    trees = Trees(config.output_dir)
    for tree in (trees.live, trees.spare):
        assert read_token(tree) is not None and not (tree / MARKER).exists()
    assert not list(config.output_dir.rglob(".*"))  # nothing hidden is published
    assert build(config).nothing_to_do  # the trees are still recognised by the cache
    shutil.rmtree(trees.state)  # deleting the cache only makes the next build a cold one
    assert build(config).written > 0


def test_a_site_written_with_the_old_marker_file_is_taken_over(make_digest: Callable[..., Config]) -> None:
    config = make_digest({"a.md": entry_text()})
    built_twice(config)
    trees = Trees(config.output_dir)
    tokens = {}
    for tree in (trees.live, trees.spare):  # as an older newsdigest left them
        tokens[tree] = read_token(tree)
        os.removexattr(tree, TOKEN_ATTRIBUTE)
        (tree / MARKER).write_text(f"Written by newsdigest; replaced on every build.\ntoken: {tokens[tree]}\n", encoding="utf-8")
    assert build(config).nothing_to_do  # recognised, cache and all
    for tree in (trees.live, trees.spare):
        assert read_token(tree) == tokens[tree] and not (tree / MARKER).exists()


def test_where_folders_carry_no_attributes_the_marker_file_names_the_tree(make_digest: Callable[..., Config], monkeypatch: pytest.MonkeyPatch) -> None:
    def unsupported(*args: object) -> None:
        raise OSError(errno.ENOTSUP, "Operation not supported")

    monkeypatch.setattr(os, "setxattr", unsupported)
    monkeypatch.setattr(os, "getxattr", unsupported)
    config = make_digest({"a.md": entry_text()})
    build(config)
    assert read_token(config.output_dir) is not None and (config.output_dir / MARKER).is_file()
    assert build(config).nothing_to_do
