"""The HTTP client: httpx with timeouts, a redirect limit, a byte limit while streaming,
gzip/brotli, a User-Agent, robots.txt, per-host politeness and bounded retries.

Every failure is a FetchError whose message is one line naming the URL.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from generator.ingest.fetch.polite import Politeness
from generator.ingest.fetch.robots import Robots

RETRY_STATUSES = frozenset({429, 503})
BACKOFF = 1.0  # seconds before the first retry without Retry-After; doubled each time


class FetchError(Exception):
    """A URL could not be fetched; str() is `URL: reason`."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url, self.reason = url, reason


@dataclass(frozen=True, slots=True)
class Settings:
    user_agent: str
    timeout: float
    delay: float
    retries: int
    max_retry_wait: float
    max_redirects: int
    max_bytes: int


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # after redirects
    status: int  # 200, or 304 when the validators matched
    data: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    location: str | None = None  # a redirect's target, as sent


class Fetcher:
    """One per run, shared by its threads (httpx.Client is thread-safe)."""

    def __init__(self, settings: Settings, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self._sleep = sleep
        self._client = httpx.Client(
            headers={"User-Agent": settings.user_agent},
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=False,  # followed here, so each hop passes robots.txt and politeness
            trust_env=False,  # no proxies or .netrc picked up from the environment
        )
        self._polite = Politeness(settings.delay, sleep=sleep)
        self._robots = Robots(settings.user_agent, self._robots_txt)

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET with robots.txt checked first (for every redirect too); conditional when validators are given."""
        headers = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if v}
        try:
            return self._follow(url, headers, robots=True)
        except FetchError as exc:
            if exc.url == url:
                raise
            raise FetchError(url, f"{exc.reason} (redirected to {exc.url})") from None

    def _follow(self, url: str, headers: dict[str, str], robots: bool, accept_errors: bool = False) -> Fetched:
        target = url
        for _ in range(self.settings.max_redirects + 1):
            if robots:
                self._check_robots(target)
            got = self._with_retries(target, headers, accept_errors)
            if got.location is None:
                return got
            target = urljoin(target, got.location)
        raise FetchError(url, f"too many redirects (more than {self.settings.max_redirects}, fetch.max_redirects)")

    def _check_robots(self, url: str) -> None:
        try:
            allowed = self._robots.allowed(url)
        except FetchError as exc:
            raise FetchError(url, f"{exc.reason} (reading robots.txt)") from None
        if not allowed:
            raise FetchError(url, "disallowed by the site's robots.txt")

    def _robots_txt(self, url: str) -> tuple[int, str]:
        got = self._follow(url, {}, robots=False, accept_errors=True)
        return got.status, got.data.decode("utf-8", errors="replace")

    def _with_retries(self, url: str, headers: dict[str, str], accept_errors: bool = False) -> Fetched:
        attempt = 0
        while True:
            status, got = self._once(url, headers)
            if status in RETRY_STATUSES and attempt < self.settings.retries:
                wait = retry_wait(got, attempt)
                if wait > self.settings.max_retry_wait:
                    raise FetchError(url, f"HTTP {status}, asked to retry after {wait:.0f} s (over fetch.max_retry_wait)")
                self._sleep(wait)
                attempt += 1
                continue
            if isinstance(got, Fetched):
                return got
            if accept_errors:
                return Fetched(url, status, b"", None, None, None)  # robots.txt: its status decides
            tries = f" after {attempt + 1} tries" if attempt else ""
            raise FetchError(url, f"HTTP {status} {got.reason_phrase}{tries}".rstrip())

    def _once(self, url: str, headers: dict[str, str]) -> tuple[int, Fetched | httpx.Response]:
        host = urlsplit(url).netloc
        try:
            with self._polite.turn(host), self._client.stream("GET", url, headers=headers) as response:
                if response.status_code >= 400:
                    return response.status_code, response
                if response.has_redirect_location:
                    return response.status_code, Fetched(url, response.status_code, b"", None, None, None, response.headers["location"])
                data = b"" if response.status_code == 304 else self._body(url, response)
        except httpx.TimeoutException:
            raise FetchError(url, f"timed out after {self.settings.timeout:g} s (fetch.timeout)") from None
        except httpx.ConnectError as exc:
            raise FetchError(url, f"cannot connect: {_reason(exc)}") from None
        except httpx.HTTPError as exc:
            raise FetchError(url, f"{type(exc).__name__}: {_reason(exc)}") from None
        h = response.headers
        return response.status_code, Fetched(str(response.url), response.status_code, data, h.get("content-type"), h.get("etag"), h.get("last-modified"))

    def _body(self, url: str, response: httpx.Response) -> bytes:
        """The decoded body, stopped as soon as it passes ingest.max_bytes."""
        limit = self.settings.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit and not response.headers.get("content-encoding"):
            raise FetchError(url, f"body is {int(declared):,} bytes, over the {limit:,}-byte limit (ingest.max_bytes)")
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchError(url, f"body is over the {limit:,}-byte limit (ingest.max_bytes)")
            chunks.append(chunk)
        return b"".join(chunks)


def retry_wait(got: Fetched | httpx.Response, attempt: int) -> float:
    """Retry-After in seconds or as an HTTP date; else exponential backoff."""
    value = got.headers.get("retry-after", "").strip() if isinstance(got, httpx.Response) else ""
    if value.isdigit():
        return float(value)
    if value:
        try:
            when: float = email.utils.parsedate_to_datetime(value).timestamp()
            return max(0.0, when - time.time())
        except (TypeError, ValueError):
            pass  # unreadable: back off as without one
    return float(BACKOFF * 2**attempt)


def _reason(exc: Exception) -> str:
    """The innermost cause, on one line: `[Errno -2] Name or service not known`."""
    while exc.__cause__ is not None or exc.__context__ is not None:
        inner = exc.__cause__ or exc.__context__
        assert isinstance(inner, BaseException)
        if not isinstance(inner, Exception):
            break
        exc = inner
    return " ".join(str(exc).split()) or type(exc).__name__
