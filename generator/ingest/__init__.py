"""`digest ingest`: turn raw scraped story pages into article and teaser entries.

The pipeline is pure until `write`: decode bytes → label lines → build the
article and its teasers → give them stable ids. Each step is its own module.
"""
