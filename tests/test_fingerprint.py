"""Fingerprints: equal inputs hash alike, any difference a page could show changes the hash."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from markupsafe import Markup

from generator.config import Config
from generator.entries.parse import parse_entry
from generator.render.fingerprint import Fingerprinter, JobIndex
from generator.structure.site import Site, build_site
from tests.conftest import entry_text

TZ = ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class Box:
    value: object


def two_entry_site() -> Site:
    return build_site([parse_entry(entry_text(f"Story {n}", id=f"id{n}"), Path(f"e{n}.md"), TZ) for n in range(2)], TZ, "day")


def fingerprinter(site: Site | None = None, first_file: bytes = b"a" * 16) -> Fingerprinter:
    return Fingerprinter(site or two_entry_site(), {"id0": first_file, "id1": b"b" * 16})


def test_equal_values_hash_alike_whatever_their_identity_or_key_order() -> None:
    fp = fingerprinter()
    day = dt.date(2024, 6, 23)
    one = {"a": [1, "x", day, None], "b": Box((2.5, True))}
    other = {"b": Box((2.5, True)), "a": [1, "x", dt.date(2024, 6, 23), None]}
    assert fp.of(one) == fp.of(other) == fingerprinter().of(other)
    assert fp.of(Markup("<b>")) == fp.of("<b>") and fp.of((1, 2)) == fp.of([1, 2])


@pytest.mark.parametrize(
    "changed",
    [
        {"a": [1, "x", dt.date(2024, 6, 24), None]},
        {"a": [1, "x", dt.datetime(2024, 6, 23), None]},
        {"a": [True, "x", dt.date(2024, 6, 23), None]},
        {"a": [1, "x", dt.date(2024, 6, 23)]},
        {"a": [1, "xx", dt.date(2024, 6, 23), None]},
        {"a": [1, "x", dt.date(2024, 6, 23), None], "b": None},
        {"a": [[1, "x"], dt.date(2024, 6, 23), None]},
        {"a": Box([1, "x", dt.date(2024, 6, 23), None])},
    ],
)
def test_any_difference_changes_the_hash(changed: dict[str, object]) -> None:
    fp = fingerprinter()
    assert fp.of({"a": [1, "x", dt.date(2024, 6, 23), None]}) != fp.of(changed)


def test_entries_hash_by_their_file_and_where_they_link() -> None:
    site = two_entry_site()
    fp = fingerprinter(site)
    assert fp.of([site.entries[0]]) != fp.of([site.entries[1]])
    assert fingerprinter(site, first_file=b"c" * 16).of(site.entries) != fp.of(site.entries)  # one file edited
    assert fingerprinter(site).of(site.entries) == fp.of(site.entries)  # same files, same links: the same hash
    moved = dataclasses.replace(site, urls={**site.urls, "id0": "2024/12/14/elsewhere/"})
    assert fingerprinter(moved).of(site.entries) != fp.of(site.entries)  # same files, one entry at another URL
    announced = dataclasses.replace(site, matches={"id0": "id1"})  # entry 0 now links to entry 1
    assert announced.link("id0") != site.link("id0") and announced.urls == site.urls
    assert fingerprinter(announced).of(site.entries) != fp.of(site.entries)
    relinked = dataclasses.replace(announced, urls={**site.urls, "id0": "2024/12/14/elsewhere/"})  # its own URL moved, its link did not
    assert relinked.link("id0") == announced.link("id0")
    assert fingerprinter(relinked).of(site.entries) != fingerprinter(announced).of(site.entries)


def test_values_it_cannot_hash_are_refused() -> None:
    with pytest.raises(TypeError, match="cannot fingerprint object"):
        fingerprinter().of({"a": object()})


def test_editing_a_body_changes_its_pages_but_not_the_sitemap(make_digest: Callable[..., Config]) -> None:
    from generator.build import collect
    from generator.render.engine import plan

    config = make_digest({f"e{n}.md": entry_text(f"Story {n}", id=f"id{n}", source="Gazette") for n in range(3)})
    collected = collect(config)

    def fingerprints(digests: dict[str, bytes]) -> dict[str, bytes]:
        return {path: job.fingerprint for job in plan(collected.site, config, digests).all_jobs(None) for path in job.paths}

    before = fingerprints(collected.digests)
    after = fingerprints({**collected.digests, "id1": b"edited".ljust(16)})
    changed = {path for path in before if before[path] != after[path]}
    assert collected.site.urls["id1"] + "index.html" in changed and "sources/gazette/index.html" in changed
    assert "sitemap.xml" not in changed and "404.html" not in changed


def test_job_index_names_the_jobs_showing_each_entry_after_a_round_trip(make_digest: Callable[..., Config]) -> None:
    from generator.build import collect
    from generator.render.engine import plan

    config = make_digest({f"e{n}.md": entry_text(f"Story {n}", id=f"id{n}", source="Gazette" if n else "Courier") for n in range(3)})
    collected = collect(config)
    fp = Fingerprinter(collected.site, collected.digests)
    plan(collected.site, config, collected.digests, fp=fp).all_jobs(None)
    index, done = JobIndex.decode(*fp.index().encode()), fp.jobs | fp.parts  # the site's parts (issues, sources…) too
    assert index.keys == list(done) and index.fingerprints == [fingerprint for fingerprint, _ in done.values()]
    for entry_id in ("id0", "id1", "id2"):
        assert index.showing({entry_id}) == {key for key, (_, shown) in done.items() if entry_id in shown}
    assert "sources/courier/index.html" in index.showing({"id0"}) and "sources/courier/index.html" not in index.showing({"id1"})
    assert index.showing({"unknown"}) == set() and index.showing({"id0", "id1"}) == index.showing({"id0"}) | index.showing({"id1"})
