"""What a test can see of a process it started, from /proc (Linux)."""

from __future__ import annotations

import contextlib
import os


def children(pid: int) -> set[int]:
    """The pids of pid's direct children, over all its threads."""
    tasks, found = f"/proc/{pid}/task", set[int]()
    for task in os.listdir(tasks):
        with contextlib.suppress(FileNotFoundError), open(f"{tasks}/{task}/children", encoding="ascii") as listed:  # a thread may end after the listing
            found.update(int(child) for child in listed.read().split())
    return found


def running(pid: int) -> bool:
    """Whether pid is alive and not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
