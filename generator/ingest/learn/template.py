"""A site's template: the lines that recur across many of its pages. Pure.

Navigation, footers, legal notices and newsletter boxes are printed on
every page of a site, while an article's paragraphs are its own. A line
(compared with case, spacing and digits ignored) that recurs on MIN_PAGES
different stories of one site is the site's chrome: `labels` drops it as
`boilerplate(site template: on N pages)`, after the rules and before the
classifier. Stories, not pages, are counted (see `sitestore`), so one story
saved twice, updated, or under another UI language, does not make its own
paragraphs look like a template. Which site a raw text file belongs to is the folder
it is in: keep each site's scrapes in their own folder.

The counts live in the ingest store (`sitestore`); this module only says
what a line's key is and which of a page's lines are template.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

MIN_PAGES = 3  # stories a line must recur on: a line two stories share (a quote, a subheading) stays
_DIGITS = re.compile(r"\d+")

Template = Mapping[str, int]  # line key → stories of the site it recurs on (MIN_PAGES or more)
NO_TEMPLATE: Template = {}


@dataclass(frozen=True, slots=True)
class Sample:
    """What a cleaned text page adds to its site's statistics."""

    keys: frozenset[str]  # its lines' keys
    title: str  # see story_title
    body: tuple[str, ...]  # its body lines' keys (see story_lead)
    used: frozenset[str]  # the keys that were template when it was cleaned


def line_key(line: str) -> str:
    """What two printings of one chrome line share: "© 2024 Example" and "© 2025 example" alike."""
    key = " ".join(line.casefold().split())
    return _DIGITS.sub("0", key) if _DIGITS.search(key) else key


def page_keys(lines: Iterable[str]) -> frozenset[str]:
    """The keys of a page's lines that can be chrome: those with a letter or digit in them."""
    return frozenset(line_key(line) for line in lines if any(ch.isalnum() for ch in line))


def site_of(path: Path, root: Path) -> str:
    """The site a raw file belongs to: the folder it is in, relative to the project `root` when inside it (so a moved project keeps its templates)."""
    folder = path.resolve().parent
    try:
        return folder.relative_to(root.resolve()).as_posix()
    except ValueError:
        return folder.as_posix()


def story_title(title: str) -> str:
    """A page's title as its store key (see sitestore: stories are counted by title and lead)."""
    return hashlib.sha256(line_key(title).encode()).hexdigest()[:16]


def story_lead(body: Sequence[str], seen: Container[str]) -> str:
    """A page's lead as its store key: its longest body line the site has not printed before (a leaked chrome line has been)."""
    longest = max((key for key in body if key not in seen), key=len, default="")
    return hashlib.sha256(longest.encode()).hexdigest()[:16]


def of_page(keys: Iterable[str], counts: Mapping[str, int]) -> dict[str, int]:
    """The page's template lines: its keys that recur on MIN_PAGES stories or more."""
    return {key: n for key in keys if (n := counts.get(key, 0)) >= MIN_PAGES}


def sample(lines: Iterable[str], title: str, paragraphs: Iterable[str], template: Template) -> Sample:
    keys = page_keys(lines)
    return Sample(keys, story_title(title), tuple(map(line_key, paragraphs)), frozenset(k for k in keys if k in template))
