import datetime as dt

import pytest

from generator.ingest.clean.dates import date_line, lead_date, month_names, parse_edition, parse_full, url_date


@pytest.mark.parametrize(
    ("text", "printed", "day"),
    [
        ("June 23, 2024", "June 23, 2024", dt.date(2024, 6, 23)),
        ("JULY 2018", "JULY 2018", dt.date(2018, 7, 1)),
        ("September 14,2024", "September 14,2024", dt.date(2024, 9, 14)),
        ("April First 2018", "April First 2018", dt.date(2018, 4, 1)),
        ("July Second 2023", "July Second 2023", dt.date(2023, 7, 16)),
        ("May-June, 2024", "May-June, 2024", dt.date(2024, 5, 1)),
        ("September - October 2022", "September - October 2022", dt.date(2022, 9, 1)),
        ("December 2024 - January 2025", "December 2024 - January 2025", dt.date(2024, 12, 1)),
        ("June 29, 2019-utgaven", "June 29, 2019", dt.date(2019, 6, 29)),
        ("Oct 01, 2018 13:22 IST", "Oct 01, 2018", dt.date(2018, 10, 1)),
        ("2024-06-23", "2024-06-23", dt.date(2024, 6, 23)),
        ("3 March 2021", "3 March 2021", dt.date(2021, 3, 3)),
    ],
)
def test_edition_forms(text: str, printed: str, day: dt.date) -> None:
    edition = parse_edition(text)
    assert edition is not None
    assert (edition.printed, edition.date) == (printed, day)


@pytest.mark.parametrize("text", ["", "Mayday 2020", "February 30, 2024", "last week", "Summer reading", "13 minutes ago"])
def test_not_dates(text: str) -> None:
    assert parse_edition(text) is None


def test_full_line_only() -> None:
    assert parse_full("March 3, 2024") is not None
    assert parse_full("March 3, 2024 was a Sunday") is None


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://news.example.org/politics/2025/10/11/ferry-fares-rise.html", dt.date(2025, 10, 11)),
        ("https://news.example.org/2024-06-23-bridge-reopens", dt.date(2024, 6, 23)),
        ("https://news.example.org/local/20240623/bridge", dt.date(2024, 6, 23)),
        ("https://news.example.org/2024/6/3/bridge", dt.date(2024, 6, 3)),
        ("https://news.example.org/story-120240623", None),  # inside a longer number: an id
        ("https://news.example.org/archive/2024/06/index.html", None),  # a month, no day
        ("https://news.example.org/2024/02/30/bridge", None),  # no such day
        ("https://news.example.org/2024/01/02/a/2024/01/03/b", None),  # two days: which one?
        ("https://2024-01-02.example.org/bridge", None),  # the host is no path
        ("https://news.example.org/bridge?day=2024/01/02", None),  # nor is the query
        (None, None),
    ],
)
def test_the_day_a_url_path_states(url: str | None, day: dt.date | None) -> None:
    assert url_date(url) == day


@pytest.mark.parametrize(
    ("url", "lang", "day"),
    [
        ("https://news.example.org/world/2019/oct/13/harbour-reopens", None, dt.date(2019, 10, 13)),  # English names in any page's URL
        ("https://haber.example.com.tr/gundem/3-subat-2024-liman-acildi/1234", "tr", dt.date(2024, 2, 3)),  # "Şubat", folded
        ("https://haber.example.com.tr/gundem/9-aralik-2023-kopru", "tr", dt.date(2023, 12, 9)),  # dotless ı folded to i
        ("https://noticias.example.es/13-de-octubre-de-2019-el-puerto", "es", dt.date(2019, 10, 13)),
        ("https://zeitung.example.de/am-3-m%C3%A4rz-2021-bruecke", "de", dt.date(2021, 3, 3)),  # percent-encoded "März"
        ("https://zeitung.example.de/am-3-maerz-2021-bruecke", "de", dt.date(2021, 3, 3)),  # "ä" written out
        ("https://news.example.org/october-13th-2019-ferry", "en", dt.date(2019, 10, 13)),
        ("https://haber.example.com.tr/gundem/3-subat-2024-liman", None, None),  # a Turkish month, the page's language unknown
        ("https://news.example.org/top-5-may-2020/2020/05/06/list", "en", None),  # two different days
        ("https://news.example.org/phones-12-mini-2021-review", "en", None),  # a number and a year, no month between
        ("https://news.example.org/oct-2019/harbour", "en", None),  # a month, no day
        ("https://news.example.org/31-feb-2019/harbour", "en", None),  # no such day
    ],
)
def test_a_url_path_that_spells_the_month_as_a_word(url: str, lang: str | None, day: dt.date | None) -> None:
    assert url_date(url, lang) == day


def test_month_names_come_from_cldr_folded_as_slugs_write_them() -> None:
    turkish = month_names("tr")
    assert turkish["aralik"] == 12 and turkish["subat"] == 2 and turkish["eylul"] == 9
    assert month_names("nb")["desember"] == 12 and month_names("fr")["aout"] == 8
    assert all(len(name) >= 3 and name.isascii() for name in month_names("pl"))
    assert month_names("ar") == {}  # a script a slug does not spell
    assert month_names("zz") == {}  # a language CLDR does not know


@pytest.mark.parametrize(
    ("text", "lang", "day"),
    [
        ("Updated: Jan. 5, 2021 at 3:15 p.m. ET", "en", dt.date(2021, 1, 5)),  # the month before the first digit
        ("Published Monday, Jan. 5, 2021", "en", dt.date(2021, 1, 5)),  # a weekday and the month
        ("٤ مارس ٢٠٢٤", "ar", dt.date(2024, 3, 4)),  # Arabic-Indic digits
        ("نشر في ٤ مارس ٢٠٢٤", "ar", dt.date(2024, 3, 4)),
        ("２０２４年３月４日", "ja", dt.date(2024, 3, 4)),  # full-width digits
        ("Updated 12/25/2021 10:15 AM", "en", dt.date(2021, 12, 25)),  # month first: the only reading of it
        ("Aktualisiert 11.01.2021", "de", dt.date(2021, 1, 11)),  # day first where either reads
        ("Posted 13/25/2021", "en", None),  # no reading at all
        ("In May 2024 the council met again", "en", None),  # no day: a sentence about a month
        ("Mehr als 2024 Menschen kamen", "de", None),
    ],
)
def test_date_lines_with_the_month_first_or_digits_of_other_scripts(text: str, lang: str, day: dt.date | None) -> None:
    assert date_line(text, lang) == day


@pytest.mark.parametrize(
    ("text", "lang", "day"),
    [
        ("Valdemar, 9 Aralık 2023'te limana ilk elektrikli feribot geldi.", "tr", dt.date(2023, 12, 9)),  # a suffix glued to the year
        ("Here are the stories that mattered on 3 March 2021, from the harbour to the town hall.", "en", dt.date(2021, 3, 3)),
        ("El consejo se reunió el 13 de octubre de 2019 y de nuevo el 13 de octubre de 2019.", "es", dt.date(2019, 10, 13)),  # one day, twice
        ("Die Brücke wurde am 11.01.2021 eröffnet, Wochen vor dem Plan.", "de", dt.date(2021, 1, 11)),
        ("The ferry sailed on 3 March 2021 and again on 9 April 2021.", "en", None),  # two days: not the story's for sure
        ("In May 2024 the council met again, and 2023 was a quiet year.", "en", None),  # months and years, no day
        ("Valdemar, 9 Aralık 2023'te limana feribot geldi.", "es", None),  # no month in the lead's language (nor English)
        ("A long lead. " * 60 + "Then 3 March 2021.", "en", None),  # past the lead's first sentences
    ],
)
def test_the_one_day_an_articles_lead_names(text: str, lang: str, day: dt.date | None) -> None:
    assert lead_date(text, lang) == day
