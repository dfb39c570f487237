"""Template learning on a synthetic collection: chrome leaked before and after a site has several pages.

Builds SITES sites (folders), each with its own prose-like chrome (a masthead
line, a newsletter box and a legal footer written as sentences, which no
rule and no single-page classifier can tell from prose) printed on every
one of its PAGES stories, then runs `ingest_files` as `digest ingest` does,
writing into a temporary content folder. It prints the chrome lines left in
the article entries after the first page of each site and after all of them
(earlier pages re-cleaned), the body lines lost, and the wall time per page
with the store (SQLite) on.

    .venv/bin/python -m benchmarks.template            # 20 sites x 10 pages
    .venv/bin/python -m benchmarks.template 50 20
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from benchmarks.ingest import WORDS, paragraph, sentence
from generator.ingest.clean.rules import default_rules
from generator.ingest.run import ingest_files, page_files

NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
MAX_BYTES = 1_000_000


def site_chrome(rng: random.Random) -> tuple[list[str], list[str]]:
    """Lines one site prints on every page: a masthead and a menu above the story, a newsletter box and a legal footer as wordy as its prose below."""
    masthead = " ".join(rng.choice(WORDS).capitalize() for _ in range(2)) + " Gazette"
    menu = " | ".join(rng.choice(WORDS).capitalize() for _ in range(4))
    return [masthead, menu], [paragraph(rng), paragraph(rng)]


def story(rng: random.Random) -> tuple[str, list[str]]:
    return sentence(rng)[:-1], [paragraph(rng) for _ in range(rng.randint(4, 8))]


def build(root: Path, sites: int, pages: int, rng: random.Random) -> tuple[set[str], set[str]]:
    """Write the raw pages; the chrome lines and body lines of the whole collection."""
    chrome: set[str] = set()
    body: set[str] = set()
    for s in range(sites):
        folder = root / "raw" / f"site-{s:03d}"
        folder.mkdir(parents=True)
        top, bottom = site_chrome(rng)
        chrome |= {*top, *bottom}
        for p in range(pages):
            title, paragraphs = story(rng)
            body |= set(paragraphs)
            (folder / f"story-{p:03d}.txt").write_text("\n".join([*top, title, *paragraphs, *bottom]) + "\n", encoding="utf-8")
    return chrome, body


def entry_bodies(content: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8").split("\n---\n", 1)[1] for p in content.rglob("*.md") if "teasers" not in p.parts)


def score(content: Path, chrome: set[str], body: set[str]) -> tuple[int, int]:
    text = entry_bodies(content)
    return sum(text.count(line) for line in chrome), sum(line not in text for line in body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sites", type=int, nargs="?", default=20)
    parser.add_argument("pages", type=int, nargs="?", default=10)
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory(prefix="newsdigest-template-") as folder:
        root = Path(folder)
        chrome, body = build(root, args.sites, args.pages, rng)
        files = page_files([root / "raw"])
        content, rules = root / "content", default_rules()
        firsts = [f for f in files if f.name == "story-000.txt"]
        list(ingest_files(firsts, rules, content, MAX_BYTES, NOW, write=True, workers=1))
        leaked_one, _ = score(content, chrome, body)
        start = time.perf_counter()
        outcomes = list(ingest_files(files, rules, content, MAX_BYTES, NOW, write=True, workers=1))
        seconds = time.perf_counter() - start
        leaked, lost = score(content, chrome, body)
    pages, per_site = args.sites * args.pages, len(chrome) // args.sites
    print(f"{args.sites} sites x {args.pages} pages, {per_site} chrome lines per site printed on every page")
    print(f"chrome lines left in entries after one page per site: {leaked_one} of {per_site * args.sites}")
    print(f"chrome lines left in entries after all pages:          {leaked} of {per_site * pages}")
    print(f"body lines lost: {lost} of {len(body)}")
    print(f"second run ({len(outcomes)} outcomes, re-cleaning included): {seconds:.2f} s, {pages / seconds:.0f} pages/s on one core")


if __name__ == "__main__":
    main()
