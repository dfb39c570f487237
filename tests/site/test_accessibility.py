"""axe-core finds no violations on any page kind, in the light and the dark
theme, at 360 and 1280 px, in every language the theme ships: English in all
four views; Japanese and Arabic (other scripts, right to left) at 1280 px light
and 360 px dark, which cover both themes and widths at half the cost; the other
languages in one view per page kind, taking the four views in turn. Pages are
readable at 360 px without sideways scrolling in every language.

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
HALF_VIEWS = ((1280, False), (360, True))
HALF_VIEW_LANGUAGES = ("ja", "ar")


def views(language: str, index: int) -> tuple[tuple[int, bool], ...]:
    """The views axe checks the index-th page kind in for language."""
    if language == "en":
        return VIEWS
    return HALF_VIEWS if language in HALF_VIEW_LANGUAGES else (VIEWS[index % len(VIEWS)],)


RUN_AXE = "const done = arguments[arguments.length - 1]; axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)), e => done(JSON.stringify([{id: 'axe-error', help: String(e), nodes: []}])));"


@pytest.fixture(scope="module")
def driver() -> Iterator[object]:
    require(chromium_paths() is not None and AXE.is_file(), "chromium, chromedriver and axe-core (tests/tools)")
    with chromium() as session:
        session.set_script_timeout(60)  # type: ignore[attr-defined]
        yield session


@pytest.fixture(scope="module")
def browser(driver: object, site_dir: Path) -> Iterator[tuple[object, str]]:
    with serve(site_dir) as base:
        yield driver, base


def violations(driver: object, url: str, width: int, dark: bool) -> list[str]:
    emulate(driver, width, dark)
    driver.get(url)  # type: ignore[attr-defined]
    driver.execute_script(AXE.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    found = json.loads(driver.execute_async_script(RUN_AXE))  # type: ignore[attr-defined]
    return [f"{v['id']} ({v.get('impact')}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in found]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_axe_violations_on_any_page_kind(driver: object, language_sites: dict[str, Path], language: str) -> None:
    site = language_sites[language]
    problems = []
    with serve(site) as base:
        for index, (kind, path) in enumerate(page_kinds(site).items()):
            rel = path.relative_to(site).as_posix().removesuffix("index.html")
            for width, dark in views(language, index):
                problems += [f"{kind} @{width}{' dark' if dark else ''}: {v}" for v in violations(driver, base + rel, width, dark)]
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_readable_at_360px_without_sideways_scrolling(driver: object, language_sites: dict[str, Path], language: str) -> None:
    site = language_sites[language]
    wide = []
    with serve(site) as base:
        for kind, path in page_kinds(site).items():
            emulate(driver, 360)
            driver.get(base + path.relative_to(site).as_posix().removesuffix("index.html"))  # type: ignore[attr-defined]
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


def test_arabic_and_japanese_labels_are_neither_spaced_nor_slanted(driver: object, language_sites: dict[str, Path]) -> None:
    """Letter-spacing breaks Arabic's joined letters and gaps kana; neither script has italics."""
    script = "const s = q => getComputedStyle(document.querySelector(q)); return [s('.sections ul').letterSpacing, s('.kicker').letterSpacing, s('.tagline').fontStyle];"
    styles = {}
    for language in ("en", "ja", "ar"):
        with serve(language_sites[language]) as base:
            emulate(driver, 1280)
            driver.get(base)  # type: ignore[attr-defined]
            styles[language] = driver.execute_script(script)  # type: ignore[attr-defined]
    assert styles["en"][0] != "normal" and styles["en"][2] == "italic"
    assert styles["ja"] == styles["ar"] == ["normal", "normal", "normal"]
