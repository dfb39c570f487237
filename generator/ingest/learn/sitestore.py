"""The ingest store: each site's line statistics and its pages, in SQLite beside content/.

Kept in `.<content>.newsdigest/ingest.sqlite` (for `content/`:
`.content.newsdigest/`), beside the fetch cache. Per site it keeps, for
every line key (see template), the stories it was printed on; per page it
keeps the raw bytes, the entries ingest wrote from it and which of its
lines were template then, so that when the site's template grows its
earlier pages can be cleaned again. Deleting it forgets the templates (the
next ingests learn them again); entries are never lost with it.

A run that writes nothing (`--dry-run`, `--json`, `--explain`) works on a
copy in memory: it sees what is stored and changes nothing.

Only the ingest's own process writes it (its -j workers and a cluster's
workers get the templates with their pages and send entries back), and a
page's counts and entries are committed, in batches of COMMIT_EVERY pages,
only after its entries are written: a killed run loses what it learnt from
its last pages (their entries stay written), and the next run counts them
again. Two runs at once wait for each other's transactions
(SQLite's locking); each then works from the counts it read.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.ingest.learn.template import MIN_PAGES, Sample, story_lead

_SCHEMA = """
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS pages (
    sha TEXT PRIMARY KEY, site TEXT NOT NULL, name TEXT NOT NULL, title TEXT NOT NULL, lead TEXT NOT NULL, raw BLOB NOT NULL,
    keys TEXT NOT NULL, used TEXT NOT NULL, entries TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS pages_by_site ON pages (site, name);
CREATE TABLE IF NOT EXISTS story_lines (
    site TEXT NOT NULL, key TEXT NOT NULL, title TEXT NOT NULL, lead TEXT NOT NULL, PRIMARY KEY (site, key, title, lead)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS settled (site TEXT PRIMARY KEY, template TEXT NOT NULL) WITHOUT ROWID;
"""
# A line's stories: of the pages it was printed on, as many as have distinct titles and distinct leads, whichever is
# fewer. An updated story keeps its title, a retitled one its paragraphs, and a story saved twice both.
_STORIES = "MIN(COUNT(DISTINCT title), COUNT(DISTINCT lead))"
COMMIT_EVERY = 32  # pages: a commit per page cost a fifth of an ingest's time


@dataclass(frozen=True, slots=True)
class Written:
    """An entry ingest wrote from a page."""

    kind: str
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class StoredPage:
    sha: str
    name: str  # the file it was ingested from
    keys: frozenset[str]
    used: frozenset[str]  # keys that were template when its entries were written


def store_path(content_dir: Path) -> Path:
    return content_dir.with_name(f".{content_dir.name}.newsdigest") / "ingest.sqlite"


class SiteStore:
    """Used from one thread: the run's."""

    def __init__(self, content_dir: Path, persist: bool) -> None:
        path = store_path(content_dir)
        if persist:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=30)
        else:  # a copy: nothing this run learns is kept
            self._db = sqlite3.connect(":memory:")
            if path.exists():
                with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as stored:
                    stored.backup(self._db)
        self._db.executescript(_SCHEMA)
        self._counts: dict[str, dict[str, int]] = {}
        self._pending = 0  # pages done since the last commit

    def __enter__(self) -> SiteStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is None:
            self._db.commit()
        else:  # a page half done (its entries maybe not all written) is counted again next time
            self._db.rollback()
        self._db.close()

    def counts(self, site: str) -> dict[str, int]:
        """Line key → stories of `site` it was printed on."""
        if site not in self._counts:
            rows = self._db.execute(f"SELECT key, {_STORIES} FROM story_lines WHERE site = ? GROUP BY key", (site,))
            self._counts[site] = dict(rows.fetchall())
        return self._counts[site]

    def template(self, site: str) -> dict[str, int]:
        return {key: n for key, n in self.counts(site).items() if n >= MIN_PAGES}

    def record(self, site: str, sha: str, name: str, raw: bytes, sample: Sample) -> None:
        """Count a page's lines for its site (a page already stored for it is not counted again).

        `name`: the file it was read from; a new version of it supersedes the stored one.
        A page keeps the story it was first counted as: cleaned again with a template, its lead may
        change, and counting it anew would make its own paragraphs recur.
        """
        row = self._db.execute("SELECT site FROM pages WHERE sha = ?", (sha,)).fetchone()
        if row is not None and row[0] == site:
            return
        self._supersede(site, sha, name)
        counts = self.counts(site)
        lead = story_lead(sample.body, counts)
        for key in sample.keys:
            if self._db.execute("INSERT OR IGNORE INTO story_lines VALUES (?, ?, ?, ?)", (site, key, sample.title, lead)).rowcount:
                found = self._db.execute(f"SELECT {_STORIES} FROM story_lines WHERE site = ? AND key = ?", (site, key)).fetchone()
                counts[key] = found[0]
        self._db.execute(
            "INSERT OR REPLACE INTO pages (sha, site, name, title, lead, raw, keys, used) VALUES (?, ?, ?, ?, ?, ?, ?, '[]')",
            (sha, site, name, sample.title, lead, zlib.compress(raw), json.dumps(sorted(sample.keys), ensure_ascii=False)),
        )

    def _supersede(self, site: str, sha: str, name: str) -> None:
        """Forget the earlier versions of the file `name`: they are never cleaned again, and their story counts no more unless another page tells it."""
        old = self._db.execute("SELECT sha, title, lead FROM pages WHERE site = ? AND name = ? AND sha != ?", (site, name, sha)).fetchall()
        for old_sha, title, lead in old:
            self._db.execute("DELETE FROM pages WHERE sha = ?", (old_sha,))
            if self._db.execute("SELECT 1 FROM pages WHERE site = ? AND title = ? AND lead = ?", (site, title, lead)).fetchone() is None:
                self._db.execute("DELETE FROM story_lines WHERE site = ? AND title = ? AND lead = ?", (site, title, lead))
        if old:
            self._counts.pop(site, None)

    def settled(self, site: str) -> bool:
        """True when every stored page of `site` was last cleaned with its current template."""
        row = self._db.execute("SELECT template FROM settled WHERE site = ?", (site,)).fetchone()
        return row is not None and row[0] == self._digest(site)

    def settle(self, site: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO settled VALUES (?, ?)", (site, self._digest(site)))
        self._db.commit()

    def _digest(self, site: str) -> str:
        return hashlib.sha256("\n".join(sorted(self.template(site))).encode()).hexdigest()

    def raw(self, sha: str) -> bytes:
        row = self._db.execute("SELECT raw FROM pages WHERE sha = ?", (sha,)).fetchone()
        return zlib.decompress(row[0]) if row else b""

    def written(self, sha: str) -> tuple[Written, ...]:
        """The entries last written from the page (none for a page not stored)."""
        row = self._db.execute("SELECT entries FROM pages WHERE sha = ?", (sha,)).fetchone()
        return tuple(Written(*item) for item in json.loads(row[0])) if row else ()

    def done(self, sha: str, used: frozenset[str], entries: tuple[Written, ...]) -> None:
        """The page's entries are written as cleaned with `used` as its template lines."""
        listed = json.dumps([[e.kind, e.id, e.title] for e in entries], ensure_ascii=False)
        self._db.execute("UPDATE pages SET used = ?, entries = ? WHERE sha = ?", (json.dumps(sorted(used), ensure_ascii=False), listed, sha))
        self._pending += 1
        if self._pending >= COMMIT_EVERY:
            self._db.commit()
            self._pending = 0

    def pages(self, site: str) -> Iterator[StoredPage]:
        """The site's stored pages, in the order they were first ingested."""
        rows = self._db.execute("SELECT sha, name, keys, used FROM pages WHERE site = ? ORDER BY rowid", (site,)).fetchall()
        for sha, name, keys, used in rows:
            yield StoredPage(sha, name, frozenset(json.loads(keys)), frozenset(json.loads(used)))
