"""`digest fetch --wanted`: the links of wanted teasers, as page sources.

The collection is loaded as a build loads it; every published teaser that no
article answers (see generator.structure.wanted) and that carries a link
becomes a `page:` source named after the teaser's source, so the article is
filed under the publication that announced it and fetched, cleaned and
written exactly as a configured page is.
"""

from __future__ import annotations

from generator.config import Config
from generator.entries.load import load_entries
from generator.ingest.sources import Source
from generator.structure.matching import match_teasers
from generator.structure.wanted import wanted_links, wanted_teasers


def wanted_sources(config: Config) -> list[Source]:
    """One page source per wanted link, newest teaser first (entries that cannot be read are left to `digest check`)."""
    loaded = load_entries(config.content_dir, config.tz, config.build.max_entry_bytes, workers=1)
    published = [e for e in loaded.entries if not e.draft]
    wanted = wanted_teasers(published, match_teasers(published))
    return [Source(teaser.url, "page", teaser.source, by_url=True) for teaser in wanted_links(wanted) if teaser.url]
