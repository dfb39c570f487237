"""Other static site generators, built from the same corpus for comparison.

Each peer makes an equivalent site: one page per entry (a teaser's page
shows its dek), a list page per source and per tag plus the lists of all
sources and tags, an index paginated 20 to a page, and RSS feeds for the
site, every source and every tag (20 items). Peers are tools of the
benchmark only, installed into a cache folder (never dependencies of the
project): see `Peer.install`.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.corpus import CONFIG, CorpusEntry

SITE_TITLE = "Benchmark Digest"
SITE_URL = "https://bench.example.org"
PER_PAGE = 20
FEED_ITEMS = 20
assert f"title: {SITE_TITLE}" in CONFIG and "per_page: 20" in CONFIG and "limit: 20" in CONFIG  # same site as ours


class PeerUnavailable(RuntimeError):
    """The peer could not be installed or run here."""


@dataclass(frozen=True, slots=True)
class PeerEntry:
    """A corpus entry in the terms every peer understands."""

    id: str
    title: str
    added: dt.datetime
    source: str
    tags: tuple[str, ...]
    summary: str
    body: str  # markdown; a teaser's dek

    @classmethod
    def from_corpus(cls, entry: CorpusEntry) -> PeerEntry:
        f = entry.fields
        added = f["added"]
        assert isinstance(added, dt.datetime)
        summary = str(f.get("summary", ""))
        tags = f.get("tags") or []
        assert isinstance(tags, list)
        return cls(
            id=str(f["id"]),
            title=str(f["title"]),
            added=added,
            source=str(f["source"]),
            tags=tuple(str(t) for t in tags),
            summary=summary,
            body=entry.body or summary,
        )


class Peer(ABC):
    """One generator: how to install it, lay out a site for it, and run it."""

    name: str

    @abstractmethod
    def install(self, cache: Path, log: Path) -> str:
        """Make the tool available (installing it under cache if needed); return its version."""

    @abstractmethod
    def write_site(self, entries: Sequence[PeerEntry], root: Path) -> None:
        """Write the peer's project (config, content, theme) for these entries into root."""

    @abstractmethod
    def command(self, root: Path) -> list[str]:
        """The build command, run in root."""

    @abstractmethod
    def output(self, root: Path) -> Path:
        """Where the built site goes."""

    def state(self, root: Path) -> list[Path]:
        """Everything a cold build must start without: the output and any build cache."""
        return [self.output(root)]

    def env(self) -> dict[str, str]:
        return clean_env()


def clean_env() -> dict[str, str]:
    """The environment of a user's shell: no Python path or bytecode settings leaking from ours."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV")}
    return env


def copy_folder(source: Path, target: Path) -> None:
    shutil.copytree(source, target, dirs_exist_ok=True)


def all_peers() -> list[Peer]:
    from benchmarks.peers.hugo import Hugo
    from benchmarks.peers.pelican import Pelican

    return [Hugo(), Pelican()]
