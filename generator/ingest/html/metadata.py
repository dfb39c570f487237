"""What a page says about itself: JSON-LD, Open Graph and article meta tags, the h1 and <html lang>.

Only stated facts: a field the page does not state stays None (the date
alone also asks htmldate, which reads the page's date markup). Pure.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import htmldate
import lxml.html

from generator.ingest.html.fragment import safe_url

_ARTICLE_TYPES = re.compile(r"(?:\w*Article|BlogPosting|Report|WebPage)")
_ISO_DAY = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")  # the day as the page states it, in its own zone
_LANG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ")
MAX_SITE_WORDS = 5  # a " | suffix" this short after the last bar is a site name


@dataclass(frozen=True, slots=True)
class PageInfo:
    title: str | None = None
    source: str | None = None
    date: dt.date | None = None
    authors: tuple[str, ...] = ()
    lang: str | None = None
    url: str | None = None  # canonical, absolute http(s)
    image: str | None = None  # lead image, absolute http(s)
    summary: str | None = None
    headlines: frozenset[str] = frozenset()  # every headline the page states (case-folded): printed again above the text, it is no prose


def read_metadata(tree: lxml.html.HtmlElement, fetched: str | None = None) -> PageInfo:
    """`fetched`: the URL the page was fetched from, if it was; the base for relative URLs and the fallback `url`."""
    meta = _meta_tags(tree)
    ld = _ld_article(tree)
    url = _first_url(fetched, _canonical(tree), meta.get("og:url"), _ld_text(ld.get("url")), fetched)
    source = _clean(_ld_name(ld.get("publisher")) or meta.get("og:site_name"))
    stated = [_clean(t) for t in (_ld_text(ld.get("headline")), meta.get("og:title"), meta.get("twitter:title"), _h1(tree))]
    titles = [_without_site(t, source) for t in stated if t]
    window = _clean(_title_tag(tree))  # the <title> is no headline source (it may carry anything), but it repeats one
    return PageInfo(
        title=titles[0] if titles else None,
        source=source,
        date=_date(ld, meta, tree),
        authors=_authors(ld, meta),
        lang=_lang(tree, ld, meta),
        url=url,
        image=_first_url(url, _ld_image(ld.get("image")), meta.get("og:image"), meta.get("twitter:image")),
        summary=_clean(_ld_text(ld.get("description")) or meta.get("og:description") or meta.get("description")),
        headlines=frozenset(t.casefold() for t in (*titles, *([_without_site(window, source)] if window else []))),
    )


def _meta_tags(tree: lxml.html.HtmlElement) -> dict[str, str]:
    """`property`/`name` → content of the page's <meta> tags (first wins), keys lowercased."""
    found: dict[str, str] = {}
    for el in tree.iter("meta"):
        content = el.get("content")
        key = el.get("property") or el.get("name") or el.get("http-equiv")
        if content and key and content.strip():
            found.setdefault(key.strip().lower(), content.strip())
    return found


def _ld_article(tree: lxml.html.HtmlElement) -> dict[str, Any]:
    """The page's JSON-LD object for the article itself (articles before other pages)."""
    candidates = [obj for script in tree.xpath('//script[@type="application/ld+json"]') for obj in _ld_objects(script.text_content())]
    typed = [(obj, " ".join(_types(obj))) for obj in candidates]
    for want in ("Article", "BlogPosting", "Report", "WebPage"):
        found = next((obj for obj, types in typed if want in types), None)
        if found is not None:
            return found
    return {}


def _ld_objects(text: str) -> Iterator[dict[str, Any]]:
    try:
        data = json.loads(text, strict=False)
    except ValueError:
        return
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack[:0] = item
        elif isinstance(item, dict):
            yield item
            if isinstance(item.get("@graph"), list):
                stack[:0] = item["@graph"]


def _types(obj: dict[str, Any]) -> list[str]:
    value = obj.get("@type")
    names = value if isinstance(value, list) else [value]
    return [n for n in names if isinstance(n, str) and _ARTICLE_TYPES.fullmatch(n)]


def _ld_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    return value.strip() or None if isinstance(value, str) else None


def _ld_name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return value if isinstance(value, str) else None


def _ld_image(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return value if isinstance(value, str) else None


def _canonical(tree: lxml.html.HtmlElement) -> str | None:
    for el in tree.iter("link"):
        if "canonical" in (el.get("rel") or "").lower().split():
            return el.get("href")
    return None


def _first_url(base: str | None, *candidates: str | None) -> str | None:
    return next((url for c in candidates if c and (url := safe_url(c, base)) and not url.startswith("mailto:")), None)


def _h1(tree: lxml.html.HtmlElement) -> str | None:
    h1 = next(tree.iter("h1"), None)
    return h1.text_content() if h1 is not None else None


def _title_tag(tree: lxml.html.HtmlElement) -> str | None:
    title = tree.find(".//title")
    return title.text_content() if title is not None else None


def _clean(text: str | None) -> str | None:
    return " ".join(text.split()) or None if text else None


def _without_site(title: str, source: str | None) -> str:
    """The headline without a " | Site name" part before or after it."""
    for sep in _SEPARATORS:
        head, found, tail = title.rpartition(sep)
        if found and head and (_same(tail, source) or (sep == " | " and len(tail.split()) <= MAX_SITE_WORDS)):
            return _without_site(head.strip(), source)
        tail_first, found, rest = title.partition(sep)
        if found and rest and _same(tail_first, source):
            return rest.strip()
    return title


def _same(part: str, source: str | None) -> bool:
    return source is not None and part.strip().casefold() == source.casefold()


def _date(ld: dict[str, Any], meta: dict[str, str], tree: lxml.html.HtmlElement) -> dt.date | None:
    for stated in (_ld_text(ld.get("datePublished")), meta.get("article:published_time"), meta.get("og:published_time")):
        if stated and (day := _iso_day(stated)) is not None:
            return day
    found = htmldate.find_date(tree, original_date=True, extensive_search=False, outputformat="%Y-%m-%d")
    return dt.date.fromisoformat(found) if found else None


def _iso_day(text: str) -> dt.date | None:
    m = _ISO_DAY.match(text)
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])) if m else None
    except ValueError:
        return None


def _authors(ld: dict[str, Any], meta: dict[str, str]) -> tuple[str, ...]:
    value = ld.get("author")
    items = value if isinstance(value, list) else [value]
    names = [_ld_name(item) for item in items if item]
    if not any(names):
        names = [meta.get("author"), meta.get("article:author")]
    clean = (_clean(n) for n in names if n)
    return tuple(dict.fromkeys(n for n in clean if n and not _looks_like_url(n)))


def _looks_like_url(text: str) -> bool:
    return "://" in text or text.startswith("www.")


def _lang(tree: lxml.html.HtmlElement, ld: dict[str, Any], meta: dict[str, str]) -> str | None:
    for stated in (tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang"), _ld_text(ld.get("inLanguage")), meta.get("content-language")):
        if stated and _LANG.fullmatch(tag := stated.strip().replace("_", "-")):
            primary, _, rest = tag.partition("-")
            return primary.lower() + (f"-{rest}" if rest else "")
    return None
