"""`digest build`: content/ + templates/ + config.yaml → site/."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from generator.build import BuildResult, build
from generator.commands.options import config_option, jobs_option
from generator.config import Config
from generator.problems import EXIT_CONTENT, as_warning

PROGRESS_DELAY = 1.0  # seconds before a bar appears: quick builds stay quiet


@click.command("build")
@config_option
@click.option("--output", "-o", type=click.Path(path_type=Path, file_okay=False), help="Write the site here instead of paths.output.")
@click.option("--keep-going", is_flag=True, help="Build what can be built and list the entries left out.")
@jobs_option("read entries and render")
@click.option("--quiet", "-q", is_flag=True, help="Print errors only.")
@click.option("--verbose", "-v", is_flag=True, help="Also print what was rendered and written.")
def command(config: Config, output: Path | None, keep_going: bool, jobs: int | None, quiet: bool, verbose: bool) -> None:
    """Build the site and its feeds from the entries in content/."""
    started = time.perf_counter()
    config = config.with_output(output)
    bar = None if quiet else _progress_bar()
    try:
        result = build(config, keep_going=keep_going, workers=jobs, progress=bar.update if bar else None)
    finally:
        if bar:
            bar.close()
    for problem in result.warnings:
        click.echo(as_warning(problem), err=True)
    for problem in result.skipped:
        click.echo(f"skipped: {problem}", err=True)
    if verbose:
        click.echo(f"Rendered {result.rendered} outputs")
    if not quiet:
        click.echo(summary(result, config, time.perf_counter() - started))
    if result.skipped:
        raise SystemExit(EXIT_CONTENT)


def summary(result: BuildResult, config: Config, seconds: float) -> str:
    if result.nothing_to_do:
        return f"{config.output_dir}: nothing changed, 0 files written, {result.unchanged} skipped, 0 removed ({seconds:.2f}s)"
    return f"{config.output_dir}: {result.written} files written, {result.unchanged} skipped (unchanged), {result.removed} removed ({seconds:.2f}s)"


class _ProgressBar:
    """A tqdm bar on terminals only, shown once a build has run for a second."""

    def __init__(self) -> None:
        from tqdm import tqdm

        self._bar = tqdm(total=0, unit="file", delay=PROGRESS_DELAY, leave=False, file=sys.stderr, disable=None)

    def update(self, done: int, total: int) -> None:
        self._bar.total = total
        self._bar.n = done
        self._bar.refresh() if self._bar.n == total else self._bar.update(0)

    def close(self) -> None:
        self._bar.close()


def _progress_bar() -> _ProgressBar | None:
    return _ProgressBar() if sys.stderr.isatty() else None
