"""Search: the Pagefind index `digest build` writes, driven in headless Chromium, kept right by incremental builds."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from generator.build import build
from generator.config import Config
from generator.output import Trees
from tests.conftest import entry_text, site_files
from tests.site.browser import chromium, chromium_paths, serve
from tests.site.conftest import require

ROOT_CONFIG = """\
site:
  title: Search Digest
  url: https://search.example.org/
  language: en
  timezone: UTC
"""

ENTRIES = {
    "gazette/ports.md": entry_text(
        "Ports reopen after the storm",
        "The harbour master said the quays were cleared overnight and ferries sail again.",
        source="'The Harbour Gazette'",
        tags="[shipping, weather]",
        date="2024-12-14",
    ),
    "gazette/teasers/lighthouse.md": entry_text(
        "Lighthouse keepers remember the winter of the long fog",
        "",
        kind="teaser",
        source="'The Harbour Gazette'",
        summary="'Three keepers tell of the foghorn that never stopped.'",
    ),
    "shinbun/minato.md": entry_text(
        "港の漁師たちが新しい市場を開く",
        "嵐の後、漁師たちは港に新しい魚市場を開きました。朝早くから多くの客が集まりました。",
        source="'港新聞'",
        lang="ja",
        tags="[経済]",
    ),
    "sahifa/souq.md": entry_text(
        "افتتاح سوق السمك الجديد في الميناء",
        "افتتح الصيادون سوقا جديدا للسمك في الميناء بعد العاصفة، وتوافد الزبائن منذ الصباح الباكر.",
        source="'صحيفة الميناء'",
        lang="ar",
    ),
}


@pytest.fixture
def search_site(make_digest: Callable[..., Config]) -> Config:
    config = make_digest(ENTRIES, config=ROOT_CONFIG)
    build(config)
    return config


@pytest.fixture
def browser() -> Iterator[object]:
    require(chromium_paths() is not None, "chromium and chromedriver")
    with chromium() as driver:
        driver.set_script_timeout(30)  # type: ignore[attr-defined]
        yield driver


FIND = """
const [query, done] = arguments;
const input = document.getElementById('search-q');
input.value = query;
input.dispatchEvent(new Event('input'));
const started = Date.now();
(function poll() {
  const status = document.getElementById('search-status').textContent;
  if (status || Date.now() - started > 20000) {
    done({status, results: [...document.querySelectorAll('#search-results li')].map(li => ({
      title: li.querySelector('h2 a').textContent, href: li.querySelector('h2 a').getAttribute('href'),
      meta: li.querySelector('.meta').textContent, marks: [...li.querySelectorAll('.excerpt mark')].map(m => m.textContent),
      excerpt: li.querySelector('.excerpt').textContent}))});
  } else setTimeout(poll, 50);
})();
"""


def find(driver: object, base: str, query: str) -> dict[str, Any]:
    driver.get(base + "search/")  # type: ignore[attr-defined]
    result: dict[str, Any] = driver.execute_async_script(FIND, query)  # type: ignore[attr-defined]
    return result


def titles(found: dict[str, Any]) -> list[str]:
    return sorted(r["title"] for r in found["results"])


def test_typing_a_query_shows_results_and_a_result_opens_the_article(search_site: Config, browser: object) -> None:
    with serve(search_site.output_dir) as base:
        found = find(browser, base, "ferries")
        assert found["status"] == "Results: 1."
        [hit] = found["results"]
        assert hit["title"] == "Ports reopen after the storm"
        assert hit["meta"] == "The Harbour Gazette14 December 2024"
        assert hit["marks"] == ["ferries"] and "quays were cleared" in hit["excerpt"]
        browser.find_element("css selector", "#search-results h2 a").click()  # type: ignore[attr-defined]
        assert browser.current_url == base + hit["href"].lstrip("/")  # type: ignore[attr-defined]
        assert browser.find_element("css selector", "h1").text == "Ports reopen after the storm"  # type: ignore[attr-defined]


def test_teasers_are_found_and_lead_to_their_anchor(search_site: Config, browser: object) -> None:
    with serve(search_site.output_dir) as base:
        [hit] = find(browser, base, "foghorn")["results"]
        assert hit["title"] == "Lighthouse keepers remember the winter of the long fog"
        assert hit["href"].startswith("/issues/2024-12-14/#t-")
        assert (search_site.output_dir / "issues/2024-12-14/index.html").read_text(encoding="utf-8").count(f'id="{hit["href"].split("#")[1]}"') == 1


def test_japanese_and_arabic_queries_find_their_entries(search_site: Config, browser: object) -> None:
    with serve(search_site.output_dir) as base:
        japanese = find(browser, base, "魚市場")
        assert titles(japanese) == ["港の漁師たちが新しい市場を開く"]
        assert japanese["results"][0]["meta"] == "港新聞"
        arabic = find(browser, base, "الصيادون")
        assert titles(arabic) == ["افتتاح سوق السمك الجديد في الميناء"]
        assert arabic["results"][0]["marks"] == ["الصيادون"]


def test_filters_list_each_source_tag_language_and_kind(search_site: Config) -> None:
    records = search_site.output_dir / "pagefind"
    entry = json.loads((records / "pagefind-entry.json").read_text(encoding="utf-8"))
    # the site's language and Japanese (segmented) have their own index; Arabic goes unstemmed into `und`
    assert sorted(entry["languages"]) == ["en", "ja", "und"]
    page = (search_site.output_dir / "search/index.html").read_text(encoding="utf-8")
    for name in ("source", "tag", "language", "kind"):
        assert f'<select id="search-{name}" name="{name}">' in page


def test_without_javascript_the_search_page_says_so_and_links_the_archive(search_site: Config) -> None:
    page = (search_site.output_dir / "search/index.html").read_text(encoding="utf-8")
    assert '<p id="search-nojs">Search needs JavaScript' in page and 'href="/archive/"' in page
    home = (search_site.output_dir / "index.html").read_text(encoding="utf-8")
    assert '<form class="site-search" role="search" aria-label="This site" action="/search/">' in home and "<script" not in home


def test_incremental_builds_keep_the_index_to_what_the_site_shows(search_site: Config, browser: object) -> None:
    content = search_site.content_dir
    ports = content / "gazette/ports.md"
    ports.write_text(ports.read_text(encoding="utf-8").replace("ferries", "catamarans"), encoding="utf-8")
    (content / "gazette/bridge.md").write_text(
        entry_text("Bridge repairs finish early", "Masons finished the arches of the old bridge.", source="'The Harbour Gazette'"), encoding="utf-8"
    )
    (content / "sahifa/souq.md").unlink()
    build(search_site)
    with serve(search_site.output_dir) as base:
        assert find(browser, base, "ferries")["results"] == []
        assert titles(find(browser, base, "catamarans")) == ["Ports reopen after the storm"]
        assert titles(find(browser, base, "masons")) == ["Bridge repairs finish early"]
        assert find(browser, base, "الصيادون")["results"] == []
    entry = json.loads((search_site.output_dir / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert sorted(entry["languages"]) == ["en", "ja"]


def test_two_cold_builds_write_the_same_index(make_digest: Callable[..., Config], tmp_path_factory: pytest.TempPathFactory) -> None:
    # Pagefind writes filter values in hash-map order; unsorted, the filter, metadata and entry files differed run to run.
    config = make_digest(ENTRIES, config=ROOT_CONFIG)
    first = tmp_path_factory.mktemp("first")
    build(config)
    index = {rel: data for rel, data in site_files(config.output_dir).items() if rel.startswith("pagefind/")}
    for run in range(2):
        (config.output_dir).rename(first / f"site{run}")
        Trees(config.output_dir).state.rename(first / f"state{run}")
        build(config)
        again = {rel: data for rel, data in site_files(config.output_dir).items() if rel.startswith("pagefind/")}
        assert again == index
    assert any(rel.startswith("pagefind/filter/") for rel in index)


def test_an_empty_site_builds_and_its_search_page_says_there_is_nothing_to_search(make_digest: Callable[..., Config]) -> None:
    # Pagefind refuses to index nothing: an empty digest crashed its build.
    config = make_digest({}, config=ROOT_CONFIG)
    build(config)
    page = (config.output_dir / "search/index.html").read_text(encoding="utf-8")
    assert "There is nothing to search yet: the digest has no stories." in page and "<script" not in page
    assert not (config.output_dir / "pagefind").exists()
