"""Screenshots of the example digest: `./scripts/screenshots [OUT_DIR]`.

Builds the repository's example content into a temporary folder, serves it on
loopback and saves full-page PNGs of the home, an issue and an article page at
360 and 1280 px (light), the issue's email (its web view) likewise, plus the home page in the dark theme.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.conftest import ROOT
from tests.site.browser import chromium, emulate, serve

SHOTS = (
    ("home", ""),
    ("issue", "issues/2024-12-14/"),
    ("article", "2024/12/14/ports-reopen-after-the-storm/"),
    ("email", "issues/2024-12-14/email.html"),  # the email, as mailed (light only: email has no dark theme)
)
MAX_HEIGHT = 2600  # keeps the PNGs small; the top of a page is what matters


def build_example(into: Path) -> Path:
    shutil.copy(ROOT / "config.yaml", into)
    shutil.copytree(ROOT / "content", into / "content")
    shutil.copytree(ROOT / "templates", into / "templates")
    subprocess.run([sys.executable, "-m", "generator", "build", "--quiet"], cwd=into, check=True)
    return into / "site"


def shoot(driver: object, url: str, width: int, dark: bool, out: Path) -> None:
    emulate(driver, width, dark)
    driver.get(url)  # type: ignore[attr-defined]
    height = min(MAX_HEIGHT, int(driver.execute_script("return document.documentElement.scrollHeight")))  # type: ignore[attr-defined]
    clip = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True})  # type: ignore[attr-defined]
    out.write_bytes(base64.b64decode(shot["data"]))


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, serve(build_example(Path(tmp))) as base, chromium() as driver:
        for name, path in SHOTS:
            for width in (360, 1280):
                shoot(driver, base + path, width, False, out_dir / f"{name}-{width}.png")
        shoot(driver, base, 360, True, out_dir / "home-360-dark.png")
        shoot(driver, base + SHOTS[2][1], 1280, True, out_dir / "article-1280-dark.png")
    print(f"screenshots written to {out_dir}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
