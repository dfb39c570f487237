"""The search index: every published article and teaser, indexed by Pagefind into `pagefind/`.

Each entry becomes a small HTML record (the theme's `search-record.html`:
its text, and its link, source, date, kind, language and tags as Pagefind
meta and filters) written to a scratch folder; the Pagefind binary from the
`pagefind` package indexes them. Its bundle becomes ordinary output files, so
the build writes them into the spare tree, skips the bytes that did not
change and drops files of an older index, like any other output.

Pagefind writes the values of a filter in hash-map order, so its filter
files (and the metadata and entry files naming them by a hash of their
content) differ from run to run on the same input; `make_deterministic`
rewrites them in sorted order, so the same entries give the same bytes.

Pagefind cannot update an index in place: whenever the site has anything to
rebuild, the whole index is made again from the loaded entries (see the
README for what that costs).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import cbor2

from generator.config import Config
from generator.output import Trees
from generator.problems import OutputError, Problem
from generator.render.templates import make_environment, render
from generator.structure.site import Site

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


def search_files(site: Site, config: Config) -> list[SearchFile]:
    """The whole search bundle for the site's published entries."""
    scratch_root = Trees(config.output_dir).state
    with tempfile.TemporaryDirectory(prefix="search-", dir=scratch_root if scratch_root.is_dir() else None) as scratch:
        records, bundle = Path(scratch, "records"), Path(scratch, "bundle")
        write_records(site, config, records)
        run_pagefind(records, bundle)
        make_deterministic(bundle)
        return [
            SearchFile(f"{BUNDLE}/{path.relative_to(bundle).as_posix()}", path.read_bytes())
            for path in sorted(bundle.rglob("*"))
            if path.is_file() and not path.name.startswith(UNUSED)
        ]


def write_records(site: Site, config: Config, folder: Path) -> None:
    """One record per entry, named by its id (Pagefind's own URL for it is never shown: `link` is)."""
    env = make_environment(config)
    base_path = urlsplit(config.base_url).path
    env.globals.update(site=config.site, url=lambda target="": base_path + target)
    folder.mkdir(parents=True)
    site_lang = config.site.language.split("-")[0].lower()
    for entry in site.entries:
        lang = (entry.lang or site_lang).split("-")[0].lower()
        context = {"entry": entry, "link": site.link(entry.id), "lang": lang, "index_lang": index_language(lang, site_lang)}
        html = render(env, RECORD_TEMPLATE, context)
        (folder / f"{entry.id}.html").write_text(html, encoding="utf-8")


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


def pagefind_binary() -> Path:
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None:
        raise OutputError(Problem(None, "the Pagefind binary is missing", hint="reinstall newsdigest: pip install -e . installs pagefind[extended]"))
    return binary


def run_pagefind(records: Path, bundle: Path) -> None:
    done = subprocess.run(
        [str(pagefind_binary()), "--site", str(records), "--output-path", str(bundle), "--silent"], capture_output=True, text=True, check=False
    )
    if done.returncode != 0 or not (bundle / "pagefind.js").is_file():
        reason = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        raise OutputError(Problem(None, f"building the search index failed: {reason[0]}"))


# Pagefind's binary files: gzip of this signature followed by one CBOR value.
SIGNATURE = b"pagefind_dcd"


def make_deterministic(bundle: Path) -> None:
    """Rewrite the filter, metadata and entry files in sorted order, renamed by a hash of their new content.

    A filter file is [name, [[value, pages], ...]] with values in arbitrary
    order; the metadata file of a language lists its filters as [[name, file], ...].
    """
    renamed: dict[str, str] = {}
    for path in sorted((bundle / "filter").glob("*.pf_filter")):
        name, values = _read_chunk(path)
        renamed[path.stem] = _write_chunk(path, "{}.pf_filter", [name, sorted(values, key=lambda value: value[0])], 7)
    for path in sorted(bundle.glob("pagefind.*.pf_meta")):
        meta = _replaced(_read_chunk(path), renamed)
        meta[3] = sorted(meta[3], key=lambda named: named[0])
        renamed[path.stem.removeprefix("pagefind.")] = _write_chunk(path, "pagefind.{}.pf_meta", meta, 10)
    entry_file = bundle / "pagefind-entry.json"
    entry = _replaced(json.loads(entry_file.read_bytes()), renamed)
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")), encoding="utf-8")


def _read_chunk(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise OutputError(Problem(path, "the search index has a file Pagefind did not write as expected"))
    return cbor2.loads(data[len(SIGNATURE) :])


def _write_chunk(path: Path, pattern: str, value: Any, digits: int) -> str:
    """Write `value` beside `path` as `pattern` named by its language and content hash; remove `path`."""
    data = gzip.compress(SIGNATURE + cbor2.dumps(value), mtime=0)
    name = f"{path.name.split('_')[0].removeprefix('pagefind.')}_{hashlib.sha256(data).hexdigest()[:digits]}"
    path.unlink()
    (path.parent / pattern.format(name)).write_bytes(data)
    return name


def _replaced(value: Any, names: Mapping[str, str]) -> Any:
    """`value` with every string that names a renamed file replaced by its new name."""
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, list):
        return [_replaced(item, names) for item in value]
    if isinstance(value, dict):
        return {key: _replaced(item, names) for key, item in value.items()}
    return value
