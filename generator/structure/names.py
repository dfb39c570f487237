"""Sources and tags: one page per name, at a URL made from the name alone.

A name's slug is a pure function of the name, so a source or tag page never
moves when other entries come or go. Names that differ only in case are one
name; `+` and `#` after a letter are spelt out (`C`, `C++` and `C#` are
`c`, `c-plus-plus` and `c-sharp`). Names that still slugify alike share one
page, with a warning. A name with nothing to slugify (`..`, an emoji) gets
`_` and a hash of the name, which no slug of words can ever be.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from slugify import slugify

from generator.entries.model import Entry
from generator.problems import Problem
from generator.slugs import bounded_slug

SLUG_MAX = 80  # a path segment well inside every file system's name limit
_SPELT_OUT = [(re.compile(r"(?<=[\w+])\+"), " plus "), (re.compile(r"(?<=\w)#"), " sharp ")]


@functools.lru_cache(maxsize=65536)  # every listing asks for the same few
def name_slug(name: str) -> str:
    """URL slug of a source or tag name: stable, and the same for names that differ only in case."""
    text = name.casefold()
    for pattern, words in _SPELT_OUT:
        text = pattern.sub(words, text)
    slug = slugify(text)
    if slug and len(slug) <= SLUG_MAX:
        return slug
    digest = hashlib.sha256(name.casefold().encode("utf-8", "surrogatepass")).hexdigest()[:8]
    if not slug:
        return f"_{digest}"
    return f"{bounded_slug(text, SLUG_MAX - 9)}-{digest}"  # long names: cut after a whole word, then told apart


@dataclass(frozen=True, slots=True)
class Collection:
    """Entries sharing a source or a tag (one slug), newest first, each once, with the name to show."""

    name: str
    slug: str
    entries: tuple[Entry, ...]

    @property
    def ref(self) -> CollectionRef:
        return CollectionRef(self.name, self.slug, len(self.entries))


@dataclass(frozen=True, slots=True)
class CollectionRef:
    """A source or tag as its pages name it, without its entries.

    A page that held the whole collection would show, to the incremental
    build, every one of its entries: each edit would render every page of
    the source and of each of its tags again.
    """

    name: str
    slug: str
    count: int  # entries


def group_by_name(entries: Iterable[Entry], names: Callable[[Entry], Iterable[str]], kind: str) -> tuple[list[Collection], list[Problem]]:
    """Entries under each slug their names give (an entry at most once per slug), and a warning per shared page.

    The name shown is the spelling most entries use (ties: the first in sorted order).
    """
    members: dict[str, dict[str, Entry]] = defaultdict(dict)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    first_path: dict[tuple[str, str], str] = {}
    for entry in entries:
        for name in names(entry):
            slug = name_slug(name)
            members[slug].setdefault(entry.id, entry)
            spellings[slug][name] += 1
            first_path.setdefault((slug, name.casefold()), entry.path)
    groups, warnings = [], []
    for slug, counts in spellings.items():
        label = min(counts, key=lambda n: (-counts[n], n.casefold(), n))
        groups.append(Collection(label, slug, tuple(members[slug].values())))
        others = sorted({n.casefold(): n for n in counts if n.casefold() != label.casefold()}.values(), key=str.casefold)
        for other in others:
            warnings.append(
                Problem(
                    Path(first_path[slug, other.casefold()]),
                    f"{kind} {other!r} and {label!r} share the page /{kind}s/{slug}/",
                    warning=True,
                    hint="use one spelling for both",
                )
            )
    groups.sort(key=lambda g: (g.name.casefold(), g.slug))
    return groups, warnings
