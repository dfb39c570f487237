from generator.ingest.clean.title import derive_title, first_sentence, slug_title


def test_first_sentence_needs_capital_digit_or_quote() -> None:
    assert first_sentence("U.S. officials met. Then they left.") == "U.S. officials met."
    assert first_sentence("Prices rose by 3 p.c. in May. 2024 was hard.") == "Prices rose by 3 p.c. in May."
    assert first_sentence("Who knew? “Nobody,” she said.") == "Who knew?"
    assert first_sentence("no end here") == "no end here"


def test_derived_title_drops_final_period_only() -> None:
    assert derive_title("The bridge reopened. Traffic resumed.") == "The bridge reopened"
    assert derive_title("Is the bridge open? Nobody knows.") == "Is the bridge open?"
    assert derive_title("Stop! The bridge is closed.") == "Stop!"


def test_long_title_cut_at_word_boundary() -> None:
    text = "The council voted late on Tuesday, after a long and often bitter debate about parking, to close the old harbour bridge for good."
    title = derive_title(text)
    assert title.endswith("…") and len(title) <= 91
    assert title == "The council voted late on Tuesday, after a long and often bitter debate about parking, to…"
    assert not derive_title("word " * 30 + "end, more.").rstrip("…").endswith((",", " "))


def test_the_slugs_words_as_the_page_prints_them() -> None:
    menu = "Accueil Régions Élections municipales 2026 Pêche côtière Météo Les ports bretons ferment leurs criées le dimanche"
    assert slug_title([menu], ("elections", "municipales")) == "Élections municipales"  # accents and case as printed
    assert slug_title(["Accueil Vallée d’Aoste et Savoie Météo"], ("vallee", "d", "aoste", "et", "savoie")) == "Vallée d’Aoste et Savoie"
    assert slug_title(["Harbour news", "Valdemar pier rebuilt after the storm | Sport"], ("valdemar", "pier", "rebuilt")) is None  # goes on in lowercase
    assert slug_title(["Startseite Politik Nürnberger Brücke gesperrt 2024"], ("nuernberger", "bruecke", "gesperrt")) == "Nürnberger Brücke gesperrt"
    assert slug_title(["Home World Valdemar Pier Rebuilt Sport"], ("valdemar", "pier", "rebuilt")) == "Valdemar Pier Rebuilt"
    # A short word the slug leaves out may stand between its words, but not a long one.
    assert slug_title(["News Ferry Fares To Rise In May Weather"], ("ferry", "fares", "rise", "may")) == "Ferry Fares To Rise In May"
    assert slug_title(["News Ferry Fares Expected To Rise Weather"], ("ferry", "fares", "rise")) is None


def test_no_slug_title_inside_a_sentence_or_of_a_few_letters() -> None:
    assert slug_title(["The council said Valdemar Pier Rebuilt plans were late."], ("valdemar", "pier", "rebuilt")) is None
    assert slug_title(["In Valdemar, Pier Works Begin"], ("pier", "works", "begin")) is None  # after a comma: a clause
    assert slug_title(["Home Oslo Nord Sport"], ("oslo", "nord")) is None  # shorter than a headline
    assert slug_title(["Home Valdemar Pier Rebuilt Sport"], ("valdemar",)) is None  # one word is no slug
