"""Ingest many pages: read each file, build its entries, and write the ones that changed.

I/O happens here and in `write`; everything it calls before that is pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from generator.ingest.page import Page, PageFailure, ingest_page
from generator.ingest.rules import RuleSet
from generator.ingest.write import Planned, entry_path, plan, read_existing, render, write_atomic

PageStatus = Literal["ingested", "unchanged", "skipped", "failed"]
PAGE_SUFFIX = ".txt"


@dataclass(frozen=True, slots=True)
class Outcome:
    path: Path
    status: PageStatus
    reason: str | None = None
    page: Page | None = None
    entries: tuple[Planned, ...] = ()


@dataclass(slots=True)
class Summary:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("ingested", "unchanged", "skipped", "failed"), 0))

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1

    def __str__(self) -> str:
        total = sum(self.counts.values())
        parts = ", ".join(f"{n} {name}" for name, n in self.counts.items())
        return f"{total} page{'s' if total != 1 else ''}: {parts}"


def page_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the .txt files below folders (sorted, hidden names skipped)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob(f"*{PAGE_SUFFIX}") if p.is_file() and not _hidden(p.relative_to(path)))
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def read_raw(path: Path, max_bytes: int) -> bytes:
    """The page's bytes; PageFailure when it cannot or should not be read."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise PageFailure(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (raise ingest.max_bytes in config.yaml)")
        return path.read_bytes()
    except OSError as exc:
        raise PageFailure(f"cannot read file: {exc.strerror or exc}") from None


def ingest_files(files: Iterable[Path], rules: RuleSet, content_dir: Path, max_bytes: int, now: dt.datetime, write: bool) -> Iterator[Outcome]:
    for path in files:
        try:
            page = ingest_page(read_raw(path, max_bytes), path.name, rules)
        except PageFailure as exc:
            yield Outcome(path, "failed", str(exc))
            continue
        planned = tuple(_plan(page, content_dir, now))
        if write:
            for entry in planned:
                if entry.status in ("new", "updated"):
                    write_atomic(content_dir / entry.path, entry.text)
        yield Outcome(path, _page_status(planned), page=page, entries=planned)


def _plan(page: Page, content_dir: Path, now: dt.datetime) -> Iterator[Planned]:
    for draft in page.drafts:
        path = entry_path(draft)
        yield plan(draft, path, render(draft, now, page.origin), read_existing(content_dir / path))


def _page_status(entries: tuple[Planned, ...]) -> PageStatus:
    statuses = {e.status for e in entries}
    if statuses & {"new", "updated"}:
        return "ingested"
    return "skipped" if "edited" in statuses else "unchanged"
