"""`digest check`: validate the config and every entry; build nothing."""

from __future__ import annotations

import click

from generator.build import collect
from generator.commands.ingest import pattern_warnings
from generator.commands.options import config_option
from generator.config import Config
from generator.problems import DigestError, Problem, as_warning


@click.command("check")
@config_option
def command(config: Config) -> None:
    """Validate config.yaml and every entry in content/, writing nothing."""
    collected = collect(config)
    for problem in [*pattern_warnings(config), *collected.site.warnings, *translation_warnings(config)]:
        click.echo(as_warning(problem), err=True)
    if collected.problems:
        raise DigestError(collected.problems)
    click.echo(f"OK: {len(collected.site.entries)} entries in {len(collected.site.issues)} issues")


def translation_warnings(config: Config) -> list[Problem]:
    """A label the site's language has no translation for is shown in English: one warning per msgid."""
    from generator.render.i18n import LOCALES, missing_translations, theme_msgids
    from generator.render.templates import catalog_roots, default_theme_dir

    msgids = theme_msgids(default_theme_dir() / LOCALES, config.templates_dir)
    return list(missing_translations(config.site.language, catalog_roots(config), msgids))
