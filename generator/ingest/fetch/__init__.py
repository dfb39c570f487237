"""Fetching documents over HTTP: the client (`client`), robots.txt (`robots`),
per-host politeness (`polite`), charsets (`charset`) and the conditional-GET
cache (`cache`). Only `client` and `cache` do I/O."""
