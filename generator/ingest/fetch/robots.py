"""robots.txt rules, parsed by protego, kept per site for one run."""

from __future__ import annotations

import threading
from collections.abc import Callable
from urllib.parse import urlsplit

from protego import Protego

ALLOW_ALL = Protego.parse("")
DENY_ALL = Protego.parse("User-agent: *\nDisallow: /\n")


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def rules_for(status: int, text: str) -> Protego:
    """RFC 9309: a missing robots.txt (4xx) allows everything; a server error (5xx) allows nothing."""
    if 200 <= status < 300:
        return Protego.parse(text)
    return DENY_ALL if status >= 500 else ALLOW_ALL


def agent_token(user_agent: str) -> str:
    """`newsdigest/0.1 (+https://…)` → `newsdigest`: the name robots.txt groups match."""
    words = user_agent.split("/", 1)[0].split(maxsplit=1)
    return words[0] if words else "*"


class Robots:
    """Asks `load(robots_url) -> (status, text)` once per site, then answers from memory."""

    def __init__(self, user_agent: str, load: Callable[[str], tuple[int, str]]) -> None:
        self.agent = agent_token(user_agent)
        self._load = load
        self._sites: dict[str, Protego] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def allowed(self, url: str) -> bool:
        site = robots_url(url)
        with self._lock:
            lock = self._locks.setdefault(site, threading.Lock())
        with lock:  # one download per site, even when several threads ask at once
            if site not in self._sites:
                self._sites[site] = rules_for(*self._load(site))
        return bool(self._sites[site].can_fetch(url, self.agent))
