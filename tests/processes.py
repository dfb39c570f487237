"""What a test can see of a process it started, from /proc (Linux)."""

from __future__ import annotations

import os


def children(pid: int) -> set[int]:
    """The pids of pid's direct children, over all its threads."""
    tasks = f"/proc/{pid}/task"
    return {int(child) for task in os.listdir(tasks) for child in open(f"{tasks}/{task}/children").read().split()}


def running(pid: int) -> bool:
    """Whether pid is alive and not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
