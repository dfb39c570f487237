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
from babel import Locale, UnknownLocaleError

from generator.entries.text import BIDI_CONTROLS, clean
from generator.mail.address import parse_address


class _Section(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    pass


class SiteConfig(_Section, frozen=True):
    title: str
    url: str
    description: str = ""
    language: str = "en"
    timezone: str = "UTC"
    author: str = ""
    image: str = ""  # default social-card image, an absolute http(s) URL
    search: bool = True  # the search page, the header's search box and the Pagefind index behind them

    def __post_init__(self) -> None:
        _check_site_url(self.url)
        if self.image:
            _check_site_url(self.image, "image", "like https://example.org/card.png", allow_query=True)
        _check_language(self.language)
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"`timezone`: unknown time zone {self.timezone!r} (use an IANA name like Europe/London)") from None


_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")


def _check_language(language: str) -> None:
    """A BCP 47 tag Babel (CLDR) knows, so dates, names and text direction can follow it."""
    if not _LANGUAGE.fullmatch(language):
        raise ValueError(f"`language` must be a BCP 47 tag like en or pt-BR, got {language!r}")
    try:
        Locale.parse(language, sep="-")
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"`language`: unknown locale {language!r} (use a language Babel/CLDR knows, like en, ja, ar or pt-BR)") from None


# Every page and feed link is built from site.url: nothing that could break out of an attribute.
_URL_FORBIDDEN = re.compile(rf"[\s\x00-\x1f\x7f-\x9f\"'<>`\\{{}}|^{BIDI_CONTROLS}]")


def _check_site_url(url: str, key: str = "url", example: str = "like https://example.org/digest/", allow_query: bool = False) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise ValueError(f"`{key}` is malformed ({exc}), got {url!r}: use an absolute http(s) URL {example}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"`{key}` must be an absolute http(s) URL {example}, got {url!r}")
    if _URL_FORBIDDEN.search(url):
        raise ValueError(f"`{key}` must not contain spaces, quotes or <>, got {url!r}: percent-encode them")
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"`{key}` must not contain a user name or password (it is printed on every page), got {url!r}")
    if (parts.query and not allow_query) or parts.fragment:
        raise ValueError(f"`{key}` must not have a query or fragment, got {url!r}")


class PathsConfig(_Section, frozen=True):
    content: str = "content"
    templates: str = "templates"
    output: str = "site"


class StoriesConfig(_Section, frozen=True):
    """`digest.stories`: when articles from different sources are one story (`false` turns grouping off)."""

    window_days: int = 3  # reports of one story are at most this many days apart
    title_score: float = 60.0  # rapidfuzz token_set_ratio of the titles, 0-100
    body_overlap: float = 0.2  # Jaccard overlap of body word shingles, 0-1, needed with a close title
    body_alone: float = 0.4  # overlap that makes one story whatever the titles say

    def __post_init__(self) -> None:
        if self.window_days < 0:
            raise ValueError("stories.window_days must be 0 or more")
        if not 0 <= self.title_score <= 100:
            raise ValueError("stories.title_score must be between 0 and 100")
        if not (0 < self.body_overlap <= 1 and 0 < self.body_alone <= 1):
            raise ValueError("stories.body_overlap and stories.body_alone must be above 0 and at most 1")


class DigestConfig(_Section, frozen=True):
    period: Literal["day", "week"] = "day"
    index_issues: int = 7
    per_page: int = 20
    stories: StoriesConfig | bool = True  # true: the default thresholds

    def __post_init__(self) -> None:
        if self.index_issues < 1 or self.per_page < 1:
            raise ValueError("index_issues and per_page must be at least 1")

    @property
    def story_grouping(self) -> StoriesConfig | None:
        """The grouping thresholds, or None when `stories: false`."""
        if self.stories is True:
            return StoriesConfig()
        return self.stories or None


class FeedsConfig(_Section, frozen=True):
    limit: int = 50
    teasers: bool = True
    full_content: bool = True
    stories: bool = False  # one item per story (its first report, linking to every other) instead of one per article

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise ValueError("limit must be at least 1")


class ServeConfig(_Section, frozen=True):
    """`digest serve`: where the preview server listens (the command line overrides)."""

    host: str = "127.0.0.1"
    port: int = 8000  # 0 picks a free port

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, got {self.port}")
        if not self.host.strip():
            raise ValueError("host must not be empty")


class IngestRule(_Section, frozen=True):
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


class IngestConfig(_Section, frozen=True):
    max_bytes: int = 2_000_000
    # Extra boilerplate lines to drop: a regex string, or {pattern, name, role}.
    boilerplate: list[str | IngestRule] = []
    scheduler: str = ""  # a Dask scheduler (tcp://HOST:8786) whose workers clean the pages; "": this machine's cores
    scheduler_timeout: float = 10.0  # seconds to reach the scheduler, or to wait for a worker, before giving up

    def __post_init__(self) -> None:
        if self.max_bytes < 1:
            raise ValueError("max_bytes must be at least 1")
        if self.scheduler:
            check_scheduler(self.scheduler, "`scheduler`")
        if self.scheduler_timeout <= 0:
            raise ValueError("`scheduler_timeout` must be a number of seconds above 0")
        for rule in self.boilerplate:
            if isinstance(rule, str):
                _check_pattern(rule)


def check_scheduler(address: str, name: str) -> None:
    """A Dask scheduler address: tcp:// or tls://, a host and a port."""
    try:
        parts = urlsplit(address)
        port = parts.port
    except ValueError:
        port = None
        parts = urlsplit("")
    if parts.scheme not in ("tcp", "tls") or not parts.hostname or port is None or parts.path not in ("", "/") or _URL_FORBIDDEN.search(address):
        raise ValueError(f"{name} must be a Dask scheduler address like tcp://HOST:8786, got {address!r}")


class FetchConfig(_Section, frozen=True):
    """Fetching URLs (`digest ingest URL`, `digest fetch`): politeness, limits and retries."""

    user_agent: str = "newsdigest/0.1 (+https://pypi.org/project/newsdigest/)"
    timeout: float = 20.0  # seconds to connect, and between two reads
    delay: float = 1.0  # seconds between the starts of two requests to one host
    retries: int = 3  # after a 429 or 503
    max_retry_wait: float = 120.0  # a longer Retry-After gives up instead
    max_redirects: int = 5
    workers: int = 8  # sources fetched at a time (still at most 2 requests per host)

    def __post_init__(self) -> None:
        if not self.user_agent.strip() or _HEADER_FORBIDDEN.search(self.user_agent):
            raise ValueError("`user_agent` must be one line of printable text")
        if self.timeout <= 0 or self.delay < 0 or self.max_retry_wait < 0:
            raise ValueError("`timeout` must be positive, `delay` and `max_retry_wait` not negative")
        if self.retries < 0 or self.max_redirects < 0 or self.workers < 1:
            raise ValueError("`retries` and `max_redirects` must not be negative, `workers` at least 1")


_HEADER_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f]")


class SourceConfig(_Section, frozen=True):
    """One item of `sources:`: a feed or a page to fetch, or an OPML file of feeds."""

    name: str | None = None  # the entries' `source`; else the feed's title (or the page's own)
    feed: str | None = None
    page: str | None = None
    opml: str | None = None  # a subscription list, relative to config.yaml
    tags: list[str] = []
    full_text: bool = False  # fetch each item's article page (for feeds of summaries)
    max_items: int | None = None

    def __post_init__(self) -> None:
        given = [key for key in ("feed", "page", "opml") if getattr(self, key) is not None]
        if len(given) != 1:
            raise ValueError(f"a source needs exactly one of `feed`, `page` or `opml`, got {', '.join(given) or 'none'}")
        for key in ("feed", "page"):
            url = getattr(self, key)
            if url is not None and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname or _URL_FORBIDDEN.search(url)):
                raise ValueError(f"`{key}` must be an absolute http(s) URL, got {url!r}")
        if self.full_text and self.page is not None:
            raise ValueError("`full_text` applies to feeds, not to a `page`")
        if self.max_items is not None and self.max_items < 1:
            raise ValueError("`max_items` must be at least 1")
        if self.name is not None and not self.name.strip():
            raise ValueError("`name` must not be empty")


class BuildConfig(_Section, frozen=True):
    max_entry_bytes: int = 5_000_000

    def __post_init__(self) -> None:
        if self.max_entry_bytes < 1:
            raise ValueError("`max_entry_bytes` must be at least 1")


_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


class MailConfig(_Section, frozen=True):
    """`digest mail`: the SMTP server, and the headers every copy carries.

    The password is never in the config: `password_env` names the environment
    variable that holds it.
    """

    host: str = ""
    port: int = 0  # 0: the usual port for `security`
    security: Literal["starttls", "ssl", "none"] = "starttls"
    user: str = ""
    password_env: str = ""
    sender: str = msgspec.field(default="", name="from")
    reply_to: str = ""
    unsubscribe: str | list[str] = []
    ca_file: str = ""  # PEM certificates to trust instead of the system's (a server with its own CA)
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError(f"`port` must be between 1 and 65535 (or 0 for the usual port), got {self.port}")
        if self.timeout <= 0:
            raise ValueError("`timeout` must be a number of seconds above 0")
        if self.password_env and not _ENV_NAME.fullmatch(self.password_env):
            raise ValueError(f"`password_env` must be the name of an environment variable (like DIGEST_SMTP_PASSWORD), got {self.password_env!r}")
        if self.user and not self.password_env:
            raise ValueError("`user` is set but `password_env` is not: name the environment variable that holds the password")
        if self.password_env and not self.user:
            raise ValueError("`password_env` is set but `user` is not: give the user name to log in with")
        if self.user and self.security == "none":
            raise ValueError("`security` is none but a `user` logs in: the password would cross the network in clear (use starttls or ssl)")
        for name, value in (("from", self.sender), ("reply_to", self.reply_to)):
            if value:
                _check_address(name, value)
        for url in self.unsubscribe_urls:
            if not (url.startswith(("mailto:", "https://", "http://")) and not _URL_FORBIDDEN.search(url)):
                raise ValueError(f"`unsubscribe` must be mailto: or http(s) URLs without spaces or <>, got {url!r}")

    @property
    def smtp_port(self) -> int:
        return self.port or _DEFAULT_PORTS[self.security]

    @property
    def unsubscribe_urls(self) -> tuple[str, ...]:
        return (self.unsubscribe,) if isinstance(self.unsubscribe, str) else tuple(self.unsubscribe)


def _check_address(name: str, value: str) -> None:
    if clean(value) != value:
        raise ValueError(f"`{name}` must not hold control or bidirectional formatting characters, got {value!r}")
    try:
        parse_address(value)
    except ValueError as exc:
        raise ValueError(f"`{name}`: {exc}") from None


class ConfigFile(_Section, frozen=True):
    site: SiteConfig
    paths: PathsConfig = PathsConfig()
    digest: DigestConfig = DigestConfig()
    feeds: FeedsConfig = FeedsConfig()
    ingest: IngestConfig = IngestConfig()
    build: BuildConfig = BuildConfig()
    serve: ServeConfig = ServeConfig()
    mail: MailConfig = MailConfig()
    fetch: FetchConfig = FetchConfig()
    sources: list[SourceConfig] = []
