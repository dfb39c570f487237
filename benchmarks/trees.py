"""Output trees: counting files, seeing which were rewritten, comparing two trees byte for byte."""

from __future__ import annotations

import filecmp
import os
import shutil
from pathlib import Path

from generator.output import MARKER

Stamp = tuple[int, int]  # (inode, mtime_ns): a file replaced or rewritten changes one of them


def stamps(root: Path) -> dict[str, Stamp]:
    """Every file under root (but the newsdigest marker) with its inode and mtime."""
    found: dict[str, Stamp] = {}
    if not root.is_dir():
        return found
    for folder, _, files in os.walk(root):
        for name in files:
            if name == MARKER:
                continue
            path = os.path.join(folder, name)
            st = os.stat(path)
            found[os.path.relpath(path, root)] = (st.st_ino, st.st_mtime_ns)
    return found


def rewritten(before: dict[str, Stamp], after: dict[str, Stamp]) -> int:
    """Files that are new, or were replaced or rewritten, between two snapshots."""
    return sum(1 for rel, stamp in after.items() if before.get(rel) != stamp)


def differences(a: Path, b: Path, limit: int = 5) -> list[str]:
    """Up to `limit` paths that differ between two trees (missing on one side, or other bytes)."""
    left, right = set(stamps(a)), set(stamps(b))
    found = [f"only in {a.name}: {rel}" for rel in sorted(left - right)[:limit]]
    found += [f"only in {b.name}: {rel}" for rel in sorted(right - left)[:limit]]
    for rel in sorted(left & right):
        if len(found) >= limit:
            break
        if not filecmp.cmp(a / rel, b / rel, shallow=False):
            found.append(f"differs: {rel}")
    return found[:limit]


class Trash:
    """Folders set aside (renamed) instead of deleted while timing, and deleted at the end.

    On ext4 without a journal (this machine's root filesystem) a new inode
    is not given a number freed in the last ~30 s (dirty_expire_centisecs):
    find_inode_bit() reads the inode table for each candidate
    (recently_deleted()), so creating files just after deleting a large tree
    costs several seconds of kernel time. A cold build here means an empty
    output folder, not one whose previous files were deleted a moment ago.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def discard(self, path: Path) -> None:
        if path.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            self.count += 1
            os.rename(path, self.folder / str(self.count))

    def empty(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
