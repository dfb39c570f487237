"""newsdigest: turn scraped news pages into a static digest site and its feeds."""

__version__ = "0.1.0"
