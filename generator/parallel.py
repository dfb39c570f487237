"""Spread chunks of work over forked processes, this process doing a share itself.

Workers are forked, so they inherit everything the work needs (entries, the
site, compiled templates) instead of receiving it pickled; only chunks (small
descriptions of work) and their results cross between processes. The calling
process takes the next chunk whenever it is not busy consuming results, so
each core stays busy however uneven the chunks are, and one forked copy of
the caller's memory is saved.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
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
    pool = multiprocessing.get_context("fork").Pool(workers - 1, initializer=_install, initargs=(work,))
    with pool:
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
