"""axe-core finds no violations on any page kind, in the light and the dark
theme, at 360 and 1280 px; pages are readable at 360 px without sideways scrolling.

One Chromium session (selenium + Debian's chromedriver) visits every page
over loopback; axe-core comes from the npm registry (tests/tools).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.site.browser import AXE, chromium, chromium_paths, emulate, serve
from tests.site.conftest import LANGUAGES, page_kinds, require

VIEWS = ((1280, False), (1280, True), (360, False), (360, True))
RUN_AXE = "const done = arguments[arguments.length - 1]; axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)), e => done(JSON.stringify([{id: 'axe-error', help: String(e), nodes: []}])));"


@pytest.fixture(scope="module")
def browser(site_dir: Path) -> Iterator[tuple[object, str]]:
    require(chromium_paths() is not None and AXE.is_file(), "chromium, chromedriver and axe-core (tests/tools)")
    with serve(site_dir) as base, chromium() as driver:
        driver.set_script_timeout(60)  # type: ignore[attr-defined]
        yield driver, base


def violations(driver: object, url: str, width: int, dark: bool) -> list[str]:
    emulate(driver, width, dark)
    driver.get(url)  # type: ignore[attr-defined]
    driver.execute_script(AXE.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    found = json.loads(driver.execute_async_script(RUN_AXE))  # type: ignore[attr-defined]
    return [f"{v['id']} ({v.get('impact')}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in found]


def test_no_axe_violations_on_any_page_kind(browser: tuple[object, str], site_dir: Path) -> None:
    driver, base = browser
    problems = []
    for kind, path in page_kinds(site_dir).items():
        rel = path.relative_to(site_dir).as_posix().removesuffix("index.html")
        for width, dark in VIEWS:
            problems += [f"{kind} @{width}{' dark' if dark else ''}: {v}" for v in violations(driver, base + rel, width, dark)]
    assert problems == []


def test_readable_at_360px_without_sideways_scrolling(browser: tuple[object, str], site_dir: Path) -> None:
    driver, base = browser
    wide = []
    for kind, path in page_kinds(site_dir).items():
        emulate(driver, 360)
        driver.get(base + path.relative_to(site_dir).as_posix().removesuffix("index.html"))  # type: ignore[attr-defined]
        width = driver.execute_script("return document.documentElement.scrollWidth")  # type: ignore[attr-defined]
        if width > 360:
            wide.append(f"{kind}: {width}px")
    assert wide == []


def test_dark_theme_is_applied(browser: tuple[object, str]) -> None:
    driver, base = browser
    colours = []
    for dark in (False, True):
        emulate(driver, 1280, dark)
        driver.get(base)  # type: ignore[attr-defined]
        colours.append(driver.execute_script("return getComputedStyle(document.body).backgroundColor"))  # type: ignore[attr-defined]
    assert colours[0] != colours[1]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_axe_violations_in_japanese_and_arabic(browser: tuple[object, str], language_sites: dict[str, Path], language: str) -> None:
    driver, _ = browser
    problems = []
    with serve(language_sites[language]) as base:
        for kind in ("home", "issue", "article", "article-other-language", "archive", "source"):
            path = page_kinds(language_sites[language])[kind]
            rel = path.relative_to(language_sites[language]).as_posix().removesuffix("index.html")
            for width, dark in ((1280, False), (360, True)):
                problems += [f"{language} {kind} @{width}: {v}" for v in violations(driver, base + rel, width, dark)]
    assert problems == []


def _boxes(driver: object, url: str) -> dict[str, float]:
    emulate(driver, 1280)
    driver.get(url)  # type: ignore[attr-defined]
    script = """const box = s => document.querySelector(s).getBoundingClientRect();
    return {leads: box('.source .leads').left, also: box('.source .also').left, prev: box('nav.pages > :first-child').left, next: box('nav.pages > :last-child').left,
            direction: getComputedStyle(document.documentElement).direction};"""
    return driver.execute_script(script)  # type: ignore[attr-defined,no-any-return]


def test_arabic_layout_mirrors(browser: tuple[object, str], site_dir: Path, language_sites: dict[str, Path]) -> None:
    driver, base = browser
    issue = "issues/2024-12-14/"
    english = _boxes(driver, base + issue)
    assert english["leads"] < english["also"] and english["prev"] < english["next"]  # "Also in" on the right, older issue first
    with serve(language_sites["ar"]) as ar_base:
        arabic = _boxes(driver, ar_base + issue)
    assert arabic["direction"] == "rtl"
    assert arabic["also"] < arabic["leads"] and arabic["next"] < arabic["prev"]  # mirrored: "Also in" on the left, older issue on the right
