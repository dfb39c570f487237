"""Search: the Pagefind index `digest build` writes, driven in headless Chromium, kept right by incremental builds."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.build import build
from generator.config import Config, load_config
from generator.output import Trees
from generator.render import search as search_module
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
        added="2024-11-20T07:00:00+00:00",
        tags="[経済]",
    ),
    "sahifa/souq.md": entry_text(
        "افتتاح سوق السمك الجديد في الميناء",
        "افتتح الصيادون سوقا جديدا للسمك في الميناء بعد العاصفة، وتوافد الزبائن منذ الصباح الباكر.",
        source="'صحيفة الميناء'",
        lang="ar",
        added="2024-10-05T07:00:00+00:00",
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


def index_languages(site: Path) -> list[str]:
    """Every language index of every shard."""
    return sorted({lang for path in site.glob("pagefind/*/pagefind-entry.json") for lang in json.loads(path.read_bytes())["languages"]})


def test_filters_list_each_source_tag_language_and_kind(search_site: Config) -> None:
    # the site's language and Japanese (segmented) have their own index; Arabic goes unstemmed into `und`
    assert index_languages(search_site.output_dir) == ["en", "ja", "und"]
    page = (search_site.output_dir / "search/index.html").read_text(encoding="utf-8")
    for name in ("source", "tag", "language", "kind"):
        assert f'<select id="search-{name}" name="{name}">' in page


def test_without_javascript_the_search_page_says_so_and_links_the_archive(search_site: Config) -> None:
    page = (search_site.output_dir / "search/index.html").read_text(encoding="utf-8")
    assert '<p id="search-nojs">Search needs JavaScript' in page and 'href="/archive/"' in page
    home = (search_site.output_dir / "index.html").read_text(encoding="utf-8")
    assert '<form class="site-search" role="search" aria-label="This site" action="/search/">' in home and "<script" not in home


def test_the_index_has_one_shard_per_month_and_one_shared_script(search_site: Config) -> None:
    shards = sorted(path.name for path in (search_site.output_dir / "pagefind").iterdir() if path.is_dir())
    assert shards == ["2024-10.1", "2024-11.1", "2024-12.1"]
    assert sorted(path.name for path in (search_site.output_dir / "pagefind").iterdir() if path.is_file()) == ["pagefind.js"]
    page = (search_site.output_dir / "search/index.html").read_text(encoding="utf-8")
    assert 'data-shards="2024-12.1 2024-11.1 2024-10.1"' in page


def test_an_edit_indexes_its_own_month_again_and_no_other(search_site: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    indexed: list[list[str]] = []
    real = search_module.index_bundles
    monkeypatch.setattr(
        search_module,
        "index_bundles",
        lambda indexes, lanes=1, services=None: indexed.append([url for records in indexes for url, _ in records]) or real(indexes, lanes, services),
    )
    before = {rel: data for rel, data in site_files(search_site.output_dir).items() if rel.startswith("pagefind/2024-1")}
    ports = search_site.content_dir / "gazette/ports.md"
    ports.write_text(ports.read_text(encoding="utf-8").replace("ferries", "catamarans"), encoding="utf-8")
    build(search_site)
    assert len(indexed) == 1 and len(indexed[0]) == 2  # the two entries of December, one service
    after = site_files(search_site.output_dir)
    assert {rel: data for rel, data in after.items() if rel.startswith(("pagefind/2024-10.1/", "pagefind/2024-11.1/"))} == {
        rel: data for rel, data in before.items() if rel.startswith(("pagefind/2024-10.1/", "pagefind/2024-11.1/"))
    }
    assert any(rel.startswith("pagefind/2024-12.1/") and rel not in before for rel in after)


def test_incremental_builds_keep_the_index_to_what_the_site_shows(
    search_site: Config, browser: object, make_digest: Callable[..., Config], tmp_path_factory: pytest.TempPathFactory
) -> None:
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
        assert titles(find(browser, base, "魚市場")) == ["港の漁師たちが新しい市場を開く"]  # another month's shard, unchanged
    assert index_languages(search_site.output_dir) == ["en", "ja"]
    cold = tmp_path_factory.mktemp("cold")
    shutil.copytree(content, cold / "content")
    shutil.copy(search_site.path, cold / "config.yaml")
    cold_config = load_config(cold / "config.yaml")
    build(cold_config)
    assert site_files(cold_config.output_dir) == site_files(search_site.output_dir)  # the incremental index is the cold one


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
    assert any(rel.startswith("pagefind/2024-12.1/filter/") for rel in index)


def test_an_empty_site_builds_and_its_search_page_says_there_is_nothing_to_search(make_digest: Callable[..., Config]) -> None:
    # Pagefind refuses to index nothing: an empty digest crashed its build.
    config = make_digest({}, config=ROOT_CONFIG)
    build(config)
    page = (config.output_dir / "search/index.html").read_text(encoding="utf-8")
    assert "There is nothing to search yet: the digest has no stories." in page and "<script" not in page
    assert not (config.output_dir / "pagefind").exists()


def test_a_month_of_many_entries_is_split_into_shards_searched_together(
    make_digest: Callable[..., Config], browser: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "SHARD_SIZE", 1)  # December's three entries: three shards, each entry in the one its id's hash picks
    bridge = entry_text("Bridge repairs finish early", "Masons finished the arches of the old bridge.", source="'The Harbour Gazette'")
    config = make_digest({**ENTRIES, "gazette/bridge.md": bridge}, config=ROOT_CONFIG)
    build(config)
    names = sorted(path.name for path in (config.output_dir / "pagefind").iterdir() if path.is_dir())
    assert names[:2] == ["2024-10.1", "2024-11.1"] and len(names) > 3 and set(names[2:]) <= {"2024-12.1", "2024-12.2", "2024-12.3"}
    with serve(config.output_dir) as base:
        assert titles(find(browser, base, "ferries")) == ["Ports reopen after the storm"]
        assert titles(find(browser, base, "foghorn")) == ["Lighthouse keepers remember the winter of the long fog"]
        assert titles(find(browser, base, "魚市場")) == ["港の漁師たちが新しい市場を開く"]
        assert titles(find(browser, base, "masons")) == ["Bridge repairs finish early"]


def test_search_switched_off_leaves_no_index_page_or_box_and_switched_on_again_equals_a_cold_build(
    search_site: Config, tmp_path_factory: pytest.TempPathFactory
) -> None:
    out = search_site.output_dir
    on = site_files(out)
    search_site.path.write_text(ROOT_CONFIG.replace("site:\n", "site:\n  search: false\n"), encoding="utf-8")
    build(load_config(search_site.path))
    off = site_files(out)
    assert "static/search.js" in on and not any(rel.startswith(("pagefind/", "search/")) or rel == "static/search.js" for rel in off)
    pages = {rel: data.decode() for rel, data in off.items() if rel.endswith(".html")}
    assert pages and not any('class="site-search"' in html or "/search/" in html for html in pages.values())
    assert b"/search/" in on["sitemap.xml"] and b"/search/" not in off["sitemap.xml"]
    assert set(off) == {rel for rel in on if not rel.startswith(("pagefind/", "search/")) and rel != "static/search.js"}  # nothing else goes
    search_site.path.write_text(ROOT_CONFIG, encoding="utf-8")
    build(load_config(search_site.path))
    assert site_files(out) == on  # back on: the index and every page as the first cold build wrote them


@pytest.mark.timeout(60)
@pytest.mark.parametrize("stage", ["planning", "rendering"])
def test_an_error_while_pagefind_indexes_kills_its_service_and_is_raised(search_site: Config, monkeypatch: pytest.MonkeyPatch, stage: str) -> None:
    """Pagefind indexes the changed shard while the pages are planned and (an edit's few, here) rendered."""
    from generator.render import engine, pagefind, pages

    indexing, stopped = threading.Event(), threading.Event()
    killed: list[subprocess.Popen[bytes]] = []
    real_bundle, real_stop = pagefind._Session.bundle, pagefind.Services.stop

    def bundle(self: Any, records: Any) -> Any:
        indexing.set()
        stopped.wait(30)  # the service is killed while it holds an index
        return real_bundle(self, records)

    def stop(self: pagefind.Services) -> None:
        killed.extend(self.processes)
        real_stop(self)
        stopped.set()

    def fail(*args: Any) -> Any:
        assert indexing.wait(30), f"Pagefind did not start before the {stage}"
        raise RuntimeError(f"{stage} failed")

    monkeypatch.setattr(pagefind._Session, "bundle", bundle)
    monkeypatch.setattr(pagefind.Services, "stop", stop)
    if stage == "planning":
        monkeypatch.setattr(pages, "plan_pages", fail)
    else:
        monkeypatch.setattr(engine.Renderer, "render", fail)
    ports = search_site.content_dir / "gazette/ports.md"
    ports.write_text(ports.read_text(encoding="utf-8").replace("ferries", "catamarans"), encoding="utf-8")
    with pytest.raises(RuntimeError, match=f"{stage} failed"):
        build(search_site)
    assert len(killed) == 1 and killed[0].wait(timeout=10) == -signal.SIGKILL
    assert not [thread for thread in threading.enumerate() if thread.name.startswith(("search", "pagefind"))]
