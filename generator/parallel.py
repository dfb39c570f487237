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
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

from generator.problems import DigestError, Problem

C = TypeVar("C")
R = TypeVar("R")

_PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h)
HELD = (signal.SIGINT, signal.SIGTERM)  # the signals that stop a build
AHEAD = 4  # chunks queued per worker: enough that it never waits while this process is busy

# The work function of a forked worker, installed once by the executor's initializer
# (fork hands it over without pickling, closures included).
_work: Callable[[Any], Any] | None = None


def _install(work: Callable[[Any], Any], caller: int) -> None:
    global _work  # noqa: PLW0603 - per-process state of a pool worker
    _work = work
    _end_with(caller)
    default_signals()
    # Ctrl-C reaches the whole process group: only the caller handles it (and
    # ends the workers), instead of every worker printing its own traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_SETMASK, ())  # blocked by _pool until now


def default_signals() -> None:
    """Undo the signal handling a forked worker inherits from its caller.

    Workers are ended early with SIGTERM and then waited for: a worker still
    running the handler of `digest serve` (which only asks for a clean stop)
    would never end, and the caller would wait forever. So every
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


class WorkerLost(DigestError):
    """A forked worker ended before its work did: killed (by the kernel's out-of-memory killer, say) or crashed."""

    def __init__(self, exitcode: int | None) -> None:
        how = "ended" if exitcode is None else _how_it_ended(exitcode)  # None: it ended before its process was known
        hint = "out of memory? try fewer processes with --jobs" if exitcode == -signal.SIGKILL else None
        super().__init__(Problem(None, f"a worker process {how} before finishing its work", hint=hint))


def _how_it_ended(exitcode: int) -> str:
    return f"was killed by {signal.Signals(-exitcode).name}" if exitcode < 0 else f"exited with status {exitcode}"


@dataclass(frozen=True, slots=True)
class Workers:
    """Forked workers, and the processes they are: to name how one that died ended."""

    executor: ProcessPoolExecutor
    processes: tuple[BaseProcess, ...]

    def submit(self, chunk: Any) -> Future[Any]:
        return self.executor.submit(_call, chunk)

    def result(self, pending: Future[R]) -> R:
        """pending's result; WorkerLost once a worker has died, which ends the executor and every chunk it held."""
        try:
            return pending.result()
        except BrokenProcessPool:
            raise WorkerLost(self._first_death()) from None

    def _first_death(self) -> int | None:
        """The exit code of the worker that died (the executor ends the others with SIGTERM); None if it is not known."""
        self.executor.shutdown(wait=True)  # the broken executor's thread reaps every worker: then each exit code is known
        codes = [process.exitcode for process in self.processes if process.exitcode is not None]
        return next((code for code in codes if code != -signal.SIGTERM), codes[0] if codes else None)


@dataclass(frozen=True, slots=True)
class Running(Generic[R]):
    """Work started in a forked process."""

    workers: Workers
    pending: Future[R]

    def get(self) -> R:
        """Its result, once finished (WorkerLost if its process died)."""
        return self.workers.result(self.pending)


@contextmanager
def _pool(work: Callable[[Any], Any], processes: int) -> Iterator[Workers]:
    """Forked workers that get no signal before they have dropped the caller's handlers; ended with the block.

    concurrent.futures, not multiprocessing.Pool: a Pool gives the chunk of a
    worker that dies to nobody, so the caller would wait for it for ever (and
    terminating the Pool can hang on a lock the dead worker held); the
    executor fails every chunk and ends the other workers instead.

    A forked worker runs the caller's handlers until its initializer replaced
    them: Ctrl-C in that moment would run serve's handler there. Blocking
    SIGINT and SIGTERM while forking keeps them pending in the worker until
    then. Here, their handlers run once the workers are forked: an exception
    they raise in the middle of a fork, in its hooks, would be dropped.
    """
    executor = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"), initializer=_install, initargs=(work, os.getpid()))
    started: tuple[BaseProcess, ...] = ()
    try:
        with _signals_held():
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
            try:
                others = set(multiprocessing.active_children())
                executor.submit(int)  # with fork, the first submit forks every worker, here, before the executor's own thread starts
                started = tuple(child for child in multiprocessing.active_children() if child not in others)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        yield Workers(executor, started)
    except BaseException:  # an error, Ctrl-C or a caller that stopped early: a busy worker would run its chunk for nobody
        for process in started:
            if process.exitcode is None:
                process.terminate()
        raise
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


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
    with frozen_heap(), _pool(work, workers - 1) as forked:
        pending: deque[Future[R]] = deque()
        while True:
            while len(pending) < AHEAD * (workers - 1) and (chunk := next(todo, None)) is not None:
                pending.append(forked.submit(chunk))
            while pending and pending[0].done():
                yield forked.result(pending.popleft())
            chunk = next(todo, None)
            if chunk is None:
                break
            yield work(chunk)
        while pending:
            yield forked.result(pending.popleft())


@contextmanager
def in_background(work: Callable[[C], R], arg: C) -> Iterator[Running[R]]:
    """work(arg) in one forked process while this one goes on; ended with the block if it is still running."""
    with _pool(work, 1) as forked:
        yield Running(forked, forked.submit(arg))


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
