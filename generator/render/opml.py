"""`feeds.opml`: every feed of the site (the whole site, each source, each tag) as one OPML 2.0
subscription list, so a reader can subscribe to all of them at once.

Deterministic like the feeds: no creation date, the feeds in the order they are planned.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from generator.config import Config
from generator.entries.text import clean
from generator.render.feedmodel import RSS_FILE, FeedSpec

OPML_FILE = "feeds.opml"
GROUPS = (("sources/", "Sources"), ("tags/", "Tags"))


def render_opml(specs: Sequence[FeedSpec], config: Config) -> bytes:
    """The OPML file for these feeds (the site's own feed is the one in the root folder)."""
    base = config.base_url
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = clean(f"{config.site.title} — feeds")
    if config.site.author:
        ET.SubElement(head, "ownerName").text = clean(config.site.author)
    body = ET.SubElement(root, "body")
    groups = {prefix: ET.Element("outline", text=label, title=label) for prefix, label in GROUPS}
    for spec in specs:
        parent = next((groups[prefix] for prefix, _ in GROUPS if spec.folder.startswith(prefix)), body)
        ET.SubElement(parent, "outline", _attributes(spec, base))
    body.extend(group for group in groups.values() if len(group))
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + data + b"\n"


def _attributes(spec: FeedSpec, base: str) -> dict[str, str]:
    title = clean(spec.title) or base
    attrs = {"type": "rss", "text": title, "title": title, "xmlUrl": base + spec.folder + RSS_FILE, "htmlUrl": base + spec.page_url}
    if spec.description:
        attrs["description"] = clean(spec.description)
    return attrs
