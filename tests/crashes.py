"""Crashes at chosen instants, in-process: the step-th filesystem change raises instead of happening.

A SIGKILL cannot be aimed between two system calls; this can, so a test can
crash an operation at every step it takes, in turn.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import count
from typing import Any

import pytest

import generator.output


class Crash(BaseException):
    """Stands for the process dying: no `except Exception` (or OSError) handler catches it."""


STEPS = ("rename", "replace", "link", "unlink", "rmdir", "mkdir", "open")


@contextmanager
def crash_at(step: int) -> Iterator[Callable[[], int]]:
    """Make the step-th filesystem change from here on (0-based) raise Crash instead of happening.

    Yields a function telling how many changes were made or attempted.
    """
    steps = count()
    armed = os.getpid()  # only this process crashes: the steps counted are the build's own, not a forked child's (the spare's linker)
    originals: dict[str, Any] = {name: getattr(os, name) for name in STEPS}
    exchange = generator.output._exchange

    def guarded(real: Callable[..., Any], changes: Callable[..., bool] = lambda *a, **k: True) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            if os.getpid() == armed and changes(*args, **kwargs) and next(steps) == step:
                raise Crash
            return real(*args, **kwargs)

        return call

    def writes(path: Any, flags: int, *args: Any, **kwargs: Any) -> bool:
        return bool(flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR))

    def creates(path: Any, *args: Any, **kwargs: Any) -> bool:
        return not os.path.isdir(path)  # mkdir(exist_ok=True) of a folder that is there changes nothing

    changes = {"open": writes, "mkdir": creates}
    with pytest.MonkeyPatch.context() as patch:
        for name, real in originals.items():
            patch.setattr(os, name, guarded(real, changes.get(name, lambda *a, **k: True)))
        patch.setattr(generator.output, "_exchange", guarded(exchange))
        yield lambda: next(steps)
