"""Hold content/ while ingest writes, and remove the temp files killed ingests left.

write_atomic writes each entry through `.<name>.md.<hex>.tmp` and renames it,
so such a file outlives its write only when the writer was killed. Every
writing ingest holds a shared lock on the content folder itself (no lock
file is left behind). One that can take the lock alone knows no other
ingest is writing, so every temp file is stale; one that cannot removes
only those older than STALE_SECONDS, far longer than a write takes.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

STALE_SECONDS = 3600


@contextmanager
def writing(content_dir: Path, temps: Iterable[Path]) -> Iterator[int]:
    """Lock content/ (shared) for the duration; yields how many stale temp files were removed first."""
    content_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(content_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            alone = True
        except BlockingIOError:
            alone = False
        removed = _remove_stale(temps, alone)
        fcntl.flock(fd, fcntl.LOCK_SH)  # from exclusive, or waiting out another ingest's tidying
        yield removed
    finally:
        os.close(fd)


def _remove_stale(temps: Iterable[Path], alone: bool) -> int:
    oldest = time.time() - STALE_SECONDS
    removed = 0
    for temp in temps:
        try:
            if alone or temp.stat().st_mtime < oldest:
                temp.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # renamed or removed meanwhile
    return removed
