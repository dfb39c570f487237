"""Explicit checks of what the feed specs require, element by element.

RSS 2.0: https://www.rssboard.org/rss-specification (channel title/link/description;
each item a title or a description). Atom: RFC 4287 sections 4.1.1-4.1.2 (feed
and entry id/title/updated, authors, alternate link or content). JSON Feed 1.1:
https://www.jsonfeed.org/version/1.1/ (version, title, items; item id and
content_html or content_text). No validator for these is published on PyPI
(the W3C feedvalidator is not; `jsonfeedvalidator` only knows JSON Feed 1.0
and rejects 1.1's `authors`/`language`), so the rules are spelled out here.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml import etree, html

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"


def is_absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def check_content_urls(fragment: str, where: object) -> None:
    """Every href/src inside an HTML fragment is absolute (or mailto)."""
    if not fragment.strip():
        return
    for element in html.fragment_fromstring(fragment, create_parent="div").iter():
        for attr in ("href", "src"):
            value = element.get(attr)
            if value is not None:
                assert is_absolute(value) or value.startswith("mailto:"), (where, attr, value)


def _one(parent: etree._Element, tag: str, where: object) -> etree._Element:
    found = parent.findall(tag)
    assert len(found) == 1, (where, tag, len(found))
    return found[0]


def check_rss(path: Path) -> list[etree._Element]:
    """RSS 2.0 required elements; returns the items."""
    root = etree.parse(str(path)).getroot()
    assert root.tag == "rss" and root.get("version") == "2.0", path
    channel = _one(root, "channel", path)
    for tag in ("title", "link", "description"):
        assert _one(channel, tag, path).text is not None, (path, tag)
    assert is_absolute(channel.findtext("link") or ""), path
    for tag in ("lastBuildDate", "pubDate"):
        if channel.find(tag) is not None:
            email.utils.parsedate_to_datetime(channel.findtext(tag))
    self_links = [link for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert len(self_links) == 1 and self_links[0].get("href", "").endswith("feed.xml"), path
    items = channel.findall("item")
    for item in items:
        where = (path, item.findtext("title"))
        assert item.findtext("title") or item.findtext("description"), where
        assert is_absolute(item.findtext("link") or ""), where
        guid = _one(item, "guid", where)
        assert guid.text and guid.get("isPermaLink") == "false", where
        assert email.utils.parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None, where
        if item.find(CONTENT_ENCODED) is not None:
            check_content_urls(item.findtext(CONTENT_ENCODED) or "", where)
    return items


def _rfc3339(text: str | None, where: object) -> dt.datetime:
    assert text, where
    value = dt.datetime.fromisoformat(text)
    assert value.tzinfo is not None, where
    return value


def check_atom(path: Path) -> list[etree._Element]:
    """RFC 4287 required elements; returns the entries."""
    root = etree.parse(str(path)).getroot()
    assert root.tag == f"{ATOM}feed", path
    assert is_absolute(_one(root, f"{ATOM}id", path).text or ""), path
    assert _one(root, f"{ATOM}title", path).text, path
    _rfc3339(_one(root, f"{ATOM}updated", path).text, path)
    links = root.findall(f"{ATOM}link")
    assert [link.get("href", "").endswith("atom.xml") for link in links if link.get("rel") == "self"] == [True], path
    assert len([link for link in links if link.get("rel", "alternate") == "alternate"]) == 1, path
    feed_has_author = root.find(f"{ATOM}author/{ATOM}name") is not None
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        where = (path, entry.findtext(f"{ATOM}title"))
        assert _one(entry, f"{ATOM}id", where).text, where
        assert _one(entry, f"{ATOM}title", where).text, where
        _rfc3339(_one(entry, f"{ATOM}updated", where).text, where)
        if entry.find(f"{ATOM}published") is not None:
            _rfc3339(entry.findtext(f"{ATOM}published"), where)
        assert feed_has_author or entry.find(f"{ATOM}author/{ATOM}name") is not None, where
        alternates = [link for link in entry.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]
        content = entry.find(f"{ATOM}content")
        assert alternates or content is not None, where  # 4.1.1.1
        assert all(is_absolute(link.get("href", "")) for link in alternates), where
        if content is not None:
            assert content.get("type") in ("text", "html", "xhtml"), where
            assert content.get("src") is None, where  # else a summary would be required
            if content.get("type") == "html":
                check_content_urls(content.text or "", where)
    return entries


def check_json_feed(path: Path) -> dict[str, Any]:
    """JSON Feed 1.1 required fields and types; returns the document."""
    feed = json.loads(path.read_bytes())
    assert feed["version"] == "https://jsonfeed.org/version/1.1", path
    assert isinstance(feed["title"], str) and feed["title"], path
    assert is_absolute(feed["home_page_url"]) and feed["feed_url"].endswith("feed.json"), path
    assert isinstance(feed["items"], list), path
    for author in feed.get("authors", []):
        assert isinstance(author, dict) and set(author) <= {"name", "url", "avatar"} and author, path
    for item in feed["items"]:
        where = (path, item.get("title"))
        assert isinstance(item["id"], str) and item["id"], where
        assert isinstance(item.get("content_html"), str) or isinstance(item.get("content_text"), str), where
        assert is_absolute(item["url"]), where
        for key in ("date_published", "date_modified"):
            if key in item:
                _rfc3339(item[key], where)
        for key in ("title", "summary", "language", "external_url"):
            assert isinstance(item.get(key, ""), str), (where, key)
        assert all(isinstance(t, str) for t in item.get("tags", [])), where
        check_content_urls(item.get("content_html", ""), where)
    return feed
