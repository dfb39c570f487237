"""The email's HTML part in headless Chromium: one 600 px column that holds its layout without the <style> element.

Mail clients that drop <style> (or all of <head>) see only the inlined styles:
the page is loaded a second time with its <style> removed and must lay out
the same at 600 and 1280 px.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from generator.build import build
from generator.config import Config, load_config
from tests.mail.test_compose import ENTRIES
from tests.site.browser import chromium, chromium_paths, emulate, serve
from tests.site.conftest import require

MEASURE = """
const column = document.querySelector('table.column').getBoundingClientRect();
const outside = [...document.querySelectorAll('table.column *')].filter(e => {
  const r = e.getBoundingClientRect(); return r.width && (r.left < column.left - 0.5 || r.right > column.right + 0.5);
}).length;
const font = s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize);
return {left: column.left, width: column.width, scroll: document.documentElement.scrollWidth, outside: outside,
        lead: font('.standfirst'), headline: font('h3'), meta: font('.meta')};
"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, str]]:
    require(chromium_paths() is not None, "chromium and chromedriver")
    root = tmp_path_factory.mktemp("email-layout")
    (root / "config.yaml").write_text(
        "site: {title: Test Digest, url: 'https://news.example.org/digest/', description: A digest used by the tests.}\n", encoding="utf-8"
    )
    for rel, text in ENTRIES.items():
        (root / "content" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / rel).write_text(text, encoding="utf-8")
    config: Config = load_config(root / "config.yaml")
    build(config)
    html = (config.output_dir / "issues/2024-12-14/email.html").read_text(encoding="utf-8")
    shown = root / "shown"
    shown.mkdir()
    (shown / "email.html").write_text(html, encoding="utf-8")
    (shown / "bare.html").write_text(re.sub(r"<style>.*?</style>", "", html, flags=re.S), encoding="utf-8")
    with serve(shown) as base, chromium() as driver:
        yield driver, base


def measure(pages: tuple[object, str], name: str, width: int) -> dict[str, float]:
    driver, base = pages
    emulate(driver, width)
    driver.get(base + name)  # type: ignore[attr-defined]
    result: dict[str, float] = driver.execute_script(MEASURE)  # type: ignore[attr-defined]
    return result


@pytest.mark.parametrize("name", ["email.html", "bare.html"])
def test_one_600px_column_centred_on_wide_screens(pages: tuple[object, str], name: str) -> None:
    wide = measure(pages, name, 1280)
    assert wide["width"] == 600 and wide["left"] == (1280 - 600) / 2 and wide["scroll"] == 1280
    at_600 = measure(pages, name, 600)
    assert at_600["width"] == 600 - 16 and at_600["scroll"] == 600  # 8 px of background either side
    for found in (wide, at_600):
        assert found["outside"] == 0
        assert found["lead"] == 16 and found["headline"] == 20 and found["meta"] == 13


@pytest.mark.parametrize(("name", "column"), [("email.html", 360), ("bare.html", 360 - 16)])
def test_narrow_screens_read_without_sideways_scrolling(pages: tuple[object, str], name: str, column: float) -> None:
    found = measure(pages, name, 360)
    assert found["scroll"] == 360 and found["outside"] == 0
    assert found["width"] == column  # the media query, where a client reads it, gives the column the whole screen
    assert found["lead"] == 16


def test_the_bare_copy_really_has_no_style_element(pages: tuple[object, str]) -> None:
    driver, base = pages
    driver.get(base + "bare.html")  # type: ignore[attr-defined]
    assert driver.execute_script("return document.querySelectorAll('style, link[rel=stylesheet]').length") == 0  # type: ignore[attr-defined]
