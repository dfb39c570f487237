"""Scraped text must never run in a reader's browser or break a feed.

Every front matter field and the body carry markup, script links and control
characters; every page and feed the build writes is then parsed and checked
for live markup: no element or attribute that did not come from the theme,
no link with a script-capable scheme, no XML-illegal character.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from generator.build import build
from generator.config import Config

MARKUP = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'><svg onload=alert(3)>"
SCRIPT_SCHEMES = ("javascript:", "data:", "vbscript:")
# Scheme tricks a browser still treats as script: case, entities, whitespace and controls inside the scheme.
LINKS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript&colon;alert(1)",
    "java&#x09;script:alert(1)",
    "java%0ascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
]
# Bidi embeddings, overrides and isolates: "gnp.exe" shown as "exe.png".
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
BODY = "\n\n".join(
    [
        'Raw <script>alert(\'body\')</script> and <iframe src="https://evil.example/"></iframe> and <a href="javascript:alert(1)">x</a>.',
        *(f"[link {i}]({link}) ![img {i}]({link})" for i, link in enumerate(LINKS)),
        "<javascript:alert(1)> <vbscript:msgbox(1)> [ref][r]",
        "[r]: javascript:alert(1)",
        "Controls \x01\x02\x0b\x0c\x1b\x7f\x85 and non-characters \ufffe\uffff end.",
        f"Spoofed [invoice\u202egnp.exe](https://example.org/invoice\u202egnp.exe) {BIDI} end.",
    ]
)
# XML 1.0 forbids these; HTML validators flag them. Tab, LF and CR are fine. And no bidi controls.
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")


def _yaml(value: str) -> str:
    """A YAML double-quoted scalar that can carry any character."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').encode("unicode_escape").decode("ascii").replace("\\\\", "\\") + '"'


def _entry(kind: str, field_value: str, body: str, **extra: str) -> str:
    fields = {
        "title": field_value + " title",
        "kind": kind,
        "added": "2024-12-14T08:30:00+00:00",
        "date": "2024-12-13",
        "source": field_value + " source",
        "edition": field_value + " edition",
        "summary": field_value + " summary",
        "lang": "fr",
        "mood": field_value + " extra field",
    }
    lines = [f"{k}: {v if k in ('added', 'date', 'lang', 'kind') else _yaml(v)}" for k, v in fields.items()]
    lines += [f"authors: [{_yaml(field_value + ' author')}]", f"tags: [{_yaml(field_value + ' tag')}, plain]"]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    lines.append(f"origin: {{file: {_yaml(field_value + '.txt')}, platform: {_yaml(field_value)}}}")
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


class _Markup(HTMLParser):
    """Collects every element and attribute as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def _script_capable(url: str) -> bool:
    """What a browser would do with the attribute: strip controls and whitespace, lowercase the scheme."""
    squashed = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(url)).lower()
    return squashed.startswith(SCRIPT_SCHEMES)


def live_markup_problems(text: str, where: str) -> list[str]:
    parser = _Markup()
    parser.feed(text)
    problems = []
    for tag, attrs in parser.tags:
        if tag in ("iframe", "img", "svg", "object", "embed") and any(v and ("evil" in v or v == "x") for _k, v in attrs):
            problems.append(f"{where}: injected <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                problems.append(f"{where}: event handler {name}= on <{tag}>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "poster") and value and _script_capable(value):
                problems.append(f"{where}: script link {name}={value!r} on <{tag}>")
    problems += [f"{where}: script with {s!r}" for s in parser.scripts if "alert" in s or "msgbox" in s]
    return problems


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import CONFIG  # the shared test config

    root = tmp_path_factory.mktemp("hostile")
    # The config's own text carries controls and bidi overrides too (YAML escapes).
    config_text = CONFIG.replace("title: Test Digest", 'title: "Test\\x01\\x0b\\u202e Digest"')
    config_text = config_text.replace("description: A digest used by the tests.", 'description: "A \\u2066digest\\u2069 \\x1b[31mused"')
    config_text += '  author: "Ed\\u202d\\x07itor"\n'
    (root / "config.yaml").write_text(config_text, encoding="utf-8")
    content = root / "content"
    content.mkdir()
    controls = "Ctl\x01\x02\x0b\x0c\x1b\x7f\x85\ufffe" + BIDI
    (content / "markup.md").write_text(_entry("article", MARKUP, BODY, id="markup1", url="\"https://example.org/a?b=1&c='2'\""), encoding="utf-8")
    (content / "controls.md").write_text(_entry("article", controls, BODY, id="controls1"), encoding="utf-8")
    (content / "teaser.md").write_text(_entry("teaser", MARKUP, "", id="teaser1"), encoding="utf-8")
    (content / "teaser2.md").write_text(_entry("teaser", controls, "", id="teaser2").replace("mood:", "from: markup1\nmood:"), encoding="utf-8")
    from generator.config import load_config

    config = load_config(root / "config.yaml")
    build(config)
    return config.output_dir


def test_the_hostile_entries_were_published(hostile_site: Path) -> None:
    pages = "".join(p.read_text(encoding="utf-8") for p in hostile_site.rglob("*.html"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages  # shown as text
    assert "Ctl title" in pages  # controls dropped, text kept
    assert "<title>Test Digest</title>" in pages and "Spoofed" in pages  # config text too


def _feed_html(path: Path) -> list[tuple[str, str]]:
    """(where, HTML) for every field a feed reader renders as HTML, decoded as the reader decodes it."""
    if path.suffix == ".json":
        items = json.loads(path.read_text(encoding="utf-8")).get("items", [])
        return [(f"{path.name} {item.get('id')}", item["content_html"]) for item in items if "content_html" in item]
    parsed = feedparser.parse(path.read_bytes(), sanitize_html=False, resolve_relative_uris=False)  # see what we wrote, not a cleaned copy
    fragments = []
    for item in parsed.entries:
        details = [item.get("title_detail"), item.get("summary_detail"), *item.get("content", [])]
        fragments += [(f"{path.name} {item.get('id')}", d["value"]) for d in details if d and d.get("type") in ("text/html", "application/xhtml+xml")]
    return fragments


def test_no_page_carries_live_markup_or_script_links(hostile_site: Path) -> None:
    problems: list[str] = []
    for path in sorted(hostile_site.rglob("*.html")):
        problems += live_markup_problems(path.read_text(encoding="utf-8"), str(path.relative_to(hostile_site)))
    assert problems == []


def test_no_feed_item_carries_live_markup_or_script_links(hostile_site: Path) -> None:
    feeds = [p for p in hostile_site.rglob("*") if p.suffix in (".xml", ".json") and p.name != "sitemap.xml" and "sitemap" not in p.name]
    fragments = [f for path in feeds for f in _feed_html(path)]
    assert len(fragments) >= 4  # the article bodies are in the feeds as HTML
    problems = [p for where, fragment in fragments for p in live_markup_problems(fragment, where)]
    assert problems == []


def test_no_xml_illegal_character_reaches_any_output(hostile_site: Path) -> None:
    bad = {}
    for path in hostile_site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt"):
            found = ILLEGAL.findall(path.read_text(encoding="utf-8"))
            if found:
                bad[str(path.relative_to(hostile_site))] = sorted(set(found))
    assert bad == {}


def test_feeds_stay_well_formed(hostile_site: Path) -> None:
    feeds = [p for p in hostile_site.rglob("*.xml") if "<rss" in (text := p.read_text(encoding="utf-8")) or "<feed" in text]
    assert len(feeds) >= 2
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))


def test_every_template_autoescapes(make_digest: Callable[..., Config]) -> None:
    """A site's own template override is autoescaped too, whatever its extension."""
    config = make_digest({"x.md": _entry("article", MARKUP, "Body.", id="x1")})
    config.templates_dir.mkdir()
    (config.templates_dir / "article.html").write_text("{{ entry.title }}|{{ entry.extra.mood }}|{{ entry.origin.platform }}", encoding="utf-8")
    build(config)
    (page,) = [p for p in config.output_dir.rglob("index.html") if p.read_text(encoding="utf-8").count("|") == 2]
    text = page.read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert live_markup_problems(text, "override") == []
