"""Which response a request path gets: pure functions, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

EVENTS_PATH = "/__digest__/events"

RouteKind = Literal["file", "redirect", "events", "not_found"]


@dataclass(frozen=True, slots=True)
class Route:
    kind: RouteKind
    target: str = ""  # file: site-relative path ("" is the root); redirect: absolute path


def route(raw_path: str, base_path: str) -> Route:
    """Map a request path onto the site, which is served under the site URL's path."""
    path = unquote(urlsplit(raw_path).path)
    if path == EVENTS_PATH:
        return Route("events")
    if not path.startswith(base_path):
        # `/` or `/digest` lead to the site; anything else is outside it.
        return Route("redirect", base_path) if path in ("/", base_path.rstrip("/")) else Route("not_found")
    rel = path[len(base_path) :]
    parts = rel.split("/")
    if any(part in (".", "..") or "\\" in part or "\x00" in part for part in parts):
        return Route("not_found")
    return Route("file", rel)


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
