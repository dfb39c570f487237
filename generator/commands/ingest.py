"""`digest ingest`: clean raw scraped pages into article and teaser entries."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from generator.cluster import Cluster, ClusterError, connected
from generator.commands.options import config_option, jobs_option
from generator.config import Config
from generator.config.schema import IngestRule, check_scheduler
from generator.ingest.clean.rules import MATCH_SECONDS, Rule, RuleSet, SlowPattern, blowups, build_rules
from generator.ingest.learn.sitestore import SiteStore
from generator.ingest.learn.template import of_page, page_keys, site_of
from generator.ingest.page import PageFailure, read_page
from generator.ingest.run import Outcome, Summary, ingest_files, page_files, read_raw, said
from generator.ingest.write import Planned
from generator.problems import EXIT_CONTENT, EXIT_USAGE, ConfigError, Problem, as_warning

_SAID = {  # entry status → (what happened, what a dry run would do)
    "new": ("written", "would write"),
    "updated": ("updated", "would update"),
    "unchanged": ("unchanged", "unchanged"),
    "edited": ("edited by hand, left alone", "edited by hand, would be left alone"),
    "removed": ("removed (no longer on the page)", "would remove (no longer on the page)"),
}


class PathOrURL(click.ParamType):  # type: ignore[type-arg]
    """An http(s) URL as given, else a path that must exist."""

    name = "PATH|URL"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path | str:
        if isinstance(value, str) and value.lower().startswith(("http://", "https://")):
            return value
        path: Path = click.Path(exists=True, path_type=Path).convert(value, param, ctx)
        return path


@click.command("ingest")
@click.argument("paths", nargs=-1, type=PathOrURL())
@click.option("--dry-run", is_flag=True, help="Print what would be written; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON lines instead of writing files.")
@click.option("--explain", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Print every raw line of FILE with its label.")
@click.option("--now", type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S"]), hidden=True, help="Ingest time (tests).")
@jobs_option("read and clean pages")
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="Clean the pages on this Dask scheduler's workers (default: ingest.scheduler, else this machine).")
@config_option
def command(
    paths: tuple[Path | str, ...],
    dry_run: bool,
    as_json: bool,
    explain: Path | None,
    now: dt.datetime | None,
    jobs: int | None,
    scheduler: str | None,
    config: Config,
) -> None:
    """Clean raw pages (.txt files or folders of them), feed files and URLs into entries in content/."""
    rules = rules_of(config)
    for problem in pattern_warnings(config):
        click.echo(as_warning(problem), err=True)
    address = _scheduler(scheduler, jobs, config)
    try:
        if explain is not None:
            _explain(explain, rules, config.ingest.max_bytes, config.content_dir)
            return
        if not paths:
            raise click.UsageError("give at least one file or folder of raw pages (.txt), a feed file or a URL")
        added = aware(now) if now else dt.datetime.now(dt.UTC).replace(microsecond=0)
        with connected(address, config.ingest.scheduler_timeout) if address else contextlib.nullcontext() as cluster:
            _ingest(_Request(paths, dry_run, as_json, added, jobs), config, rules, cluster)
    except SlowPattern as exc:
        raise slow_pattern_error(config, exc) from None
    except ClusterError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_USAGE) from None


@dataclass(frozen=True, slots=True)
class _Request:
    """What one `digest ingest` run was asked for."""

    paths: tuple[Path | str, ...]
    dry_run: bool
    as_json: bool
    added: dt.datetime  # the ingest time every new entry records
    jobs: int | None


def _scheduler(given: str | None, jobs: int | None, config: Config) -> str:
    """The scheduler address to use ("" for none): --scheduler, else ingest.scheduler."""
    if given is not None:
        try:
            check_scheduler(given, "--scheduler")
        except ValueError as exc:
            raise click.BadParameter(str(exc).removeprefix("--scheduler "), param_hint="--scheduler") from None
    address = config.ingest.scheduler if given is None else given
    if address and jobs is not None:
        raise click.UsageError("--jobs counts this machine's processes: leave it out when the pages are cleaned on a scheduler's workers")
    return address


def _ingest(request: _Request, config: Config, rules: RuleSet, cluster: Cluster | None = None) -> None:
    dry_run, as_json, added, paths = request.dry_run, request.as_json, request.added, request.paths
    summary, incomplete = Summary(), False
    write = not (dry_run or as_json)
    files = page_files(p for p in paths if isinstance(p, Path))
    urls = [p for p in paths if isinstance(p, str)]
    outcomes = itertools.chain(
        ingest_files(files, rules, config.content_dir, config.ingest.max_bytes, added, write=write, workers=request.jobs, cluster=cluster)
        if files or not urls
        else (),
        _urls(urls, config, rules, added, write),
    )
    for outcome in outcomes:
        summary.add(outcome)
        if outcome.status == "failed":
            click.echo(f"error: {outcome.path}: {outcome.reason}", err=True)
        elif as_json:
            _print_json(outcome)
        else:
            for line in report(outcome, config.content_dir, dry_run):
                click.echo(line)
        for problem in outcome.problems:
            click.echo(f"error: {outcome.path}: {problem}", err=True)
        incomplete = incomplete or bool(outcome.problems)
    click.echo(("dry run, nothing written: " if dry_run else "nothing written: " if as_json else "") + summary.describe(write), err=as_json)
    if summary.counts["failed"] or incomplete:
        raise SystemExit(EXIT_CONTENT)


def _urls(urls: list[str], config: Config, rules: RuleSet, added: dt.datetime, write: bool) -> Iterator[Outcome]:
    if not urls:
        return
    from generator.ingest.fetch.client import Fetcher
    from generator.ingest.located import locate
    from generator.ingest.tidy import writing
    from generator.ingest.web import fetch_settings, ingest_url

    located = locate(config.content_dir)  # once for all the URLs; a writing run removes killed runs' temp files first, as for files
    with Fetcher(fetch_settings(config)) as fetcher, writing(config.content_dir, located.temps) if write else contextlib.nullcontext(0):
        for url in urls:
            yield ingest_url(fetcher, url, rules, config.content_dir, added, write, located=located)


def rules_of(config: Config) -> RuleSet:
    user = [Rule(r.name, r.pattern, r.role) if isinstance(r, IngestRule) else Rule("user", r) for r in config.ingest.boilerplate]
    try:
        return build_rules(user)
    except re.error as exc:
        raise ConfigError(Problem(config.path, f"ingest.boilerplate: {exc}")) from None


def pattern_warnings(config: Config) -> list[Problem]:
    """A warning for each user pattern that can take exponential time (see rules.blowups)."""
    problems = []
    for rule in config.ingest.boilerplate:
        pattern = rule.pattern if isinstance(rule, IngestRule) else rule
        reason = blowups(pattern)
        if reason is not None:
            message = f"ingest.boilerplate: pattern {pattern!r} {reason}: it can take exponential time on some lines"
            problems.append(Problem(config.path, message, hint=f"ingest gives up on a line after {MATCH_SECONDS:g} s and stops"))
    return problems


_SLOW_HINT = "a repeat inside a repeat backtracks exponentially: write `a+` for `(a+)+`, or make the outer repeat possessive, like `(?:a|aa)++`"


def slow_pattern_error(config: Config, exc: SlowPattern) -> ConfigError:
    """The config error that ends a run whose user pattern took too long on a line."""
    return ConfigError(Problem(config.path, f"ingest.boilerplate: {exc}; ingest stopped", hint=_SLOW_HINT))


def aware(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def report(outcome: Outcome, content_dir: Path, dry_run: bool) -> Iterator[str]:
    """The lines saying what happened to a document's entries (or would, in a dry run)."""
    counts: dict[str, int] = {}
    for entry in outcome.entries:
        counts[entry.status] = counts.get(entry.status, 0) + 1
        if entry.status != "unchanged" and (dry_run or entry.status in ("edited", "removed") or outcome.recleaned):
            yield f"  {_SAID[entry.status][dry_run]}: {_shown(content_dir, entry)}"
    detail = ", ".join(f"{n} {_SAID[status][dry_run]}" for status, n in counts.items())
    again = "re-cleaned with the site template: " if outcome.recleaned else ""
    yield f"{outcome.path}: {again}{said(outcome.status, not dry_run)} ({detail})"


def _shown(content_dir: Path, entry: Planned) -> str:
    return f"{content_dir.name}/{entry.path.as_posix()} ({entry.draft.kind}: {entry.draft.title})"


def _print_json(outcome: Outcome) -> None:
    for entry, origin in zip(outcome.entries, outcome.origins, strict=False):  # removed entries come last, without an origin
        if entry.status == "removed":
            continue
        record: dict[str, Any] = {**entry.draft.fields(), "added": None, "origin": origin, "body": entry.draft.body}
        record["added"] = _added(entry)
        click.echo(json.dumps(record, ensure_ascii=False, default=_iso))


def _added(entry: Planned) -> str:
    """The `added` value rendered into the entry text (one source of truth)."""
    for line in entry.text.splitlines():
        if line.startswith("added: "):
            return line.removeprefix("added: ").strip("'\"")
    return ""


def _iso(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


def _explain(path: Path, rules: RuleSet, max_bytes: int, content_dir: Path) -> None:
    try:
        raw = read_raw(path, max_bytes)
        labelled = read_page(raw, rules, name=path.name)
        with SiteStore(content_dir, persist=False) as store:  # the template ingest has learnt for the file's site
            template = of_page(page_keys(labelled.lines), store.counts(site_of(path, content_dir.parent)))
        labelled = read_page(raw, rules, template, path.name) if template else labelled
    except PageFailure as exc:
        click.echo(f"error: {path}: {exc}", err=True)
        raise SystemExit(EXIT_CONTENT) from None
    width = len(str(len(labelled.lines)))
    for number, (label, line) in enumerate(zip(labelled.labels, labelled.lines, strict=True), start=1):
        click.echo(f"{number:>{width}}  {label!s:<26} {line}".rstrip())
    meta = labelled.meta
    click.echo(
        f"-- platform {meta.platform}, ui_lang {meta.ui_lang or '-'}, source {meta.source or '-'}, "
        f"edition {meta.edition or '-'}, date {meta.date or '-'}, {len(labelled.body)} paragraphs, {len(labelled.teasers)} teasers"
    )
