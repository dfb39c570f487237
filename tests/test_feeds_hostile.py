"""Feeds stay well-formed whatever text reaches them, even text that skipped load-time cleaning."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from generator.config import Config
from generator.entries.model import Entry
from generator.render.feeds import plan_feeds, render_feeds
from generator.structure.site import build_site
from tests.conftest import CONFIG

# Every code point but surrogates (which cannot be encoded at all), control characters included.
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
WHEN = dt.datetime(2024, 12, 14, 8, 30, tzinfo=dt.UTC)


def raw_entry(title: str, body: str, summary: str, word: str, entry_id: str) -> Entry:
    """An entry built directly, bypassing the loader's cleaning."""
    return Entry(
        id=entry_id,
        title=title or "t",
        slug="s",
        kind="article",
        when=WHEN,
        date=None,
        added=WHEN,
        body=body,
        path="x.md",
        source=word or None,
        summary=summary or None,
        authors=(word,) if word else (),
        tags=(word,) if word else (),
        url=None,
        lang=word or None,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=ANY_TEXT, body=ANY_TEXT, summary=ANY_TEXT, word=ANY_TEXT, entry_id=ANY_TEXT.filter(bool), site_title=ANY_TEXT)
def test_any_text_gives_well_formed_feeds(make_digest, title: str, body: str, summary: str, word: str, entry_id: str, site_title: str) -> None:  # type: ignore[no-untyped-def]
    base: Config = make_digest({}, CONFIG)
    config = dataclasses.replace(base, site=msgspec.structs.replace(base.site, title=site_title or "x", description=word, author=word))
    site = build_site([raw_entry(title, body, summary, word, entry_id)], config.tz, "day")
    planned = list(plan_feeds(site, config))
    assert len(planned[0][1]) == 1  # the site's main feed carries the one article
    for spec, entries in planned:
        files = render_feeds(spec, entries, site, config, {})
        for path, data in files.items():
            if path.endswith(".json"):
                document = json.loads(data)
                assert len(document["items"]) == len(entries)
            else:
                root = etree.fromstring(data)  # raises on anything not well-formed
                assert len(root.findall(".//item") or root.findall("{http://www.w3.org/2005/Atom}entry")) == len(entries)
