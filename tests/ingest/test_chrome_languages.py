"""Site chrome in many languages is dropped as whole lines; prose that uses the same words stays."""

from __future__ import annotations

import pytest

from generator.ingest.clean.rules import default_rules
from generator.ingest.page import read_page
from tests.ingest.pages import labels_by_line

PROSE = (
    "Die Gemeinde hat am Montag beschlossen, dass die alte Brücke über den Fluss im Frühjahr gesperrt und danach vollständig erneuert wird.",
    "Die Arbeiten sollen nach Angaben der Verwaltung etwa ein Jahr dauern, und für Fußgänger wird in dieser Zeit eine Fähre eingerichtet.",
    "Anwohner hatten seit Jahren über Risse im Beton geklagt, zuletzt mit einer Unterschriftenliste, die mehr als tausend Namen trug.",
)
PAGE = "\n".join(
    [
        "Direkt zum Inhalt wechseln",
        "Die alte Brücke wird im Frühjahr erneuert",
        "Teilen",
        *PROSE,
        "Mehr aus dem Ressort",
        "Impressum | Datenschutz | AGB",
        "© 2024 Talblatt. Alle Rechte vorbehalten.",
    ]
)


def test_a_german_page_loses_its_skip_link_share_button_and_legal_footer() -> None:
    labelled = read_page(PAGE.encode(), default_rules())
    by_line = labels_by_line(labelled)
    assert by_line["Direkt zum Inhalt wechseln"] == "boilerplate(skip_link)"
    assert by_line["Die alte Brücke wird im Frühjahr erneuert"] == "title"
    assert by_line["Teilen"] == "boilerplate(share)"
    assert by_line["Mehr aus dem Ressort"] == "boilerplate(read_more)"
    assert by_line["Impressum | Datenschutz | AGB"] == "boilerplate(legal)"
    assert labelled.body == PROSE


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Aller au contenu principal", "skip_link"),
        ("Saltar al contenido principal", "skip_link"),
        ("Spring naar de hoofdinhoud", "skip_link"),
        ("Ana içeriğe geç", "skip_link"),
        ("Pular para o conteúdo", "skip_link"),
        ("انتقل إلى المحتوى", "skip_link"),
        ("Springe zum Hauptinhalt", "skip_link"),
        ("Jump to navigation", "skip_link"),
        ("Gå til hovedindhold", "skip_link"),
        ("Siirry sisältöön", "skip_link"),
        ("Przejdź do treści", "skip_link"),
        ("Перейти к содержанию", "skip_link"),
        ("Mentions légales", "legal"),
        ("Tüm hakları saklıdır", "copyright"),
        ("Tutti i diritti riservati", "copyright"),
        ("More from The Harbour Courier", "read_more"),
        ("À lire aussi", "read_more"),
        ("Leia também", "read_more"),
        ("اقرأ أيضا", "read_more"),
        ("Partager cet article", "share"),
        ("Paylaş", "share"),
        ("Suscríbete a nuestro boletín", "newsletter"),
        ("Meld je aan voor onze nieuwsbrief", "newsletter"),
        ("Vous êtes abonné ? Connectez-vous", "paywall"),
        ("Zaten abone misiniz? Giriş yapın", "paywall"),
        ("Denne artikkelen er for abonnenter", "paywall"),
        ("Meny", "navigation"),
        ("HARBOUR logo", "navigation"),
        ("Suivez-nous sur Facebook", "navigation"),
        ("En çok okunanlar", "navigation"),
        ("Tilbake til toppen", "navigation"),
        ("Kommentare", "navigation"),
        ("Anasayfa > Gündem", "breadcrumb"),
        ("الرئيسية > أخبار", "breadcrumb"),
        ("Crédit photo : AFP", "image_credit"),
    ],
)
def test_chrome_lines_in_other_languages(line: str, rule: str) -> None:
    hit = default_rules().match(line)
    assert hit is not None and hit.rule.name == rule


@pytest.mark.parametrize(
    "line",
    [
        "Die Regierung will die Datenschutzerklärung der Behörden bis zum Sommer überarbeiten, sagte der Minister.",
        "More from the archive was released on Monday, when the council opened its records to the public.",
        "Del av kysten ligger nord for polarsirkelen.",
        "Teilen ist das neue Haben, sagt die Forscherin.",
        "Vous êtes abonné à la revue depuis vingt ans, nous a-t-il dit en riant.",
        "Die Suche nach dem vermissten Kind dauerte die ganze Nacht.",
        "Cerca di capire cosa è successo.",
        "The logo was redesigned last year by a local studio.",
    ],
)
def test_prose_with_the_same_words_is_no_chrome(line: str) -> None:
    assert default_rules().match(line) is None
