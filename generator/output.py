"""Write the built site without ever leaving a half-written one.

The new site is written into a staging folder beside the output folder and
swapped in only when complete, with an atomic directory exchange where the
kernel offers one. The output folder carries a marker file: a folder that
holds files we did not create is never replaced.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from generator.problems import OutputError, Problem

MARKER = ".newsdigest-site"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def check_output_dir(output: Path) -> None:
    """Refuse an output folder that holds files the tool did not write."""
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        raise OutputError(Problem(output, "output path exists and is not a folder", hint="choose another paths.output"))
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise OutputError(
            Problem(
                output,
                "output folder holds files newsdigest did not create; refusing to replace it",
                hint="point paths.output (or --output) at an empty or new folder",
            )
        )


def write_site(files: Iterable[tuple[str, bytes]], output: Path) -> int:
    """Write all files into a fresh copy of the site and swap it in. Returns the count."""
    check_output_dir(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = output.with_name(f".{output.name}.new-{os.getpid()}")
    _remove(staging)
    staging.mkdir()
    count = 0
    try:
        for rel, data in files:
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            count += 1
        (staging / MARKER).write_text("This folder is written by newsdigest; it is replaced on every build.\n")
        _swap_in(staging, output)
    finally:
        _remove(staging)
    return count


def _swap_in(staging: Path, output: Path) -> None:
    """Replace `output` with `staging`; afterwards `staging` holds the old site."""
    if not output.exists():
        os.rename(staging, output)
        return
    if _exchange(staging, output):
        return
    old = output.with_name(f".{output.name}.old-{os.getpid()}")  # pragma: no cover - old kernels
    os.rename(output, old)
    os.rename(staging, output)
    os.rename(old, staging)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with renameat2(RENAME_EXCHANGE), if available."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
