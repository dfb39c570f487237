"""Hugo (Debian's package): layouts in benchmarks/peers/hugo_layouts, taxonomies `tags` and `sources`."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from benchmarks.peers import FEED_ITEMS, PER_PAGE, SITE_TITLE, SITE_URL, Peer, PeerEntry, PeerUnavailable, copy_folder

LAYOUTS = Path(__file__).with_name("hugo_layouts")

CONFIG = f"""\
baseURL = "{SITE_URL}/"
title = "{SITE_TITLE}"
languageCode = "en"
paginate = {PER_PAGE}
rssLimit = {FEED_ITEMS}
buildFuture = true
disableKinds = ["section"]

[taxonomies]
tag = "tags"
source = "sources"

[permalinks]
posts = "/:year/:month/:day/:slug/"
"""


class Hugo(Peer):
    name = "hugo"

    def install(self, cache: Path, log: Path) -> str:
        if shutil.which("hugo") is None:
            with log.open("ab") as out:
                for argv in (["apt-get", "update"], ["apt-get", "install", "-y", "hugo"]):
                    if subprocess.run(argv, stdout=out, stderr=out, check=False).returncode != 0:
                        raise PeerUnavailable(f"`{' '.join(argv)}` failed (see {log}); install Debian's hugo")
        version = subprocess.run(["hugo", "version"], capture_output=True, text=True, check=True).stdout.strip()
        return version.split()[1] if version.startswith("hugo ") else version

    def write_site(self, entries: Sequence[PeerEntry], root: Path) -> None:
        copy_folder(LAYOUTS, root / "layouts")
        (root / "config.toml").write_text(CONFIG, encoding="utf-8")
        posts = root / "content" / "posts"
        posts.mkdir(parents=True, exist_ok=True)
        for entry in entries:
            (posts / f"{entry.id}.md").write_text(_page(entry), encoding="utf-8")

    def command(self, root: Path) -> list[str]:
        return ["hugo", "--quiet"]

    def output(self, root: Path) -> Path:
        return root / "public"

    def state(self, root: Path) -> list[Path]:
        return [self.output(root), root / "resources"]


def _page(entry: PeerEntry) -> str:
    """A content file with JSON front matter (Hugo reads front matter opening with `{` as JSON)."""
    front = {
        "title": entry.title,
        "date": entry.added.isoformat(),
        "slug": entry.id,
        "summary": entry.summary,
        "sources": [entry.source],
        "tags": list(entry.tags),
    }
    return json.dumps(front, ensure_ascii=False, indent=1) + "\n\n" + entry.body + "\n"
