"""The output folder, written so a reader never sees a half-built site.

Two complete trees are kept: the live site (`site/`) and a spare beside it
(`.site.newsdigest/spare/`). A build brings the spare up to date, touching
only the files that differ, then swaps the two folders in one atomic
renameat2(RENAME_EXCHANGE). A build killed at any moment leaves `site/`
exactly as it was. Each tree carries a token that names it in the build
cache; a folder with files but no token was not made by newsdigest and is
never replaced. The token is an extended attribute of the tree's folder,
so it follows the folder through the exchange and is never published with
the site's files; only where the file system has no extended attributes
is it a marker file in the tree.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from generator.problems import OutputError, Problem

MARKER = ".newsdigest-site"  # the token file: written only where folders cannot carry the attribute
TOKEN_ATTRIBUTE = "user.newsdigest.tree"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@dataclass(frozen=True, slots=True)
class Trees:
    """Where the live site, its spare and the build cache live."""

    live: Path

    @property
    def state(self) -> Path:
        return self.live.with_name(f".{self.live.name}.newsdigest")

    @property
    def spare(self) -> Path:
        return self.state / "spare"

    @property
    def cache_file(self) -> Path:
        return self.state / "cache.sqlite"


def check_output_dir(output: Path, protected: tuple[Path, ...] = ()) -> None:
    """Refuse an output folder that holds files the tool did not write, or holds the inputs."""
    for path in protected:
        if path == output or path.is_relative_to(output):
            raise OutputError(
                Problem(
                    output, f"output folder contains {path}; refusing to replace it", hint="point paths.output (or --output) at a folder of its own, e.g. site/"
                )
            )
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        raise OutputError(Problem(output, "output path exists and is not a folder", hint="choose another paths.output"))
    if output.is_dir() and read_token(output) is None and any(output.iterdir()):
        raise OutputError(
            Problem(
                output,
                "output folder holds files newsdigest did not create; refusing to replace it",
                hint="point paths.output (or --output) at an empty or new folder",
            )
        )


def read_token(tree: Path) -> str | None:
    """The token that names a tree in the build cache, or None if it has none."""
    try:
        return os.getxattr(tree, TOKEN_ATTRIBUTE).decode("ascii") or None
    except (OSError, AttributeError, UnicodeDecodeError):  # AttributeError: no xattr calls on this platform
        return _marker_token(tree)


def new_tree(path: Path) -> str:
    """Create an empty tree with a fresh token (replacing what was there)."""
    remove_tree(path)
    path.mkdir(parents=True)
    token = secrets.token_hex(8)
    if not _set_token(path, token):
        (path / MARKER).write_text(f"Written by newsdigest; replaced on every build.\ntoken: {token}\n", encoding="utf-8")
    return token


def adopt_marker(tree: Path) -> None:
    """Move the token of a tree written by an older newsdigest from its marker file onto its folder."""
    token = _marker_token(tree)
    if token is not None and _set_token(tree, token):
        (tree / MARKER).unlink()


def _marker_token(tree: Path) -> str | None:
    try:
        text = (tree / MARKER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    token = text.rsplit("token:", 1)[-1].strip() if "token:" in text else ""
    return token or None


def _set_token(tree: Path, token: str) -> bool:
    """Put the token on the folder; False where the file system (or platform) has no extended attributes."""
    try:
        os.setxattr(tree, TOKEN_ATTRIBUTE, token.encode("ascii"))
    except (OSError, AttributeError):
        return False
    return True


def link_tree(source: Path, target: Path) -> list[str]:
    """Make `target` a copy of `source` made of hard links (cheap; files are never modified in place); the files linked."""
    found: list[str] = []
    _walk(os.fspath(source), "", found, os.fspath(target))
    return found


def tree_files(tree: Path) -> list[str]:
    """Every file of a tree, as paths relative to it."""
    found: list[str] = []
    _walk(os.fspath(tree), "", found, None)
    return found


def _walk(source: str, rel: str, found: list[str], target: str | None) -> None:
    # scandir on plain strings: a site has tens of thousands of files, and Path objects per file cost more than the links.
    if target is not None:
        os.makedirs(target, exist_ok=True)
    with os.scandir(source) as items:
        for item in items:
            if item.is_dir(follow_symlinks=False):
                _walk(item.path, f"{rel}{item.name}/", found, None if target is None else os.path.join(target, item.name))
            elif item.name != MARKER:
                if target is not None:
                    os.link(item.path, os.path.join(target, item.name))
                found.append(rel + item.name)


def link_file(source: Path, target: Path, rel: str) -> None:
    """Put a hard link to a file of tree `source` into tree `target`, replacing what is there."""
    path = target / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    temp.unlink(missing_ok=True)
    os.link(source / rel, temp)
    os.replace(temp, path)


def write_file(tree: Path, rel: str, data: bytes, exists: bool = True, made: set[Path] | None = None) -> None:
    """Write one output file into a tree that is not live.

    An existing file is replaced by renaming a new one over it, never
    rewritten in place: it may be a hard-linked twin of a live file. `made`
    remembers folders already created, sparing a syscall per file.
    """
    target = tree / rel
    if made is None or target.parent not in made:
        target.parent.mkdir(parents=True, exist_ok=True)
        if made is not None:
            made.add(target.parent)
    if not exists:
        _write_new(target, data)
        return
    temp = target.with_name(f".{target.name}.tmp")
    _write_new(temp, data)
    os.replace(temp, target)


def _write_new(path: Path, data: bytes) -> None:
    """Write a whole file with three system calls (open() adds a stat, a seek and a tty check)."""
    write_all(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666), data)


def write_all(fd: int, data: bytes) -> None:
    """Write every byte to an open file descriptor, then close it."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def delete_file(tree: Path, rel: str) -> None:
    """Remove a file and any folders it leaves empty."""
    target = tree / rel
    target.unlink(missing_ok=True)
    parent = target.parent
    while parent != tree:
        try:
            parent.rmdir()
        except OSError:
            break
        parent = parent.parent


def swap_in(spare: Path, live: Path) -> None:
    """Make `spare` the live site; afterwards `spare` holds the previous site (if any)."""
    if not live.exists():
        os.rename(spare, live)
    elif not _exchange(spare, live):  # pragma: no cover - kernels without renameat2
        old = spare.with_name("previous")
        remove_tree(old)
        os.rename(live, old)
        os.rename(spare, live)
        os.rename(old, spare)


def remove_tree(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with renameat2(RENAME_EXCHANGE), if the platform has it."""
    libc_name = ctypes.util.find_library("c")
    renameat2 = getattr(ctypes.CDLL(libc_name, use_errno=True), "renameat2", None) if libc_name else None
    if renameat2 is None:
        return False
    return bool(renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0)
