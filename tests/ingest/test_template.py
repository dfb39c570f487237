"""Template learning: a site's recurring lines become chrome once it has several pages, earlier entries are cleaned again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import cli
from generator.entries.load import entry_files
from generator.ingest.clean.rules import default_rules
from generator.ingest.learn.template import line_key
from generator.ingest.run import Loaded, clean_loaded, ingest_files

CONFIG = "site:\n  title: T\n  url: https://example.org/\n"
NOW, LATER = "2025-01-02T03:04:05+00:00", "2025-02-03T04:05:06+00:00"

EN_TOP = ["Skip to main content", "Harbourside Gazette", "News", "Harbour", "Sport"]
EN_FOOTER = (
    "The Harbourside Gazette is published every morning by Kellow Quay Media, which keeps the paper independent and is"
    " regulated by the harbour press standards board."
)
EN_STORIES = [
    (
        "Lifeboat station gets a new slipway",
        [
            "The lifeboat station at Kellow opened its new slipway on Tuesday after a winter of building work that closed the old one in November.",
            "Crews can now launch at any state of the tide, which the coxswain said would save them up to twenty minutes on a night call.",
            "The slipway cost less than the trust had feared, because volunteers did much of the painting and fencing themselves.",
        ],
    ),
    (
        "Ferry timetable changes for the summer",
        [
            "The island ferry will sail every hour from the first of May, the operator said, doubling the crossings of the winter months.",
            "Passengers have asked for an earlier boat for years, and the first sailing will now leave the quay at six in the morning.",
            "The last boat back will stay at ten at night, which the island's shopkeepers said was still too early for the summer evenings.",
        ],
    ),
    (
        "Fish market moves to the old warehouse",
        [
            "Traders at the fish market will move into the restored warehouse on the north quay in the spring, the council has agreed.",
            "The old market hall leaks in every storm and its cold store has failed twice this year, costing traders a whole day's catch.",
            "Some stallholders worry the new site is too far from the car park, and the council has promised a shuttle on market days.",
        ],
    ),
    (
        "Harbour wall repairs start next week",
        [
            "Repairs to the eastern harbour wall begin on Monday and will close part of the promenade until the end of the summer.",
            "Divers found the storm in January had washed out stones along a stretch of forty metres below the waterline.",
            "The harbour master asked boat owners to keep clear of the works and to use the western moorings while the cranes are in.",
        ],
    ),
]
QUOTE = "“Nobody in this town has ever waited quietly for the tide to turn, and we will not start now,” the mayor told the crowd at the quay."

DE_TOP = ["Zum Inhalt springen", "Talblatt", "Region", "Kultur"]
DE_FOOTER = "Das Talblatt erscheint werktäglich im Verlag Obermühle, alle Rechte an den Texten und Bildern liegen bei der Redaktion und den Autoren."
DE_STORIES = [
    (
        "Neue Brücke über die Aller eröffnet",
        [
            "Nach zwei Jahren Bauzeit ist die neue Brücke über die Aller am Freitag für den Verkehr freigegeben worden, früher als geplant.",
            "Die alte Brücke war so marode, dass zuletzt nur noch Autos mit weniger als drei Tonnen darüber fahren durften.",
            "Die Anwohner freuen sich vor allem darüber, dass die Umleitung durch die engen Gassen der Altstadt nun endlich vorbei ist.",
        ],
    ),
    (
        "Stadtbücherei öffnet auch sonntags",
        [
            "Die Stadtbücherei wird von Januar an auch sonntags geöffnet sein, das hat der Kulturausschuss am Dienstag beschlossen.",
            "Viele Familien hatten sich das seit Jahren gewünscht, weil sie unter der Woche kaum Zeit für einen Besuch finden.",
            "Für die zusätzlichen Stunden stellt die Stadt zwei neue Mitarbeiterinnen ein, die Kosten trägt zum Teil ein Förderverein.",
        ],
    ),
    (
        "Wochenmarkt zieht auf den Kirchplatz",
        [
            "Der Wochenmarkt zieht im Frühjahr vom Rathausplatz auf den Kirchplatz, weil der Rathausplatz umgebaut wird.",
            "Die Händler sind mit dem neuen Platz zufrieden, denn dort gibt es mehr Schatten und einen Brunnen für die Blumenstände.",
            "Nur der Fischhändler fürchtet, dass seine Stammkunden den Weg in die Altstadt nicht finden werden, und verteilt schon Zettel.",
        ],
    ),
]


def page(top: list[str], story: tuple[str, list[str]], footer: str, extra: tuple[str, ...] = ()) -> bytes:
    title, paragraphs = story
    return "\n".join([*top, title, *paragraphs, *extra, footer]).encode()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "config.yaml").write_text(CONFIG, encoding="utf-8")
    for folder, top, footer, stories in (("gazette", EN_TOP, EN_FOOTER, EN_STORIES), ("talblatt", DE_TOP, DE_FOOTER, DE_STORIES)):
        (tmp_path / folder).mkdir()
        for n, story in enumerate(stories, start=1):
            extra = (QUOTE,) if folder == "gazette" and n in (1, 2) else ()
            (tmp_path / folder / f"{n}.txt").write_bytes(page(top, story, footer, extra))
    return tmp_path


def run(site: Path, *args: str, now: str = NOW) -> Result:
    result = CliRunner().invoke(cli, ["ingest", "--config", str(site / "config.yaml"), "--now", now, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def articles(site: Path) -> dict[str, str]:
    """Entry file name → text, articles only."""
    content = site / "content"
    return {Path(rel).name: Path(item.path).read_text(encoding="utf-8") for rel, item in entry_files(content) if "teasers" not in rel}


def body(text: str) -> str:
    return text.split("\n---\n", 1)[1]


def test_chrome_leaks_while_a_site_has_few_pages(site: Path) -> None:
    run(site, str(site / "gazette" / "1.txt"), str(site / "gazette" / "2.txt"))
    texts = articles(site)
    assert len(texts) == 2 and all(EN_FOOTER in body(t) for t in texts.values())  # prose-like: only the template tells


def test_third_page_teaches_the_template_and_earlier_entries_are_cleaned_again(site: Path) -> None:
    run(site, str(site / "gazette" / "1.txt"), str(site / "gazette" / "2.txt"))
    result = run(site, str(site / "gazette" / "3.txt"), now=LATER)
    texts = articles(site)
    assert len(texts) == 3  # the earlier entries were replaced, not written again beside the old ones
    assert not any(EN_FOOTER in body(t) for t in texts.values())
    assert all(story[1][0] in "".join(map(body, texts.values())) for story in EN_STORIES[:3])
    assert sum(f"added: '{NOW}'" in t or f"added: {NOW}" in t for t in texts.values()) == 2  # they keep their place in the digest
    assert "1.txt: re-cleaned with the site template: ingested (1 updated)" in result.output
    assert "3 pages re-cleaned with the site template" in result.output


def test_a_line_on_only_two_pages_stays(site: Path) -> None:
    run(site, str(site / "gazette"))
    bodies = "".join(map(body, articles(site).values()))
    assert bodies.count(QUOTE) == 2 and EN_FOOTER not in bodies


def test_hand_edited_entry_is_left_alone(site: Path) -> None:
    run(site, str(site / "gazette" / "1.txt"), str(site / "gazette" / "2.txt"))
    first = next(p for p in (site / "content").rglob("*.md") if "lifeboat" in p.name)
    edited = first.read_text(encoding="utf-8").replace("Tuesday", "Wednesday")
    first.write_text(edited, encoding="utf-8")
    result = run(site, str(site / "gazette" / "3.txt"), now=LATER)
    assert first.read_text(encoding="utf-8") == edited
    assert f"edited by hand, left alone: content/{first.relative_to(site / 'content').as_posix()}" in result.output
    texts = articles(site)
    assert len(texts) == 3 and sum(EN_FOOTER in body(t) for t in texts.values()) == 1  # only the edited one keeps it


def test_reingest_after_learning_changes_nothing(site: Path) -> None:
    run(site, str(site / "gazette"), str(site / "talblatt"))
    before = {p: p.read_bytes() for p in (site / "content").rglob("*.md")}
    result = run(site, str(site / "gazette"), str(site / "talblatt"), now=LATER)
    assert "7 pages: 0 ingested, 7 unchanged, 0 skipped, 0 failed" in result.output and "re-cleaned" not in result.output
    assert {p: p.read_bytes() for p in (site / "content").rglob("*.md")} == before


def test_each_site_learns_its_own_template(site: Path) -> None:
    run(site, str(site / "gazette" / "1.txt"), str(site / "talblatt"))
    texts = articles(site)
    german = [body(t) for name, t in texts.items() if "lang: de" in t]
    assert len(german) == 3 and not any(DE_FOOTER in b for b in german)
    english = [body(t) for t in texts.values() if "lang: en" in t]
    assert len(english) == 1 and EN_FOOTER in english[0]  # one page of the Gazette: nothing learnt for it


def test_explain_names_the_site_template_and_its_count(site: Path) -> None:
    run(site, str(site / "talblatt"))
    result = run(site, "--explain", str(site / "talblatt" / "1.txt"))
    footer = next(line for line in result.output.splitlines() if DE_FOOTER in line)
    assert "boilerplate(site template: on 3 pages)" in footer


def test_dry_run_learns_nothing(site: Path) -> None:
    run(site, "--dry-run", str(site / "gazette"))
    assert not (site / ".content.newsdigest").exists() and not (site / "content").exists()
    run(site, str(site / "gazette" / "1.txt"))
    assert EN_FOOTER in body(next(iter(articles(site).values())))


def test_updated_versions_of_one_story_do_not_make_its_paragraphs_template(site: Path) -> None:
    """Three scrapes of one story under three names (its lead rewritten each time) are one story, not three."""
    title, paragraphs = EN_STORIES[0]
    updates = (
        "An update on Wednesday: the first launch from the new slipway went ahead in a gale, and the whole crew said that the boat left the water far more smoothly than it ever did from the old one.",
        "A later update on Thursday: the station has now launched three times from the new slipway, and the trust has written to thank every volunteer who helped with the building.",
        "The latest update: inspectors from the national institution visited the slipway on Friday and passed it for use in all weathers and at any state of the tide, day or night, all year round.",
    )
    assert min(map(len, updates)) > len(EN_FOOTER)  # each version's longest line is its own update
    for n, lead in enumerate(updates):
        story = (title, [*paragraphs, lead])
        (site / "gazette" / f"lifeboat-{n}.txt").write_bytes(page(EN_TOP, story, EN_FOOTER))
    run(site, *(str(site / "gazette" / f"lifeboat-{n}.txt") for n in range(3)))
    explained = run(site, "--explain", str(site / "gazette" / "lifeboat-2.txt")).output
    assert "site template" not in explained
    assert all(p in "".join(map(body, articles(site).values())) for p in paragraphs)


def test_a_new_version_of_a_raw_file_supersedes_the_stored_one(site: Path) -> None:
    first = site / "gazette" / "1.txt"
    run(site, str(first), str(site / "gazette" / "2.txt"))
    title, paragraphs = EN_STORIES[0]
    first.write_bytes(
        page(EN_TOP, (title, [*paragraphs[:2], "The trust now plans a second slipway for the inshore boat, to be built next winter."]), EN_FOOTER)
    )
    run(site, str(first))
    result = run(site, str(site / "gazette" / "3.txt"), now=LATER)
    # 2.txt, the new 1.txt (not its old version) and 3.txt, written first with the template as it stood
    assert "3 pages re-cleaned with the site template" in result.output
    assert result.output.count("1.txt: re-cleaned") == 1


def test_a_run_stopped_before_re_cleaning_leaves_it_to_the_next_run(site: Path) -> None:
    run(site, str(site / "gazette" / "1.txt"), str(site / "gazette" / "2.txt"))
    files = [site / "gazette" / "3.txt"]
    outcomes = ingest_files(files, default_rules(), site / "content", 1_000_000, dt.datetime.fromisoformat(LATER), write=True, workers=1)
    assert next(outcomes).status == "ingested"
    outcomes.close()  # stopped before the site's pages were cleaned again
    assert sum(EN_FOOTER in body(t) for t in articles(site).values()) == 3
    result = run(site, str(site / "gazette" / "3.txt"), now=LATER)
    assert "3 pages re-cleaned with the site template" in result.output  # what the stopped run learnt from its last pages is learnt again
    assert not any(EN_FOOTER in body(t) for t in articles(site).values())


def html_page(story: tuple[str, list[str]]) -> str:
    title, paragraphs = story
    prose = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f'<nav><a href="/">Home</a> <a href="/harbour">Harbour</a></nav><main><article><h1>{title}</h1>{prose}<p>{EN_FOOTER}</p></article></main>'
        "</body></html>"
    )


def test_html_pages_learn_their_sites_template_too(site: Path) -> None:
    html = site / "gazette-html"
    html.mkdir()
    for n, story in enumerate(EN_STORIES[:3], start=1):
        (html / f"{n}.html").write_text(html_page(story), encoding="utf-8")
    run(site, str(html / "1.html"), str(html / "2.html"))
    assert sum(EN_FOOTER in body(t) for t in articles(site).values()) == 2
    result = run(site, str(html / "3.html"), now=LATER)
    assert "3 pages re-cleaned with the site template" in result.output
    texts = articles(site)
    assert len(texts) == 3 and not any(EN_FOOTER in body(t) for t in texts.values())
    assert "boilerplate(site template: on 3 pages)" in run(site, "--explain", str(html / "1.html")).output


def test_a_cluster_worker_cleans_with_the_template_it_is_sent(site: Path) -> None:
    """What `--scheduler` sends a worker: the page's bytes and its site's template; the worker has no store."""
    raw = (site / "gazette" / "4.txt").read_bytes()
    footer_key = line_key(EN_FOOTER)
    loaded = Loaded(0, (site / "4.txt",) * 2, (raw, raw), (), dt.datetime.fromisoformat(NOW), ({}, {footer_key: 3}))
    plain, learnt = clean_loaded(loaded)[1]
    assert EN_FOOTER in plain.texts[0] and EN_FOOTER not in learnt.texts[0]
    assert learnt.sample is not None and learnt.sample.used == {footer_key}
