"""Feeds (RSS 0.9x/1.0/2.0, Atom, JSON Feed) → one entry per item.

`sniff` tells a feed from a page, `items` reads a feed's bytes into neutral
`Item`s (feedparser for XML, `jsonfeed` for JSON Feed) and `drafts` turns
those into entries. All pure.
"""
