"""Who has which issue survives whatever clears the rest of the build cache."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from generator.cache import BuildCache
from generator.mail.address import parse_address
from generator.mail.state import plan


def test_the_mail_record_survives_a_cleared_cache(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    cache = BuildCache(path)
    cache.record_mailed("2024-12-14", "ana@example.org", "2024-12-15T07:00:00+00:00")
    cache.set_meta("probe", "x")
    cache.drop_entries()
    cache.clear()
    assert cache.meta("probe") is None  # the rest is gone
    cache.close()
    with sqlite3.connect(path) as db:  # a cache written by another schema version is cleared when opened
        db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', 'old')")
    db.close()
    cache = BuildCache(path)
    readers = [parse_address("Ana <ANA@example.org>"), parse_address("bob@example.org")]
    todo = plan(cache, "2024-12-14", readers, resend=False)
    cache.close()
    assert ([str(a) for a in todo.to_send], [str(a) for a in todo.already]) == (["bob@example.org"], ["Ana <ANA@example.org>"])
