"""`digest fetch`: fetch every source in `sources:` and ingest what is new or changed."""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING

import click

from generator.commands.ingest import aware, report, rules_of
from generator.commands.options import config_option
from generator.config import Config
from generator.problems import EXIT_CONTENT, ConfigError, Problem

if TYPE_CHECKING:
    from generator.ingest.sources import Source


@click.command("fetch")
@click.option("--dry-run", is_flag=True, help="Fetch and print what would be written; write nothing (and keep no validators).")
@click.option("--wanted", is_flag=True, help="Fetch the articles that wanted teasers link to, instead of the configured sources.")
@click.option("--now", type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S"]), hidden=True, help="Ingest time (tests).")
@config_option
def command(dry_run: bool, wanted: bool, now: dt.datetime | None, config: Config) -> None:
    """Fetch every feed and page in the config's `sources:` (conditional GET), or with --wanted the links of wanted teasers; ingest new or changed items."""
    from tqdm import tqdm

    from generator.ingest.fetch.cache import FetchCache, cache_path
    from generator.ingest.fetch.client import Fetcher
    from generator.ingest.fetch.run import Run, fetch_sources
    from generator.ingest.sources import resolve_sources
    from generator.ingest.web import fetch_settings

    sources = _wanted(config) if wanted else resolve_sources(config)
    if wanted and not sources:
        click.echo("nothing wanted: every teaser with a link is answered by an article in the collection")
        return
    if not sources:
        raise ConfigError(Problem(config.path, "no sources to fetch", hint="add a `sources:` list of feeds, pages or OPML files to config.yaml"))
    rules = rules_of(config)
    added = aware(now) if now else dt.datetime.now(dt.UTC).replace(microsecond=0)
    counts = dict.fromkeys(("ingested", "unchanged", "not modified", "skipped", "failed"), 0)
    incomplete = False  # a source ingested, but with problems reported
    with (
        Fetcher(fetch_settings(config)) as fetcher,
        FetchCache(cache_path(config.content_dir)) as cache,
        tqdm(total=len(sources), unit="source", leave=False, file=sys.stderr, disable=not sys.stderr.isatty()) as bar,
    ):
        run = Run(fetcher, rules, config.content_dir, added)
        for result in fetch_sources(sources, run, cache, write=not dry_run, workers=config.fetch.workers):
            bar.update()
            name = result.source.label
            if result.failure is not None:
                counts["failed"] += 1
                _error(result.failure if name == result.source.url else f"{name}: {result.failure}")
                continue
            if result.outcome is None:
                counts["not modified"] += 1
                _say(f"{name}: not modified")
                continue
            counts[result.outcome.status] += 1
            for line in report(result.outcome, config.content_dir, dry_run):
                _say(line)
            for problem in result.outcome.problems:
                _error(f"{name}: {problem}")
            incomplete = incomplete or bool(result.outcome.problems)
    total = len(sources)
    summary = f"{total} source{'s' if total != 1 else ''}: " + ", ".join(f"{n} {what}" for what, n in counts.items())
    click.echo(("dry run, nothing written: " if dry_run else "") + summary)
    if counts["failed"] or incomplete:
        raise SystemExit(EXIT_CONTENT)


def _wanted(config: Config) -> list[Source]:
    from generator.ingest.fetch.wanted import wanted_sources

    return wanted_sources(config)


def _error(line: str) -> None:
    _say(f"error: {line}", err=True)


def _say(line: str, err: bool = False) -> None:
    """Printed above the progress bar (when there is one), which then redraws."""
    from tqdm import tqdm

    with tqdm.external_write_mode(file=sys.stderr):
        click.echo(line, err=err)
