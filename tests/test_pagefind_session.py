"""The Pagefind service's client: a build that gives up on the service leaves no traceback behind."""

from __future__ import annotations

import os
import threading

import pytest

from generator.problems import OutputError
from generator.render.pagefind import _Session


def test_a_request_pipe_closed_before_the_writer_runs_is_one_error_and_no_thread_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    """As when Ctrl-C lands while the build waits for the writer thread and the pipes get closed under it (seen in the serve soak)."""
    failures: list[type[BaseException]] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: failures.append(args.exc_type))
    read_end, write_end = os.pipe()
    responses = os.fdopen(read_end, "rb")
    os.close(write_end)  # the service is gone: its output ends
    unread, request_end = os.pipe()
    requests = os.fdopen(request_end, "wb")
    requests.close()
    os.close(unread)
    with responses, pytest.raises(OutputError, match="the Pagefind service stopped"):
        _Session(requests, responses).ask([{"type": "NewIndex", "config": None}])
    assert failures == []
