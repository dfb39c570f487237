"""The site's name from the page's file name or URL, confirmed by the page's own text."""

from __future__ import annotations

from generator.ingest.clean.language import LANGUAGES
from generator.ingest.clean.rules import default_rules
from generator.ingest.clean.site import fold, site_words, spellings, story_slug
from generator.ingest.page import ingest_page

PROSE = [
    "Die Gemeinde hat am Montag beschlossen, dass die alte Brücke über den Fluss im Frühjahr gesperrt und danach vollständig erneuert wird.",
    "Die Arbeiten sollen nach Angaben der Verwaltung etwa ein Jahr dauern, und für Fußgänger wird in dieser Zeit eine Fähre eingerichtet.",
    "Anwohner hatten seit Jahren über Risse im Beton geklagt, zuletzt mit einer Unterschriftenliste, die mehr als tausend Namen trug.",
]
FRENCH = [
    "Le conseil municipal a approuvé mardi soir le nouveau terminal de ferry, mettant fin à un débat qui divisait la ville depuis plus d’un an.",
    "Les travaux commenceront au printemps et devraient durer environ dix-huit mois, selon l’autorité portuaire, qui en assumera le coût.",
    "Les riverains opposés au projet ont annoncé qu’ils continueraient à demander des changements, dont un parking plus petit.",
]


def _page(lines: list[str], name: str, url: str | None = None) -> tuple[str | None, str | None]:
    page = ingest_page("\n".join(lines).encode(), name, default_rules(), url)
    assert page.article is not None
    return page.article.source, page.article.title


def test_site_words_come_from_the_file_name_and_host_without_digits_or_language_tags() -> None:
    langs = frozenset(LANGUAGES)
    assert site_words("07-talblatt-de.txt", None, langs) == ("talblatt",)
    assert site_words("scrapes/ortsbote/2024-05-01.txt", None, langs) == ("ortsbote",)
    assert site_words("https://www.ortsbote.ch/a/b", "https://www.ortsbote.ch/a/b", langs) == ("ortsbote",)
    assert fold("ORTS-BOTE.ch") == "ortsbotech" and fold("Habertürk") == "haberturk"
    assert fold("Aralık") == "aralik" and fold("Łódź") == "lodz" and fold("Tromsø") == "tromso"  # letters Unicode does not decompose
    assert spellings("Nürnberg") == {"nurnberg", "nuernberg"} and spellings("Ålesund") == {"alesund", "aalesund"}


def test_a_line_that_is_the_sites_name_above_the_article_is_its_source() -> None:
    lines = ["TALBLATT", "Menü", "Die alte Brücke wird erneuert", *PROSE]
    assert _page(lines, "07-talblatt-de.txt") == ("TALBLATT", "Die alte Brücke wird erneuert")
    assert _page(lines, "07-other-de.txt")[0] is None  # the file does not name that site: a capitalised line is no source by itself


def test_the_sites_name_glued_before_the_headline_is_cut_off_and_becomes_the_source() -> None:
    lines = ["tb Die alte Brücke über den Fluss wird erneuert", *PROSE]
    assert _page(lines, "tb/bruecke.txt") == ("tb", "Die alte Brücke über den Fluss wird erneuert")
    assert _page(lines, "other/bruecke.txt") == (None, "tb Die alte Brücke über den Fluss wird erneuert")


def test_the_sites_name_inside_the_text_in_its_own_spelling_not_its_domain() -> None:
    lines = ["Die alte Brücke wird erneuert", PROSE[0], "Das sagte der Bürgermeister dem Ortsbote.ch-Team und später dem Örtsbote im Gespräch.", *PROSE[1:]]
    assert _page(lines, "ortsbote-bruecke.txt")[0] == "Örtsbote"
    assert _page(lines, "page.txt", "https://ortsbote.de/x")[0] == "Örtsbote"


def test_a_headline_the_file_name_or_url_repeats_wins_over_a_nearer_one() -> None:
    lines = [
        "Valdemar harbour pier will be rebuilt before the summer",
        "Council backs plan after debate",
        *PROSE,
    ]
    assert _page(lines, "story.txt")[1] == "Council backs plan after debate"
    assert _page(lines, "valdemar-harbour-pier-rebuilt.txt")[1] == lines[0]
    assert _page(lines, "page.txt", "https://example.org/2024/05/valdemar-pier-rebuilt-summer")[1] == lines[0]
    assert _page(lines, "valdemar-harbour-pier-rebuilt.txt")[0] is None  # a story's slug names no site ("Valdemar" is a town)


def test_the_story_slug_is_the_path_segment_with_most_words_ids_and_extension_dropped() -> None:
    assert story_slug("a.txt", "https://x.example/lokal/2024/05/11/bruecke-wird-erneuert-20080475.ece") == ("bruecke", "wird", "erneuert")
    assert story_slug("a.txt", "https://x.example/meinung/wir-brauchen-sie/article_f20cc7ea-265d.html") == ("wir", "brauchen", "sie")
    assert story_slug("a.txt", "https://x.example/~~Br%25C3%25BCcke%2520neu/") == ("brucke", "neu")  # encoded twice
    assert story_slug("a.txt", "https://x.example/sport/") == ()  # one word names a section, not a story
    assert story_slug("scrapes/bruecke-wird-erneuert.txt", None) == ("bruecke", "wird", "erneuert")
    assert story_slug("07-talblatt-de.txt", None) == ()  # a file named after the site (see site_words)


def test_a_headline_the_url_names_is_no_dek_under_the_shorter_line_above_it() -> None:
    lines = ["Aller au contenu", "Le Journal du Port", "Accueil", "Le conseil municipal approuve le nouveau terminal de ferry", "Par Marie Dupont", *FRENCH]
    assert _page(lines, "page.txt")[1] == "Le Journal du Port"  # a shorter line over a longer one: headline over dek
    url = "https://journal.example.fr/actualite/2021/01/05/le-conseil-approuve-le-terminal"
    assert _page(lines, "page.txt", url)[1] == "Le conseil municipal approuve le nouveau terminal de ferry"


def test_a_sites_name_line_may_print_an_article_its_host_leaves_out() -> None:
    lines = ["The Ortsbote", "Menü", "Die alte Brücke wird erneuert", *PROSE]
    assert _page(lines, "page.txt", "https://www.ortsbote.ch/lokales/bruecke")[0] == "The Ortsbote"
    assert _page(lines, "page.txt", "https://www.theortsbote.ch/lokales/bruecke")[0] == "The Ortsbote"
    assert _page(["Theortsbote", *lines[1:]], "page.txt", "https://www.ortsbote.ch/lokales/bruecke")[0] is None  # not an article apart
