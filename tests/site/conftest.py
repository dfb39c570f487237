"""The example digest built once for the site tests, with a small `per_page`
so that paginated lists show up, and helpers that require the checkers."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, TOOLS_REQUIRED

BASE = "https://digest.example.org/"
PER_PAGE = 3


def shipped_languages() -> list[str]:
    """English and every language the default theme ships a catalog for (templates/locales/<lang>/LC_MESSAGES/messages.po)."""
    catalogs = {p.parents[1].name for p in (ROOT / "templates").glob("locales/*/LC_MESSAGES/messages.po")}
    return sorted(catalogs | {"en"})


LANGUAGES = shipped_languages()  # language_sites builds the example in each; the validators and the browser check them


def build_example(root: Path, language: str, *, per_page: int = PER_PAGE, content: Path = ROOT / "content", site: dict[str, str] | None = None) -> Path:
    """The example digest (config.yaml, the theme, content) built into root with
    site.language, digest.per_page and any other site keys set; returns its site/ folder."""
    config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    config["site"] |= {"language": language, **(site or {})}
    config["digest"]["per_page"] = per_page
    (root / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    shutil.copytree(content, root / "content")
    shutil.copytree(ROOT / "templates", root / "templates")
    subprocess.run([sys.executable, "-m", "generator", "build", "--quiet"], cwd=root, check=True)
    return root / "site"


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_example(tmp_path_factory.mktemp("site-example"), "en")


@pytest.fixture(scope="session")
def language_sites(site_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example site built once in every shipped language (English is site_dir)."""
    return {lang: site_dir if lang == "en" else build_example(tmp_path_factory.mktemp(f"site-{lang}"), lang) for lang in LANGUAGES}


def require(available: bool, what: str) -> None:
    """Run whenever the tool is installed; without it, skip a plain run and fail under ./scripts/test or CI (which install it)."""
    if available:
        return
    message = f"{what} is not installed: run ./scripts/test, which installs it"
    if TOOLS_REQUIRED:
        pytest.fail(message)
    pytest.skip(message)


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def page_kinds(site: Path) -> dict[str, Path]:
    """One built page of every kind (the first in path order)."""
    patterns = {
        "home": "index.html",
        "issues": "issues/index.html",
        "issues-page-2": "issues/page/2/index.html",
        "issue": "issues/2024-12-14/index.html",
        "email": "issues/2024-12-14/email.html",
        "article": "2024/12/14/ports-reopen-after-the-storm/index.html",
        "article-other-language": "2024/12/14/nordlysturismen-slar-rekord-i-vinter/index.html",
        "sources": "sources/index.html",
        "source": "sources/the-harbour-gazette/index.html",
        "source-page-2": "sources/the-harbour-gazette/page/2/index.html",
        "tags": "tags/index.html",
        "tag": "tags/economy/index.html",
        "tag-page-2": "tags/economy/page/2/index.html",
        "archive": "archive/index.html",
        "month": "archive/2024/12/index.html",
        "wanted": "wanted/index.html",
        "wanted-page-2": "wanted/page/2/index.html",
        "search": "search/index.html",
        "404": "404.html",
    }
    return {kind: site / rel for kind, rel in patterns.items()}
