"""Spread chunks of work over a Dask cluster (`distributed`), the other executor beside parallel.fan_out.

The work function and each chunk are pickled to the workers, so the function
must be importable and pure; results come back in the order the chunks went
out. A worker that dies holding chunks has them run again elsewhere by the
scheduler, and each chunk's result is taken exactly once, so the caller never
sees a chunk twice or misses one.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from distributed import Client, Future

C = TypeVar("C")
R = TypeVar("R")

AHEAD = 4  # chunks in flight per worker thread: enough to keep it busy, few enough to bound the client's memory
POLL = 0.5  # seconds between checks that the cluster still has workers, while a result is awaited


class ClusterError(Exception):
    """The cluster cannot do the work: the scheduler is out of reach, lost every worker, or a chunk took down worker after worker."""


@dataclass(frozen=True, slots=True)
class Cluster:
    """A connected client, with the scheduler's address and how long to wait for it (or for a worker) before giving up."""

    client: Client
    address: str
    timeout: float


@contextmanager
def connected(address: str, timeout: float) -> Iterator[Cluster]:
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
        yield Cluster(client, address, timeout)


def on_cluster(cluster: Cluster, work: Callable[[C], R], chunks: Iterable[C]) -> Iterator[R]:
    """Yield work(chunk) for every chunk, in order, computed on the cluster's workers.

    At most AHEAD chunks per worker thread are out at once, so a long run
    does not hold all its input in memory here.
    """
    client = cluster.client
    threads = sum(client.nthreads().values()) or 1  # type: ignore[no-untyped-call]
    pending: deque[Future[R]] = deque()
    todo = iter(chunks)
    try:
        while True:
            while len(pending) < AHEAD * threads and (chunk := next(todo, None)) is not None:
                pending.append(client.submit(work, chunk, pure=False))
            if not pending:
                return
            yield _result(cluster, pending.popleft())
    finally:
        if client.status == "running":
            client.cancel(list(pending))  # type: ignore[no-untyped-call]


def _result(cluster: Cluster, future: Future[R]) -> R:
    """The chunk's result; ClusterError once the cluster has had no worker, or no scheduler, for `cluster.timeout` seconds.

    The scheduler keeps a chunk whose workers all left until one joins, and
    waits for it without end: the run would hang where it should fail.
    """
    from distributed import KilledWorker

    alone_since: float | None = None
    while True:
        try:
            return future.result(timeout=POLL)
        except KilledWorker as exc:  # the scheduler's allowed-failures (3 by default) ran out
            raise ClusterError(f"every worker that took a chunk of pages died on it ({exc}); the entries before it are written") from None
        except TimeoutError:
            pass
        now = time.monotonic()
        alone_since = None if _has_workers(cluster) else (alone_since or now)
        if alone_since is not None and now - alone_since >= cluster.timeout:
            raise ClusterError(
                f"the Dask scheduler at {cluster.address} has had no worker (or was lost) for {cluster.timeout:g} s; the entries before it are written"
            )


def _has_workers(cluster: Cluster) -> bool:
    """Whether the scheduler answers and has at least one worker."""
    try:
        return bool(cluster.client.nthreads())  # type: ignore[no-untyped-call]
    except (OSError, RuntimeError):  # the connection to the scheduler is gone (closed, or reconnecting)
        return False
