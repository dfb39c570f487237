"""`digest serve`: build, serve the site locally, rebuild on change and reload the browser."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from urllib.parse import urlsplit

import click

from generator.build import Progress
from generator.commands.options import config_option
from generator.config import Config
from generator.problems import EXIT_USAGE, DigestError, Problem
from generator.serve.events import Generations
from generator.serve.rebuild import BuildReport, rebuild, report_build, watch_and_rebuild
from generator.serve.server import Target, Targets, start


class ServeError(DigestError):
    exit_code = EXIT_USAGE


@click.command("serve")
@config_option
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=None, help="Port to listen on (default: serve.port, 8000; 0 picks a free one).")
@click.option("--host", default=None, help="Address to listen on (default: serve.host, 127.0.0.1).")
def command(config: Config, port: int | None, host: str | None) -> None:
    """Build the site, serve it locally, and rebuild and reload the browser on every change."""
    host = host or config.serve.host
    port = config.serve.port if port is None else port
    stop = _Stop()
    generations = Generations()
    targets = Targets(target_of(config))
    try:
        with stop.on_signals():
            _serve(config, host, port, stop, targets, generations)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM during a build: ended there, the site as it was
        click.echo("Build interrupted; the site is the last complete one.")
    click.echo("Stopped.")


def _serve(config: Config, host: str, port: int, stop: _Stop, targets: Targets, generations: Generations) -> None:
    built_at_ns = time.time_ns()
    report_build(stop.interruptible(rebuild)(config), click.echo)
    if stop.is_set():
        return
    try:
        server, thread = start(host, port, targets, generations)
    except OSError as exc:
        raise ServeError(
            Problem(None, f"cannot listen on {host}:{port}: {exc.strerror or exc}", hint="pass --port N or set serve.port in config.yaml")
        ) from None
    try:
        click.echo(f"Serving http://{host}:{server.server_port}{targets.get().base_path} (Ctrl-C to stop)")

        def built(new: Config) -> None:
            targets.set(target_of(new))
            generations.bump()

        watch_and_rebuild(config, stop, built, click.echo, stop.interruptible(rebuild), built_at_ns)
    finally:
        generations.close()  # ends the event streams
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def target_of(config: Config) -> Target:
    return Target(config.output_dir, urlsplit(config.base_url).path or "/")


class _Stop(threading.Event):
    """Set by Ctrl-C or SIGTERM; one arriving during a build also ends the build there.

    A build can be stopped at any point (the site stays as it was), and a
    large one takes long: waiting for it would make a stop take as long.
    The signal handler raises KeyboardInterrupt wherever the build is, but
    Python drops an exception raised in some places (a fork hook, a __del__),
    so the build's progress reports raise it again until it ends.
    """

    def __init__(self) -> None:
        super().__init__()
        self._building = False

    @contextmanager
    def on_signals(self) -> Iterator[None]:
        previous = {sig: signal.signal(sig, self._handle) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def interruptible(self, work: Callable[[Config, Progress], BuildReport]) -> Callable[[Config], BuildReport]:
        def run(config: Config) -> BuildReport:
            self._building = True
            try:
                return work(config, self._checkpoint)
            finally:
                self._building = False

        return run

    def _checkpoint(self, done: int, total: int) -> None:
        if self.is_set():
            raise KeyboardInterrupt

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        interrupt = self._building and not self.is_set()  # once: the build's own clean-up must run undisturbed
        self.set()
        if interrupt:
            raise KeyboardInterrupt
