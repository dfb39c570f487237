"""Lighthouse scores at least 95 in performance, accessibility, best practices
and SEO: on the English home, issue and article pages (and the search page
once page_kinds() lists one), on the home page in every other shipped language,
and on the Arabic issue page (the mirrored layout).

Lighthouse comes from npm (tests/tools) and drives Debian's chromium (CHROME_PATH):
one browser for all pages, run one after another, against the built example
sites on local HTTP servers; any host other than 127.0.0.1 fails to resolve,
and the test checks that every request the pages made went to the local server.
The mobile preset is used (a 412 px phone on a slow 4G link with a 4x slower
CPU, simulated): it is Lighthouse's default and the stricter of its two presets.
Each page costs about 7 s, so the other languages get their home page only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from contextlib import ExitStack
from pathlib import Path

from tests.site.browser import TOOLS, chromium_paths, serve
from tests.site.conftest import page_kinds, require

LIGHTHOUSE = TOOLS / "node_modules" / "lighthouse" / "package.json"
SCRIPT = TOOLS / "lighthouse-pages.mjs"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
MINIMUM = 95
ENGLISH_PAGES = ("home", "issue", "article", "search")  # "search" counts as soon as page_kinds() lists it
OTHER_PAGES = {"ar": ("home", "issue")}  # other languages: the home page


def lighthouse(urls: list[str]) -> dict[str, dict[str, object]]:
    """Lighthouse's scores, failing audits and requested URLs for each URL, in one Chromium."""
    paths = chromium_paths()
    node = shutil.which("node")
    require(paths is not None and node is not None and LIGHTHOUSE.is_file(), "chromium, node and lighthouse (tests/tools)")
    assert paths is not None and node is not None
    result = subprocess.run(
        [node, str(SCRIPT), ",".join(CATEGORIES), *urls],
        cwd=TOOLS,
        env={**os.environ, "CHROME_PATH": paths[0]},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report: dict[str, dict[str, object]] = json.loads(result.stdout)
    return report


def checked_pages(language: str, site: Path) -> dict[str, str]:
    """{label: path below the site root} of the pages Lighthouse visits in language."""
    kinds = page_kinds(site)
    wanted = ENGLISH_PAGES if language == "en" else OTHER_PAGES.get(language, ("home",))
    return {f"{language} {kind}": kinds[kind].relative_to(site).as_posix().removesuffix("index.html") for kind in wanted if kind in kinds}


def test_lighthouse_scores_at_least_95_in_every_category_and_language(language_sites: dict[str, Path]) -> None:
    with ExitStack() as stack:
        urls = {}
        for language, site in language_sites.items():
            base = stack.enter_context(serve(site))
            urls |= {label: base + rel for label, rel in checked_pages(language, site).items()}
        report = lighthouse(list(urls.values()))
    assert len(urls) >= len(language_sites) + 3
    problems = []
    for label, url in urls.items():
        page = report[url]
        scores, requested = page["scores"], page["requested"]
        assert isinstance(scores, dict) and isinstance(requested, list) and page["runtimeError"] is None, (label, page)
        assert set(scores) == set(CATEGORIES), (label, scores)
        low = {category: score for category, score in scores.items() if (score or 0) < MINIMUM}
        if low:
            problems.append(f"{label} {url}: {low}; failing audits: {page['failing']}")
        origin = url.split("/", 3)[:3]
        problems += [f"{label}: requested {other}" for other in requested if other.split("/", 3)[:3] != origin]
    assert problems == [], "\n".join(problems)
