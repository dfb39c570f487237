"""Every generated HTML page, in every language the theme ships, passes the Nu
HTML Checker (vnu.jar from npm), in one run over all the built sites."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.site.browser import VNU
from tests.site.conftest import html_pages, require


def test_every_page_in_every_language_is_valid_html5(language_sites: dict[str, Path]) -> None:
    require(VNU.is_file() and shutil.which("java") is not None, "the Nu HTML Checker (java + tests/tools)")
    checked = {lang: len(html_pages(site)) for lang, site in language_sites.items()}
    result = subprocess.run(
        ["java", "-Xss2m", "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html", *map(str, language_sites.values())],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '')}:{m.get('lastLine', '?')}: {m['message']}" for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    assert min(checked.values()) >= 30, checked
    assert errors == []
    assert result.returncode == 0, result.stderr[-2000:]
