"""The preview HTTP server: the live site folder under the site URL's path, plus an event stream.

Files are looked up by path on every request and read whole, so a build
swapping a new site in (generator.output) never serves a mix: a request gets
either the old file or the new one.
"""

from __future__ import annotations

import mimetypes
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from generator.serve.events import Generations
from generator.serve.routes import inject, location, reload_script, route, since

KEEPALIVE_SECONDS = 15.0
REQUEST_TIMEOUT_SECONDS = 30.0  # an idle or stalled connection gives its thread back after this
LISTEN_BACKLOG = 128  # connections the kernel queues while every thread is busy (a page's assets, reloads)
NOT_FOUND_PAGE = "404.html"
TYPES = {".xml": "application/xml", ".json": "application/json", ".js": "text/javascript", ".webmanifest": "application/manifest+json"}


@dataclass(frozen=True, slots=True)
class Target:
    """What is served: the built site folder, under the site URL's path (`/`, `/digest/`)."""

    root: Path
    base_path: str


class Targets:
    """The current target; replaced when config.yaml changes the output folder or site URL."""

    def __init__(self, target: Target) -> None:
        self._lock = threading.Lock()
        self._target = target

    def get(self) -> Target:
        with self._lock:
            return self._target

    def set(self, target: Target) -> None:
        with self._lock:
            self._target = target


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # event streams end on Generations.close(); no request outlives the process
    allow_reuse_address = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, address: tuple[str, int], targets: Targets, generations: Generations, timeout: float = REQUEST_TIMEOUT_SECONDS) -> None:
        self.targets = targets
        self.generations = generations
        self.request_timeout = timeout
        super().__init__(address, Handler)


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.request_timeout)  # on every read and write of the connection

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a request log would drown the rebuild messages

    def _respond(self, send_body: bool) -> None:
        target = self.server.targets.get()
        found = route(self.path, target.base_path)
        if found.kind == "events":
            self._stream_events(since(self.path), send_body)
        elif found.kind == "redirect":
            self._redirect(found.target)
        elif found.kind == "file":
            self._file(target, found.target, send_body)
        else:
            self._not_found(target, send_body)

    def _file(self, target: Target, rel: str, send_body: bool) -> None:
        path = _inside(target.root, rel)
        if path is None:
            self._not_found(target, send_body)
            return
        if path.is_dir():
            if rel and not rel.endswith("/"):
                self._redirect(location(target.base_path, rel + "/"))
                return
            path = path / "index.html"
        data = _read(path, target.root)
        if data is None:
            self._not_found(target, send_body)
        else:
            self._send(HTTPStatus.OK, path.suffix, data, send_body)

    def _not_found(self, target: Target, send_body: bool) -> None:
        page = _read(target.root / NOT_FOUND_PAGE, target.root)
        self._send(HTTPStatus.NOT_FOUND, ".html", page if page is not None else b"<!doctype html><title>Not found</title><h1>Not found</h1>", send_body)

    def _send(self, status: HTTPStatus, suffix: str, data: bytes, send_body: bool) -> None:
        media_type = TYPES.get(suffix) or mimetypes.guess_type("x" + suffix)[0] or "application/octet-stream"
        if media_type == "text/html":
            data = inject(data, reload_script(self.server.generations.current))
        if media_type.startswith("text/") or media_type.endswith(("xml", "json")):
            media_type += "; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if send_body:
            self.wfile.write(data)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY if location.endswith("/") else HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _stream_events(self, seen: int, send_body: bool) -> None:
        """Server-Sent Events: `reload` when a rebuild newer than the page succeeded (HEAD: the headers only)."""
        self.close_connection = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not send_body:
            return
        try:
            self._write_event(b"retry: 1000\n: connected\n\n")
            while (current := self.server.generations.wait_past(seen, KEEPALIVE_SECONDS)) is not None:
                if current > seen:
                    self._write_event(f"event: reload\ndata: {current}\n\n".encode())
                    seen = current
                else:
                    self._write_event(b": keepalive\n\n")  # finds closed connections
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the page went away, or stopped reading

    def _write_event(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()


def _inside(root: Path, rel: str) -> Path | None:
    """root / rel, if it stays inside the site once symlinks are followed: checked before anything else is looked at."""
    path = root / rel
    try:
        return path if path.resolve().is_relative_to(root.resolve()) else None
    except (OSError, RuntimeError):  # a symlink loop
        return None


def _read(path: Path, root: Path) -> bytes | None:
    """The whole file, if it is a regular file inside the site; never follows a way out."""
    try:
        if not path.resolve().is_relative_to(root.resolve()):
            return None
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
        return None


def start(host: str, port: int, targets: Targets, generations: Generations, timeout: float = REQUEST_TIMEOUT_SECONDS) -> tuple[PreviewServer, threading.Thread]:
    """Bind and serve in a background thread; raises OSError if the address is taken."""
    server = PreviewServer((host, port), targets, generations, timeout)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="digest-serve", daemon=True)
    thread.start()
    return server, thread
