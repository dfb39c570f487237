"""The shape of `config.yaml`, validated by msgspec.

Every section forbids unknown keys so a typo is an error, not a silently
ignored setting.
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec


class _Section(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    pass


class SiteConfig(_Section):
    title: str
    url: str
    description: str = ""
    language: str = "en"
    timezone: str = "UTC"
    author: str = ""

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"must be an absolute http(s) URL like https://example.org/, got {self.url!r}")
        if parts.query or parts.fragment:
            raise ValueError(f"must not have a query or fragment, got {self.url!r}")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {self.timezone!r} (use an IANA name like Europe/London)") from None


class PathsConfig(_Section):
    content: str = "content"
    templates: str = "templates"
    output: str = "site"


class DigestConfig(_Section):
    period: Literal["day", "week"] = "day"
    index_issues: int = 7
    per_page: int = 20

    def __post_init__(self) -> None:
        if self.index_issues < 1 or self.per_page < 1:
            raise ValueError("index_issues and per_page must be at least 1")


class FeedsConfig(_Section):
    limit: int = 50
    teasers: bool = True
    full_content: bool = True

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise ValueError("limit must be at least 1")


class ServeConfig(_Section):
    """`digest serve`: where the preview server listens (the command line overrides)."""

    host: str = "127.0.0.1"
    port: int = 8000  # 0 picks a free port

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, got {self.port}")
        if not self.host.strip():
            raise ValueError("host must not be empty")


class IngestRule(_Section):
    """A user boilerplate pattern: a regex matched against the whole line, case-insensitively."""

    pattern: str
    name: str = "user"
    role: Literal["drop", "tail", "marker"] = "drop"

    def __post_init__(self) -> None:
        _check_pattern(self.pattern)


def _check_pattern(pattern: str) -> None:
    try:
        re.compile(pattern.replace("{MONTH}", "may"))
    except re.error as exc:
        raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None


class IngestConfig(_Section):
    max_bytes: int = 2_000_000
    # Extra boilerplate lines to drop: a regex string, or {pattern, name, role}.
    boilerplate: list[str | IngestRule] = []

    def __post_init__(self) -> None:
        if self.max_bytes < 1:
            raise ValueError("max_bytes must be at least 1")
        for rule in self.boilerplate:
            if isinstance(rule, str):
                _check_pattern(rule)


class BuildConfig(_Section):
    max_entry_bytes: int = 5_000_000


class ConfigFile(_Section):
    site: SiteConfig
    paths: PathsConfig = PathsConfig()
    digest: DigestConfig = DigestConfig()
    feeds: FeedsConfig = FeedsConfig()
    ingest: IngestConfig = IngestConfig()
    build: BuildConfig = BuildConfig()
    serve: ServeConfig = ServeConfig()
