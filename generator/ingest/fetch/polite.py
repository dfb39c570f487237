"""Per-host politeness: at most two requests at a time to one host, and a delay between their starts."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

PER_HOST = 2


@dataclass(slots=True)
class _Host:
    slots: threading.BoundedSemaphore = field(default_factory=lambda: threading.BoundedSemaphore(PER_HOST))
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = 0.0


class Politeness:
    """Shared by every thread of one fetch run; `turn(host)` waits for the host's next free turn."""

    def __init__(self, delay: float, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.delay = delay
        self._clock, self._sleep = clock, sleep
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    @contextmanager
    def turn(self, host: str) -> Iterator[None]:
        with self._lock:
            state = self._hosts.setdefault(host, _Host())
        with state.slots:
            with state.lock:  # book the next start time, then wait for it outside the lock
                now = self._clock()
                start = max(now, state.next_start)
                state.next_start = start + self.delay
            if start > now:
                self._sleep(start - now)
            yield
