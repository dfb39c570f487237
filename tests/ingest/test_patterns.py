"""User boilerplate patterns that backtrack without bound cannot hang ingest, and Ctrl-C always stops it.

Ingest runs in a real process with a bounded wait: a hang fails the test
instead of hanging the suite.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from generator.ingest.clean.rules import blowups, shipped_rules
from tests.ingest import pages

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60  # seconds: far beyond a bounded run, far below a hang's end
LINE = "a" * 40


PAGE = pages.page(pages.ARTICLE[:2], [LINE], pages.ARTICLE[2:], pages.PLATFORM_BLOCK)


def site(tmp: Path, pattern: str) -> Path:
    (tmp / "config.yaml").write_text(f"site:\n  title: T\n  url: https://example.org/\ningest:\n  boilerplate:\n    - '{pattern}'\n", encoding="utf-8")
    raw = tmp / "raw"
    raw.mkdir()
    (raw / "page.txt").write_bytes(PAGE)
    return tmp


def digest(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args, "--config", str(root / "config.yaml")], check=False, capture_output=True, text=True, timeout=WAIT, env=env
    )


def test_the_nested_quantifier_from_the_report_ingests_and_check_warns(tmp_path: Path) -> None:
    root = site(tmp_path, "(a+)+b")
    result = digest(root, "ingest", str(root / "raw"))
    assert result.returncode == 0, result.stderr
    assert "1 page: 1 ingested" in result.stdout
    assert "warning: ingest.boilerplate: pattern '(a+)+b' nests quantifiers" in result.stderr
    check = digest(root, "check")
    assert check.returncode == 0, check.stderr
    assert "config.yaml: warning: ingest.boilerplate: pattern '(a+)+b' nests quantifiers" in check.stderr


def test_a_pattern_that_backtracks_for_ever_stops_the_run_naming_it(tmp_path: Path) -> None:
    root = site(tmp_path, "(a|aa)+b")
    result = digest(root, "ingest", str(root / "raw"))
    assert result.returncode == 2
    assert "ingest.boilerplate: pattern '(a|aa)+b' took over 1 s on the line 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' of " in result.stderr
    assert "page.txt; ingest stopped" in result.stderr and "Traceback" not in result.stderr
    assert not list((root / "content").rglob("*.md"))
    check = digest(root, "check")
    assert "warning: ingest.boilerplate: pattern '(a|aa)+b' repeats alternatives that can match the same text" in check.stderr


def test_the_same_pattern_in_a_forked_worker_stops_the_run_too(tmp_path: Path) -> None:
    root = site(tmp_path, "(a|aa)+b")
    raw = root / "raw" / "page.txt"
    for n in range(80):  # enough pages to fork, the bad line only on a late one
        (root / "raw" / f"p{n:02}.txt").write_bytes(pages.STANDARD.replace(b"Lowmouth reopened", f"Lowmouth {n} reopened".encode()))
    raw.rename(root / "raw" / "p99.txt")
    result = digest(root, "ingest", "-j", "2", str(root / "raw"))
    assert result.returncode == 2, result.stderr
    assert "pattern '(a|aa)+b' took over 1 s" in result.stderr and "p99.txt; ingest stopped" in result.stderr


def test_digest_fetch_fails_just_the_source_whose_text_a_pattern_cannot_finish() -> None:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        server.expect_request("/robots.txt").respond_with_data("", status=404)
        server.expect_request("/story.txt").respond_with_data(PAGE, content_type="text/plain; charset=utf-8")
        with tempfile.TemporaryDirectory() as tmp:
            root = site(Path(tmp), "(a|aa)+b")
            with (root / "config.yaml").open("a", encoding="utf-8") as config:
                config.write(f"fetch:\n  delay: 0\n  retries: 0\nsources:\n  - page: {server.url_for('/story.txt')}\n")
            result = digest(root, "fetch")
    finally:
        server.clear()
        server.stop()
    assert result.returncode == 1, result.stderr
    assert "/story.txt: pattern '(a|aa)+b' took over 1 s" in result.stderr and "Traceback" not in result.stderr


def test_ctrl_c_stops_a_match_that_would_run_for_ever() -> None:
    # The time limit raised out of reach: only Ctrl-C can end this match.
    script = (
        "import generator.ingest.clean.rules as r\n"
        "r.MATCH_SECONDS = 3600\n"
        "rules = r.build_rules([r.Rule('user', '(a|aa)+b')])\n"
        "print('matching', flush=True)\n"
        f"rules.match({LINE!r})\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        # As a terminal leaves it: a test runner's worker may ignore SIGINT, and the child would inherit that
        # (then the match runs to its end, about 35 s, and exits with nothing to say).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - as in tests/robustness/test_interrupt.py
    )
    try:
        assert process.stdout is not None and process.stdout.readline() == "matching\n"
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=WAIT)
    finally:
        process.kill()
    assert "KeyboardInterrupt" in err


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(a+)+b", "nests quantifiers"),
        ("(\\w+\\s?)*$", "nests quantifiers"),
        ("(?:x*)*", "nests quantifiers"),
        ("(a|aa)+b", "repeats alternatives"),
        ("(?:aa|a)*b", "repeats alternatives"),
    ],
)
def test_patterns_that_can_blow_up_are_named(pattern: str, reason: str) -> None:
    assert (blowups(pattern) or "").startswith(reason)


@pytest.mark.parametrize("pattern", ["a+b", "(\\d+,)+x", "(?:yes|no)+", "(?:\\w+ ){0,4}x", "(?>a+)+b", "(a++)+b", "(a|ab)+c", "(?:[$€]\\s?\\d[\\d,.]*\\s*)+"])
def test_patterns_that_cannot_blow_up_pass(pattern: str) -> None:
    assert blowups(pattern) is None


def test_every_shipped_rule_passes_the_same_check() -> None:
    assert {rule.name: blowups(rule.pattern) for rule in shipped_rules() if blowups(rule.pattern)} == {}
