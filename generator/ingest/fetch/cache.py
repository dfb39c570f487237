"""The fetch cache: each source's ETag and Last-Modified, in SQLite beside content/.

Kept in `.<content>.newsdigest/fetch.sqlite` (for `content/`:
`.content.newsdigest/`), nothing to install or run. Deleting it only makes
the next `digest fetch` download everything again; entries are never lost.
Validators are stored only after a source's entries were written, so a run
that failed or was interrupted fetches the source whole next time.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS http (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, fetched TEXT NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None


NO_VALIDATORS = Validators()


def cache_path(content_dir: Path) -> Path:
    return content_dir.with_name(f".{content_dir.name}.newsdigest") / "fetch.sqlite"


class FetchCache:
    """Used from one thread: the run's, not its fetching threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.executescript(_SCHEMA)

    def __enter__(self) -> FetchCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self._db.close()

    def validators(self, url: str) -> Validators:
        row = self._db.execute("SELECT etag, last_modified FROM http WHERE url = ?", (url,)).fetchone()
        return Validators(*row) if row else NO_VALIDATORS

    def store(self, url: str, validators: Validators, fetched: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO http (url, etag, last_modified, fetched) VALUES (?, ?, ?, ?)", (url, validators.etag, validators.last_modified, fetched)
        )
