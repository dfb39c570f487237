"""Entry files: where each goes, what it says, and writing it safely.

Each written entry carries `origin.entry_sha256`, the sha256 of the file's
text without that one line. A file whose text no longer hashes to it was
edited by a person, and re-ingest leaves it alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from slugify import slugify

from generator import yamlio
from generator.entries import frontmatter
from generator.ingest.article import Draft

Status = Literal["new", "updated", "unchanged", "edited"]
SLUG_CHARS = 60
_HASH_LINE = re.compile(r"^  entry_sha256: ([0-9a-f]{64})\n", re.MULTILINE)
VOLATILE = ("added", "origin")  # differ between ingests of the same story


@dataclass(frozen=True, slots=True)
class Planned:
    draft: Draft
    path: Path  # relative to the content folder
    text: str
    status: Status


def entry_path(draft: Draft) -> Path:
    """content/<source>/[teasers/]<date>-<title slug>-<id8>.md: readable, and unique by id."""
    folder = slugify(draft.source or "", max_length=SLUG_CHARS) or "unknown-source"
    day = draft.date.isoformat() if draft.date else "undated"
    slug = slugify(draft.title, max_length=SLUG_CHARS, word_boundary=True) or "untitled"
    name = f"{day}-{slug}-{draft.id[:8]}.md"
    return Path(folder, "teasers", name) if draft.kind == "teaser" else Path(folder, name)


def render(draft: Draft, added: dt.datetime, origin: dict[str, Any]) -> str:
    """The entry file text, with its own hash in origin.entry_sha256."""
    fields = {**draft.fields(), "added": added, "origin": dict(origin)}
    unsigned = frontmatter.dump(fields, draft.body)
    fields["origin"]["entry_sha256"] = _sha(unsigned)
    return frontmatter.dump(fields, draft.body)


def edited_by_hand(text: str) -> bool:
    """True when the file is not exactly what ingest wrote (or has no hash at all)."""
    m = _HASH_LINE.search(text)
    if m is None:
        return True
    return _sha(text[: m.start()] + text[m.end() :]) != m[1]


def same_content(old: str, new: str) -> bool:
    """Equal but for `added` and `origin` (ingest time, file name, UI language)."""
    return _stable(old) == _stable(new)


def plan(draft: Draft, text: str, existing: str | None) -> Planned:
    path = entry_path(draft)
    if existing is None:
        return Planned(draft, path, text, "new")
    if edited_by_hand(existing):
        return Planned(draft, path, text, "edited")
    return Planned(draft, path, text, "unchanged" if same_content(existing, text) else "updated")


def read_existing(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        return ""  # not ours any more: counts as edited by hand


def write_atomic(path: Path, text: str) -> None:
    """Write via a hidden temp file in the same folder and os.replace: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _stable(text: str) -> tuple[Any, str]:
    front, body, _line = frontmatter.split(text)
    data = yamlio.parse(front)
    if not isinstance(data, dict):
        return None, body
    return {k: v for k, v in data.items() if k not in VOLATILE}, body.strip("\n")
