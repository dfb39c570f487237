"""The site's language: the theme's message catalogs, the site's own overrides, CLDR dates and numbers.

Catalogs are gettext `.po` files read directly with Babel (no compile step,
so a fresh checkout builds as it is): the site's `locales/<lang>/LC_MESSAGES/
messages.po` beside config.yaml first, then the theme's, then the English
msgid itself. Plural forms follow each catalog's own `Plural-Forms` header.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal

from generator.problems import ConfigError, Problem
from generator.render.fingerprint import digest_bytes

LOCALES = "locales"  # beside config.yaml, and inside the theme
DOMAIN = "messages"
TEMPLATE = f"{DOMAIN}.pot"  # every msgid of the default theme, extracted by `pybabel extract -F babel.cfg`


@dataclass(frozen=True, slots=True)
class Language:
    """Translations and CLDR formats for one `site.language`, loaded once per build."""

    tag: str
    translations: gettext.NullTranslations = field(default_factory=gettext.NullTranslations)
    key: bytes = b""  # changes whenever a catalog in use changes (for output fingerprints)

    @property
    def locale(self) -> Locale:
        return _locale(self.tag)

    def gettext(self, message: str, **values: object) -> str:
        text = self.translations.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        """A counted message; `%(num)s` is `n` in the language's digits and grouping."""
        return self.translations.ngettext(singular, plural, n) % {"num": self.number(n), **values}

    def number(self, n: int) -> str:
        return _number(n, self.tag)

    def date(self, value: dt.date) -> str:
        """`23 June 2024`, `15. Dezember 2024`, `2024年12月15日`: CLDR's long date.

        English keeps the theme's day-first form, which issue titles and mail subjects also use.
        """
        if self.locale.language == "en":
            return f"{value.day} {value:%B %Y}"
        return _long_date(value, self.tag)

    def month(self, value: dt.date) -> str:
        """`December 2024`, `Dezember 2024`, `2024年12月`."""
        return _month(value, self.tag)

    def names(self, items: Iterable[str]) -> str:
        """Names listed the language's way: `A, B, C`, `A、B、C`, `A وB`."""
        return _names(tuple(items), self.tag)


# CLDR formatting is slow next to a page's other work and every page shows the same few counts and dates.
@functools.lru_cache(maxsize=4096)
def _number(n: int, tag: str) -> str:
    return format_decimal(n, locale=_locale(tag))


@functools.lru_cache(maxsize=4096)
def _long_date(value: dt.date, tag: str) -> str:
    return format_date(value, "long", locale=_locale(tag))


@functools.lru_cache(maxsize=1024)
def _month(value: dt.date, tag: str) -> str:
    return format_skeleton("yMMMM", value, locale=_locale(tag))


@functools.lru_cache(maxsize=1024)
def _names(items: tuple[str, ...], tag: str) -> str:
    """CLDR's narrow list (no "and" in English); Babel's data lacks it for some languages (fr, nl, tr), which get the standard one.

    format_list reads any list style in Babel's CLDR data; its annotation names only some of them.
    """
    try:
        return format_list(list(items), style="standard-narrow", locale=_locale(tag))  # type: ignore[arg-type]
    except KeyError:
        return format_list(list(items), style="standard", locale=_locale(tag))


@functools.lru_cache(maxsize=64)
def _locale(tag: str) -> Locale:
    return Locale.parse(tag, sep="-")


def language_name(tag: str) -> str:
    """A language named in itself, for a label: `Deutsch`, `日本語`, `Norsk bokmål`; the tag when CLDR does not know it."""
    try:
        name = _locale(tag).display_name
    except (UnknownLocaleError, ValueError, TypeError):
        return tag
    return name[:1].upper() + name[1:] if name else tag


def locales_dir(config_path: Path) -> Path:
    """Where a site's own catalogs go: `locales/` beside config.yaml."""
    return config_path.parent / LOCALES


def catalog_names(tag: str) -> list[str]:
    """Catalog folders for a tag, most specific first: `pt-BR` → `pt_BR`, `pt`."""
    locale = _locale(tag)
    names = [str(locale)]
    if locale.territory or locale.script:
        names.append(locale.language)
    return names


def catalog_files(tag: str, roots: Sequence[Path]) -> list[Path]:
    """The `.po` files that exist for a language, in the order they are consulted."""
    found = []
    for root in roots:
        for name in catalog_names(tag):
            path = root / name / "LC_MESSAGES" / f"{DOMAIN}.po"
            if path.is_file():
                found.append(path)
    return found


def read_catalog(path: Path) -> Catalog:
    """A `.po` file; a broken one is a one-line error with its line."""
    try:
        with path.open("rb") as handle:
            return read_po(handle, abort_invalid=True)
    except PoFileError as exc:
        message = str(exc).rsplit(" on ", 1)[0] if exc.lineno else str(exc)  # Babel counts lines from 0
        raise ConfigError(Problem(path, f"invalid message catalog: {message}", exc.lineno + 1 if exc.lineno else None, "fix the .po file")) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(Problem(path, f"cannot read message catalog: {exc}", hint="save it as a UTF-8 .po file")) from None


def _as_translations(catalog: Catalog) -> gettext.GNUTranslations:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # untranslated and fuzzy messages are left out, so they fall through
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def load_language(tag: str, roots: Sequence[Path]) -> Language:
    """The translations for `tag` from catalogs under `roots` (the site's first), English last."""
    files = catalog_files(tag, roots)
    chain: gettext.NullTranslations = gettext.NullTranslations()
    for path in reversed(files):
        layer = _as_translations(read_catalog(path))
        layer.add_fallback(chain)
        chain = layer
    key = digest_bytes(tag.encode(), *(str(p).encode() + b"\0" + p.read_bytes() for p in files))
    return Language(tag, chain, key)


def translated(message: object) -> bool:
    """Whether a catalog message has a translation in every plural form."""
    string = getattr(message, "string", "")
    strings = string if isinstance(string, tuple | list) else (string,)
    return all(strings) and not getattr(message, "fuzzy", False)


def missing_translations(tag: str, roots: Sequence[Path], msgids: Iterable[str]) -> Iterator[Problem]:
    """One warning per msgid the language's catalogs do not translate (shown in English instead)."""
    if _locale(tag).language == "en":  # the msgids are English
        return
    files = catalog_files(tag, roots)
    if not files:
        where = " or ".join(str(root / catalog_names(tag)[0] / "LC_MESSAGES" / f"{DOMAIN}.po") for root in roots[:1])
        yield Problem(roots[0] if roots else None, f"no message catalog for language {tag!r}: the theme's labels are shown in English", hint=f"add {where}")
        return
    catalogs = [read_catalog(path) for path in files]
    for msgid in msgids:
        if not any(msgid in catalog and translated(catalog[msgid]) for catalog in catalogs):
            yield Problem(files[0], f"no {tag} translation for {msgid!r}; English is shown")


def theme_msgids(theme_locales: Path, site_templates: Path | None = None) -> list[str]:
    """Every msgid the pages can show: the theme's (its `messages.pot`), and those the site's own templates add."""
    from babel.messages.extract import extract_from_dir

    ids = [str(m.id[0] if isinstance(m.id, list | tuple) else m.id) for m in read_catalog(theme_locales / TEMPLATE) if m.id]
    if site_templates is not None and site_templates.is_dir():
        methods = [("**.html", "jinja2"), ("**.txt", "jinja2"), ("**.xml", "jinja2")]
        for _file, _line, message, _comments, _context in extract_from_dir(str(site_templates), methods):
            msgid = str(message[0] if isinstance(message, list | tuple) else message)
            if msgid and msgid not in ids:
                ids.append(msgid)
    return ids
