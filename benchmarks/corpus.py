"""Deterministic synthetic corpus of digest entries for benchmarks.

N entries: 60 % articles of 350–600 words in 4–8 paragraphs, 40 % teasers;
40 sources, 200 tags (0–3 per entry), edition dates over three years and
`added` spread over the last year. The same N and seed always give the same
files, so runs compare like with like.

    python -m benchmarks.corpus 10000 /tmp/corpus10k
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from generator.entries.frontmatter import dump

SOURCES = 40
TAGS = 200
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ra",
    "su",
    "te",
    "vo",
    "ba",
    "di",
    "fe",
    "gu",
    "ho",
    "ja",
    "ki",
    "le",
    "mo",
    "nu",
    "pa",
    "ri",
    "sa",
    "to",
    "vu",
    "we",
    "xa",
    "yo",
    "ze",
]
END = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)

CONFIG = """\
site:
  title: Benchmark Digest
  url: https://bench.example.org/
  description: A synthetic digest for benchmarks.
  language: en
  timezone: UTC
digest:
  per_page: 20
feeds:
  limit: 20
"""


@dataclass(frozen=True, slots=True)
class CorpusEntry:
    """One generated entry: front matter fields and body."""

    path: str
    fields: dict[str, object]
    body: str


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4)))


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(_word(rng) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraphs(rng: random.Random) -> list[str]:
    total = rng.randint(350, 600)
    count = rng.randint(4, 8)
    sizes = [total // count + (1 if i < total % count else 0) for i in range(count)]
    out = []
    for size in sizes:
        sentences, left = [], size
        while left > 0:
            n = min(left, rng.randint(8, 20))
            sentences.append(_sentence(rng, n))
            left -= n
        out.append(" ".join(sentences))
    return out


def generate(n: int, seed: int = 1) -> list[CorpusEntry]:
    rng = random.Random(seed)
    sources = [f"The {_word(rng).title()} {rng.choice(['Gazette', 'Courier', 'Herald', 'Review', 'Weekly'])} {i}" for i in range(SOURCES)]
    tags = [f"{_word(rng)}-{i}" for i in range(TAGS)]
    articles_by_source: dict[str, list[str]] = {}
    entries = []
    for i in range(n):
        source = rng.choice(sources)
        is_article = rng.random() < 0.6 or not articles_by_source.get(source)
        added = END - dt.timedelta(seconds=rng.randint(0, 365 * 86400))
        date = (added - dt.timedelta(days=rng.randint(0, 3 * 365))).date()
        title = " ".join(_word(rng) for _ in range(rng.randint(4, 10))).capitalize()
        entry_id = f"{i:016x}"
        fields: dict[str, object] = {
            "title": title,
            "kind": "article" if is_article else "teaser",
            "date": date,
            "added": added,
            "source": source,
            "edition": f"{date:%B} {date.day}, {date.year}",
            "lang": "en",
            "summary": _sentence(rng, rng.randint(10, 20)),
            "tags": rng.sample(tags, rng.randint(0, 3)),
            "id": entry_id,
        }
        if is_article:
            fields["authors"] = [f"{_word(rng).title()} {_word(rng).title()}"]
            articles_by_source.setdefault(source, []).append(entry_id)
            body = "\n\n".join(_paragraphs(rng))
        else:
            fields["from"] = rng.choice(articles_by_source[source])
            body = ""
        entries.append(CorpusEntry(f"{sources.index(source):02d}/{entry_id}.md", fields, body))
    return entries


def write(n: int, root: Path, seed: int = 1) -> list[CorpusEntry]:
    """Write config.yaml and content/ for an n-entry digest under root."""
    entries = generate(n, seed)
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "config.yaml").write_text(CONFIG, encoding="utf-8")
    for entry in entries:
        path = root / "content" / entry.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(entry.fields, entry.body), encoding="utf-8")
    return entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("root", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write(args.n, args.root, args.seed)


if __name__ == "__main__":
    main()
