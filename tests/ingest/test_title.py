from generator.ingest.clean.title import derive_title, first_sentence


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
