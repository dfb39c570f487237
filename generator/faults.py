"""Test-only fault points: a build or an ingest can be made to die at a named phase.

The robustness tests set NEWSDIGEST_TEST_FAULT=<phase>[@<n>] to have the
process SIGKILL itself the n-th time (default: the first) it reaches
<phase>, so that a kill lands exactly where the test wants it instead of
at a guessed moment. The variable is read once, when this module is
imported; without it (always, outside the tests) a fault point costs one
comparison, and `each` hands its iterable back untouched.
"""

from __future__ import annotations

import itertools
import os
import signal
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final, Literal, TypeVar, get_args

VARIABLE: Final = "NEWSDIGEST_TEST_FAULT"

# In the order a build (then an ingest) reaches them.
Phase = Literal[
    "load",  # entries loaded (and cached); nothing written for the site yet
    "spare",  # the spare tree marked dirty and, when made afresh, hard-linked from the live site
    "render",  # the n-th rendered output handed back (its file written into the spare)
    "fill",  # the n-th unchanged output copied from the live site into the spare
    "swap",  # the spare complete and recorded in the cache, just before the exchange
    "swapped",  # just after the exchange, before the build is recorded as complete
    "entry-temp",  # ingest: the n-th entry's temp file written, not yet renamed into place
    "entry-written",  # ingest: the n-th entry renamed into place
]
PHASES: Final = frozenset(get_args(Phase))

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Fault:
    phase: Phase
    nth: int
    arrivals: Iterator[int] = field(default_factory=lambda: itertools.count(1), compare=False)  # this process's arrivals at `phase`


def parse(value: str) -> Fault:
    """`phase` or `phase@n`; anything else is a mistake in a test, reported as such."""
    phase, _, nth = value.partition("@")
    if phase not in PHASES or not (nth == "" or (nth.isdecimal() and int(nth) > 0)):
        raise SystemExit(f"error: {VARIABLE}={value!r}: expected PHASE or PHASE@N (N >= 1), PHASE one of {', '.join(sorted(PHASES))}")
    return Fault(phase, int(nth or 1))  # type: ignore[arg-type]  # checked against PHASES above


_FAULT: Final = parse(os.environ[VARIABLE]) if os.environ.get(VARIABLE) else None


def reached(phase: Phase) -> None:
    """A fault point: SIGKILL this process if the test named `phase` and this is the arrival it asked for."""
    if _FAULT is not None and _FAULT.phase == phase and next(_FAULT.arrivals) == _FAULT.nth:
        os.kill(os.getpid(), signal.SIGKILL)


def each(phase: Phase, items: Iterable[T]) -> Iterable[T]:
    """`items`, reaching `phase` after each one: for fault points inside loops, kept out of them unless armed."""
    if _FAULT is None or _FAULT.phase != phase:
        return items
    return _reaching(phase, items)


def _reaching(phase: Phase, items: Iterable[T]) -> Iterator[T]:
    for item in items:
        yield item
        reached(phase)
