"""Every page kind of the example digest exists and holds what issue 4 asks of it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.build import build
from generator.config import Config
from tests.conftest import CONFIG, entry_text
from tests.linkcheck import broken_links
from tests.site.conftest import BASE, PER_PAGE, html_pages, page_kinds


class _Head(HTMLParser):
    """The bits of a page the tests look at: head tags, asset URLs, scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.assets: list[str] = []
        self.scripts = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("name" in a or "property" in a):
            self.meta[a.get("name") or a["property"]] = a.get("content", "")
        if tag == "link":
            self.links.append(a)
            if a.get("rel") in ("stylesheet", "icon", "preload"):
                self.assets.append(a["href"])
        if tag in ("img", "script", "iframe", "source", "video", "audio", "embed") and a.get("src"):
            self.assets.append(a["src"])
        self.scripts += tag == "script"
        self._in_title = tag == "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False


def head(page: Path) -> _Head:
    parser = _Head()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def text(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_the_checked_pages_cover_every_kind_the_site_emits(site_dir: Path) -> None:
    """axe, the 360 px check and Lighthouse visit page_kinds(): a new kind of page (its body class) must be added there."""
    body_kind = re.compile(r'<body class="(page-[^"]+)"')
    emitted = {m.group(1) for page in html_pages(site_dir) if (m := body_kind.search(page.read_text(encoding="utf-8")))}
    checked = {m.group(1) for page in page_kinds(site_dir).values() if (m := body_kind.search(page.read_text(encoding="utf-8")))}
    assert len(emitted) >= 10
    assert emitted - checked == set()


def test_every_page_kind_exists(site_dir: Path) -> None:
    missing = [kind for kind, path in page_kinds(site_dir).items() if not path.is_file()]
    assert missing == []
    counts = {
        "issues": len(list(site_dir.glob("issues/*/index.html"))),
        "articles": len(list(site_dir.glob("20*/*/*/*/index.html"))),
        "sources": len(list(site_dir.glob("sources/*/index.html"))),
        "tags": len(list(site_dir.glob("tags/*/index.html"))),
        "months": len(list(site_dir.glob("archive/*/*/index.html"))),
    }
    assert counts["issues"] >= 5 and counts["articles"] >= 8 and counts["sources"] >= 3 and counts["tags"] >= 5 and counts["months"] == 2, counts


def test_no_broken_internal_links(site_dir: Path) -> None:
    assert broken_links(site_dir, BASE) == []


def test_head_of_every_page(site_dir: Path) -> None:
    for page in html_pages(site_dir):
        h = head(page)
        assert h.title.strip(), page
        assert h.meta.get("description"), page
        for prop in ("og:title", "og:description", "og:type", "og:url", "og:site_name"):
            assert h.meta.get(prop), (page, prop)
        feeds = {link["href"] for link in h.links if link.get("rel") == "alternate"}
        assert {BASE + "feed.xml", BASE + "atom.xml", BASE + "feed.json"} <= feeds, page
        canonical = [link["href"] for link in h.links if link.get("rel") == "canonical"]
        if page.name == "404.html":
            assert canonical == [] and h.meta["robots"] == "noindex"
        else:
            rel = page.relative_to(site_dir).as_posix().removesuffix("index.html")
            assert canonical == [BASE + rel], page


def test_footer_names_each_site_feed_by_its_format(site_dir: Path) -> None:
    footer = (site_dir / "index.html").read_text(encoding="utf-8").split('<footer class="colophon">')[1]
    path = urlsplit(BASE).path
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', footer)
    assert links == [(path + "feed.xml", "RSS"), (path + "atom.xml", "Atom"), (path + "feed.json", "JSON Feed")]


def test_source_and_tag_pages_link_their_own_feeds(site_dir: Path) -> None:
    for folder in ("sources/the-harbour-gazette/", "tags/economy/"):
        for rel in (folder, folder + "page/2/"):
            links = {link["href"] for link in head(site_dir / rel / "index.html").links if link.get("rel") == "alternate"}
            assert {BASE + folder + name for name in ("feed.xml", "atom.xml", "feed.json")} <= links, rel


def test_no_javascript_and_no_third_party_assets(site_dir: Path) -> None:
    for page in html_pages(site_dir):
        h = head(page)
        assert h.scripts == (page == site_dir / "search/index.html"), page  # only search needs JavaScript
        for asset in h.assets:
            assert not urlsplit(asset).netloc and asset.startswith("/"), (page, asset)
    css = text(site_dir, "static/style.css")
    assert "url(" not in css and "@import" not in css and len(css) < 12_000


def test_home_leads_with_the_latest_issue_then_recent_issues(site_dir: Path) -> None:
    home = text(site_dir, "index.html")
    latest = home.index('datetime="2024-12-15"')
    assert latest < home.index("Council budget leaves the library hours untouched") < home.index("Recent issues")
    assert "min read" in home and "Growers are asking the regional fund" in home
    assert "Also in The Valley Courier" in home and "Repairs to the old stone bridge" in home
    assert home.index("Recent issues") < home.index('href="/issues/2024-12-14/"')


def test_article_page(site_dir: Path) -> None:
    page = text(site_dir, "2024/12/14/ports-reopen-after-the-storm/index.html")
    assert "<h1>Ports reopen after the storm</h1>" in page
    assert '<time datetime="2024-06-23">June 23, 2024</time>' in page
    assert "By Ana Ruiz" in page and 'href="/sources/the-harbour-gazette/"' in page
    assert 'href="/tags/economy/">economy</a>' in page and 'href="/tags/shipping/">shipping</a>' in page
    assert "Island ferry returns to its summer timetable" in page  # a teaser from the same page
    assert 'rel="prev"' in page and 'rel="next"' in page and 'href="/issues/2024-12-14/"' in page
    assert 'lang="' not in page.split("<main")[1].split('<footer class="story-foot"')[0]  # English, like the site


def test_article_in_another_language_is_marked(site_dir: Path) -> None:
    page = text(site_dir, "2024/12/14/nordlysturismen-slar-rekord-i-vinter/index.html")
    assert '<article class="story" lang="nb" dir="ltr">' in page
    assert '<html lang="en" dir="ltr">' in page
    # its labels are the site's, in English, and the language is named in itself
    assert '<p class="byline" lang="en" dir="ltr">' in page
    assert 'Language: <span lang="nb" dir="ltr">Norsk bokmål</span>' in page


def test_teasers_have_anchors_and_matched_ones_link_to_the_article(site_dir: Path) -> None:
    issue = text(site_dir, "issues/2024-12-14/index.html")
    assert 'id="t-7c1d2e3f4a5b6c7d"' in issue and 'id="t-9e3f4a5b6c7d8e9f"' in issue
    matched = re.search(r'<li id="t-9e3f4a5b6c7d8e9f">\s*<a class="headline" href="([^"]+)"', issue)
    assert matched and matched.group(1) == "/2024/12/15/council-budget-leaves-the-library-hours-untouched/"
    earlier = text(site_dir, "issues/2024-12-13/index.html")  # the teaser came before its article
    assert 'href="/2024/12/15/a-late-frost-halves-the-valleys-apple-harvest/"' in earlier


def test_pagination(site_dir: Path) -> None:
    first = text(site_dir, "sources/the-harbour-gazette/index.html")
    second = text(site_dir, "sources/the-harbour-gazette/page/2/index.html")
    assert first.count('<li class="item"') == PER_PAGE
    assert 'rel="next" href="/sources/the-harbour-gazette/page/2/"' in first and 'rel="prev"' not in first
    assert 'rel="prev" href="/sources/the-harbour-gazette/"' in second and "Page 2 of 3" in second
    assert not (site_dir / "sources/the-harbour-gazette/page/4").exists()
    assert not (site_dir / "sources/nordlys-ukeblad/page").exists()  # short lists are not split
    assert 'rel="next" href="/issues/page/2/"' in text(site_dir, "issues/index.html")


def test_archive_by_month(site_dir: Path) -> None:
    archive = text(site_dir, "archive/index.html")
    assert archive.index("December 2024") < archive.index("November 2024")
    november = text(site_dir, "archive/2024/11/index.html")
    assert "Fish market moves into the old customs house" in november and 'href="/issues/2024-11-29/"' in november


def test_sitemap_lists_every_indexable_page(site_dir: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = {loc.text for loc in ET.parse(site_dir / "sitemap.xml").getroot().findall("s:url/s:loc", ns)}
    pages = {BASE + p.relative_to(site_dir).as_posix().removesuffix("index.html") for p in html_pages(site_dir) if p.name != "404.html"}
    assert urls == pages


def test_robots_points_at_the_sitemap(site_dir: Path) -> None:
    robots = text(site_dir, "robots.txt")
    assert "User-agent: *" in robots and f"Sitemap: {BASE}sitemap.xml" in robots


def test_404_page_uses_site_absolute_links(site_dir: Path) -> None:
    page = text(site_dir, "404.html")
    assert "Page not found" in page
    hrefs = re.findall(r'href="([^"]+)"', page)
    assert hrefs and all(h.startswith(("/", "https://", "#")) for h in hrefs)  # works from any folder


def test_weekly_digest_headline_only_sources_and_entries_without_source(make_digest: Callable[..., Config]) -> None:
    config = make_digest(
        {
            "a.md": entry_text("A note without a source", tags="[notes]"),
            "t.md": entry_text("Only a headline", kind="teaser", source="Weekly Post", summary="A dek."),
            "b.md": entry_text("Second week", added="2024-12-20T08:00:00+00:00", source="Weekly Post", lang="de"),
        },
        config=CONFIG + "digest:\n  period: week\n  per_page: 1\n",
    )
    build(config)
    site = config.output_dir
    week = (site / "issues/2024-W50/index.html").read_text(encoding="utf-8")
    assert "Week of 9 December 2024" in week and 'id="t-' in week and "Other sources" in week
    assert (site / "issues/2024-W51/index.html").is_file() and (site / "issues/page/2/index.html").is_file()
    article = next(site.glob("2024/12/20/*/index.html")).read_text(encoding="utf-8")
    assert 'lang="de"' in article
    assert broken_links(site, "https://news.example.org/digest/") == []
    assert 'href="/digest/static/style.css"' in (site / "404.html").read_text(encoding="utf-8")


def test_split_sitemap_is_well_formed(make_digest: Callable[..., Config], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("generator.render.pages.SITEMAP_LIMIT", 4)
    config = make_digest({f"{n}.md": entry_text(f"Story {n}", source="Post") for n in range(5)})
    build(config)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = ET.parse(config.output_dir / "sitemap.xml").getroot()
    parts = [loc.text or "" for loc in index.findall("s:sitemap/s:loc", ns)]
    assert len(parts) >= 3 and parts[0] == "https://news.example.org/digest/sitemap-1.xml"
    urls = [loc.text for part in parts for loc in ET.parse(config.output_dir / part.rsplit("/", 1)[1]).getroot().findall("s:url/s:loc", ns)]
    assert len(urls) == len(set(urls)) == len([p for p in config.output_dir.rglob("*.html") if p.name != "404.html"])


class _LangWithoutDir(HTMLParser):
    """Start tags that carry lang but no dir (a right-to-left reader needs both on text in another language)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if "lang" in names and "dir" not in names:
            self.found.append(f"<{tag} {' '.join(f'{n}={v!r}' for n, v in attrs)}>")


def test_every_element_marked_with_a_language_carries_its_direction(language_sites: dict[str, Path]) -> None:
    missing = []
    for language, site in language_sites.items():
        for page in html_pages(site):
            parser = _LangWithoutDir()
            parser.feed(page.read_text(encoding="utf-8"))
            missing += [f"{language} {page.relative_to(site)}: {tag}" for tag in parser.found]
    assert missing == []
