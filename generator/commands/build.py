"""`digest build`: content/ + templates/ + config.yaml → site/."""

from __future__ import annotations

import time
from pathlib import Path

import click

from generator.build import build
from generator.commands.options import config_option
from generator.config import Config
from generator.problems import EXIT_CONTENT, as_warning


@click.command("build")
@config_option
@click.option("--output", "-o", type=click.Path(path_type=Path, file_okay=False), help="Write the site here instead of paths.output.")
@click.option("--keep-going", is_flag=True, help="Build what can be built and list the entries left out.")
@click.option("--quiet", "-q", is_flag=True, help="Print errors only.")
def command(config: Config, output: Path | None, keep_going: bool, quiet: bool) -> None:
    """Build the site and its feeds from the entries in content/."""
    started = time.perf_counter()
    config = config.with_output(output)
    result = build(config, keep_going=keep_going)
    for problem in result.warnings:
        click.echo(as_warning(problem), err=True)
    for problem in result.skipped:
        click.echo(f"skipped: {problem}", err=True)
    if not quiet:
        click.echo(f"Built {result.written} files into {config.output_dir} in {time.perf_counter() - started:.2f}s")
    if result.skipped:
        raise SystemExit(EXIT_CONTENT)
