"""Entry files: where each goes, what it says, and writing it safely.

Each written entry carries `origin.entry_sha256`, the sha256 of the file's
text without that one line. A file whose text no longer hashes to it was
edited by a person, and re-ingest leaves it alone.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from generator import yamlio
from generator.entries import frontmatter
from generator.faults import reached
from generator.ingest.article import Draft
from generator.output import write_all
from generator.slugs import bounded_slug

Status = Literal["new", "updated", "unchanged", "edited", "removed"]
SLUG_CHARS = 60
_HASH_LINE = re.compile(r"^  entry_sha256: ([0-9a-f]{64})\n", re.MULTILINE)
VOLATILE = ("added", "origin")  # differ between ingests of the same story
TEMP_NAME = re.compile(r"\..+\.md\.[0-9a-f]{8}\.tmp")  # what write_atomic writes through


@dataclass(frozen=True, slots=True)
class Planned:
    draft: Draft
    path: Path  # relative to the content folder
    text: str
    status: Status
    replaces: Path | None = None  # an entry of the same page, under its former id, this one takes the place of


def entry_path(draft: Draft) -> Path:
    """content/<source>/[teasers/]<date>-<title slug>-<id8>.md: readable, and unique by id."""
    folder = _source_folder(draft.source or "")
    day = draft.date.strftime("%Y-%m-%d") if draft.date else "undated"
    slug = bounded_slug(draft.title, SLUG_CHARS) or "untitled"
    name = f"{day}-{slug}-{draft.id[:8]}.md"
    return Path(folder, "teasers", name) if draft.kind == "teaser" else Path(folder, name)


@functools.lru_cache(maxsize=1024)  # a page's entries share their source, and a digest has few sources
def _source_folder(source: str) -> str:
    return bounded_slug(source, SLUG_CHARS) or "unknown-source"


def render(draft: Draft, added: dt.datetime, origin: dict[str, Any]) -> str:
    """The entry file text, with its own hash as the last line of `origin`.

    `origin` is the last key, so adding `entry_sha256` to it in the YAML
    adds exactly one line before the closing fence: the file without that
    line is what the hash covers.
    """
    unsigned = dump({**draft.fields(), "added": added, "origin": origin}, draft.body)
    fence = unsigned.index(f"\n{frontmatter.FENCE}\n", 3) + 1
    return f"{unsigned[:fence]}  entry_sha256: {_sha(unsigned)}\n{unsigned[fence:]}"


def dump(fields: dict[str, Any], body: str) -> str:
    """frontmatter.dump, byte for byte, with libyaml's C emitter when it is safe.

    The pure-Python emitter dominated ingest time (~1 ms an entry). libyaml
    escapes characters beyond the BMP and some controls differently, so
    such texts take the reference path.
    """
    strings: list[str] = []
    clean = {k: frontmatter._plain(v, strings) for k, v in fields.items() if v is not None}
    if _CDumper is None or _UNSAFE_FOR_C.search(" ".join(strings)):
        return frontmatter.dump(fields, body)
    front = yaml.dump(clean, Dumper=_CDumper, sort_keys=False, allow_unicode=True, width=1_000_000)
    body = body.strip("\n")
    return f"{frontmatter.FENCE}\n{front}{frontmatter.FENCE}\n" + (f"\n{body}\n" if body else "")


# Printable BMP text only: no line breaks (block scalars end differently),
# controls, astral characters (escaped by libyaml) or BOMs.
_UNSAFE_FOR_C = re.compile("[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd]|[\u2028\u2029\ufeff]")


def _c_dumper() -> type | None:
    """A libyaml dumper configured exactly like frontmatter's (no timestamps, `|` for multi-line)."""
    base = getattr(yaml, "CSafeDumper", None)
    if base is None:
        return None
    dumper: type[Any] = type("_CDumper", (base,), {})
    dumper.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"] for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    dumper.add_representer(str, frontmatter._represent_str)
    dumper.represent = frontmatter.represent_plain
    dumper.resolve = frontmatter.resolve_scalar_fast
    return dumper


_CDumper = _c_dumper()


def edited_by_hand(text: str) -> bool:
    """True when the file is not exactly what ingest wrote (or has no hash at all)."""
    m = _HASH_LINE.search(text)
    if m is None:
        return True
    return _sha(text[: m.start()] + text[m.end() :]) != m[1]


def same_content(old: str, new: str) -> bool:
    """Equal but for `added` and `origin` (ingest time, file name, UI language)."""
    return _stable(old) == _stable(new)


def plan(draft: Draft, path: Path, text: str, existing: str | None) -> Planned:
    if existing is None:
        return Planned(draft, path, text, "new")
    if edited_by_hand(existing):
        return Planned(draft, path, text, "edited")
    return Planned(draft, path, text, "unchanged" if same_content(existing, text) else "updated")


def find_entry(content_dir: Path, path: Path, entry_id: str) -> Path:
    """Where the entry with this id already is in its folder (its title or date may have changed), else `path`."""
    folder = content_dir / path.parent
    if (content_dir / path).exists() or not folder.is_dir():
        return path
    for candidate in sorted(folder.glob(f"*-{entry_id[:8]}.md")):
        text = read_existing(candidate)
        if text and re.search(rf"^id: '?{entry_id}'?$", text, re.MULTILINE):
            return candidate.relative_to(content_dir)
    return path


_ADDED_LINE = re.compile(r"^added: '?([0-9T:+.-]+)'?$", re.MULTILINE)


def added_of(text: str) -> dt.datetime | None:
    """The `added` time an entry file states (as ingest writes it), if any."""
    m = _ADDED_LINE.search(text)
    try:
        return dt.datetime.fromisoformat(m[1]) if m else None
    except ValueError:
        return None


def read_existing(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        return ""  # not ours any more: counts as edited by hand


def write_atomic(path: Path, text: str) -> None:
    """Write via a hidden temp file in the same folder and os.replace: never half a file.

    The temp file is removed whatever interrupts the write, Ctrl-C included,
    even when it lands the instant the file was made. Like any new file, the
    entry gets the permissions the umask leaves.
    """
    data = text.encode("utf-8")
    if not path.parent.is_dir():  # one stat; mkdir would raise and catch "exists" for every file
        path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            write_all(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666), data)
            reached("entry-temp")
            os.replace(temp, path)
            reached("entry-written")
            return
        except FileExistsError:
            continue  # another writer's temp file has that name: pick another
        except BaseException:
            temp.unlink(missing_ok=True)
            raise


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _stable(text: str) -> tuple[Any, str]:
    front, body, _line = frontmatter.split(text)
    data = yamlio.parse(front)
    if not isinstance(data, dict):
        return None, body
    return {k: v for k, v in data.items() if k not in VOLATILE}, body.strip("\n")
