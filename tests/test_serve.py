"""`digest serve` over loopback: build, serve, rebuild on change, reload event, clean Ctrl-C.

Every wait is bounded: a hung server fails the test instead of hanging the suite.
"""

from __future__ import annotations

import fcntl
import http.client
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from generator.config import Config
from generator.output import MARKER
from generator.problems import ConfigError
from generator.render import engine
from generator.serve.events import Generations
from generator.serve.routes import EVENTS_PATH, Route, inject, reload_script, route, since
from generator.serve.server import PreviewServer, Target, Targets, start
from tests.conftest import CONFIG, ROOT, entry_text
from tests.processes import children, running

WAIT = 30.0  # seconds; generous for a busy CI machine


@dataclass
class Served:
    process: subprocess.Popen[str]
    lines: queue.Queue[str]
    output: list[str]
    base: str  # http://127.0.0.1:PORT/digest/

    def wait_for_line(self, pattern: str, timeout: float = WAIT) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                break
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r} within {timeout}s; output so far:\n" + "".join(self.output))


def _pump(stream: Iterator[str], lines: queue.Queue[str], output: list[str]) -> None:
    for line in stream:
        output.append(line)
        lines.put(line)


def start_serve(config: Config, *args: str) -> Served:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--config", str(config.path), "--port", "0", *args],
        cwd=config.path.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,  # its own process group, as in a terminal: Ctrl-C can be sent to the group
    )
    lines: queue.Queue[str] = queue.Queue()
    output: list[str] = []
    threading.Thread(target=_pump, args=(process.stdout, lines, output), daemon=True).start()
    served = Served(process, lines, output, "")
    line = served.wait_for_line(r"^Serving http://")
    served.base = line.split()[1]
    return served


@pytest.fixture
def serve() -> Iterator[Callable[..., Served]]:
    running: list[Served] = []

    def run(config: Config, *args: str) -> Served:
        running.append(start_serve(config, *args))
        return running[-1]

    yield run
    for served in running:
        if served.process.poll() is None:
            os.killpg(served.process.pid, signal.SIGKILL)  # its pool workers too
            served.process.wait(timeout=WAIT)


def fetch(url: str) -> tuple[int, str, str]:
    """(status, final URL, body) without raising on 404."""
    try:
        with urllib.request.urlopen(url, timeout=WAIT) as response:
            return response.status, response.url, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, url, error.read().decode()


def wait_until(check: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class EventStream:
    """A Server-Sent Events client reading lines in a background thread."""

    def __init__(self, base: str) -> None:
        host, port = re.match(r"http://([^:/]+):(\d+)", base).groups()  # type: ignore[union-attr]
        self.connection = http.client.HTTPConnection(host, int(port), timeout=WAIT)
        self.connection.request("GET", EVENTS_PATH)
        self.response = self.connection.getresponse()
        assert self.response.status == 200 and self.response.getheader("Content-Type") == "text/event-stream"
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            while line := self.response.fp.readline():
                self.lines.put(line.decode().rstrip("\n"))
        except OSError:
            pass
        self.lines.put("<closed>")

    def expect(self, wanted: str, timeout: float = WAIT) -> None:
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                break
            seen.append(line)
            if line == wanted:
                return
        raise AssertionError(f"no {wanted!r} on the event stream; got {seen}")


def test_serve_builds_serves_rebuilds_reloads_and_stops_cleanly(make_digest: Callable[..., Config], serve: Callable[..., Served]) -> None:
    config = make_digest({"a.md": entry_text("A headline", body="First version.", id="a1")})
    served = serve(config)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/digest/", served.base), served.base
    article = served.base + "2024/12/14/a-headline/"

    status, _, page = fetch(article)
    assert status == 200 and "First version." in page and EVENTS_PATH in page
    assert EVENTS_PATH not in (config.output_dir / "2024/12/14/a-headline/index.html").read_text()  # served only
    assert fetch(served.base.removesuffix("digest/"))[1] == served.base  # `/` redirects into the site path
    assert fetch(served.base + "2024/12/14/a-headline")[1] == article  # folder → trailing slash
    assert fetch(served.base + "no/such/page/")[0] == 404
    assert fetch(served.base + "feed.xml")[2].startswith("<?xml")

    events = EventStream(served.base)
    events.expect(": connected")
    (config.content_dir / "a.md").write_text(entry_text("A headline", body="Second version.", id="a1"), encoding="utf-8")
    wait_until(lambda: "Second version." in fetch(article)[2], "the rebuilt page")
    events.expect("event: reload")

    # A failing rebuild is reported and the last good site stays up.
    (config.content_dir / "bad.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    served.wait_for_line(r"^error: .*bad\.md")
    served.wait_for_line(r"Build failed; still serving the last good site")
    assert "Second version." in fetch(article)[2]
    (config.content_dir / "bad.md").unlink()
    served.wait_for_line(r"^Built in")

    # config.yaml saved the way editors do (new file renamed over it) is picked up too.
    new_config = config.path.with_name("config.yaml.new")
    new_config.write_text(CONFIG.replace("title: Test Digest", "title: Renamed Digest"), encoding="utf-8")
    os.replace(new_config, config.path)
    wait_until(lambda: "Renamed Digest" in fetch(served.base)[2], "the new site title")

    served.process.send_signal(signal.SIGINT)
    assert served.process.wait(timeout=WAIT) == 0
    output = "".join(served.output)
    assert "Traceback" not in output and output.rstrip().endswith("Stopped.")
    events.expect("<closed>")  # the event stream was ended, not left hanging


def test_port_in_use_is_a_usage_error(make_digest: Callable[..., Config]) -> None:
    config = make_digest({"a.md": entry_text()})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "generator", "serve", "--config", str(config.path), "--port", str(port)],
            capture_output=True,
            text=True,
            check=False,
            timeout=WAIT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    assert result.returncode == 2, result
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr


def test_serve_port_and_host_come_from_config(make_digest: Callable[..., Config]) -> None:
    config = make_digest({}, CONFIG + "serve:\n  port: 8123\n  host: 127.0.0.2\n")
    assert (config.serve.port, config.serve.host) == (8123, "127.0.0.2")
    with pytest.raises(ConfigError, match="port"):
        make_digest({}, CONFIG + "serve: {port: 70000}\n")
    with pytest.raises(ConfigError, match="prot"):
        make_digest({}, CONFIG + "serve: {prot: 1}\n")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/digest/", Route("file", "")),
        ("/digest/2024/12/14/a/?x=1", Route("file", "2024/12/14/a/")),
        ("/digest/caf%C3%A9/", Route("file", "café/")),
        ("/", Route("redirect", "/digest/")),
        ("/digest", Route("redirect", "/digest/")),
        ("/other/", Route("not_found")),
        ("/digest/../secret", Route("not_found")),
        ("/digest/%2e%2e/secret", Route("not_found")),
        ("/digest/%2Fetc", Route("not_found")),  # an encoded slash is not a way to an absolute path
        ("/%2F%2Fetc", Route("not_found")),
        ("//etc", Route("not_found")),
        ("/digest//etc", Route("not_found")),
        ("/digest/" + MARKER, Route("not_found")),
        ("http://127.0.0.1:8000/digest/a/", Route("file", "a/")),
        (EVENTS_PATH + "?since=3", Route("events")),
    ],
)
def test_routes(path: str, expected: Route) -> None:
    assert route(path, "/digest/") == expected


def test_reload_script_goes_before_body_end_and_carries_the_generation() -> None:
    script = reload_script(7)
    assert inject(b"<html><body><p>x</p></BODY></html>", script) == b"<html><body><p>x</p>" + script + b"</BODY></html>"
    assert inject(b"<p>fragment</p>", script) == b"<p>fragment</p>" + script
    assert b"since=7" in script and since(EVENTS_PATH + "?since=7") == 7 and since(EVENTS_PATH) == 0


def test_ctrl_c_during_the_first_build_stops_without_serving(make_digest: Callable[..., Config], monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from generator.cli import cli
    from generator.commands import serve as serve_command

    config = make_digest({"a.md": entry_text()})
    first_build = serve_command.rebuild

    def interrupted(config: Config, progress: object) -> object:
        os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C sends, while the build runs
        return first_build(config)

    def no_server(*args: object) -> None:
        raise AssertionError("the server was started after Ctrl-C")

    monkeypatch.setattr(serve_command, "rebuild", interrupted)
    monkeypatch.setattr(serve_command, "start", no_server)
    result = CliRunner().invoke(cli, ["serve", "--config", str(config.path), "--port", "0"])
    assert result.exit_code == 0, result.output
    assert result.output.endswith("Build interrupted; the site is the last complete one.\nStopped.\n"), result.output
    assert not config.output_dir.exists()  # the build was ended at once: no site, and no half of one


@pytest.mark.parametrize("edited", [True, False])
def test_a_change_saved_before_the_watcher_started_is_built(make_digest: Callable[..., Config], monkeypatch: pytest.MonkeyPatch, edited: bool) -> None:
    """A save between the first build's reading of content/ and the watcher's start used to wait for the next save."""
    from generator.serve import rebuild as rebuilding

    config = make_digest({"a.md": entry_text("A headline", body="First version.", id="a1")})
    time.sleep(0.1)  # file times count with an allowance for their coarse clock: the entry just written must not
    started = time.time_ns()
    assert rebuilding.rebuild(config).ok
    if edited:  # saved after that build read it, before any watcher ran
        (config.content_dir / "a.md").write_text(entry_text("A headline", body="Second version.", id="a1"), encoding="utf-8")
    checked: list[bool] = []
    changed_since = rebuilding.changed_since
    monkeypatch.setattr(rebuilding, "changed_since", lambda *args: checked.append(changed_since(*args)) or checked[-1])
    stop, reported, succeeded = threading.Event(), [], []
    thread = threading.Thread(target=rebuilding.watch_and_rebuild, args=(config, stop, succeeded.append, reported.append), kwargs={"built_at_ns": started})
    thread.start()
    try:
        wait_until(lambda: bool(checked) and (bool(succeeded) or not edited), "the check for changes saved before the watch")
    finally:
        stop.set()
        thread.join(timeout=WAIT)
    page = (config.output_dir / "2024/12/14/a-headline/index.html").read_text(encoding="utf-8")
    assert checked == [edited]
    assert ("Second version." in page) is edited
    assert bool(succeeded) is edited and bool(reported) is edited, reported  # nothing saved: no build, nothing said
    if edited:
        assert reported[0] == "Changed: files saved while the watcher was starting; rebuilding…", reported


def many_articles(count: int) -> dict[str, str]:
    """Enough entries that a rebuild of their pages runs in a pool of worker processes (engine.PARALLEL_MIN_JOBS)."""
    return {f"e{i}.md": entry_text(f"Story number {i}", id=f"e{i}", added=f"2024-12-{1 + i % 28:02d}T08:{i % 60:02d}:00+00:00") for i in range(count)}


def lock_is_free(config: Config) -> bool:
    with open(config.output_dir.with_name(f".{config.output_dir.name}.newsdigest") / "lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


@pytest.mark.parametrize("ctrl_c", [False, True], ids=["SIGTERM", "Ctrl-C"])
def test_a_stop_during_a_parallel_rebuild_ends_serve_and_frees_the_lock(make_digest: Callable[..., Config], serve: Callable[..., Served], ctrl_c: bool) -> None:
    config = make_digest(many_articles(engine.PARALLEL_MIN_JOBS + 20))
    (config.path.parent / "templates").mkdir()
    served = serve(config)
    # A template whose pages never finish rendering: the rebuild is still running, in its pool, when the stop comes.
    slow = config.path.parent / "templates" / "article.html"
    slow.write_text("{% for i in range(10 ** 15) %}{% endfor %}\n", encoding="utf-8")  # once: saved before the watcher runs, it is built all the same
    served.wait_for_line(r"^Changed: (templates/article\.html|files saved while the watcher was starting); rebuilding")
    wait_until(lambda: bool(children(served.process.pid)), "the rebuild's worker processes")
    workers = children(served.process.pid)
    if ctrl_c:
        os.killpg(served.process.pid, signal.SIGINT)  # what a terminal sends: serve and its workers
    else:
        served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=WAIT) == 0
    output = "".join(served.output)
    assert "Traceback" not in output and output.rstrip().endswith("Build interrupted; the site is the last complete one.\nStopped."), output
    assert not [pid for pid in workers if running(pid)]  # no worker left behind
    assert lock_is_free(config)
    assert "Story number 3" in (config.output_dir / "2024/12/04/story-number-3/index.html").read_text(encoding="utf-8")  # the last good site


@pytest.fixture
def preview() -> Iterator[Callable[..., tuple[str, int]]]:
    """A real preview server on 127.0.0.1 over a folder, in this process: (host, port)."""
    started: list[tuple[PreviewServer, threading.Thread]] = []

    def run(root: Path, base_path: str = "/", timeout: float = WAIT) -> tuple[str, int]:
        started.append(start("127.0.0.1", 0, Targets(Target(root, base_path)), Generations(), timeout))
        return "127.0.0.1", started[-1][0].server_port

    yield run
    for server, thread in started:
        server.generations.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=WAIT)


def raw_request(address: tuple[str, int], request: bytes) -> bytes:
    """Everything the server sends back until it closes the connection."""
    with socket.create_connection(address, timeout=WAIT) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
        return received


def head_line_and_location(address: tuple[str, int], path: str) -> tuple[int, str | None]:
    connection = http.client.HTTPConnection(*address, timeout=WAIT)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location")
    finally:
        connection.close()


def test_no_request_learns_about_anything_outside_the_site(tmp_path: Path, preview: Callable[..., tuple[str, int]]) -> None:
    site = tmp_path / "site"
    (site / "2024" / "a").mkdir(parents=True)
    (site / "2024" / "a" / "index.html").write_text("<p>a</p>", encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (site / "way-out").symlink_to(tmp_path / "outside")
    address = preview(site)
    absolute = quote(str(tmp_path / "outside"), safe="/")
    for probe in (
        "/%2F" + absolute.lstrip("/"),
        "/%2F" + absolute.lstrip("/") + "-missing",
        absolute.replace("/", "%2F"),
        "/" + absolute,
        "/%2F%2Ftmp",
        "//tmp",
        "/way-out",
        "/way-out/",
    ):
        assert head_line_and_location(address, probe) == (404, None), probe
    assert head_line_and_location(address, "/2024/a") == (301, "/2024/a/")  # the site's own folders still get their slash


def test_redirects_stay_on_the_site_and_are_encoded(tmp_path: Path, preview: Callable[..., tuple[str, int]]) -> None:
    site = tmp_path / "site"
    (site / "café au lait").mkdir(parents=True)
    address = preview(site, "/digest/")
    assert head_line_and_location(address, "/") == (301, "/digest/")
    assert head_line_and_location(address, "/digest/caf%C3%A9%20au%20lait") == (301, "/digest/caf%C3%A9%20au%20lait/")
    assert head_line_and_location(address, "/digest//tmp") == (404, None)


def test_the_build_marker_is_never_served(tmp_path: Path, preview: Callable[..., tuple[str, int]]) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / MARKER).write_text("token: 0123\n", encoding="utf-8")  # a tree written where folders cannot carry the token
    assert head_line_and_location(preview(site), "/" + MARKER)[0] == 404


def test_an_idle_connection_gives_its_thread_back(tmp_path: Path, preview: Callable[..., tuple[str, int]]) -> None:
    threads = threading.active_count()
    address = preview(tmp_path, timeout=0.5)
    with socket.create_connection(address, timeout=WAIT) as idle:
        idle.sendall(b"GET / HTTP/1.1\r\n")  # and never the rest
        assert idle.recv(1) == b""  # closed by the server
    wait_until(lambda: threading.active_count() == threads + 1, "the connection's thread to end")  # + the server's own


def test_many_connections_are_queued_while_the_server_is_busy(tmp_path: Path) -> None:
    server = PreviewServer(("127.0.0.1", 0), Targets(Target(tmp_path, "/")), Generations())  # listening, accepting nothing yet
    connections = []
    try:
        for _ in range(100):
            connections.append(socket.create_connection(("127.0.0.1", server.server_port), timeout=2))
    finally:
        for connection in connections:
            connection.close()
        server.server_close()
    assert len(connections) == 100


def test_head_on_the_event_stream_answers_headers_only(tmp_path: Path, preview: Callable[..., tuple[str, int]]) -> None:
    answer = raw_request(preview(tmp_path), f"HEAD {EVENTS_PATH} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and b"text/event-stream" in head and body == b""
