"""The publication's own name from its chrome, for a page that states no source otherwise. Pure.

A site names itself in its copyright line ("(©NTB)") and in menu items about itself ("About The Courier",
"Über Talblatt", "Mijn Courant"). A copyright line counts on its own when it
names a one-word agency or brand, and with a longer name when the page prints
that name as a line of its own too (its logo's text); a menu item only
when the page names the same brand on another line too (another such item,
the copyright line, or the name alone), since "About Cookies" or "My
Newsletter" is a menu item of another kind.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence

MAX_NAME_WORDS = 4
MAX_ITEM = 40  # characters of a menu item about the site
_COPYRIGHT = re.compile(
    r"\(?\s*(?:copyright\s*)?(?:©|\(c\)|copyright)\s*(?P<year>(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?\s*)?(?P<name>[^()©|,]+?)"
    r"\s*\)?\s*(?:[.,]?\s*(?:all rights reserved|alle rechte vorbehalten|tous droits réservés|todos los derechos reservados)\.?)?",
    re.IGNORECASE,
)
_ABOUT = re.compile(
    r"(?:about|über|ueber|over|à propos de|a propos de|sobre|acerca de|om|hakkında|chi è|informazioni su)\s+(?P<name>.+)",
    re.IGNORECASE,
)
_MINE = re.compile(r"(?:my|mijn|mein|meine|mon|ma|mi|min|mitt|mio|meu|minha)\s+(?P<name>.+)", re.IGNORECASE)
# Words after "About" / "My" that name a page of the menu, not the site (a maintained list: add a language's as met).
_NOT_A_BRAND = frozenset(
    [
        "us",
        "ons",
        "uns",
        "nous",
        "nosotros",
        "nós",
        "nos",
        "oss",
        "noi",
        "biz",
        "account",
        "accounts",
        "konto",
        "profil",
        "profile",
        "profiel",
        "perfil",
        "compte",
        "cuenta",
        "conta",
        "settings",
        "instellingen",
        "einstellungen",
        "paramètres",
        "ajustes",
        "newsletter",
        "newsletters",
        "cookies",
        "privacy",
        "datenschutz",
        "abo",
        "subscription",
        "abonnement",
        "abonnements",
        "suscripción",
        "assinatura",
        "favourites",
        "favorites",
        "favoris",
        "favoriten",
        "merkliste",
        "page",
        "pages",
        "site",
        "website",
    ]
)


def brand(lines: Sequence[str], copyright_lines: Iterable[int], credit_lines: Iterable[int] = ()) -> str | None:
    """The brand the page's chrome names, or None.

    `copyright_lines`, `credit_lines`: indices of the lines a copyright rule and an image-credit rule took
    ("© 2024 Harbour Media" is read as either); a credit line counts only with a year ("© AFP" is a photo's).
    """
    alone = {line.strip().casefold() for line in lines if line.strip()}
    for i, strict in [*((i, False) for i in copyright_lines), *((i, True) for i in credit_lines)]:
        if (name := copyright_name(lines[i], strict, confirmed=alone)) is not None:
            return name
    items = [name for line in lines if len(line) <= MAX_ITEM and (name := _menu_name(line)) is not None]
    if not items:
        return None
    counts = Counter(name.casefold() for name in items)
    return next((name for name in items if counts[name.casefold()] + (name.casefold() in alone) >= 2), None)


def copyright_name(line: str, strict: bool = False, confirmed: Collection[str] = ()) -> str | None:
    """The company or agency a copyright line names: (not `strict`) one word ("(©NTB)"), or any name the page also
    prints as a line of its own (`confirmed`: the page's lines, case-folded), its logo's text ("The Harbour Times");
    not a person's or a printer's name alone, nor a picture's credit."""
    m = _COPYRIGHT.fullmatch(line.strip())
    if m is None:
        return None
    name = m["name"].strip(" .")
    if not _plausible(name):
        return None
    if name.casefold() in confirmed and (m["year"] or not strict):  # a picture's credit rarely has a year, a site's notice does
        return name
    if strict or len(name.split()) > 1:  # several words may be a person's or a printer's name
        return None
    return name


def _menu_name(line: str) -> str | None:
    m = _ABOUT.fullmatch(line.strip()) or _MINE.fullmatch(line.strip())
    name = m["name"].strip(" .:") if m else ""
    return name if _plausible(name) and name.split()[0].casefold() not in _NOT_A_BRAND else None


def _plausible(name: str) -> bool:
    words = name.split()
    return 0 < len(words) <= MAX_NAME_WORDS and (name[0].isupper() or name[0].isdigit()) and any(ch.isalpha() for ch in name)
