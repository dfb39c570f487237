"""The build pipeline: content/ → entries → site structure → pages and feeds → site/."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from generator.config import Config
from generator.entries.load import load_entries
from generator.problems import DigestError, Problem
from generator.render.feeds import render_all_feeds
from generator.render.pages import plan_pages
from generator.render.templates import make_environment, render, template_dirs
from generator.output import write_site
from generator.structure.site import Site, build_site

STATIC = "static"


@dataclass(slots=True)
class BuildResult:
    written: int = 0
    warnings: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)  # bad entries left out with --keep-going


def collect(config: Config) -> tuple[Site, list[Problem]]:
    """Load and arrange the content; returns the site and every problem found."""
    loaded = load_entries(config.content_dir, config.tz, config.build.max_entry_bytes)
    site = build_site(loaded.entries, config.tz, config.digest.period)
    return site, loaded.problems


def build(config: Config, keep_going: bool = False) -> BuildResult:
    """Build the site into config.output_dir; on errors, leave the old site untouched."""
    site, problems = collect(config)
    if problems and not keep_going:
        raise DigestError(problems)
    written = write_site(render_site(site, config), config.output_dir)
    return BuildResult(written=written, warnings=list(site.warnings), skipped=problems)


def render_site(site: Site, config: Config) -> Iterator[tuple[str, bytes]]:
    """Every output file as (site-relative path, bytes), in a stable order."""
    env = make_environment(config)
    base = _globals(config)
    for page in plan_pages(site, config):
        yield page.path, render(env, page.template, {**base, **page.context, "page": page, "digest": site}).encode()
    yield from render_all_feeds(site, config)
    yield from static_files(config)


def static_files(config: Config) -> Iterator[tuple[str, bytes]]:
    """Theme assets; a file in the site's templates/static overrides the default one."""
    seen: set[str] = set()
    for folder in template_dirs(config):
        root = folder / STATIC
        for path in sorted(root.rglob("*")) if root.is_dir() else ():
            rel = f"{STATIC}/{path.relative_to(root).as_posix()}"
            if path.is_file() and rel not in seen:
                seen.add(rel)
                yield rel, path.read_bytes()


def _globals(config: Config) -> dict[str, Any]:
    base_path = urlsplit(config.base_url).path
    return {
        "site": config.site,
        "config": config,
        "url": lambda target="": base_path + target,
        "absolute": lambda target="": config.base_url + target,
        "feeds": {"rss": "feed.xml", "atom": "atom.xml"},
    }

