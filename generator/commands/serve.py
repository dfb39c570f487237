"""`digest serve`: build, serve the site locally, rebuild on change and reload the browser."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from urllib.parse import urlsplit

import click

from generator.commands.options import config_option
from generator.config import Config
from generator.problems import EXIT_USAGE, DigestError, Problem
from generator.serve.events import Generations
from generator.serve.rebuild import rebuild, report_build, watch_and_rebuild
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
    stop = threading.Event()
    generations = Generations()
    targets = Targets(target_of(config))
    with _stop_on_signals(stop):
        report_build(rebuild(config), click.echo)
        if stop.is_set():  # Ctrl-C during the first build: never start serving
            click.echo("Stopped.")
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

            watch_and_rebuild(config, stop, built, click.echo)
        finally:
            generations.close()  # ends the event streams
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
    click.echo("Stopped.")


def target_of(config: Config) -> Target:
    return Target(config.output_dir, urlsplit(config.base_url).path or "/")


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Ctrl-C (or SIGTERM) asks for a clean stop; a second one interrupts a long build."""

    def handle(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
