"""Turn the text of one entry file into an `Entry` (pure: no I/O)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import msgspec
import yaml

from generator import yamlio
from generator.entries import frontmatter
from generator.entries.body import MARKUP, MAX_MARKUP, markup_overflow
from generator.entries.dates import parse_when, start_of
from generator.entries.model import Entry
from generator.entries.schema import DATE_KEYS, KNOWN_KEYS, LIST_KEYS, TEXT_KEYS, FrontMatter
from generator.entries.text import clean
from generator.problems import YAML_HINT, DigestError, Problem, type_hint
from generator.slugs import bounded_slug

SLUG_MAX = 80
# Ids end up in URLs (collision suffixes), HTML ids and anchors: no slashes, spaces or markup.
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
# Links a reader may follow: http(s) with a host, no whitespace or quote characters that
# could end an attribute or hide a scheme.
_UNSAFE_URL_CHARS = re.compile(r"[\s\x00-\x1f\x7f\"<>`\\]")


class EntryError(DigestError):
    """One entry file is invalid."""


def parse_entry(text: str, path: Path, tz: ZoneInfo) -> Entry:
    """Parse and validate an entry; raise EntryError naming file and line of every problem it has."""
    try:
        front, body, first_line = frontmatter.split(text)
    except frontmatter.FrontMatterMissing as exc:
        raise EntryError(Problem(path, str(exc), 1)) from None
    try:
        raw = yamlio.parse(front)
    except yaml.YAMLError as exc:
        line = yamlio.error_line(exc)
        raise EntryError(Problem(path, yamlio.error_text(exc), first_line - 1 + line if line else None, YAML_HINT)) from None
    if not isinstance(raw, dict):
        raise EntryError(
            Problem(path, "front matter must be a YAML mapping of `key: value` lines", first_line, "write one `key: value` per line, like `title: Headline`")
        )
    report = _Report(path, front, first_line)
    if "title" not in raw:
        report.add("missing required key `title`", None, "add `title: Headline`", line=first_line, key="title")
    data = _coerce(raw)
    meta = _front_matter(data, report)
    day, added, when = _dates(data, tz, report)
    title = clean(meta.title).strip()
    if not title and not report.has("title"):
        report.add("`title` is empty", ["title"])
    slug = _slug(meta.slug, title, report)
    given_id, from_id = _text(meta.id), _text(meta.from_id)
    for key, value in (("id", given_id), ("from", from_id)):
        if value is not None and not _SAFE_ID.fullmatch(value):
            report.add(f"`{key}` may hold only letters, digits, `.`, `_` and `-` (up to 100), got {value!r}", [key], "use an id like `3f2a9c01d4e5b6a7`")
    for key, value in (("url", meta.url), ("image", meta.image)):
        if value is not None and not _safe_url(value):
            report.add(f"`{key}` must be an absolute http(s) URL, got {value!r}", [key], f"use `{key}: https://example.org/path`, or remove it")
    _check_body(body, first_line + front.count("\n") + 1, report)
    if report.problems or when is None:
        raise EntryError(report.sorted())
    return Entry(
        id=given_id or derive_id(meta.kind, meta.source, title, day),
        title=title,
        slug=slug,
        kind=meta.kind,
        when=when,
        date=day,
        added=added,
        body=clean(body).strip("\n"),
        path=path.as_posix(),
        source=_text(meta.source),
        edition=_text(meta.edition),
        lang=_text(meta.lang),
        summary=_text(meta.summary),
        authors=tuple(a for a in (clean(x).strip() for x in meta.authors) if a),
        tags=_one_per_case(clean(x).strip() for x in meta.tags),
        url=meta.url,
        image=meta.image,
        from_id=from_id,
        title_derived=meta.title_derived,
        origin=_clean_values(meta.origin),
        draft=meta.draft,
        extra={k: _clean_values(v) for k, v in data.items() if k not in KNOWN_KEYS},
    )


def _check_body(body: str, first_line: int, report: _Report) -> None:
    """A body must be cheap enough to render: see entries/body.py."""
    overflow = markup_overflow(body)
    if overflow is not None:
        line = first_line + body.count("\n", 0, overflow)
        report.add(
            f"body has more than {MAX_MARKUP:,} markdown punctuation characters ({' '.join(MARKUP)}), too many to render in reasonable time",
            None,
            "split it into several entries, or remove the stray punctuation",
            line=line,
            key="body",
        )


@dataclass(slots=True)
class _Report:
    """The problems of one entry, each with the line of the key it is about."""

    path: Path
    front: str
    first_line: int
    problems: list[Problem] = field(default_factory=list)
    keys: set[str | int] = field(default_factory=set)

    def add(self, message: str, keys: list[str | int] | None, hint: str | None = None, line: int | None = None, key: str | None = None) -> None:
        if line is None and keys:
            found = yamlio.key_line(self.front, keys)
            line = self.first_line - 1 + found if found else None
        self.problems.append(Problem(self.path, message, line, hint))
        self.keys.add(key or (keys[0] if keys else ""))

    def has(self, key: str) -> bool:
        return key in self.keys

    def sorted(self) -> list[Problem]:
        """In the order of the file's lines (problems without a line last, as found)."""
        return sorted(self.problems, key=lambda p: p.line if p.line is not None else 1 << 30)


def _front_matter(data: dict[str, Any], report: _Report) -> FrontMatter:
    """The known keys, typed; each key of the wrong type is reported and then left at its default."""
    known = {k: v for k, v in data.items() if k in KNOWN_KEYS and k not in DATE_KEYS}
    known.setdefault("title", "")  # a missing title is reported on its own
    for _ in range(len(known) + 1):  # each failure removes a key: this ends
        try:
            return msgspec.convert(known, FrontMatter)
        except msgspec.ValidationError as exc:
            keys, message, hint = yamlio.explain(exc, FrontMatter)
            if keys == ["kind"] and "enum" in message:
                hint = "use `kind: article` or `kind: teaser`"
            report.add(message, keys, hint or type_hint(message))
            if not keys or keys[0] not in known or (keys[0] == "title" and known["title"] == ""):
                break
            if keys[0] == "title":
                known["title"] = ""
            else:
                del known[keys[0]]
    return FrontMatter(title="")


def _dates(data: dict[str, Any], tz: ZoneInfo, report: _Report) -> tuple[dt.date | None, dt.datetime | None, dt.datetime | None]:
    """(date, added, when): `when` is None when the entry has no usable date (and that is reported)."""
    dates: dict[str, dt.date | None] = {}
    for key in DATE_KEYS:
        try:
            dates[key] = None if data.get(key) is None else parse_when(data[key], tz)
        except ValueError as exc:
            report.add(f"`{key}`: {exc}", [key])
            dates[key] = None
    day, added_day = dates["date"], dates["added"]
    if day is None and added_day is None:
        if not any(report.has(key) for key in DATE_KEYS):
            report.add("needs `date` or `added`", None, "add `date: 2024-06-23`")
        return day, None, None
    added = start_of(added_day, tz) if added_day is not None else None
    when: dt.datetime = added or start_of(day, tz)  # type: ignore[arg-type]
    key = "added" if added is not None else "date"
    reason = _beyond_range(when, tz)
    if reason is not None:
        moment = dates[key]
        local = "" if when.tzinfo is not tz else f" (midnight in {tz.key})" if not isinstance(moment, dt.datetime) else f" (in {tz.key})"
        report.add(f"`{key}` {data[key]}{local} {reason}", [key], "use a date from 0001-01-02 to 9999-12-30")
        return day, added, None
    return day, added, when


def _beyond_range(when: dt.datetime, tz: ZoneInfo) -> str | None:
    """Why pages and feeds cannot show this moment, if they cannot: they show it in the site's zone and in UTC."""
    for name, zone in ((f"the site's time zone ({tz.key})", tz), ("UTC", dt.UTC)):
        try:
            when.astimezone(zone)
        except OverflowError:
            side = "before year 1" if when.year < 5000 else "after year 9999"
            return f"is {side} in {name}, where pages and feeds show it"
    return None


def _safe_url(url: str) -> bool:
    """An absolute http(s) URL with a host that cannot smuggle another scheme or break out of an attribute."""
    if _UNSAFE_URL_CHARS.search(url) or clean(url) != url:
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _one_per_case(names: Iterable[str]) -> tuple[str, ...]:
    """Tags that differ only in case are one tag: the first spelling is kept."""
    kept: dict[str, str] = {}
    for name in names:
        if name:
            kept.setdefault(name.casefold(), name)
    return tuple(kept.values())


def _clean_values(value: Any) -> Any:
    """Strip XML-illegal characters from every string in a nested value (templates may print any of it)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [_clean_values(v) for v in value]
    if isinstance(value, dict):
        return {clean(str(k)) if isinstance(k, str) else k: _clean_values(v) for k, v in value.items()}
    return value


def derive_id(kind: str, source: str | None, title: str, day: dt.date | None) -> str:
    """Stable id for entries that give none: body edits do not change it."""
    key = "\x1f".join([kind, source or "", " ".join(title.casefold().split()), day.isoformat()[:10] if day else ""])
    return hashlib.sha256(key.encode()).hexdigest()[:16]


# "Editor's note" → editors-note, not editor-s-note.
_APOSTROPHES = [("'", ""), ("\u2019", "")]


def _slug(given: str | None, title: str, report: _Report) -> str:
    if given is None:
        return bounded_slug(title, SLUG_MAX, _APOSTROPHES) or "untitled"
    safe = bounded_slug(given, SLUG_MAX)
    if safe != given:
        report.add(
            f"`slug` may hold only lowercase letters, digits and hyphens, got {given!r}",
            ["slug"],
            f"use `slug: {safe}`" if safe else "remove it to derive one from the title",
        )
    return safe


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    value = clean(value).strip()
    return value or None


def _coerce(raw: dict[Any, Any]) -> dict[str, Any]:
    """Forgive the YAML-isms people write by hand: `title: 1984`, `tags: economy`."""
    data = {str(k): v for k, v in raw.items()}
    for key in TEXT_KEYS:
        if isinstance(data.get(key), int | float) and not isinstance(data[key], bool):
            data[key] = str(data[key])
    for key in LIST_KEYS:
        if isinstance(data.get(key), str):
            data[key] = [data[key]]
        elif data.get(key) is None and key in data:
            data[key] = []
    return data
