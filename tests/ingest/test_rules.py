import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.ingest.clean.rules import FLAGS, Rule, RuleSet, build_rules, default_rules, expand


@pytest.mark.parametrize(
    ("line", "rule", "pub", "date"),
    [
        ("This story is from the March 2, 2024 edition of The Harbour Gazette.", "story_from", "The Harbour Gazette", "March 2, 2024"),
        ("This story is from the {{IssueName}} edition of {{MagazineName}}.", "story_from", None, None),
        ("この記事は Valley Weekly の May 5, 2023 版に掲載されています。", "story_from", "Valley Weekly", "May 5, 2023"),
        ("هذه القصة مأخوذة من طبعة JULY 2018 من Desert Review.", "story_from", "Desert Review", "JULY 2018"),
        ("هذه القصة من طبعة JULY 2018 من Desert Review.", "story_from", "Desert Review", "JULY 2018"),
        ("Bu hikaye Kuzey Postası dergisinin April First 2018 sayısından alınmıştır.", "story_from", "Kuzey Postası", "April First 2018"),
        ("Denne historien er fra June 29, 2019-utgaven av Fjordposten.", "story_from", "Fjordposten", "June 29, 2019"),
        ("Diese Geschichte stammt aus der May-June, 2024-Ausgabe von Bergblatt.", "story_from", "Bergblatt", "May-June, 2024"),
        ("Esta historia es de la edición September 14,2024 de Diario del Sur.", "story_from", "Diario del Sur", "September 14,2024"),
        ("Cette histoire est tirée de l'édition December 2024 - January 2025 de Revue Lumière.", "story_from", "Revue Lumière", "December 2024 - January 2025"),
        ("MORE STORIES FROM The Harbour GazetteView all", "more_stories", "The Harbour Gazette", None),
        ("Already a subscriber ? Sign In", "sign_in", None, None),
        ("Already a subscriber? Sign In", "sign_in", None, None),
        ("すでに購読者です? サインイン", "sign_in", None, None),
        ("Try GOLD - Free", "try_gold", None, None),
        ("Start your 7-day Magzter GOLD free trial to access thousands of curated premium stories, and 8,500+ magazines and newspapers.", "trial", None, None),
        ("Subscribe to Magzter GOLD to access thousands of curated premium stories, and 10,000+ magazines and newspapers.", "subscribe", None, None),
        ("$149.99 $74.99/Year", "price", None, None),
        ("7 mins  |", "minutes", None, None),
        ("10+ minutos  |", "minutes", None, None),
        ("6 dak  |", "minutes", None, None),
        ("Advertisement", "advertisement", None, None),
        ("First Published: Oct 01, 2018 13:22 IST", "dateline", None, "Oct 01, 2018 13:22 IST"),
        ("{{^userSubscribed}}", "template", None, None),
        ("[vc_row][vc_column]", "template", None, None),
        ("© Ann Lee/Coastal Times", "image_credit", None, None),
        ("Read more: Ferry fares to rise in spring", "read_more", None, None),
        ("Home > Politics > Local", "breadcrumb", None, None),
    ],
)
def test_boilerplate_lines(line: str, rule: str, pub: str | None, date: str | None) -> None:
    hit = default_rules().match(line)
    assert hit is not None, line
    assert (hit.rule.name, hit.pub, hit.date) == (rule, pub, date)


@pytest.mark.parametrize(
    "line",
    [
        # Prose that mentions the platform, subscriptions, signing in, cookies...
        "Readers who already have a subscription can sign in to the archive, the editor said, but few do.",
        "She started her 7-day Magzter GOLD free trial on a train and read three magazines before Leeds.",
        "Magzter, the digital news-stand, said more stories from regional papers would follow this year.",
        "The bakery uses cookies from a family recipe, and the queue starts at six.",
        "We use cookies as a metaphor, the researcher said, because everyone understands crumbs.",
        "Advertisement revenue fell by a third, the company reported on Thursday.",
        "Sign in sheets at the clinic showed that nobody had checked the generator since March.",
        "Share prices fell sharply after the announcement.",
        "Copyright law was never meant for this, the judge wrote in a sharp dissent.",
        "Published in 2003, the novel sold poorly until a film adaptation revived it.",
        "Home is where the work is now for millions of office staff.",
        "Photography was her first love; journalism came later.",
        "Subscribe to what, exactly? The question hung over the meeting.",
    ],
)
def test_prose_is_kept(line: str) -> None:
    assert default_rules().match(line) is None, default_rules().match(line)


def test_user_rules_come_first_and_may_capture() -> None:
    rules = build_rules([Rule("listen", r"Listen to this story \(\d+ min\)"), Rule("stamp", r"From (?P<pub>.+) on (?P<date>{MONTH} \d+, \d{4})")])
    assert rules.match("Listen to this story (4 min)").rule.name == "listen"  # type: ignore[union-attr]
    hit = rules.match("From Lake News on March 3, 2024")
    assert hit is not None and (hit.pub, hit.date) == ("Lake News", "March 3, 2024")


def everything_tried(rules: RuleSet) -> RuleSet:
    """The same rules with every one tried on every line: what matching means."""
    return RuleSet(rules.rules, rules.combined, (None,) * len(rules.rules), rules.user)


@settings(max_examples=500, deadline=None)
@given(st.data())
def test_trying_only_the_rules_a_first_character_allows_changes_no_result(data: st.DataObject) -> None:
    rules = default_rules()
    rule = data.draw(st.sampled_from(rules.rules))
    line = data.draw(st.from_regex(re.compile(expand(rule.pattern), FLAGS), fullmatch=True))  # case variants included
    line = data.draw(st.sampled_from([line, line.swapcase(), line.upper(), line[1:], data.draw(st.characters()) + line]))
    assert rules.match(line) == everything_tried(rules).match(line)


@pytest.mark.parametrize(
    ("pattern", "line"),
    [
        ("subscribe now", "ſubscribe now"),  # ſ (long s) is an s to the regex engine
        ("kelvin scale", "\u212aelvin scale"),  # the Kelvin sign is a K
        ("istanbul edition", "İstanbul edition"),
        ("ıstanbul edition", "Istanbul edition"),
        ("σ sigma", "ς sigma"),
        ("[a-c]+ grade", "B grade"),
        ("(?:yes|no) vote", "NO vote"),
        ("\\bplain start", "Plain start"),
    ],
)
def test_case_insensitive_first_characters_are_decided_by_the_regex_engine(pattern: str, line: str) -> None:
    rules = build_rules([Rule("user", pattern)])
    expected = everything_tried(rules).match(line)
    assert expected is not None  # the engine counts these characters as the same letter
    assert rules.match(line) == expected and rules.match(line.swapcase()) == everything_tried(rules).match(line.swapcase())


@pytest.mark.parametrize(
    ("pattern", "starts"),
    [
        ("Subscribe now", "sS"),
        ("(?:Read|See) more", "rRsS"),
        ("[a-c]x", "aBc"),
        ("\\bAd", "aA"),
        ("x+y", "xX"),
    ],
)
def test_rules_are_tried_only_on_lines_starting_as_they_can(pattern: str, starts: str) -> None:
    rules = build_rules([Rule("user", pattern)])
    for first in starts:
        assert rules.starts[0] is not None and rules.starts[0].fullmatch(first)
    assert rules.starts[0] is not None and not rules.starts[0].fullmatch("q")


@pytest.mark.parametrize("pattern", [".*x", "a?b", "x{0,2}y", "[^a]b", "\\w+", "(?=x)x", "(?:a|)b", "", "$"])
def test_rules_that_may_start_with_anything_are_tried_on_every_line(pattern: str) -> None:
    assert build_rules([Rule("user", pattern)]).starts[0] is None


def test_many_distinct_first_characters_are_not_all_remembered() -> None:
    rules = build_rules([Rule("user", "Advert")])
    lines = [chr(0x4E00 + n) + " text" for n in range(5000)] + ["Advert", "advert"]
    assert [rules.match(line) for line in lines] == [everything_tried(rules).match(line) for line in lines]
    assert len(rules.by_first) <= 4096 and rules.match("ADVERT") is not None


@pytest.mark.parametrize(
    ("pattern", "longest"),
    [
        ("View all", 8),
        ("(?:yes|no) vote", 8),
        ("(?=.{0,10}$).*x", 11),  # `$` also takes a final line break
        ("(?:join|subscribe)(?: now)?(?=.{0,20}$) .*", 9 + 4 + 21),
        ("[a-z]+(?=.{0,5}$).*", None),  # the part before the lookahead has no bound
        (".*x", None),
        ("(?=x.{0,5}$).*", None),  # not a plain length bound
    ],
)
def test_the_longest_line_a_rule_can_take_is_read_from_its_pattern(pattern: str, longest: int | None) -> None:
    assert build_rules([Rule("user", pattern)]).longest[0] == longest


@pytest.mark.parametrize("length", [0, 1, 149, 150, 151, 152, 300, 1000])
def test_lines_too_long_for_some_rules_get_the_same_result(length: int) -> None:
    rules = default_rules()
    for line in ["x" * length, ("All rights reserved " * 60)[:length].strip(), "© " + "y" * length, "(Foto: " + "z" * length + ")"]:
        assert rules.match(line) == everything_tried(rules).match(line), line


def test_a_recurring_line_is_matched_once_and_the_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.ingest.clean import rules as module

    monkeypatch.setattr(module, "_SEEN_LINES", 3)
    rules = build_rules([Rule("stamp", r"From (?P<pub>.+) on (?P<date>{MONTH} \d+, \d{4})")])
    first = rules.match("From Lake News on March 3, 2024")
    assert first is not None and rules.seen["From Lake News on March 3, 2024"] is first
    assert rules.match("From Lake News on March 3, 2024") is first
    for line in ("a", "b", "c", "d"):
        assert rules.match(line) is None
    assert len(rules.seen) <= 3 and rules.match("From Lake News on March 3, 2024") == first
    long_line = "Advertisement revenue fell " * 20
    assert rules.match(long_line) is None and long_line not in rules.seen  # long lines are prose, which rarely recurs


def test_a_rule_that_scans_for_words_is_skipped_only_on_ascii_lines_without_them() -> None:
    rules = build_rules([])
    words = {bit.bit_length() - 1: w for bit, w in rules.needles}
    copyright_rule = next(i for i, r in enumerate(rules.rules) if "all rights reserved" in r.pattern)
    assert "all rights reserved" in words[copyright_rule]
    assert not any("réservés" in w for w in words[copyright_rule])  # an é is in no ASCII line
    for line in ["2024 Harbour Media. ALL RIGHTS RESERVED.", "2024 Harbour Media. Tous droits réservés.", "2024 Harbour Media. All rights kept."]:
        assert rules.match(line) == everything_tried(rules).match(line), line
    assert rules._lacking("Harbour Media, all rights kept") >> copyright_rule & 1
    assert not rules._lacking("Harbour Media, \u212aept all rights reserved") >> copyright_rule & 1  # not ASCII: every rule is tried
