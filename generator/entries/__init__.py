"""Entries: the markdown files in `content/` and their loaded form."""

from generator.entries.model import Entry

__all__ = ["Entry"]
