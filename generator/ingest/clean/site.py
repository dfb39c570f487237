"""The site's own name, as the page's file name or URL spells it and the page itself prints it. Pure.

Scrapes are saved under the site's name ("bd/opinie.txt", "07-article11-fr.txt")
and fetched pages have a host ("www.bd.nl"). Those words are only a hint: a
source is taken from the page's own text where it spells one of them, so a
page never gets a name it does not print, and the page's spelling ("ARTICLE11",
"Habertürk") is kept. Words are compared folded: case, accents and
punctuation ignored ("news.de" is "newsde", "Habertürk" is "haberturk").

Three places name the site, tried in this order:
  * a line that is the name alone, above the article (the logo's text);
  * the headline's first word, glued to it by the scrape ("bd Van de hoofdredacteur: …");
  * a capitalised word of the text, MIN_TEXT_NAME letters or more ("… Habertürk'e konuştu").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

MIN_NAME = 2  # letters of a hint word ("bd")
MIN_TEXT_NAME = 6  # letters of a hint word looked for inside the text: shorter ones are common words ("news")
MAX_NAME_LINE = 40  # characters of a line that is only the site's name
MIN_PATH_WORD = 3  # letters of a word a headline and its URL share ("der", "die" are too short to count)
MIN_NAMED_WORDS = 2
NAMED_SHARE = 0.4
MAX_SITE_STEM = 2  # words of a file name that is the site's name ("07-article11-fr"); a longer one is the story's slug
PREFIX = 6  # letters two words share at their start to count as one ("strupes1" and "strupes", "americaines" and "américaines")
# Words of file names and hosts that name no site.
_NOT_A_SITE = frozenset(["www", "www1", "www2", "m", "amp", "txt", "html", "htm", "page", "pages", "index", "article", "articles", "story", "news"])
_TLD = 1  # the host's last label (.com, .de) names no site
_SPLIT = re.compile(r"[^\w]+|_")
_WORD = re.compile(r"[^\W\d_][\w]*")
_DOMAIN_AFTER = re.compile(r"\.[a-z]{2,6}\b")


# Letters Unicode does not decompose into a base letter and an accent, spelt as URL slugs spell them ("Aralık" → "aralik").
_UNACCENTED = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d"})


def fold(text: str) -> str:
    """Case, accents and everything but letters and digits dropped: "Habertürk" and "HABERTURK.com" → "haberturk", "haberturkcom"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_UNACCENTED))
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


# Slugs write some letters out instead of dropping their accent: German "ü" as "ue" ("nuernberg"), Danish and Norwegian "å" as "aa".
_WRITTEN_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "å": "aa", "ø": "oe"})


def spellings(word: str) -> frozenset[str]:
    """The ways a slug may spell `word`: folded ("Nürnberg" → "nurnberg") and with its letters written out ("nuernberg")."""
    return frozenset((fold(word), fold(word.casefold().translate(_WRITTEN_OUT))))


def site_words(name: str, url: str | None, languages: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Folded words that may name the site: the URL host's labels (but its last) and the words of the file's folder and name.

    Digits, language tags (`languages`, "fr" in "10-lemonde-fr.txt") and generic words are no site's name, and
    a folder or file name of more than MAX_SITE_STEM other words is a story's slug.
    """
    words: list[str] = []
    if url:
        host = urlsplit(url).hostname or ""
        labels = host.split(".")[:-_TLD]
        words += labels
        words.append("".join(label for label in labels if label not in _NOT_A_SITE))
    path = PurePosixPath(name.replace("\\", "/"))
    parts = [] if "://" in name else [*path.parent.parts[-1:], path.name.split(".", 1)[0]]  # a fetched page is named by its URL
    for part in parts:
        named = [w for w in _SPLIT.split(part) if (f := fold(w)) and not f.isdigit() and f not in languages]
        if len(named) <= MAX_SITE_STEM:  # "harbour-pier-rebuilt" is a story's slug, not a site's name
            words += named
    out: list[str] = []
    for word in words:
        folded = fold(word)
        if len(folded) >= MIN_NAME and not folded.isdigit() and folded not in _NOT_A_SITE and folded not in languages and folded not in out:
            out.append(folded)
    return tuple(out)


def path_words(name: str, url: str | None) -> frozenset[str]:
    """Folded words of the URL's path, or of the file's name, that a headline may repeat ("…/papiravisene-strupes1" → papiravisene, strupes1)."""
    path = urlsplit(url).path if url else ("" if "://" in name else PurePosixPath(name.replace("\\", "/")).name.split(".", 1)[0])
    words = {fold(w) for w in _SPLIT.split(path)}
    return frozenset(w for w in words if len(w) >= MIN_PATH_WORD and not w.isdigit())


_EXTENSION = re.compile(r"\.[a-z]{2,5}$", re.IGNORECASE)
_ID = re.compile(r"\d{5,}|(?=(?:\D*\d){3})(?=.*[a-z]).{6,}")  # "20080475", "f20cc7ea": an id, not a word of the story's name ("covid19" is one)


def story_slug(name: str, url: str | None) -> tuple[str, ...]:
    """Folded words, in order, of the URL path's segment with the most words (ids and the extension dropped):
    the story's or section's name as the site spelt it ("…/casa-civil-limita-inscricoes.html", "…/elections-americaines/");
    () when no segment has MIN_NAMED_WORDS words. A file name counts only with more than MAX_SITE_STEM words (else it is the site's name)."""
    if url:
        segments, least = urlsplit(url).path.split("/"), MIN_NAMED_WORDS
    else:
        segments, least = ([] if "://" in name else [PurePosixPath(name.replace("\\", "/")).name]), MAX_SITE_STEM + 1
    best: list[str] = []
    most = least - 1
    for segment in segments:
        raw = _SPLIT.split(_EXTENSION.sub("", unquote(unquote(segment))))  # some sites encode twice ("%2520")
        if sum(w.isalpha() for w in raw) <= most:  # cheap: most pages' names have no slug
            continue
        words = [f for w in raw if (f := fold(w)) and not _ID.fullmatch(f)]
        if (alpha := sum(w.isalpha() for w in words)) > most:
            best, most = words, alpha
    return tuple(best)


def names_line(line: str, words: frozenset[str]) -> bool:
    """At least MIN_NAMED_WORDS of the line's words, and NAMED_SHARE of its words of 3+ letters, are among `words` (slugs drop small words)."""
    long = [f for w in line.split() if len(f := fold(w)) >= MIN_PATH_WORD]
    hits = sum(1 for w in long if w in words or any(w.startswith(n) or n.startswith(w) for n in words if min(len(n), len(w)) >= PREFIX))
    return hits >= MIN_NAMED_WORDS and hits >= NAMED_SHARE * len(long)


# A leading article a site's name may print and its host leave out ("The Harbour Times" at harbourtimes.com).
_ARTICLE = re.compile(r"(?:(?:the|le|la|les|der|die|das|de|het|el|los|las|il|lo|den|det)\s+|l['’])(?=\S)", re.IGNORECASE)


def name_line(lines: Sequence[str], words: Sequence[str]) -> str | None:
    """The first line that is only the site's name ("ARTICLE11", "news.de", "The Harbour Times" at harbourtimes.com)."""
    for line in lines:
        text = line.strip()
        if len(text) > MAX_NAME_LINE or not any(ch.isalpha() for ch in text):
            continue
        if fold(text) in words or ((bare := _ARTICLE.match(text)) is not None and fold(text[bare.end() :]) in words):
            return text
    return None


def name_prefix(title: str, words: Sequence[str]) -> tuple[str, str] | None:
    """("bd", "Van de …") for a headline whose first word is the site's name glued on; None otherwise."""
    first, _, rest = title.strip().partition(" ")
    rest = rest.strip()
    if not rest or fold(first) not in words or not any(ch.isalpha() for ch in first) or not rest[:1].isupper() or len(rest.split()) < 2:
        return None
    return first, rest


def name_in_text(lines: Sequence[str], words: Sequence[str]) -> str | None:
    """A capitalised word of the text that is a long hint word; a spelling not written as a domain ("Habertürk", not "Haberturk.com") first."""
    long = {w for w in words if len(w) >= MIN_TEXT_NAME}
    if not long:
        return None
    found: list[tuple[bool, str]] = []
    for line in lines:
        for m in _WORD.finditer(line):
            word = m[0]
            if word[:1].isupper() and fold(word) in long:
                found.append((bool(_DOMAIN_AFTER.match(line, m.end())), word))
    return min(found, key=lambda f: f[0])[1] if found else None
