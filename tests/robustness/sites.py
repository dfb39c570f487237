"""Helpers for the robustness suite: synthetic digests, CLI runs, tree snapshots."""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from generator.entries.frontmatter import dump

MARKER = ".newsdigest-site"  # generator.output's marker file
WORDS = ["harbour", "council", "storm", "bridge", "market", "school", "river", "budget", "rail", "farm", "court", "museum", "ferry", "tunnel", "vote", "clinic"]
START = dt.datetime(2024, 11, 1, 8, 0, tzinfo=dt.UTC)


def config_text(title: str = "Robust Digest", content: str = "content", output: str = "site", extra: str = "") -> str:
    return f"site:\n  title: {title}\n  url: https://robust.example.org/news/\n  timezone: UTC\npaths:\n  content: {content}\n  output: {output}\n{extra}"


def write_entries(content: Path, count: int, seed: int = 7, first: int = 0) -> None:
    """`count` deterministic entries (articles with bodies, some teasers) under `content`."""
    rng = random.Random(seed)
    for i in range(first, first + count):
        words = [rng.choice(WORDS) for _ in range(rng.randint(3, 8))]
        teaser = i % 5 == 4
        fields: dict[str, object] = {
            "title": f"{' '.join(words).capitalize()} {i}",
            "kind": "teaser" if teaser else "article",
            "added": START + dt.timedelta(hours=7 * i),
            "source": f"The {WORDS[i % 6].title()} Gazette",
            "summary": " ".join(rng.choice(WORDS) for _ in range(12)),
            "tags": [WORDS[i % 7], WORDS[i % 11]],
            "id": f"{i:016x}",
        }
        paragraphs = (" ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 90))) + "." for _ in range(rng.randint(3, 6)))
        body = "" if teaser else "\n\n".join(paragraphs)
        path = content / f"{i % 9}" / f"entry-{i:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(fields, body), encoding="utf-8")


def cli(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `python -m generator ARGS` as a user would."""
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=timeout)


@dataclass(frozen=True, slots=True)
class Tree:
    """Everything observable in a folder: files with bytes, folders, symlinks."""

    files: dict[str, bytes]
    dirs: frozenset[str]
    links: dict[str, str]

    def summary(self) -> str:
        return f"{len(self.files)} files, {len(self.dirs)} folders, {len(self.links)} symlinks"


def snapshot(root: Path) -> Tree | None:
    """The full tree under `root`, or None when `root` does not exist."""
    if not root.exists() and not root.is_symlink():
        return None
    files: dict[str, bytes] = {}
    dirs: set[str] = set()
    links: dict[str, str] = {}
    for folder, subdirs, names in os.walk(root):
        base = Path(folder)
        for name in subdirs:
            rel = (base / name).relative_to(root).as_posix()
            if (base / name).is_symlink():
                links[rel] = os.readlink(base / name)
            else:
                dirs.add(rel)
        for name in names:
            path = base / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                links[rel] = os.readlink(path)
            elif rel == MARKER:
                files[rel] = b"<present>"  # its token names the tree, so it differs between equal builds
            else:
                files[rel] = path.read_bytes()
    return Tree(files, frozenset(dirs), links)


def mtimes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*")}
