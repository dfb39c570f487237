"""Generic pages (no platform layout): statistical classes, headline, header lines, listings."""

from __future__ import annotations

import datetime as dt

from generator.ingest.clean.classify import classify
from generator.ingest.clean.dates import date_line, time_line
from generator.ingest.clean.header import byline, signoff, source_line
from generator.ingest.clean.rules import default_rules
from generator.ingest.clean.title import strip_site_suffix
from generator.ingest.page import ingest_page, read_page
from tests.ingest.pages import labels_by_line

ARTICLE = """Menu
Inicio
Deportes
Cultura
El puerto de Valdemar recibe su primer ferry eléctrico
Por Ana Lima y Jorge Ruiz
Publicado 12/03/2024
El primer ferry eléctrico del puerto de Valdemar hizo el viaje inaugural el lunes por la mañana, con más de cien pasajeros a bordo y el alcalde en el puente de mando.
La naviera espera que el barco, que se carga en veinte minutos, reduzca a la mitad el ruido en la bahía y que los vecinos del muelle duerman mejor en verano.
Los pescadores se quejan
Algunos pescadores dicen que las obras del cargador les quitaron sitio para descargar durante meses, y piden que el ayuntamiento les devuelva el espacio.
Pronto habrá un segundo barco.
"""

LISTING = """Últimas noticias
El ayuntamiento aprueba el presupuesto de la ciudad para el próximo año
Hace 3 horas
Los concejales votaron a favor de un presupuesto que sube la inversión en parques, bibliotecas y transporte, y baja la deuda municipal.
Seguir leyendo
La biblioteca abre los domingos a partir de enero
Hace 5 horas
Después de años de peticiones, la biblioteca central abrirá también los domingos por la tarde, con personal nuevo contratado para ello.
Seguir leyendo
"""


def test_generic_article_headline_byline_date_and_chrome() -> None:
    page = ingest_page(ARTICLE.encode(), "a.txt", default_rules())
    assert page.article is not None
    assert page.article.title == "El puerto de Valdemar recibe su primer ferry eléctrico"
    assert not page.article.title_derived
    assert page.article.authors == ("Ana Lima", "Jorge Ruiz")
    assert page.article.date == dt.date(2024, 3, 12)
    body = page.article.body.split("\n\n")
    assert body[0].startswith("El primer ferry") and "Los pescadores se quejan" in body  # a subheading inside the article stays
    assert body[-1] == "Pronto habrá un segundo barco."  # so does a short last sentence
    assert not any(line in body for line in ("Menu", "Inicio", "Deportes", "Cultura"))


def test_explain_labels_give_the_reason_for_each_dropped_line() -> None:
    labelled = read_page(ARTICLE.encode(), default_rules())
    by_line = labels_by_line(labelled)
    assert by_line["Inicio"] == "boilerplate(above the headline)"
    assert by_line["Por Ana Lima y Jorge Ruiz"] == "header(author)"
    assert by_line["El puerto de Valdemar recibe su primer ferry eléctrico"] == "title"


def test_a_listing_only_page_becomes_teasers_without_an_article() -> None:
    page = ingest_page(LISTING.encode(), "l.txt", default_rules())
    assert page.article is None
    assert [t.title for t in page.teasers] == [
        "El ayuntamiento aprueba el presupuesto de la ciudad para el próximo año",
        "La biblioteca abre los domingos a partir de enero",
    ]
    assert page.teasers[1].summary is not None and page.teasers[1].summary.startswith("Después de años")
    assert all(t.from_id is None for t in page.teasers)
    again = ingest_page(LISTING.encode(), "l.txt", default_rules())
    assert [t.id for t in again.teasers] == [t.id for t in page.teasers]  # re-ingest finds the same entries


def test_classifier_tells_prose_from_menu_lines_in_any_language() -> None:
    lines = [
        "Startseite",
        "Die Gemeinde hat am Montag beschlossen, dass die alte Brücke über den Fluss im Frühjahr für den Verkehr gesperrt und danach vollständig erneuert wird.",
        "Kontakt",
    ]
    kinds = [v.kind for v in classify(lines, "de")]
    assert kinds == ["short", "good", "short"]
    assert "stopwords" in classify(lines, "de")[1].reason


def test_bylines_in_several_languages() -> None:
    assert byline("Von: Anna Berg") == (("Anna Berg",), None)
    assert byline("posté à 11h29, par JBB") == (("JBB",), None)
    assert byline("Tom Reed (now) and Ana Diaz (earlier)") == (("Tom Reed", "Ana Diaz"), None)
    assert byline("Ana Lima, Rui Sol e Bia Luz, Diário do Sul") == (("Ana Lima", "Rui Sol", "Bia Luz"), "Diário do Sul")
    assert byline("The council said on Monday and Tuesday that it would act") is None


def test_date_lines_numeric_and_with_month_names() -> None:
    assert date_line("Versendet am 24.06.2022", "de") == dt.date(2022, 6, 24)
    assert date_line("mercredi 10 juin 2009", "fr") == dt.date(2009, 6, 10)
    assert date_line("The plan was agreed in 2019 after a long debate in the council chamber", "en") is None


def test_a_two_digit_year_after_a_label_is_read_in_the_languages_order() -> None:
    assert date_line("Posted 10/6/22", "en") == dt.date(2022, 10, 6)  # month first in English
    assert date_line("Publié le 10/6/22", "fr") == dt.date(2022, 6, 10)
    assert date_line("Gepubliceerd op: 3.4.21", "nl") == dt.date(2021, 4, 3)
    assert date_line("10/6/22", "en") is None  # no label: a score, a fraction, a version
    assert date_line("We won 10/6/22 in the end after a very long evening", "en") is None


UNMARKED_LISTING = """Nieuws van de dag
Binnenland
Brug bij de haven gaat een maand dicht
De gemeente vervangt de oude kabels, fietsers moeten omrijden via het station.
Weer
Storm trekt vannacht over het noorden
Het KNMI waarschuwt voor windstoten tot honderd kilometer per uur langs de kust.
Sport
Zwemclub viert honderdjarig bestaan
Oud-leden zwemmen zaterdag een estafette door het oude openluchtbad van de stad.
"""


def test_a_listing_of_kicker_headline_dek_blocks_without_times() -> None:
    page = ingest_page(UNMARKED_LISTING.encode(), "n.txt", default_rules())
    assert page.article is None
    assert [t.title for t in page.teasers] == [
        "Brug bij de haven gaat een maand dicht",
        "Storm trekt vannacht over het noorden",
        "Zwemclub viert honderdjarig bestaan",
    ]
    labels = {line: str(label) for line, label in zip(page.labelled.lines, page.labelled.labels, strict=True)}
    assert labels["Weer"] == "teaser(kicker)" and labels["Nieuws van de dag"] == "title"


def test_paywall_pitches_are_dropped_as_whole_lines_only() -> None:
    rules = default_rules()
    for pitch in (
        "Sie haben bereits ein Abo? Melden Sie sich an.",
        "This item is available in full to subscribers.",
        "Questo articolo è riservato agli abbonati",
        "Dit artikel is alleen beschikbaar voor abonnees.",
        "Este conteúdo é exclusivo para assinantes.",
        "هذا المحتوى حصري للمشتركين",
    ):
        hit = rules.match(pitch)
        assert hit is not None and hit.rule.name == "paywall", pitch
    assert rules.match("Dit artikel is alleen beschikbaar voor abonnees, zei de uitgever, maar dat verandert volgend jaar.") is None


def test_time_lines_of_listings() -> None:
    assert all(time_line(t) for t in ("7 hours ago", "vor 3 Stunden", "22:13 Uhr", "Dom, 30/11/2025 - 23:40", "2024.07.01", "Actualizado: hace 1 hora"))
    assert not any(time_line(t) for t in ("42 commentaires", "Het nieuws van 11 januari 2019", "Top 10 films", "3 animals"))


def test_a_ticker_line_of_headlines_becomes_teasers() -> None:
    line = "Harbour bridge reopens after repairs    Council votes on the new budget    School choir wins regional prize"
    page = ingest_page(line.encode(), "t.txt", default_rules())
    assert page.article is None
    assert [t.title for t in page.teasers] == ["Harbour bridge reopens after repairs", "Council votes on the new budget", "School choir wins regional prize"]


COLUMN = """# Column
Why the night bus matters more than the new tram
The council wants to cut the night bus to pay for the tram, and most people who decide such things have never taken it at three in the morning.
Those who do are nurses, cleaners and bakers, and without the bus many of them would have to give up their jobs or walk for an hour in the dark.
Mara Olsen
Sign up here:
Weekend offers
"""


def test_a_column_signed_at_its_end_and_a_text_cut_off_under_a_subheading() -> None:
    page = ingest_page(COLUMN.encode(), "c.txt", default_rules())
    assert page.article is not None
    assert page.article.title == "Why the night bus matters more than the new tram"
    assert page.article.authors == ("Mara Olsen",)
    assert "Weekend offers" not in page.article.body  # after the sign-off: chrome, not a cut-off subheading
    cut = ingest_page((COLUMN.split("Mara Olsen", maxsplit=1)[0] + "What the tram costs\n").encode(), "c.txt", default_rules())
    assert cut.article is not None and cut.article.body.endswith("What the tram costs")  # the scrape ends under a subheading


def test_a_headline_with_a_site_suffix_gives_the_source_and_keeps_a_lowercase_tail() -> None:
    assert strip_site_suffix("Storm closes the coast road - Kustkrant #12") == ("Storm closes the coast road", "Kustkrant")
    assert strip_site_suffix("Minister resigns over expenses – as it happened") == ("Minister resigns over expenses – as it happened", None)


SCROLLED = """Menu
Harbour bridge reopens after two years of repairs
By Lena Fisk
The harbour bridge reopened on Monday after two years of repairs, and the first bus crossed it just after six in the morning with the mayor on board.
Traders on both sides of the water say the closure cost them a third of their customers, and they hope the reopening will bring them back before the summer.
School choir wins the regional prize
By Tomas Berg
The school choir won the regional prize on Saturday with a programme of folk songs that the pupils had arranged themselves over the winter months.
"""


def test_a_second_story_appended_by_infinite_scroll_is_cut_at_its_headline() -> None:
    page = ingest_page(SCROLLED.encode(), "s.txt", default_rules())
    assert page.article is not None
    assert page.article.authors == ("Lena Fisk",)
    body = page.article.body.split("\n\n")
    assert len(body) == 2 and body[-1].startswith("Traders")
    labels = {line: str(label) for line, label in zip(page.labelled.lines, page.labelled.labels, strict=True)}
    assert labels["School choir wins the regional prize"] == "boilerplate(next story)"


NEWS_SITE = """Skip to main content
News
Sport
Council approves plan for new riverside park
By Priya Nair, Local Democracy Reporter
Published 5 March 2024
The long-derelict gasworks site on the east bank of the river will become a public park under plans approved by councillors on Tuesday evening.
The scheme includes a playground, a wetland area and a path linking the park to the town centre, and is expected to cost four million over three years.
What happens next
Work on clearing the site is due to start in the autumn.
Related stories
Gasworks clean-up delayed again
Residents call for more green space
"""

PAYWALLED = """Startseite
Stadtrat beschließt neues Busnetz für die Innenstadt
Von Anna Keller
Der Stadtrat hat am Dienstagabend mit großer Mehrheit ein neues Busnetz für die Innenstadt beschlossen, das ab dem kommenden Jahr gelten soll.
Sie haben bereits ein Abo? Melden Sie sich an.
Verkehr
Neue Radwege in der Altstadt geplant
Wirtschaft
Einzelhandel klagt über leere Innenstadt
"""


def test_a_subheading_over_a_last_sentence_stays_and_related_headlines_do_not() -> None:
    page = ingest_page(NEWS_SITE.encode(), "n.txt", default_rules())
    assert page.article is not None
    assert page.article.authors == ("Priya Nair",)  # the role after the comma is no second author
    assert page.article.date == dt.date(2024, 3, 5)
    body = page.article.body.split("\n\n")
    assert body[-2:] == ["What happens next", "Work on clearing the site is due to start in the autumn."]


def test_after_a_paywall_line_kicker_and_headline_pairs_are_teasers() -> None:
    page = ingest_page(PAYWALLED.encode(), "p.txt", default_rules())
    assert page.article is not None and page.article.body.startswith("Der Stadtrat")
    assert [(t.title, t.summary) for t in page.teasers] == [("Neue Radwege in der Altstadt geplant", None), ("Einzelhandel klagt über leere Innenstadt", None)]


FRENCH = """Accueil
Se connecter
La ville de Brest inaugure sa nouvelle médiathèque
Par Claire Dubois et Marc Léger
Publié le 28 avril 2020 à 10h15
Mis à jour le 28 avril 2020 à 12h30
La nouvelle médiathèque de Brest a ouvert ses portes samedi, après trois ans de travaux et un budget de douze millions d'euros.
Elle propose plus de cent mille documents, un espace numérique et une salle de concert de deux cents places.
Lire aussi
Les bibliothèques face au numérique
Cet article est réservé aux abonnés.
"""


def test_dates_updated_lines_and_links_before_a_generic_paywall() -> None:
    page = ingest_page(FRENCH.encode(), "f.txt", default_rules())
    assert page.article is not None
    assert page.article.authors == ("Claire Dubois", "Marc Léger")
    assert page.article.date == dt.date(2020, 4, 28)
    body = page.article.body.split("\n\n")
    assert body[0].startswith("La nouvelle") and len(body) == 2  # no "Mis à jour" line, no related link
    assert date_line("Yayın: 21 Eylül 2025, 16:25 (TSİ) · Okuma süresi: 3 dakika", "tr") == dt.date(2025, 9, 21)


CAPTIONED = """Neue Fähre für den Hafen von Lindholm
Die neue Fähre hat am Montag zum ersten Mal im Hafen von Lindholm angelegt, zwei Wochen früher als die Reederei geplant hatte.
Der Hafenmeister Jens Ohlsen (Foto: Hafenamt) Mehr Bilder
Bürgermeisterin Karla Wendt (Foto) begrüßte die ersten Fahrgäste am Kai und versprach, dass der Fahrplan im Sommer dichter wird.
JPEG - 88.4 ko
Die Fähre am Kai von Lindholm
JPEG - 91.2 ko
Die Reederei will im Herbst ein zweites Schiff bestellen, wenn die Zahl der Fahrgäste bis dahin so hoch bleibt wie in den ersten Wochen.
NYTT SKIP: Ferja la til kai i Lindholm for første gang mandag (bildet). Rederiet vil bestille et nytt skip til høsten.
Im Winter fährt die Fähre weiterhin nur alle zwei Stunden, weil dann weniger Gäste auf die Insel wollen.
"""


def test_picture_captions_go_and_prose_that_points_at_a_picture_stays() -> None:
    labelled = read_page(CAPTIONED.encode(), default_rules())
    by_line = labels_by_line(labelled)
    assert by_line["Der Hafenmeister Jens Ohlsen (Foto: Hafenamt) Mehr Bilder"] == "boilerplate(image_caption)"
    assert by_line["NYTT SKIP: Ferja la til kai i Lindholm for første gang mandag (bildet). Rederiet vil bestille et nytt skip til høsten."] == (
        "boilerplate(image_caption)"
    )
    assert by_line["Die Fähre am Kai von Lindholm"] == "boilerplate(caption under a picture)"
    body = "\n".join(labelled.body)
    assert "Bürgermeisterin Karla Wendt (Foto) begrüßte" in body  # a sentence that mentions the picture is prose
    assert "Die Reederei will im Herbst" in body  # a long line under a picture's label is the text going on


BRANDED = """Über Talblatt
Neue Brücke über die Aller eröffnet
Nach zwei Jahren Bauzeit ist die neue Brücke über die Aller am Freitag für den Verkehr freigegeben worden, früher als geplant.
Die alte Brücke war so marode, dass zuletzt nur noch Autos mit weniger als drei Tonnen darüber fahren durften.
Mein Talblatt
Über Cookies
"""


def test_the_source_from_the_sites_own_chrome() -> None:
    assert read_page(BRANDED.encode(), default_rules()).meta.source == "Talblatt"  # named twice in its menu
    once = BRANDED.replace("Mein Talblatt\n", "")
    assert read_page(once.encode(), default_rules()).meta.source is None  # "Über X" once could be any menu item
    assert read_page((once + "(©NTB)\n").encode(), default_rules()).meta.source == "NTB"  # an agency's copyright
    assert read_page((once + "© 2024 Talblatt Verlag GmbH. Alle Rechte vorbehalten.\n").encode(), default_rules()).meta.source is None
    assert read_page((once + "(© Jens Ohlsen)\n").encode(), default_rules()).meta.source is None  # a photographer's, most likely
    assert read_page((once + "© AFP\n").encode(), default_rules()).meta.source is None  # a picture's credit


def test_a_byline_left_empty_is_neither_headline_nor_source() -> None:
    page = "Erstellt von - 10:32 Uhr\n" + BRANDED.replace("Über Talblatt\n", "").replace("Mein Talblatt\n", "")
    labelled = read_page(page.encode(), default_rules())
    assert labelled.meta.source is None
    assert labelled.generic is not None and labelled.generic.title == "Neue Brücke über die Aller eröffnet"
    assert source_line("Harbour Gazette - Sport") == "Harbour Gazette"  # a brand over a section still is one


NAMED_LISTING = """Entrar
Notas del Puerto
Subscribe to canal Notas del Puerto
Noticias del puerto de Valdemar y de toda la costa: barcos, pesca, obras, tiempo y la vida en los muelles.
Actualizado: hace 2 horas
El ferry eléctrico hace su primer viaje con cien pasajeros
Lun, 01/12/2025 - 10:30
“Es un día histórico”, dijo el alcalde al bajar del barco tras una travesía de veinte minutos por la bahía.
Seguir leyendo
Los pescadores piden que les devuelvan el muelle norte
Lun, 01/12/2025 - 09:15
Las obras del cargador les quitaron sitio para descargar durante meses, y ahora quieren recuperar el espacio.
Seguir leyendo
"""


def test_a_listing_headed_by_a_name_the_page_prints_again_is_titled_by_it_not_given_a_teaser_of_it() -> None:
    labelled = read_page(NAMED_LISTING.encode(), default_rules())
    assert labelled.listing and labelled.generic is not None and labelled.generic.title == "Notas del Puerto"
    assert [t.title for t in labelled.teasers] == [
        "El ferry eléctrico hace su primer viaje con cien pasajeros",
        "Los pescadores piden que les devuelvan el muelle norte",
    ]
    by_line = labels_by_line(labelled)
    assert by_line["Notas del Puerto"] == "title"
    assert by_line["Actualizado: hace 2 horas"] == "boilerplate(listing's description)"
    unnamed = read_page(NAMED_LISTING.replace("Subscribe to canal Notas del Puerto", "Subscribe to canal").encode(), default_rules())
    assert unnamed.teasers[0].title == "Notas del Puerto"  # without the repeat it reads as one more teaser


LED = """Analysis: a text that explains the news, with context, data and the views of experts on the subject it treats.
Opinion: a text that gives its author's view, which is not necessarily the view of the newspaper that prints it.
Interview: questions and answers with one person, sometimes with a short introduction about who the person is.
Harbour town votes to rebuild its old wooden pier before summer
Listen to this article
The council of Valdemar voted on Monday to rebuild the wooden pier, which has been closed since a storm broke part of it in March.
Work starts in April.
"""


def test_a_listen_line_under_a_headline_starts_the_article_and_prose_above_it_is_chrome() -> None:
    labelled = read_page(LED.encode(), default_rules())
    by_line = labels_by_line(labelled)
    assert by_line["Harbour town votes to rebuild its old wooden pier before summer"] == "title"
    assert by_line["Listen to this article"] == "boilerplate(listen)"
    assert all(label.startswith("boilerplate(above the headline)") for line, label in by_line.items() if line.startswith(("Analysis", "Opinion", "Interview")))
    assert labelled.body == (
        "The council of Valdemar voted on Monday to rebuild the wooden pier, which has been closed since a storm broke part of it in March.",
        "Work starts in April.",
    )
    at_the_end = read_page(
        LED.replace("Listen to this article\n", "").replace("Work starts in April.\n", "Work starts in April.\nListen to this article\n").encode(),
        default_rules(),
    )
    assert any(line.startswith("Analysis") for line in at_the_end.body)  # a player under the text starts nothing


PORTRAIT = """Menü
Von der Leyen - Porträt
Ursula von der Leyen wurde in Brüssel geboren und wuchs dort auf, bevor ihre Familie nach Niedersachsen zog, wo ihr Vater Ministerpräsident wurde.
Sie studierte zunächst Archäologie und Volkswirtschaft, dann Medizin, und arbeitete einige Jahre als Ärztin, bevor sie in die Politik ging.
"""


def test_a_name_dash_word_headline_is_the_title_when_no_other_line_is_one_and_a_source_when_one_is() -> None:
    page = ingest_page(PORTRAIT.encode(), "p.txt", default_rules())
    assert page.article is not None
    assert (page.article.title, page.article.title_derived, page.article.source) == ("Von der Leyen - Porträt", False, None)
    branded = ingest_page(PORTRAIT.replace("Menü\n", "Talblatt - Politik\n").replace(" - Porträt", ": ein Porträt").encode(), "p.txt", default_rules())
    assert branded.article is not None
    assert (branded.article.title, branded.article.source) == ("Von der Leyen: ein Porträt", "Talblatt")


def test_arabic_bylines_name_their_authors_in_a_script_without_capitals() -> None:
    assert byline("بقلم سارة أحمد") == (("سارة أحمد",), None)
    assert byline("حاوره في القاهرة / يوسف منصور -") == (("يوسف منصور",), None)
    assert byline("ذهب الوزير إلى السوق") is None  # no byline word: a sentence, whatever its words
    assert signoff("يوسف منصور") == ()  # without a marker an uncapitalised line is no signature


def test_a_page_that_states_no_date_takes_the_one_its_url_states_and_its_own_comes_first() -> None:
    undated = ARTICLE.replace("Publicado 12/03/2024\n", "")
    url = "https://puerto.example.org/local/2024/03/11/ferry-electrico.html"
    assert ingest_page(undated.encode(), "a.txt", default_rules()).article.date is None  # type: ignore[union-attr]
    page = ingest_page(undated.encode(), "a.txt", default_rules(), url=url)
    assert page.article is not None and page.article.date == dt.date(2024, 3, 11)
    stated = ingest_page(ARTICLE.encode(), "a.txt", default_rules(), url=url)
    assert stated.article is not None and stated.article.date == dt.date(2024, 3, 12)  # the page's own dateline wins


def test_a_one_line_page_is_titled_by_its_urls_slug_where_it_prints_those_words() -> None:
    run_together = (
        "Accueil Régions Élections municipales 2026 Pêche côtière Météo "
        "Le conseil municipal de Valdemar a voté lundi soir le nouveau plan du port, après un long débat sur le stationnement et les quais. "
        "Les travaux commenceront au printemps et dureront un an, selon la mairie, qui promet un bac pour les piétons pendant le chantier."
    )
    url = "https://journal.example.fr/elections-municipales/"
    titled = ingest_page(run_together.encode(), "a.txt", default_rules(), url=url).article
    assert titled is not None and (titled.title, titled.title_derived) == ("Élections municipales", False)
    elsewhere = ingest_page(run_together.encode(), "a.txt", default_rules(), url="https://journal.example.fr/peche-hauturiere/").article
    assert elsewhere is not None and elsewhere.title_derived  # the page does not print that slug: a title from the text
    headed = ingest_page(ARTICLE.encode(), "a.txt", default_rules(), url="https://puerto.example.org/menu-inicio/").article
    assert headed is not None and headed.title == "El puerto de Valdemar recibe su primer ferry eléctrico"  # a printed headline comes first


def test_a_url_that_spells_the_month_in_the_pages_language_dates_the_page() -> None:
    page = (
        "Valdemar limanına ilk elektrikli feribot geldi\n"
        "Valdemar limanının ilk elektrikli feribotu pazartesi sabahı yüzden fazla yolcuyla ilk seferini yaptı ve belediye başkanı da köprüüstündeydi.\n"
        "Denizcilik şirketi, yirmi dakikada şarj olan geminin körfezdeki gürültüyü yarıya indireceğini ve rıhtım sakinlerinin yazın daha iyi uyuyacağını umuyor.\n"
    )
    url = "https://haber.example.com.tr/gundem/9-aralik-2023-valdemar-limanina-feribot/88123"
    article = ingest_page(page.encode(), "a.txt", default_rules(), url=url).article
    assert article is not None and article.date == dt.date(2023, 12, 9)
    spanish = ingest_page(ARTICLE.replace("Publicado 12/03/2024\n", "").encode(), "a.txt", default_rules(), url=url).article
    assert spanish is not None and spanish.date is None  # "aralik" is no month in Spanish (nor English)


def test_a_page_that_states_no_date_anywhere_else_takes_the_day_its_lead_names() -> None:
    lead = "El primer ferry eléctrico del puerto de Valdemar hizo el viaje inaugural el lunes por la mañana"
    undated = ARTICLE.replace("Publicado 12/03/2024\n", "").replace(lead, lead + ", 11 de marzo de 2024")
    article = ingest_page(undated.encode(), "a.txt", default_rules()).article
    assert article is not None and article.date == dt.date(2024, 3, 11)
    url = "https://puerto.example.org/local/2024/03/10/ferry-electrico.html"
    assert ingest_page(undated.encode(), "a.txt", default_rules(), url=url).article.date == dt.date(2024, 3, 10)  # type: ignore[union-attr]
    stated = ingest_page(ARTICLE.replace(lead, lead + ", 11 de marzo de 2024").encode(), "a.txt", default_rules()).article
    assert stated is not None and stated.date == dt.date(2024, 3, 12)  # the dateline wins
    one_line = " ".join(undated.splitlines()[4:])  # the same words flattened into one line: no lead to trust
    flat = ingest_page(one_line.encode(), "a.txt", default_rules()).article
    assert flat is not None and flat.date is None
