"""The `digest` command line: a lazy Click group so start-up stays fast.

Each subcommand lives in `generator/commands/<name>.py` as `command` and is
imported only when it runs (a no-change rebuild should not pay for the
ingest cleaner's imports, and vice versa).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from generator import __version__
from generator.problems import DigestError

COMMANDS = {
    "build": "generator.commands.build",
    "check": "generator.commands.check",
    "fetch": "generator.commands.fetch",
    "ingest": "generator.commands.ingest",
    "init": "generator.commands.init",
    "mail": "generator.commands.mail",
    "serve": "generator.commands.serve",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        command: click.Command = importlib.import_module(module).command
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DigestError as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digest")
def cli() -> None:
    """Build a news digest website and its feeds from markdown entries."""


def main() -> None:
    try:
        cli(prog_name="digest")
    except KeyboardInterrupt:  # pragma: no cover - interactive
        sys.exit(130)
