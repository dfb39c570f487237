"""The search index: every published article and teaser, indexed by Pagefind into `pagefind/`.

Each entry becomes a small HTML record (the theme's `search-record.html`:
its text, and its link, source, date, kind, language and tags as Pagefind
meta and filters), rendered in memory; the Pagefind binary from the
`pagefind` package indexes them through its service (generator.render.pagefind),
nothing written to disk. Its bundle becomes ordinary output files, so
the build writes them into the spare tree, skips the bytes that did not
change and drops files of an older index, like any other output.

Pagefind writes the values of a filter in hash-map order, so its filter
files (and the metadata and entry files naming them by a hash of their
content) differ from run to run on the same input; `deterministic`
rewrites them in sorted order, so the same entries give the same bytes.

Pagefind cannot update an index in place: whenever the site has anything to
rebuild, the whole index is made again from the loaded entries (see the
README for what that costs).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import cbor2

from generator.problems import OutputError, Problem
from generator.render.pagefind import Bundle, Record, index_bundles
from generator.render.templates import render
from generator.structure.site import Site

if TYPE_CHECKING:
    from generator.render.engine import Renderer

BUNDLE = "pagefind"
RECORD_TEMPLATE = "search-record.html"
# Pagefind's ready-made interfaces: the theme's static/search.js talks to pagefind.js itself.
SEGMENTED = ("ja", "zh")  # languages the extended Pagefind binary splits into words
UNUSED = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")


@dataclass(frozen=True, slots=True)
class SearchFile:
    """One file of the Pagefind bundle, made at planning time."""

    rel: str
    data: bytes


def search_files(site: Site, renderer: Renderer) -> list[SearchFile]:
    """The whole search bundle for the site's published entries (none for a site without any: Pagefind refuses to index nothing)."""
    if not site.entries:
        return []
    [bundle] = index_bundles([records(site, renderer)])
    return [SearchFile(f"{BUNDLE}/{rel}", data) for rel, data in sorted(deterministic(bundle).items()) if not rel.startswith(UNUSED)]


def records(site: Site, renderer: Renderer) -> list[Record]:
    """One record per entry, at its id (Pagefind's own URL for it is never shown: `link` is).

    Rendered with the build's renderer, whose bodies the article pages then reuse.
    """
    site_lang = renderer.config.site.language.split("-")[0].lower()
    made = []
    for entry in site.entries:
        lang = (entry.lang or site_lang).split("-")[0].lower()
        context = {"entry": entry, "link": site.link(entry.id), "lang": lang, "index_lang": index_language(lang, site_lang)}
        made.append((f"/{entry.id}.html", render(renderer.env, RECORD_TEMPLATE, context)))
    return made


def index_language(lang: str, site_lang: str) -> str:
    """The Pagefind index an entry goes into.

    The search page searches every index at once, but Pagefind processes a
    query with the stemmer of one index only, the site language's: an entry
    stemmed in another language (Arabic, German) could then not be found by
    its words. So only the site's language is stemmed; Chinese and Japanese
    keep indexes of their own, for word segmentation (they have no stemmer);
    all other languages share one unstemmed index (`und`, undetermined), where
    a word is found as written.
    """
    return lang if lang in (site_lang, *SEGMENTED) else "und"


# Pagefind's binary files: gzip of this signature followed by one CBOR value.
SIGNATURE = b"pagefind_dcd"


def deterministic(bundle: Bundle) -> Bundle:
    """The bundle with its filter, metadata and entry files in sorted order, renamed by a hash of their new content.

    A filter file is [name, [[value, pages], ...]] with values in arbitrary
    order; the metadata file of a language lists its filters as [[name, file], ...].
    """
    out = dict(bundle)
    renamed: dict[str, str] = {}
    for rel in sorted(r for r in bundle if r.startswith("filter/") and r.endswith(".pf_filter")):
        name, values = _read_chunk(out.pop(rel))
        stem = rel.removeprefix("filter/").removesuffix(".pf_filter")
        new, data = _chunk(stem, [name, sorted(values, key=lambda value: value[0])], 7)
        renamed[stem] = new
        out[f"filter/{new}.pf_filter"] = data
    for rel in sorted(r for r in bundle if r.startswith("pagefind.") and r.endswith(".pf_meta")):
        stem = rel.removeprefix("pagefind.").removesuffix(".pf_meta")
        meta = _replaced(_read_chunk(out.pop(rel)), renamed)
        meta[3] = sorted(meta[3], key=lambda named: named[0])
        new, data = _chunk(stem, meta, 10)
        renamed[stem] = new
        out[f"pagefind.{new}.pf_meta"] = data
    entry = _replaced(json.loads(out["pagefind-entry.json"]), renamed)
    out["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return out


def _read_chunk(data: bytes) -> Any:
    data = gzip.decompress(data)
    if not data.startswith(SIGNATURE):
        raise OutputError(Problem(None, "the search index has a file Pagefind did not write as expected"))
    return cbor2.loads(data[len(SIGNATURE) :])


def _chunk(stem: str, value: Any, digits: int) -> tuple[str, bytes]:
    """`value` as Pagefind's file, and its new name: the language of `stem` and a hash of the content."""
    data = gzip.compress(SIGNATURE + cbor2.dumps(value), mtime=0)
    return f"{stem.partition('_')[0]}_{hashlib.sha256(data).hexdigest()[:digits]}", data


def _replaced(value: Any, names: Mapping[str, str]) -> Any:
    """`value` with every string that names a renamed file replaced by its new name."""
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, list):
        return [_replaced(item, names) for item in value]
    if isinstance(value, dict):
        return {key: _replaced(item, names) for key, item in value.items()}
    return value
