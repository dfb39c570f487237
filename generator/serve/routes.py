"""Which response a request path gets: pure functions, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, unquote, urlsplit

from generator.output import MARKER

EVENTS_PATH = "/__digest__/events"

RouteKind = Literal["file", "redirect", "events", "not_found"]


@dataclass(frozen=True, slots=True)
class Route:
    kind: RouteKind
    target: str = ""  # file: site-relative path ("" is the root); redirect: absolute path, percent-encoded


def route(raw_path: str, base_path: str) -> Route:
    """Map a request target onto the site, which is served under the site URL's path.

    The path is split at its slashes before anything is decoded, and every
    segment must name a file or folder inside the site: an encoded slash, a
    dot segment or an empty one (`//`) is never followed, so no request can
    point outside the site, not even to ask whether something exists there.
    """
    segments = _segments(raw_path)
    if segments is None:
        return Route("not_found")
    if "/" + "/".join(segments) == EVENTS_PATH:
        return Route("events")
    base = [unquote(part) for part in base_path.split("/") if part]
    if base and segments in (base, [""]):  # `/` or `/digest` lead to the site
        return Route("redirect", location(base_path, ""))
    if segments[: len(base)] != base:
        return Route("not_found")
    return Route("file", "/".join(segments[len(base) :]))


def location(base_path: str, rel: str) -> str:
    """The URL path of a site-relative path, percent-encoded: always on this server (never `//host`)."""
    return "/" + "".join(f"{part}/" for part in base_path.split("/") if part) + quote(rel, safe="/")


def _segments(raw_path: str) -> list[str] | None:
    """The decoded segments of the path (the last is "" for a folder), or None if any could lead astray."""
    path = raw_path if raw_path.startswith("/") else _absolute_form_path(raw_path)
    if path is None:
        return None
    segments = [unquote(part) for part in path.split("?", 1)[0].split("#", 1)[0].split("/")[1:]]
    for i, part in enumerate(segments):
        if part in (".", "..", MARKER) or any(c in part for c in "/\\\x00") or (not part and i < len(segments) - 1):
            return None
    return segments


def _absolute_form_path(target: str) -> str | None:
    """The path of `http://host/path` (a request target proxies send), else None."""
    parts = urlsplit(target)
    return parts.path if parts.scheme in ("http", "https") and parts.path.startswith("/") else None


_SINCE = re.compile(r"(?:^|&)since=(\d{1,12})(?:&|$)")


def since(raw_path: str) -> int:
    """The generation a page was served at (`?since=N` on the event stream)."""
    match = _SINCE.search(urlsplit(raw_path).query)
    return int(match.group(1)) if match else 0


def reload_script(generation: int) -> bytes:
    """Tiny client: reload when the server reports a generation newer than this page's."""
    return (
        "<script>(()=>{const s=new EventSource("
        f'"{EVENTS_PATH}?since={generation}");'
        's.addEventListener("reload",()=>{s.close();location.reload()})})()</script>'
    ).encode()


def inject(html: bytes, script: bytes) -> bytes:
    """Put the script before the last </body> (or at the end): served pages only, never built files."""
    at = html.lower().rfind(b"</body>")
    return html + script if at < 0 else html[:at] + script + html[at:]
