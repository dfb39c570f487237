"""Every generated HTML page passes the Nu HTML Checker (vnu.jar from npm), in one run."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.site.browser import VNU
from tests.site.conftest import LANGUAGES, html_pages, require


def test_every_page_is_valid_html5(site_dir: Path) -> None:
    _check_valid(site_dir)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_is_valid_html5_in_japanese_and_arabic(language_sites: dict[str, Path], language: str) -> None:
    _check_valid(language_sites[language])


def _check_valid(site_dir: Path) -> None:
    require(VNU.is_file() and shutil.which("java") is not None, "the Nu HTML Checker (java + tests/tools)")
    checked = html_pages(site_dir)
    result = subprocess.run(
        ["java", "-Xss2m", "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html", str(site_dir)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '')}:{m.get('lastLine', '?')}: {m['message']}" for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    assert len(checked) >= 30
    assert errors == []
    assert result.returncode == 0, result.stderr[-2000:]
