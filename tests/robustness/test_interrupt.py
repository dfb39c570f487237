"""Ctrl-C in a terminal during `digest build` and `digest ingest`: `Aborted!`, exit 1, and nothing half-done.

A worker killed on its own (by the out-of-memory killer, say) stops the build
the same way, with a one-line error instead of a wait for ever.

Ctrl-C reaches the whole process group (the command and its workers), so each
command runs in a session of its own and the signal goes to that group.
Every wait is bounded: a command that ignores the signal fails the test.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from generator.build import build
from generator.config import Config
from generator.render import engine
from tests.conftest import ROOT, entry_text, site_files
from tests.ingest.pages import STANDARD
from tests.processes import children, running

WAIT = 60.0  # seconds: far beyond a stop, far below a hang's end


def start(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"},
        start_new_session=True,  # its own process group, as in a terminal
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - as a terminal leaves it, whatever the test runner does
    )


def ctrl_c(process: subprocess.Popen[str]) -> str:
    """Ctrl-C to the command's process group; everything it printed."""
    os.killpg(process.pid, signal.SIGINT)
    try:
        out, _ = process.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise AssertionError("Ctrl-C did not stop the command") from None
    return out


def wait_until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_ctrl_c_during_a_parallel_build_aborts_it_and_leaves_the_site_as_it_was(make_digest: Callable[..., Config]) -> None:
    entries = {f"e{i}.md": entry_text(f"Story number {i}", id=f"e{i}") for i in range(engine.PARALLEL_MIN_JOBS + 20)}  # enough to render in a pool
    config = make_digest(entries)
    build(config)
    before = site_files(config.output_dir)
    templates = config.path.parent / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "article.html").write_text("{% for i in range(10 ** 15) %}{% endfor %}\n", encoding="utf-8")  # pages that never finish
    process = start(["build", "-j", "2", "--config", str(config.path)], config.path.parent)
    # Two children: the render worker, and the process that listed the live site when the build began (it lives as long as the build).
    wait_until(lambda: len(children(process.pid)) >= 2, "the build's worker processes")
    workers = children(process.pid)
    out = ctrl_c(process)
    assert process.returncode == 1 and out.rstrip().endswith("Aborted!") and "Traceback" not in out, out
    assert not [pid for pid in workers if running(pid)]  # no worker left behind
    assert site_files(config.output_dir) == before
    with open(config.output_dir.with_name(f".{config.output_dir.name}.newsdigest") / "lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free: raises BlockingIOError if still held


def test_a_render_worker_killed_fails_the_build_in_one_line_and_leaves_the_site_as_it_was(make_digest: Callable[..., Config]) -> None:
    entries = {f"e{i}.md": entry_text(f"Story number {i}", id=f"e{i}") for i in range(engine.PARALLEL_MIN_JOBS + 20)}
    config = make_digest(entries)
    build(config)
    before = site_files(config.output_dir)
    article = config.path.parent / "templates" / "article.html"
    article.parent.mkdir(exist_ok=True)
    article.write_text("{% for i in range(300000) %}{% endfor %}{{ entry.title }}\n", encoding="utf-8")  # seconds of rendering in all
    process = start(["build", "-j", "2", "--config", str(config.path)], config.path.parent)
    # A build also forks a process that lists the live site, which may be done before the render
    # workers start: every forked child is killed once it has run a moment, until the build ends.
    deadline, seen = time.monotonic() + WAIT, set[int]()
    while process.poll() is None and time.monotonic() < deadline:
        now = children(process.pid)
        for pid in now & seen:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)  # as the out-of-memory killer does
        seen = now
        time.sleep(0.05)
    out, _ = process.communicate(timeout=WAIT)
    assert process.returncode == 1 and "Traceback" not in out, out
    assert (
        out.splitlines()[-1]
        == "error: <input>: a worker process was killed by SIGKILL before finishing its work (out of memory? try fewer processes with --jobs)"
    )
    assert site_files(config.output_dir) == before
    article.unlink()
    assert build(config).written == 0  # the next build finds the site right as it is


def test_ctrl_c_during_ingest_aborts_it_and_keeps_every_entry_written_whole(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("site:\n  title: T\n  url: https://example.org/\n", encoding="utf-8")
    raw = tmp_path / "raw"
    raw.mkdir()
    pages = 200  # seconds of work at any speed: the run is still writing when Ctrl-C comes
    for n in range(pages):
        (raw / f"p{n:03}.txt").write_bytes(STANDARD.replace(b"Lowmouth reopened", f"Lowmouth {n} reopened".encode()))
    process = start(["ingest", "-j", "1", "raw"], tmp_path)
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("raw/p000.txt: ingested"), first
    out = first + ctrl_c(process)
    assert process.returncode == 1 and out.rstrip().endswith("Aborted!") and "Traceback" not in out, out
    content = tmp_path / "content"
    written = list(content.rglob("*.md"))
    assert 3 <= len(written) < 3 * pages  # stopped part-way, what was written stays
    assert list(content.rglob("*.tmp")) == []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    checked = subprocess.run([sys.executable, "-m", "generator", "check"], check=False, cwd=tmp_path, capture_output=True, text=True, timeout=WAIT, env=env)
    assert checked.returncode == 0, checked.stderr  # every entry written is whole
