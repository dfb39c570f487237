"""Who has which issue: the record `digest mail` keeps in the build cache so no one gets an issue twice.

Addresses are compared case-folded (`Ana@Example.org` is the reader who got
it as `ana@example.org`). Each address is recorded right after the server
accepted its copy, so a send that stops half-way resumes with the others.
"""

from __future__ import annotations

import datetime as dt
import fcntl
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from email.headerregistry import Address
from pathlib import Path

from generator.cache import BuildCache
from generator.mail.address import address_key


@dataclass(frozen=True, slots=True)
class Plan:
    """The recipients of one run: those to send to, and those who already have the issue."""

    to_send: tuple[Address, ...]
    already: tuple[Address, ...]


def plan(cache: BuildCache, issue: str, recipients: Sequence[Address], resend: bool) -> Plan:
    if resend:
        return Plan(tuple(recipients), ())
    done = cache.mailed(issue)
    return Plan(tuple(r for r in recipients if address_key(r) not in done), tuple(r for r in recipients if address_key(r) in done))


def record_sent(cache: BuildCache, issue: str, recipient: Address, now: dt.datetime) -> None:
    cache.record_mailed(issue, address_key(recipient), now.isoformat(timespec="seconds"))


@contextmanager
def one_sender(state_dir: Path, waiting: Callable[[], None]) -> Iterator[None]:
    """One `digest mail` sending for a site at a time: a second waits, then plans from what the first recorded.

    A lock of its own, not the build's: a send takes minutes, and builds need not wait for it.
    """
    state_dir.mkdir(parents=True, exist_ok=True)
    with (state_dir / "mail.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
