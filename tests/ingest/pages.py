"""Small original raw pages for the ingest tests (never copied from real scrapes)."""

from __future__ import annotations

from generator.ingest.clean.labels import Labelled

ARTICLE = [
    "The harbour bridge in Lowmouth reopened on Saturday after eight months of repairs that cost the town far more than planned.",
    "Engineers found rust deep inside two of the main cables in March, and the council closed the bridge the same afternoon.",
    "Ferry crews carried more than a million passengers while it was shut, many of them commuters who had never used the boats before.",
    "“We are glad to have our evenings back,” said Mara Tell, who drives a delivery van across the river twice a day.",
]

PLATFORM_BLOCK = [
    "This story is from the June 23, 2024 edition of The Lowmouth Courier.",
    "Start your 7-day Magzter GOLD free trial to access thousands of curated premium stories, and 9,000+ magazines and newspapers.",
    "Already a subscriber ? Sign In",
]

TEASERS_A = [
    "Town hall clock stops again",
    "The clock lost a full hour on Monday, the third time this year",
    "Lifeboat crew rescues two kayakers",
    "Volunteers reached the pair within twenty minutes of the call.",
]

TEASERS_B = [
    "Why I still write letters",
    "A columnist on paper, ink and patience",
    "Ola Brenn",
    "Columnist, @olabrenn",
]

TEASERS_C = [
    "Market traders fear the new parking ch..",
    "The Lowmouth Courier",
    "Market traders fear the new parking charges",
    "Stallholders say footfall fell by a quarter in a month.",
    "time-read",
    "7 mins  |",
    "June 22, 2024",
]


def page(*blocks: list[str]) -> bytes:
    return ("\n".join(line for block in blocks for line in block) + "\n").encode("utf-8")


STANDARD = page(ARTICLE, PLATFORM_BLOCK, PLATFORM_BLOCK, TEASERS_A)


def labels_by_line(labelled: Labelled) -> dict[str, str]:
    """Each line of a labelled page with its label as `--explain` prints it ("boilerplate(skip_link)")."""
    return {line: str(label) for line, label in zip(labelled.lines, labelled.labels, strict=True)}
