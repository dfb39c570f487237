"""Pagefind's indexing service (`pagefind --service`), spoken to through its pipes: HTML in, bundle files out, nothing on disk.

The service reads requests and writes responses as base64-encoded JSON
messages, each followed by a comma. The `pagefind` package's own client
waits a tenth of a second before reading each response, which makes one
request per record cost 0.1 s (30 s for 300 records); this one writes the
requests from a thread while it reads the responses as they come.
"""

from __future__ import annotations

import base64
import concurrent.futures
import contextlib
import json
import subprocess
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from generator.problems import OutputError, Problem

Record = tuple[str, str]  # (url, HTML)
Bundle = dict[str, bytes]  # path inside the bundle → bytes


def pagefind_binary() -> Path:
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None:
        raise OutputError(Problem(None, "the Pagefind binary is missing", hint="reinstall newsdigest: pip install -e . installs pagefind[extended]"))
    return binary


class Services:
    """The Pagefind processes of one indexing, so that all of them can be stopped at once (Ctrl-C, or a failure elsewhere)."""

    def __init__(self) -> None:
        self.stopped = threading.Event()
        self.processes: list[subprocess.Popen[bytes]] = []

    def stop(self) -> None:
        """No bundle is begun after this, and the running services are killed (their sessions fail)."""
        self.stopped.set()
        for process in list(self.processes):
            process.kill()


def index_bundles(indexes: Sequence[Sequence[Record]], lanes: int = 1, services: Services | None = None) -> list[Bundle]:
    """One Pagefind bundle per list of records, made by up to `lanes` service processes side by side.

    Each process makes its bundles one after the other and drops each index once its files are read,
    so it holds one index at a time, not the whole site's. Which process makes a bundle does not change
    its bytes. Python only waits here: the indexing is the services' own CPU. `services.stop()`, from
    another thread, gives the indexing up (the services are killed, and the bundles are not to be used).
    """
    if not indexes:
        return []
    lanes = max(1, min(lanes, len(indexes)))
    bundles: list[Bundle] = [{} for _ in indexes]
    services = services or Services()

    def lane(positions: range) -> None:
        with _service(services.processes) as session:
            for i in positions:
                if services.stopped.is_set():
                    return  # the indexing was given up: what is made is never used
                bundles[i] = session.bundle(indexes[i])

    if lanes == 1:
        lane(range(len(indexes)))
        return bundles
    with concurrent.futures.ThreadPoolExecutor(lanes, thread_name_prefix="pagefind") as pool:
        futures = [pool.submit(lane, range(k, len(indexes), lanes)) for k in range(lanes)]
        try:
            for future in futures:
                future.result()
        except BaseException:  # one lane failed, or Ctrl-C: the others stop at once instead of indexing on
            services.stop()
            raise
    return bundles


@contextlib.contextmanager
def _service(started: list[subprocess.Popen[bytes]]) -> Iterator[_Session]:
    """A `pagefind --service` process and a session on its pipes, recorded in `started` (so it can be killed)."""
    with subprocess.Popen([str(pagefind_binary()), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as process:
        started.append(process)
        assert process.stdin is not None and process.stdout is not None
        try:
            yield _Session(process.stdin, process.stdout)
        finally:
            process.stdin.close()


class _Session:
    def __init__(self, requests: IO[bytes], responses: IO[bytes]) -> None:
        self._requests, self._responses = requests, responses
        self._next_id, self._pending = 0, b""

    def bundle(self, records: Sequence[Record]) -> Bundle:
        """One index of these records: made, read out and dropped."""
        index_id = self.ask([{"type": "NewIndex", "config": None}])[0]["index_id"]
        self.ask([{"type": "AddFile", "index_id": index_id, "url": url, "file_path": None, "file_contents": html} for url, html in records])
        [got] = self.ask([{"type": "GetFiles", "index_id": index_id}])
        self.ask([{"type": "DeleteIndex", "index_id": index_id}])
        return {file["path"]: base64.b64decode(file["content"]) for file in got["files"]}

    def ask(self, payloads: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send the requests (from a thread: the pipes must not fill up both ways) and return their responses, in order."""
        messages = [base64.b64encode(json.dumps({"message_id": self._next_id + i, "payload": payload}).encode()) + b"," for i, payload in enumerate(payloads)]
        first, self._next_id = self._next_id, self._next_id + len(messages)
        writer = threading.Thread(target=self._send, args=(b"".join(messages),))
        writer.start()
        try:
            answers: dict[int, dict[str, Any]] = {}
            while len(answers) < len(messages):
                response = self._read()
                payload = response.get("payload") or {}
                if payload.get("type") == "Error":
                    raise OutputError(Problem(None, f"building the search index failed: {payload.get('message', 'Pagefind reported an error')}"))
                answers[int(response["message_id"])] = payload
        finally:
            writer.join()
        return [answers[first + i] for i in range(len(messages))]

    def _send(self, data: bytes) -> None:
        try:
            self._requests.write(data)
            self._requests.flush()
        except BrokenPipeError:  # the service died; reading says so
            pass
        except ValueError:  # the pipe was closed: the build gave up on the service (Ctrl-C while waiting for this thread)
            pass

    def _read(self) -> dict[str, Any]:
        """The next response (a large one arrives in many chunks: each is searched for the comma once)."""
        chunks = [self._pending]
        while b"," not in chunks[-1]:
            chunk = self._responses.read1(1 << 20)  # type: ignore[attr-defined]
            if not chunk:
                raise OutputError(Problem(None, "building the search index failed: the Pagefind service stopped"))
            chunks.append(chunk)
        message, _, self._pending = b"".join(chunks).partition(b",")
        value: dict[str, Any] = json.loads(base64.b64decode(message))
        return value
