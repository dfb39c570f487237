"""Read every entry file under `content/`, collecting problems instead of stopping."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.entries.model import Entry
from generator.entries.parse import EntryError, parse_entry
from generator.problems import Problem

SUFFIXES = (".md", ".markdown")


@dataclass(slots=True)
class Loaded:
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def entry_files(content_dir: Path) -> Iterator[Path]:
    """Markdown files below `content_dir`, sorted, skipping hidden names."""
    for root, dirs, files in os.walk(content_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(SUFFIXES) and not name.startswith("."):
                yield Path(root, name)


def read_text(path: Path, display: Path, max_bytes: int) -> str:
    """Read an entry file as UTF-8, refusing what cannot be an entry."""
    try:
        real = path.resolve(strict=True)
        if not real.is_file():  # a FIFO or device would block the read or never end
            raise EntryError(Problem(display, "not a regular file (a pipe, socket or device)", hint="move it out of the content folder"))
        size = real.stat().st_size
        if size > max_bytes:
            raise EntryError(Problem(display, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit", hint="raise build.max_entry_bytes in config.yaml"))
        data = real.read_bytes()
    except OSError as exc:
        raise EntryError(Problem(display, f"cannot read file: {exc.strerror or exc}")) from None
    if not data.strip():
        raise EntryError(Problem(display, "file is empty", hint="write front matter with `title` and `date`, or delete the file"))
    if b"\x00" in data:
        raise EntryError(Problem(display, "binary file, not a markdown entry", hint="move it out of the content folder"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise EntryError(
            Problem(display, f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", line, "re-save the file as UTF-8")
        ) from None


def check_link(path: Path, display: Path, root: Path) -> None:
    """A symlinked entry must lead to an existing file inside the content folder."""
    if not path.is_symlink():
        return
    target = Path(os.path.realpath(path))  # never raises, even on a loop
    if not target.is_relative_to(root):
        raise EntryError(Problem(display, "symlink points outside the content folder; refusing to read it", hint="copy the file into the content folder instead"))
    if not target.exists():
        raise EntryError(Problem(display, "broken symlink: its target does not exist or the links form a loop", hint="fix or delete the link"))


def load_entries(content_dir: Path, tz: ZoneInfo, max_bytes: int) -> Loaded:
    """Load all entries; every bad file becomes a Problem and the rest still load."""
    loaded = Loaded()
    seen: dict[str, Path] = {}
    root = content_dir.resolve()
    for path in entry_files(content_dir):
        display = path.relative_to(content_dir)
        try:
            check_link(path, display, root)
            entry = parse_entry(read_text(path, display, max_bytes), display, tz)
        except EntryError as exc:
            loaded.problems.extend(exc.problems)
            continue
        if entry.id in seen:
            loaded.problems.append(
                Problem(display, f"duplicate id {entry.id!r}, already used by {seen[entry.id]}", hint="give each entry its own `id`")
            )
            continue
        seen[entry.id] = display
        loaded.entries.append(entry)
    return loaded
