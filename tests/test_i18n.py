"""The theme in the site's language: gettext catalogs, plural forms, overrides and the English fallback."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from generator.build import build
from generator.config import Config
from generator.render.i18n import DOMAIN, LOCALES, TEMPLATE, load_language
from tests.conftest import CONFIG, ROOT, entry_text

THEME_LOCALES = ROOT / "templates" / LOCALES
SHIPPED = sorted(p.parent.parent.name for p in THEME_LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def _entries() -> dict[str, str]:
    body = " ".join(["word"] * 700)  # 4 minutes
    articles = {f"a{n}.md": entry_text(f"Story {n}", body, source=f"Paper {n % 3}", date="2024-12-15", authors="[Ana Ruiz]") for n in range(5)}
    return {**articles, "t.md": entry_text("A teaser", "", kind="teaser", source="Paper 0", date="2024-12-15")}


def _site(make_digest: Callable[..., Config], language: str) -> Config:
    config = make_digest(_entries(), CONFIG.replace("language: en", f"language: {language}"))
    build(config)
    return config


def _home(config: Config) -> str:
    return (config.output_dir / "index.html").read_text(encoding="utf-8")


# Real strings of each language: the issue count (plural forms), a label, the article's reading time.
EXPECTED = {
    "en": ("5 articles from 3 sources", "Latest issue", "4 min read"),
    "de": ("5 Artikel aus 3 Quellen", "Aktuelle Ausgabe", "4 Min. Lesezeit"),
    "ja": ("記事5本（情報源3件）", "最新号", "4分で読めます"),
    "ar": ("5 مقالات من 3 مصادر", "أحدث عدد", "4 دقائق قراءة"),
    "fr": ("5 articles de 3 sources", "Dernier numéro", "4 min de lecture"),
    "es": ("5 artículos de 3 fuentes", "Último número", "4 min de lectura"),
    "tr": ("3 kaynak, 5 makale", "Son sayı", "4 dk okuma"),
    "nb": ("5 artikler fra 3 kilder", "Siste utgave", "4 min lesetid"),
    "nl": ("5 artikelen uit 3 bronnen", "Nieuwste editie", "4 min leestijd"),
}


def test_nine_languages_ship() -> None:
    assert sorted(EXPECTED) == SHIPPED


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_the_home_page_speaks_the_site_language(make_digest: Callable[..., Config], language: str) -> None:
    home = _home(_site(make_digest, language))
    for text in EXPECTED[language]:
        assert text in home, text
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in home


# An issue's sources as CLDR lists them in the language (the issues page and the home page's recent issues).
SOURCE_LISTS = {
    "en": r"Paper \d, Paper \d, Paper \d<",
    "de": r"Paper \d, Paper \d und Paper \d<",
    "ja": r"Paper \d、Paper \d、Paper \d<",
    "ar": r"Paper \d وPaper \d وPaper \d<",
}


@pytest.mark.parametrize("language", sorted(SOURCE_LISTS))
def test_an_issues_sources_are_listed_the_languages_way(make_digest: Callable[..., Config], language: str) -> None:
    issues = (_site(make_digest, language).output_dir / "issues" / "index.html").read_text(encoding="utf-8")
    assert re.search(SOURCE_LISTS[language], issues), issues


def test_entries_without_a_source_are_headed_other_sources_in_the_sites_language(make_digest: Callable[..., Config]) -> None:
    entries = {**_entries(), "note.md": entry_text("A note from the editors", "Text.", date="2024-12-15")}
    config = make_digest(entries, CONFIG.replace("language: en", "language: de"))
    build(config)
    issue = next((config.output_dir / "issues").glob("*/index.html")).read_text(encoding="utf-8")
    issues = (config.output_dir / "issues" / "index.html").read_text(encoding="utf-8")
    mail = next((config.output_dir / "issues").glob("*/email.html")).read_text(encoding="utf-8")
    assert ">Weitere Quellen</h2>" in issue and ">Weitere Quellen</h2>" in mail
    assert re.search(r"Paper \d und Weitere Quellen<", issues), issues
    assert "Other sources" not in issue + issues + mail


def test_arabic_has_six_plural_forms() -> None:
    arabic = load_language("ar", [THEME_LOCALES])
    counted = [arabic.ngettext("%(num)s source", "%(num)s sources", n) for n in (0, 1, 2, 3, 11, 100)]
    assert counted == ["0 مصدر", "مصدر واحد", "مصدران", "3 مصادر", "11 مصدرًا", "100 مصدر"]
    german = load_language("de", [THEME_LOCALES])
    assert german.ngettext("%(num)s article", "%(num)s articles", 12345) == "12.345 Artikel"  # CLDR grouping


def test_every_shipped_catalog_translates_every_msgid() -> None:
    pot = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po((THEME_LOCALES / TEMPLATE).open("rb")) if m.id}
    assert len(pot) > 60
    for language in SHIPPED:
        catalog = read_po((THEME_LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb"))
        for msgid in pot:
            message = catalog.get(msgid)
            strings = message.string if message and isinstance(message.string, tuple | list) else (message.string if message else "",)
            assert message is not None and all(strings), (language, msgid)
            placeholders = set(re.findall(r"%\(\w+\)s", msgid if isinstance(message.id, str) else message.id[0]))
            for s in strings:
                assert set(re.findall(r"%\(\w+\)s", s)) <= placeholders | {"%(num)s"}, (language, msgid, s)


def test_the_template_catalog_lists_every_string_of_the_theme(tmp_path: Path) -> None:
    out = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", "-o", str(out), "."], cwd=ROOT, check=True)
    fresh = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(out.open("rb")) if m.id}
    shipped = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po((THEME_LOCALES / TEMPLATE).open("rb")) if m.id}
    assert fresh == shipped, "run ./scripts/catalogs"


def test_german_plurals_and_labels_across_pages(make_digest: Callable[..., Config]) -> None:
    config = _site(make_digest, "de")
    site = config.output_dir
    issue = (site / "issues/2024-12-14/index.html").read_text(encoding="utf-8")
    assert "Tagesausgabe" in issue and "15. Dezember 2024" in issue and "Außerdem in Paper 0" in issue
    sources = (site / "sources/index.html").read_text(encoding="utf-8")
    assert "2 Einträge" in sources or "3 Einträge" in sources
    archive = (site / "archive/index.html").read_text(encoding="utf-8")
    assert "Dezember 2024" in archive and "1 Ausgabe" in archive and "<h1>Archiv</h1>" in archive
    article = next(site.glob("2024/12/1*/story-1/index.html")).read_text(encoding="utf-8")
    assert "Von Ana Ruiz" in article and "Zum Inhalt springen" in article


def test_a_site_catalog_overrides_the_theme_and_the_rest_falls_through(make_digest: Callable[..., Config], tmp_path: Path) -> None:
    config = make_digest(_entries(), CONFIG.replace("language: en", "language: de"))
    catalog = tmp_path / "locales" / "de" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "Latest issue"\nmsgstr "Die neue Nummer"\n\n'
        'msgid "%(num)s source"\nmsgid_plural "%(num)s sources"\nmsgstr[0] "%(num)s Blatt"\nmsgstr[1] "%(num)s Blätter"\n',
        encoding="utf-8",
    )
    build(config)
    home = _home(config)
    assert "Die neue Nummer" in home and "Aktuelle Ausgabe" not in home
    assert "5 Artikel aus 3 Blätter" in home  # the site's plural, the theme's "Artikel aus"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace("Die neue Nummer", "Heute"), encoding="utf-8")
    build(config)  # an edited catalog rebuilds the pages
    assert "Heute" in _home(config)


def test_a_missing_translation_falls_back_to_english_and_check_warns(make_digest: Callable[..., Config], tmp_path: Path) -> None:
    config = make_digest(_entries(), CONFIG.replace("language: en", "language: de"))
    config.templates_dir.mkdir()
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    (config.templates_dir / "base.html").write_text(base.replace("{% block main %}", '<p>{{ _("Breaking news") }}</p>{% block main %}'), encoding="utf-8")
    build(config)
    assert "<p>Breaking news</p>" in _home(config)
    run = subprocess.run([sys.executable, "-m", "generator", "check"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    warnings = [line for line in run.stderr.splitlines() if "translation" in line]
    assert warnings == [f"{THEME_LOCALES.resolve() / 'de/LC_MESSAGES/messages.po'}: warning: no de translation for 'Breaking news'; English is shown"]


def test_a_language_without_a_catalog_is_english_with_one_warning(make_digest: Callable[..., Config], tmp_path: Path) -> None:
    config = _site(make_digest, "pt-BR")
    home = _home(config)
    assert "5 articles from 3 sources" in home and '<html lang="pt-BR" dir="ltr">' in home
    run = subprocess.run([sys.executable, "-m", "generator", "check"], cwd=tmp_path, capture_output=True, text=True, check=False)
    warnings = [line for line in run.stderr.splitlines() if "catalog" in line]
    assert len(warnings) == 1 and "no message catalog for language 'pt-BR'" in warnings[0], run.stderr


def test_a_broken_site_catalog_is_a_one_line_error(make_digest: Callable[..., Config], tmp_path: Path) -> None:
    make_digest(_entries(), CONFIG.replace("language: en", "language: de"))
    catalog = tmp_path / "locales" / "de" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text('msgid "Latest issue"\nmsgstr "Heute"\nLatest issue = Heute\n', encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "generator", "build", "--quiet"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert run.returncode == 2
    assert run.stderr.startswith(f"error: {catalog}:3: ") and "invalid message catalog" in run.stderr and len(run.stderr.splitlines()) == 1


def test_the_theme_styles_sides_only_with_logical_properties() -> None:
    """`left`/`right` in a property or value would not mirror for right-to-left languages."""
    physical = re.compile(r"\b(?:(?:margin|padding|border)-(?:left|right)|(?:text-align|float|clear)\s*:\s*(?:left|right))\b")
    for sheet in (ROOT / "templates").rglob("*.css"):
        found = [(n, line.strip()) for n, line in enumerate(sheet.read_text(encoding="utf-8").splitlines(), 1) if physical.search(line)]
        assert not found, (sheet.name, found)
