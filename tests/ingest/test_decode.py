import unicodedata

import ftfy.bad_codecs  # noqa: F401 - registers sloppy-windows-1252
import pytest

from generator.ingest.decode import clean_line, decode, looks_binary, text_lines


def test_utf8_and_bom() -> None:
    assert decode("\ufeffKöln".encode()) == "Köln"


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-16"])
def test_other_encodings_are_detected(encoding: str) -> None:
    text = "Die Straße nach Köln war über Nacht gesperrt, sagte der Bürgermeister am Montag früh."
    assert decode(text.encode(encoding)) == text


def test_mojibake_repaired_curly_quotes_kept() -> None:
    broken = "It’s “done”, she said".encode().decode("sloppy-windows-1252")
    assert clean_line(broken) == "It’s “done”, she said"
    assert clean_line("It’s “fine” and 'plain'") == "It’s “fine” and 'plain'"


def test_each_broken_word_of_a_line_is_repaired_and_its_other_words_kept() -> None:
    # Words are repaired apart: a line mixing mis-decoded words with correct accented ones comes out whole.
    broken = " ".join(w.encode().decode("sloppy-windows-1252") for w in ("Straße", "à", "don’t", "Köln", "€5,"))
    assert clean_line(f"In der {broken} sagte der Bürgermeister am Montag früh") == "In der Straße à don’t Köln €5, sagte der Bürgermeister am Montag früh"
    japanese = "港の漁師たちが新しい市場を開く".encode().decode("sloppy-windows-1252")
    assert clean_line(f"Titel: {japanese} (Tokio)") == "Titel: 港の漁師たちが新しい市場を開く (Tokio)"


def test_nfc_zero_width_and_controls() -> None:
    assert clean_line("Cafe\u0301 au\u200b lait\x07") == "Café au lait"
    assert unicodedata.is_normalized("NFC", clean_line("Cafe\u0301"))
    assert clean_line("a\tb") == "a b"


def test_lines_split_on_any_break() -> None:
    assert text_lines("one\r\ntwo\rthree\n") == ["one", "two", "three"]


def test_binary_detection() -> None:
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert not looks_binary("text".encode("utf-16"))
