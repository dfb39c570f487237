"""Screenshots of the example digest: `./scripts/screenshots [OUT_DIR]`.

Builds the repository's example content into a temporary folder, serves it on
loopback and saves full-page PNGs of the home, an issue, an article and the wanted page at
360 and 1280 px (light), the issue's email (its web view) likewise, plus the home page in the dark theme;
then the home page at 360 and 1280 px of a Japanese and an Arabic site (site.language
ja / ar) built from the fixture entries in tests/site/languages/<lang>/ (content/, and
site.yaml with the site's title and description in that language).
"""

from __future__ import annotations

import base64
import sys
import tempfile
from pathlib import Path

import yaml

from tests.conftest import ROOT
from tests.site.browser import chromium, emulate, serve
from tests.site.conftest import build_example

SHOTS = (
    ("home", ""),
    ("issue", "issues/2024-12-14/"),
    ("article", "2024/12/14/ports-reopen-after-the-storm/"),
    ("email", "issues/2024-12-14/email.html"),  # the email, as mailed (light only: email has no dark theme)
    ("wanted", "wanted/"),  # the stories teasers announced that the collection does not hold
)
MAX_HEIGHT = 2600  # keeps the PNGs small; the top of a page is what matters


LANGUAGES = ROOT / "tests" / "site" / "languages"
EXAMPLE_PER_PAGE = 20  # config.yaml's


def build_language_site(into: Path, language: str) -> Path:
    site = yaml.safe_load((LANGUAGES / language / "site.yaml").read_text(encoding="utf-8"))
    return build_example(into, language, per_page=EXAMPLE_PER_PAGE, content=LANGUAGES / language / "content", site=site)


def shoot(driver: object, url: str, width: int, dark: bool, out: Path) -> None:
    emulate(driver, width, dark)
    driver.get(url)  # type: ignore[attr-defined]
    height = min(MAX_HEIGHT, int(driver.execute_script("return document.documentElement.scrollHeight")))  # type: ignore[attr-defined]
    clip = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True})  # type: ignore[attr-defined]
    out.write_bytes(base64.b64decode(shot["data"]))


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, serve(build_example(Path(tmp), "en", per_page=EXAMPLE_PER_PAGE)) as base, chromium() as driver:
        for name, path in SHOTS:
            for width in (360, 1280):
                shoot(driver, base + path, width, False, out_dir / f"{name}-{width}.png")
        shoot(driver, base, 360, True, out_dir / "home-360-dark.png")
        shoot(driver, base + SHOTS[2][1], 1280, True, out_dir / "article-1280-dark.png")
        for language in ("ja", "ar"):
            with tempfile.TemporaryDirectory() as tmp_language, serve(build_language_site(Path(tmp_language), language)) as language_base:
                for width in (360, 1280):
                    shoot(driver, language_base, width, False, out_dir / f"home-{language}-{width}.png")
    print(f"screenshots written to {out_dir}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
