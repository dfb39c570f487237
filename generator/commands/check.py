"""`digest check`: validate the config and every entry; build nothing."""

from __future__ import annotations

import click

from generator.build import collect
from generator.commands.ingest import pattern_warnings
from generator.commands.options import config_option
from generator.config import Config
from generator.problems import DigestError, as_warning


@click.command("check")
@config_option
def command(config: Config) -> None:
    """Validate config.yaml and every entry in content/, writing nothing."""
    collected = collect(config)
    for problem in [*pattern_warnings(config), *collected.site.warnings]:
        click.echo(as_warning(problem), err=True)
    if collected.problems:
        raise DigestError(collected.problems)
    click.echo(f"OK: {len(collected.site.entries)} entries in {len(collected.site.issues)} issues")
