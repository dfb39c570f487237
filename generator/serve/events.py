"""Site generations, and waiting for the next one (the reload events)."""

from __future__ import annotations

import threading


class Generations:
    """A counter bumped after each good rebuild; readers wait for it to pass a value.

    One per serve session, shared by the rebuild loop (writer) and the event
    stream handlers (readers); `close` releases every waiting reader.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._current = 0
        self._closed = False

    @property
    def current(self) -> int:
        with self._changed:
            return self._current

    def bump(self) -> int:
        with self._changed:
            self._current += 1
            self._changed.notify_all()
            return self._current

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def wait_past(self, seen: int, timeout: float) -> int | None:
        """The current generation once it is past `seen` or `timeout` passed; None once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._current > seen, timeout)
            return None if self._closed else self._current
