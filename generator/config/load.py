"""Read `config.yaml` once, validate it, and resolve its paths."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec
import yaml

from generator import yamlio
from generator.config.schema import (
    BuildConfig,
    ConfigFile,
    DigestConfig,
    FeedsConfig,
    FetchConfig,
    IngestConfig,
    MailConfig,
    ServeConfig,
    SiteConfig,
    SourceConfig,
)
from generator.entries.text import clean
from generator.problems import YAML_HINT, ConfigError, OutputError, Problem, type_hint

DEFAULT_FETCH = FetchConfig()
DEFAULT_MAIL = MailConfig()


@dataclass(frozen=True, slots=True)
class Config:
    """Validated configuration with absolute paths; built once per command."""

    path: Path
    site: SiteConfig
    digest: DigestConfig
    feeds: FeedsConfig
    ingest: IngestConfig
    build: BuildConfig
    content_dir: Path
    templates_dir: Path
    output_dir: Path
    serve: ServeConfig
    fetch: FetchConfig = DEFAULT_FETCH
    sources: tuple[SourceConfig, ...] = ()
    mail: MailConfig = DEFAULT_MAIL

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.site.timezone)

    @property
    def base_url(self) -> str:
        """Site URL that always ends with a slash, ready for joining."""
        return self.site.url if self.site.url.endswith("/") else self.site.url + "/"

    def with_output(self, output: Path | None) -> Config:
        """This config writing to `output` (from --output) instead; refused if that would touch an input."""
        if output is None:
            return self
        config = replace(self, output_dir=output.resolve())
        reason = config.output_overlap()
        if reason is not None:
            raise OutputError(Problem(output, reason, hint="choose an --output folder of its own, like site/"))
        return config

    def output_overlap(self) -> str | None:
        """Why the output folder may not be used: it holds an input, or lies inside one (builds replace it whole)."""
        out = self.output_dir
        for name, path in (("the config file", self.path), ("paths.content", self.content_dir), ("paths.templates", self.templates_dir)):
            if path == out or path.is_relative_to(out):
                return f"output folder {out} contains {name} ({path}); a build would replace it"
            if name != "the config file" and out.is_relative_to(path):
                return f"output folder {out} is inside {name} ({path}); a build must never write there"
        return None


def load_config(path: Path) -> Config:
    """Load and validate the config file; raise ConfigError naming key and line."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(Problem(path, "config file not found", hint="pass --config PATH or run `digest init`")) from None
    except OSError as exc:
        raise ConfigError(Problem(path, f"cannot read config: {exc.strerror or exc}", hint="pass --config PATH of a readable file")) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(Problem(path, f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", line, "save it as UTF-8")) from None
    try:
        raw = yamlio.parse(text)
    except yaml.YAMLError as exc:
        raise ConfigError(Problem(path, yamlio.error_text(exc), yamlio.error_line(exc), YAML_HINT)) from None
    if not isinstance(raw, dict):
        raise ConfigError(
            Problem(path, "config must be a YAML mapping of sections (site:, paths:, ...)", 1, "start from the config.yaml that `digest init` writes")
        )
    try:
        parsed = msgspec.convert(raw, ConfigFile)
    except msgspec.ValidationError as exc:
        keys, message, hint = yamlio.explain(exc, ConfigFile)
        keys, message = _name_field(keys, message)
        raise ConfigError(Problem(path, message, yamlio.key_line(text, keys), hint or type_hint(message))) from None
    root = path.resolve().parent
    config = Config(
        path=path.resolve(),
        site=_clean_site_text(parsed.site),
        digest=parsed.digest,
        feeds=parsed.feeds,
        ingest=parsed.ingest,
        build=parsed.build,
        content_dir=(root / parsed.paths.content).resolve(),
        templates_dir=(root / parsed.paths.templates).resolve(),
        output_dir=(root / parsed.paths.output).resolve(),
        serve=parsed.serve,
        fetch=parsed.fetch,
        sources=tuple(parsed.sources),
        mail=parsed.mail,
    )
    reason = config.output_overlap()
    if reason is not None:
        output_line = yamlio.key_line(text, ["paths", "output"]) or yamlio.key_line(text, ["paths"])
        raise ConfigError(Problem(path, reason, output_line, "point paths.output at a folder of its own, like `site`"))
    return config


def _clean_site_text(site: SiteConfig) -> SiteConfig:
    """The site's own words with control and bidi characters dropped, once, for pages and feeds alike.

    (`url`, `language` and `timezone` are refused by their own checks instead.)
    """
    return msgspec.structs.replace(site, title=clean(site.title), description=clean(site.description), author=clean(site.author))


# A section's own check names the field it rejects: "`site`: `url` must ..." → "`site.url` must ...".
_SECTION_FIELD = re.compile(r"`(?P<section>[^`]+)`: `(?P<field>[a-z_]+)`:? ")


def _name_field(keys: list[str | int], message: str) -> tuple[list[str | int], str]:
    match = _SECTION_FIELD.match(message)
    if match is None:
        return keys, message
    return [*keys, match["field"]], f"`{match['section']}.{match['field']}` {message[match.end() :]}"
