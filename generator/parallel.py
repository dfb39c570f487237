"""Spread chunks of work over forked processes, this process doing a share itself.

Workers are forked, so they inherit everything the work needs (entries, the
site, compiled templates) instead of receiving it pickled; only chunks (small
descriptions of work) and their results cross between processes. The calling
process takes the next chunk whenever it is not busy consuming results, so
each core stays busy however uneven the chunks are, and one forked copy of
the caller's memory is saved.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import multiprocessing.pool
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.pool import AsyncResult
from typing import Any, TypeVar

C = TypeVar("C")
R = TypeVar("R")

_PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h)
HELD = (signal.SIGINT, signal.SIGTERM)  # the signals that stop a build
AHEAD = 4  # chunks queued per worker: enough that it never waits while this process is busy

# The work function of a forked worker, installed once by the pool's initializer
# (fork hands it over without pickling, closures included).
_work: Callable[[Any], Any] | None = None


def _install(work: Callable[[Any], Any], caller: int) -> None:
    global _work  # noqa: PLW0603 - per-process state of a pool worker
    _work = work
    _end_with(caller)
    default_signals()
    # Ctrl-C reaches the whole process group: only the caller handles it (and
    # ends the pool), instead of every worker printing its own traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_SETMASK, ())  # blocked by _pool until now


def default_signals() -> None:
    """Undo the signal handling a forked worker inherits from its caller.

    Pool.terminate() ends workers with SIGTERM and then waits for them: a
    worker still running the handler of `digest serve` (which only asks for a
    clean stop) would never end, and the caller would wait forever. So every
    handler installed in Python goes back to the default, and no wake-up fd
    is shared with the caller.
    """
    signal.set_wakeup_fd(-1)
    for signum in signal.valid_signals():
        if callable(signal.getsignal(signum)):
            signal.signal(signum, signal.SIG_DFL)


def _end_with(caller: int) -> None:
    """Have the kernel kill this worker when its caller dies (Linux), even by kill -9.

    An idle worker would notice (its task pipe ends), but a busy one would run
    its chunk to the end for nobody, or forever if the chunk never ends.
    """
    if not sys.platform.startswith("linux"):  # pragma: no cover
        return
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != caller:  # the caller died before the line above
        os._exit(1)


@contextmanager
def _pool(work: Callable[[Any], Any], processes: int) -> Iterator[multiprocessing.pool.Pool]:
    """A pool of forked workers that get no signal before they have dropped the caller's handlers; terminated after.

    A forked worker runs the caller's handlers until its initializer replaced
    them: Ctrl-C in that moment would run serve's handler there. Blocking
    SIGINT and SIGTERM while forking keeps them pending in the worker until
    then. Here, their handlers run once the workers are forked: an exception
    they raise in the middle of a fork, in its hooks, would be dropped.
    """
    pool = None
    try:
        with _signals_held():
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
            try:
                pool = multiprocessing.get_context("fork").Pool(processes, initializer=_install, initargs=(work, os.getpid()))
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        yield pool
    finally:
        if pool is not None:
            pool.terminate()


@contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM arriving during the block are handled at its end (main thread only: elsewhere none is handled)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, frame: held.append(signum)) for sig in HELD}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            if handler is not None:  # None: not installed from Python, and then not replaceable either
                signal.signal(sig, handler)
        for signum in held:
            signal.raise_signal(signum)


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
    with frozen_heap(), _pool(work, workers - 1) as pool:
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


@contextmanager
def in_background(work: Callable[[C], R], arg: C) -> Iterator[AsyncResult[R]]:
    """work(arg) in one forked process while this one goes on; ended with the block if it is still running."""
    with _pool(work, 1) as pool:
        yield pool.apply_async(_call, (arg,))


def processes(workers: int | None, items: int = 0, minimum: int = 0) -> int:
    """`workers`, or one per core when not given; one alone for fewer than `minimum` items (forking would cost more)."""
    return (workers or os.cpu_count() or 1) if items >= minimum else 1


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
