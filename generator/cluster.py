"""Spread chunks of work over a Dask cluster (`distributed`), the other executor beside parallel.fan_out.

The work function and each chunk are pickled to the workers, so the function
must be importable and pure; results come back in the order the chunks went
out. A worker that dies holding chunks has them run again elsewhere by the
scheduler, and each chunk's result is taken exactly once, so the caller never
sees a chunk twice or misses one.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from distributed import Client, Future

C = TypeVar("C")
R = TypeVar("R")

AHEAD = 4  # chunks in flight per worker thread: enough to keep it busy, few enough to bound the client's memory


class ClusterError(Exception):
    """The cluster cannot do the work: the scheduler is out of reach, or a chunk took down worker after worker."""


@contextmanager
def connected(address: str, timeout: float) -> Iterator[Client]:
    """A client of the scheduler at `address`; ClusterError (one line naming it) when it cannot be reached, or has no worker, within `timeout` seconds."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError(f"cleaning pages on {address} needs the `distributed` package (pip install 'newsdigest[cluster]')") from None
    try:
        client = Client(address, timeout=timeout, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {reason} (start one with `dask scheduler`)") from None
    with client:
        try:  # else the run would wait, silently, for a worker to join
            client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            raise ClusterError(f"the Dask scheduler at {address} has no workers (start some with `dask worker {address}`)") from None
        yield client


def on_cluster(client: Client, work: Callable[[C], R], chunks: Iterable[C]) -> Iterator[R]:
    """Yield work(chunk) for every chunk, in order, computed on the cluster's workers.

    At most AHEAD chunks per worker thread are out at once, so a long run
    does not hold all its input in memory here.
    """
    threads = sum(client.nthreads().values()) or 1  # type: ignore[no-untyped-call]
    pending: deque[Future[R]] = deque()
    todo = iter(chunks)
    try:
        while True:
            while len(pending) < AHEAD * threads and (chunk := next(todo, None)) is not None:
                pending.append(client.submit(work, chunk, pure=False))
            if not pending:
                return
            yield _result(pending.popleft())
    finally:
        client.cancel(list(pending))  # type: ignore[no-untyped-call]


def _result(future: Future[R]) -> R:
    from distributed import KilledWorker

    try:
        return future.result()
    except KilledWorker as exc:  # the scheduler's allowed-failures (3 by default) ran out
        raise ClusterError(f"every worker that took a chunk of pages died on it ({exc}); the entries before it are written") from None
