"""Soak `digest serve`: rebuilds, concurrent clients, manual builds and a stop signal, for a bounded time.

    .venv/bin/python -m benchmarks.soak_serve [--seconds 60] [--entries 1500] [--clients 8] [--signal TERM|INT]

On a synthetic digest (benchmarks/corpus.py) a real `digest serve` runs while
- an entry's body or config.yaml's `site.title` is edited every EDIT_SECONDS (rebuilds);
- client threads on 127.0.0.1 fetch pages, feeds, missing pages, folder redirects,
  probes for paths outside the site, HEAD on the event stream, and follow the event stream;
- a few connections are opened and never finished (serve must drop them);
- `digest build` is run by hand now and then (it waits for serve's rebuild, never forever).
At the end a rebuild is started and serve is sent the signal (INT: to its process
group, as Ctrl-C in a terminal). It fails (exit 1) on a hung or failed request or build,
a serve that does not stop within STOP_SECONDS, threads that do not return to the idle
count (from /proc/PID/task), a worker process left behind, or a lock still held.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import http.client
import os
import queue
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import corpus
from generator.serve.server import REQUEST_TIMEOUT_SECONDS

EDIT_SECONDS = 2.0
BUILD_SECONDS = 7.0  # between manual builds
REQUEST_SECONDS = 30.0  # a request slower than this counts as hung
STOP_SECONDS = 10.0
SETTLE_SECONDS = 25.0  # for threads of closed connections to end (an event stream notices at its next keepalive, 15 s)
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    reloads: int = 0
    failures: list[str] = field(default_factory=list)
    slowest: float = 0.0
    builds: list[float] = field(default_factory=list)

    def request(self, seconds: float) -> None:
        with self.lock:
            self.requests += 1
            self.slowest = max(self.slowest, seconds)

    def fail(self, what: str) -> None:
        with self.lock:
            self.failures.append(what)


@dataclass
class Serve:
    process: subprocess.Popen[str]
    lines: queue.Queue[str]
    output: list[str]
    port: int = 0

    def wait_for(self, pattern: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            if re.search(pattern, line):
                return line
        raise AssertionError(f"serve printed no {pattern!r} within {timeout:.0f}s; last lines: {self.output[-5:]}")

    def settle(self, quiet: float, timeout: float) -> None:
        """Wait until serve printed nothing for `quiet` seconds after finishing a build, then forget what it printed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.lines.get(timeout=quiet)
            except queue.Empty:
                if self.output[-1].startswith(("Built in", "Build failed", "Serving")):
                    return
        raise AssertionError(f"serve did not settle within {timeout:.0f}s; last lines: {self.output[-5:]}")

    def threads(self) -> int:
        return len(os.listdir(f"/proc/{self.process.pid}/task"))

    def children(self) -> set[int]:
        pid = self.process.pid
        found: set[int] = set()
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(FileNotFoundError):  # a request thread that ended after the listing
                found.update(int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split())
        return found


def digest(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def start_serve(root: Path) -> Serve:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        digest("serve", "--port", "0"), cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True
    )
    served = Serve(process, queue.Queue(), [])

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            served.output.append(line.rstrip("\n"))
            served.lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    served.port = int(served.wait_for(r"^Serving http://", 600).split(":")[2].split("/")[0])
    return served


def site_paths(site: Path) -> list[str]:
    """A sample of the site's own URL paths (pages and feeds), served under `/`."""
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    pages = [f"/{p.removesuffix('index.html')}" for p in files if p.endswith("index.html")]
    feeds = [f"/{p}" for p in files if p.endswith((".xml", ".json"))]
    return random.Random(1).sample(pages, min(200, len(pages))) + feeds[:20]


def fetch(port: int, method: str, path: str, tally: Tally) -> tuple[int, str | None]:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_SECONDS)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location")
    finally:
        connection.close()
        tally.request(time.monotonic() - started)


def client(port: int, paths: list[str], outside: str, stop: threading.Event, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    probes: list[tuple[str, str, tuple[int, str | None]]] = [
        ("GET", "/no/such/page/", (404, None)),
        ("GET", "/%2F" + outside.lstrip("/"), (404, None)),
        ("GET", "/%2F%2Ftmp", (404, None)),
        ("GET", "/.newsdigest-site", (404, None)),
        ("HEAD", "/__digest__/events", (200, None)),
    ]
    while not stop.is_set():
        if rng.random() < 0.8:
            path = rng.choice(paths)
            wanted: tuple[int, str | None] = (200, None)
            method = rng.choice(["GET", "GET", "HEAD"])
            if path.endswith("/") and path != "/" and rng.random() < 0.2:
                path, wanted = path.rstrip("/"), (301, path)
        else:
            method, path, wanted = rng.choice(probes)
        try:
            got = fetch(port, method, path, tally)
        except OSError as exc:
            tally.fail(f"{method} {path}: {type(exc).__name__}: {exc}")
            continue
        if got != wanted:
            tally.fail(f"{method} {path}: {got}, expected {wanted}")


def event_follower(port: int, stop: threading.Event, tally: Tally) -> None:
    while not stop.is_set():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_SECONDS)
        try:
            connection.request("GET", "/__digest__/events")
            response = connection.getresponse()
            deadline = time.monotonic() + 5
            while not stop.is_set() and time.monotonic() < deadline:
                line = response.fp.readline()
                if not line:
                    break
                if line.startswith(b"event: reload"):
                    with tally.lock:
                        tally.reloads += 1
        except OSError as exc:
            tally.fail(f"event stream: {type(exc).__name__}: {exc}")
        finally:
            connection.close()


def manual_builds(root: Path, stop: threading.Event, tally: Tally) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    while not stop.wait(BUILD_SECONDS):
        started = time.monotonic()
        try:
            result = subprocess.run(digest("build", "-q"), cwd=root, capture_output=True, text=True, env=env, timeout=300, check=False)
        except subprocess.TimeoutExpired:
            tally.fail("a manual digest build ran past 300 s")
            continue
        tally.builds.append(time.monotonic() - started)
        if result.returncode != 0:
            tally.fail(f"manual digest build: exit {result.returncode}: {result.stderr.strip()[-300:]}")


def edits(root: Path) -> Iterator[None]:
    """Endless edits, each a rebuild: an entry's body, then config.yaml's site title."""
    entries = sorted((root / "content").rglob("*.md"))
    for n in range(1, sys.maxsize):
        if n % 2:
            entry = entries[n % len(entries)]
            entry.write_text(entry.read_text(encoding="utf-8").rstrip("\n") + f"\n\nEdit {n}.\n", encoding="utf-8")
        else:
            retitle(root, f"Soak {n}")
        yield


def retitle(root: Path, title: str) -> None:
    """A new site title (every page changes), saved as editors do: a new file renamed over config.yaml."""
    config = root / "config.yaml"
    temp = config.with_name("config.yaml.tmp")
    temp.write_text(re.sub(r"(?m)^  title: .*$", f"  title: {title}", config.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    os.replace(temp, config)


def lock_free(root: Path) -> bool:
    with (root / ".site.newsdigest" / "lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@dataclass(frozen=True, slots=True)
class Load:
    seconds: float
    entries: int
    clients: int
    followers: int  # event-stream readers
    stalled: int  # connections opened and never finished
    stop_signal: signal.Signals


def soak(root: Path, load: Load) -> list[str]:
    """Run the soak; the report's lines (the failures among them start with `FAIL`)."""
    corpus.write(load.entries, root)
    (root / "config.yaml").write_text((root / "config.yaml").read_text(encoding="utf-8").replace("https://example.org/digest/", "https://example.org/"))
    served = start_serve(root)
    time.sleep(1.0)  # the watcher and the server settle
    idle_threads = served.threads()
    paths = site_paths(root / "site")
    tally, stop = Tally(), threading.Event()
    stalled = [socket.create_connection(("127.0.0.1", served.port), timeout=REQUEST_SECONDS) for _ in range(load.stalled)]
    stalled_at = time.monotonic()
    for connection in stalled:
        connection.sendall(b"GET / HTTP/1.1\r\n")  # and never the rest
    workers = [threading.Thread(target=client, args=(served.port, paths, str(root.parent), stop, tally, i)) for i in range(load.clients)]
    workers += [threading.Thread(target=event_follower, args=(served.port, stop, tally)) for _ in range(load.followers)]
    workers.append(threading.Thread(target=manual_builds, args=(root, stop, tally)))
    for worker in workers:
        worker.start()
    samples, edited, started = [idle_threads], edits(root), time.monotonic()
    changes = 0
    while time.monotonic() - started < load.seconds:
        next(edited)
        changes += 1
        time.sleep(EDIT_SECONDS)
        samples.append(served.threads())
    stop.set()
    for worker in workers:
        worker.join(timeout=REQUEST_SECONDS + 300)
    hung_workers = [w.name for w in workers if w.is_alive()]
    dropped = sum(1 for c in stalled if _closed_by_server(c, stalled_at + REQUEST_TIMEOUT_SECONDS + 5))
    deadline = time.monotonic() + SETTLE_SECONDS
    while served.threads() > idle_threads and time.monotonic() < deadline:
        time.sleep(0.2)
    settled = served.threads()
    rebuilds = sum(1 for line in served.output if line.startswith("Built in")) - 1

    ended = stop_during_rebuild(served, root, load.stop_signal)

    report = [
        f"site: {load.entries} entries, {len(paths)} paths fetched at random; {load.clients} clients, "
        f"{load.followers} event-stream followers, {load.stalled} stalled connections",
        f"ran {load.seconds:.0f}s: {changes} edits, {rebuilds} rebuilds reported, {len(tally.builds)} manual builds "
        f"(longest {max(tally.builds, default=0):.1f}s), {tally.requests} requests (slowest {tally.slowest:.2f}s), {tally.reloads} reload events",
        f"serve threads: idle {idle_threads}, under load {min(samples)}-{max(samples)}, {settled} after the clients left",
        f"stop by {load.stop_signal.name} during a rebuild: exit {ended.code} after {ended.seconds:.2f}s, "
        f"{ended.workers} pool workers at the time, {len(ended.left)} left; "
        + ("the rebuild was interrupted" if ended.interrupted else "the rebuild had finished before the signal"),
    ]
    checks = {
        "no request failed or hung": not tally.failures,
        "every client and manual build finished": not hung_workers,
        f"the {load.stalled} stalled connections were dropped by serve": dropped == load.stalled,
        "threads back to the idle count": settled <= idle_threads,
        f"serve stopped with exit 0 within {STOP_SECONDS:.0f}s": ended.code == 0,
        "no worker process left": not ended.left,
        "the build lock is free": lock_free(root),
        "serve printed no traceback": not any("Traceback" in line for line in served.output),
    }
    report += [f"{'ok  ' if passed else 'FAIL'} {check}" for check, passed in checks.items()]
    report += [f"     {failure}" for failure in tally.failures[:10]]
    if not all(checks.values()):
        report += ["serve's last lines:", *(f"     {line}" for line in served.output[-40:])]
    return report


@dataclass(frozen=True, slots=True)
class Ended:
    code: int | None  # None: still running after STOP_SECONDS (then killed)
    seconds: float
    workers: int  # pool workers running when the signal was sent
    left: list[int]  # of those, still running after serve ended
    interrupted: bool  # serve reported the rebuild interrupted


def stop_during_rebuild(served: Serve, root: Path, stop_signal: signal.Signals) -> Ended:
    """Start a rebuild of every page and send the signal while its pool of workers runs."""
    served.settle(quiet=3.0, timeout=300)  # the edits' rebuilds are over: the next one is this retitle's alone
    retitle(root, "Soak stop")
    served.wait_for(r"^Changed: config\.yaml; rebuilding", 60)
    deadline = time.monotonic() + 30
    while not (pool := served.children()) and time.monotonic() < deadline and served.lines.empty():
        time.sleep(0.01)
    stopped_at = time.monotonic()
    if stop_signal == signal.SIGINT:
        os.killpg(served.process.pid, signal.SIGINT)  # Ctrl-C in a terminal: serve and its workers
    else:
        served.process.send_signal(stop_signal)
    try:
        code: int | None = served.process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        code = None
        os.killpg(served.process.pid, signal.SIGKILL)
        served.process.wait()
    seconds = time.monotonic() - stopped_at
    interrupted = any(line.startswith("Build interrupted") for line in served.output)
    return Ended(code, seconds, len(pool), [pid for pid in pool if running(pid)], interrupted)


def _closed_by_server(connection: socket.socket, by: float) -> bool:
    """True once the server closed the connection, waiting for it until `by` (time.monotonic) at most."""
    connection.settimeout(max(0.5, by - time.monotonic()))
    try:
        return connection.recv(1) == b""
    except OSError:
        return False
    finally:
        connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the load runs (default 60)")
    parser.add_argument("--entries", type=int, default=1500, help="entries in the synthetic digest (default 1500)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP client threads (default 8)")
    parser.add_argument("--followers", type=int, default=2, help="event-stream readers (default 2)")
    parser.add_argument("--stalled", type=int, default=5, help="connections opened and never finished (default 5)")
    parser.add_argument("--signal", choices=["TERM", "INT"], default="TERM", help="what stops serve at the end (INT: Ctrl-C to its process group)")
    parser.add_argument("--root", type=Path, help="work here instead of a temporary folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="soak-serve-") as temp:
        root = args.root or Path(temp) / "digest"
        load = Load(args.seconds, args.entries, args.clients, args.followers, args.stalled, signal.Signals[f"SIG{args.signal}"])
        lines = soak(root, load)
    print("\n".join(lines))
    return 1 if any(line.startswith("FAIL") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
