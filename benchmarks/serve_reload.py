"""Live preview latency: from saving an entry to the open page showing the edit.

    .venv/bin/python -m benchmarks.serve_reload [--entries 10000] [--edits 5]

On a synthetic digest (benchmarks/corpus.py) a real `digest serve` runs. An
article's page is "open": this script holds the page's event stream, as the
page's reload script does. Each round saves the article's file with a new
sentence (written beside it and renamed over it, as editors save), waits for
the `reload` event, then fetches the page as the browser's reload would and
checks the sentence is there. Reported per round: save → reload event, and
save → reloaded page (the figure the README's target is about). The first
round is the first change after the cold build (serve's own start-up build).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import corpus
from benchmarks.measure import SETTLE_SECONDS
from benchmarks.soak_serve import Serve, start_serve

EVENT_SECONDS = 60.0  # a reload slower than this is a failure, not a figure


def article_page(site: Path, title: str) -> str:
    """The URL path of the page whose headline is `title` (served under `/`)."""
    for page in sorted(site.rglob("index.html")):
        if f">{title}</h1>" in page.read_text(encoding="utf-8"):
            return "/" + page.relative_to(site).as_posix().removesuffix("index.html")
    raise SystemExit(f"no page in {site} has the headline {title!r}")


def get(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=EVENT_SECONDS)
    try:
        connection.request("GET", path)
        return connection.getresponse().read().decode("utf-8")
    finally:
        connection.close()


def save(path: Path, text: str) -> None:
    """Save as an editor does: a new file beside it, renamed over it."""
    temp = path.with_name(f".{path.name}.swp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def one_round(served: Serve, entry: Path, page: str, marker: str) -> tuple[float, float]:
    """Seconds from the save to the reload event, and to the reloaded page holding `marker`."""
    generation = re.search(r"since=(\d+)", get(served.port, page))
    assert generation, f"{page} has no reload script"
    stream = http.client.HTTPConnection("127.0.0.1", served.port, timeout=EVENT_SECONDS)
    try:
        stream.request("GET", f"/__digest__/events?since={generation.group(1)}")
        events = stream.getresponse()
        events.readline(), events.readline()  # retry:, : connected
        saved = time.monotonic()
        save(entry, entry.read_text(encoding="utf-8") + f"\n\n{marker}\n")
        while not events.readline().startswith(b"event: reload"):
            pass
        evented = time.monotonic()
    finally:
        stream.close()
    html = get(served.port, page)
    loaded = time.monotonic()
    assert marker in html, f"the reloaded {page} does not show the edit"
    return evented - saved, loaded - saved


def run(root: Path, entries: int, edits: int) -> list[str]:
    made = corpus.write(entries, root)
    config = root / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("https://example.org/digest/", "https://example.org/"), encoding="utf-8")
    article = next(e for e in made if e.fields["kind"] == "article")
    # A corpus written just before serve started would make the first save re-read all of it (see SETTLE_SECONDS).
    time.sleep(SETTLE_SECONDS)
    served = start_serve(root)
    try:
        served.settle(quiet=1.0, timeout=120)
        page = article_page(root / "site", str(article.fields["title"]))
        rounds = [one_round(served, root / "content" / article.path, page, f"Edit number {i} of the benchmark.") for i in range(edits)]
    finally:
        served.process.terminate()
        served.process.wait(timeout=30)
    lines = [f"{entries} entries, {edits} saves of {page} (load {os.getloadavg()[0]:.1f})"]
    lines += [f"  save {i + 1}: reload event {event:.2f} s, reloaded page {page_s:.2f} s" for i, (event, page_s) in enumerate(rounds)]
    later = [page_s for _, page_s in rounds[1:]] or [rounds[0][1]]
    lines.append(f"first change after the cold build: {rounds[0][1]:.2f} s; later saves: median {statistics.median(later):.2f} s, max {max(later):.2f} s")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000, help="entries in the synthetic digest (default 10,000)")
    parser.add_argument("--edits", type=int, default=5, help="saves to time (default 5)")
    parser.add_argument("--root", type=Path, help="work here instead of a temporary folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="serve-reload-") as temp:
        print("\n".join(run(args.root or Path(temp) / "digest", args.entries, args.edits)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
