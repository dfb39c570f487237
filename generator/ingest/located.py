"""Where entries already live in content/, found by id wherever a person moved them.

Ingest names each file after its entry's id (`…-<id8>.md`), but a person
may move an entry to another folder, or rename it. One walk of content/ per
run, names only, indexes the files by the id8 their name ends with; the few
files named otherwise are read for their `id`. A candidate counts only when
the `id` in its front matter is the entry's.

The same walk finds ingest's own temporary files, which a killed ingest
leaves behind (see write.TEMP_NAME).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.entries.frontmatter import FrontMatterMissing, split
from generator.entries.load import SUFFIXES
from generator.ingest.write import TEMP_NAME, read_existing

_HEX8 = re.compile(r"[0-9a-f]{8}")
_ID_LINE = re.compile(r"^id:[ \t]*(['\"]?)([^'\"\s#]+)\1[ \t]*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Located:
    """content/'s entry files by the id8 their name carries (or the whole id for files named otherwise)."""

    content_dir: Path
    by_key: dict[str, tuple[str, ...]]  # paths relative to content/ (strings: a Path each would cost more than the walk)
    temps: tuple[Path, ...]  # ingest's temporary files, absolute

    def find(self, entry_id: str) -> tuple[Path, str] | None:
        """(path relative to content/, text) of the file holding entry `entry_id`, wherever it is."""
        for key in (entry_id[:8], entry_id):
            for path in self.by_key.get(key, ()):
                text = _read(self.content_dir / path)
                if text is not None and file_id(text) == entry_id:
                    return Path(path), text
        return None


def locate(content_dir: Path) -> Located:
    """Walk content/ once (hidden folders skipped, symlinked ones not followed): names only, but for files named otherwise."""
    by_key: dict[str, list[str]] = {}
    temps = []
    for folder, name in _names(str(content_dir), ""):
        if name.startswith("."):
            if TEMP_NAME.fullmatch(name):
                temps.append(content_dir / folder / name)
            continue
        if not name.endswith(SUFFIXES):
            continue
        key = name[-11:-3] if name[-12:-11] == "-" and name.endswith(".md") and _HEX8.fullmatch(name, len(name) - 11, len(name) - 3) else None
        path = folder + name
        key = key or _read_id(content_dir / path)
        if key is not None:
            by_key.setdefault(key, []).append(path)
    return Located(content_dir, {key: tuple(paths) for key, paths in by_key.items()}, tuple(temps))


def _names(top: str, folder: str) -> Iterator[tuple[str, str]]:
    """(folder relative to content/, file name) for every file below `top`."""
    try:
        found = list(os.scandir(top))
    except (FileNotFoundError, NotADirectoryError):
        return
    for item in found:
        if item.is_dir(follow_symlinks=False):
            if not item.name.startswith("."):
                yield from _names(item.path, f"{folder}{item.name}/")
        else:
            yield folder, item.name


def _read_id(path: Path) -> str | None:
    text = _read(path)
    return file_id(text) if text else None


def _read(path: Path) -> str | None:
    """The file's text; None unless it is a regular file (a pipe would block the run)."""
    return read_existing(path) if path.is_file() else None


def file_id(text: str) -> str | None:
    """The `id` an entry file states in its front matter, if any."""
    try:
        front = split(text)[0]
    except FrontMatterMissing:
        return None
    m = _ID_LINE.search(front)
    return m[2] if m else None
