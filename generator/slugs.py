"""Slugs for URLs and file names, cut to a length between whole words."""

from __future__ import annotations

from collections.abc import Sequence

from slugify import slugify


def bounded_slug(text: str, max_length: int, replacements: Sequence[Sequence[str]] = ()) -> str:
    """`text` slugified, cut after the last whole word within `max_length`.

    python-slugify's own `word_boundary` cut skips a word that does not fit
    and goes on with later, shorter ones, so words vanish from the middle.
    Only a first word longer than `max_length` is cut inside.
    """
    full = slugify(text, replacements=replacements)
    if len(full) <= max_length:
        return full
    cut = full.rfind("-", 0, max_length + 1)
    return full[:cut] if cut > 0 else full[:max_length].rstrip("-")
