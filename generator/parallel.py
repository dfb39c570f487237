"""Spread chunks of work over forked processes, this process doing a share itself.

Workers are forked, so they inherit everything the work needs (entries, the
site, compiled templates) instead of receiving it pickled; only chunks (small
descriptions of work) and their results cross between processes. The calling
process takes the next chunk whenever it is not busy consuming results, so
each core stays busy however uneven the chunks are, and one forked copy of
the caller's memory is saved.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.pool import AsyncResult
from typing import Any, TypeVar

C = TypeVar("C")
R = TypeVar("R")

AHEAD = 4  # chunks queued per worker: enough that it never waits while this process is busy

# The work function of a forked worker, installed once by the pool's initializer
# (fork hands it over without pickling, closures included).
_work: Callable[[Any], Any] | None = None


def _install(work: Callable[[Any], Any]) -> None:
    global _work  # noqa: PLW0603 - per-process state of a pool worker
    _work = work
    # Ctrl-C reaches the whole process group: only the caller handles it (and
    # ends the pool), instead of every worker printing its own traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _call(chunk: Any) -> Any:
    assert _work is not None
    return _work(chunk)


def fan_out(work: Callable[[C], R], chunks: Iterable[C], workers: int) -> Iterator[R]:
    """Yield work(chunk) for every chunk, roughly in order, using `workers` processes in all.

    With one worker everything runs here. Otherwise `workers - 1` processes
    are forked; each is kept fed with AHEAD chunks, and this process works
    through the rest between collecting their results.
    """
    if workers <= 1:
        yield from map(work, chunks)
        return
    todo = iter(chunks)
    with frozen_heap(), multiprocessing.get_context("fork").Pool(workers - 1, initializer=_install, initargs=(work,)) as pool:
        pending: deque[AsyncResult[R]] = deque()
        while True:
            while len(pending) < AHEAD * (workers - 1) and (chunk := next(todo, None)) is not None:
                pending.append(pool.apply_async(_call, (chunk,)))
            while pending and pending[0].ready():
                yield pending.popleft().get()
            chunk = next(todo, None)
            if chunk is None:
                break
            yield work(chunk)
        while pending:
            yield pending.popleft().get()


def chunk_ranges(total: int, size: int) -> list[range]:
    """range(total) cut into consecutive chunks of `size` (the last may be shorter)."""
    return [range(start, min(start + size, total)) for start in range(0, total, size)]


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Keep the garbage collector off every object alive now, for the duration.

    Builds hold large, long-lived data (entries, the site, compiled templates).
    A full collection walks all of it (at 100,000 entries, 40 % of an
    incremental build's time), and in a forked worker writes to it, copying
    the pages it shares with this process. Nested uses keep the outermost's
    freeze; it ends with the outermost block, so a long-lived process (digest
    serve) can collect the objects again afterwards.
    """
    outermost = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if outermost:
            gc.unfreeze()


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection during the block: for loading long-lived data, which makes no garbage cycles.

    The collector would otherwise walk the growing heap again and again
    (pair with frozen_heap afterwards).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
