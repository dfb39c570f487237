"""`digest ingest --scheduler`: pages cleaned on a real Dask LocalCluster (two worker processes), written here."""

from __future__ import annotations

import collections
import os
import signal
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import SchedulerPlugin

from generator.cli import cli
from generator.ingest import run as ingest_run
from tests.ingest import pages
from tests.ingest.html import pages as html_pages
from tests.ingest.test_cli import NOW, written

CONFIG = "site:\n  title: T\n  url: https://example.org/\n"


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, scheduler_port=0) as local:
        yield local


def collection(root: Path, extra_config: str = "") -> Path:
    """Text and HTML pages, one scraped twice, one empty (a failure), one too big."""
    raw = root / "raw"
    (raw / "html").mkdir(parents=True)
    (root / "config.yaml").write_text(CONFIG + "ingest:\n  max_bytes: 20000\n" + extra_config, encoding="utf-8")
    for n in range(12):
        article = [line.replace("Lowmouth", f"Lowmouth {n}") for line in pages.ARTICLE]
        (raw / f"page-{n:02d}.txt").write_bytes(pages.page(article, pages.PLATFORM_BLOCK, pages.TEASERS_A, pages.TEASERS_C))
    for n in range(4):
        title = f"Harbour {n} bridge reopens after eight months | The Lowmouth Courier"
        page = html_pages.article(title=title, canonical=f"https://courier.example.org/news/{n}", ld=None)
        (raw / "html" / f"story-{n}.html").write_text(page, encoding="utf-8")
    (raw / "page-03b.txt").write_bytes((raw / "page-01.txt").read_bytes())  # scraped twice: found written
    (raw / "page-06b.txt").write_bytes(b"")
    (raw / "page-07b.txt").write_bytes(b"x" * 30000)
    return root


def ingest(site: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["ingest", "--config", str(site / "config.yaml"), "--now", NOW, *args, str(site / "raw")], catch_exceptions=False)


def same_as_one_process(tmp_path: Path, clustered: Path, result: Result) -> None:
    one = collection(tmp_path / "one")
    alone = ingest(one, "-j", "1")
    assert alone.exit_code == result.exit_code == 1
    assert result.output.replace(str(clustered), str(one)) == alone.output
    assert "19 pages: 16 ingested, 1 unchanged, 0 skipped, 2 failed" in alone.output
    assert written(clustered) == written(one) and len(written(one)) == 12 * 4 + 4 * 3  # articles with their teasers


def test_cluster_run_equals_one_process(tmp_path: Path, cluster: LocalCluster, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest_run, "CHUNK", 3)  # several chunks for each worker
    several = collection(tmp_path / "several", f"  scheduler: {cluster.scheduler_address}\n")  # from config.yaml
    same_as_one_process(tmp_path, several, ingest(several))


class Transitions(SchedulerPlugin):
    """Every task's state changes, as the scheduler makes them (it runs in this process)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str]] = []

    def transition(self, key: Any, start: str, finish: str, *args: Any, **kwargs: Any) -> None:
        self.seen.append((str(key), start, finish))


def test_a_worker_killed_mid_run_has_its_pages_cleaned_elsewhere_and_each_entry_written_once(
    tmp_path: Path, cluster: LocalCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest_run, "CHUNK", 1)  # a task per page: many are pending when the worker dies
    writes: collections.Counter[Path] = collections.Counter()
    write_atomic = ingest_run.write_atomic

    def counted(path: Path, text: str) -> None:
        writes[path] += 1
        write_atomic(path, text)

    monkeypatch.setattr(ingest_run, "write_atomic", counted)
    plugin = Transitions()
    cluster.scheduler.add_plugin(plugin, name="transitions")
    killed: list[int] = []

    def kill_a_busy_worker() -> None:
        while not killed:
            done = any(finish == "memory" for _, _, finish in list(plugin.seen))
            busy = [w.pid for w in list(cluster.scheduler.workers.values()) if w.processing] if done else []
            if busy:
                os.kill(busy[0], signal.SIGKILL)
                killed.append(busy[0])
            threading.Event().wait(0.005)

    killer = threading.Thread(target=kill_a_busy_worker, daemon=True)
    killer.start()
    try:
        several = collection(tmp_path / "several")
        result = ingest(several, "--scheduler", cluster.scheduler_address)
    finally:
        killed.append(0)  # stops the killer if the run ended first
        killer.join()
        cluster.scheduler.remove_plugin(name="transitions")
        with Client(cluster, set_as_default=False) as client:  # the nanny restarts the worker: wait for it, for the next test
            client.wait_for_workers(2, timeout=60)
    assert killed[0] != 0, "the run ended before a worker could be killed"
    started = collections.Counter(key for key, _, finish in plugin.seen if finish == "processing")
    assert max(started.values()) >= 2, "no task was run again after its worker died"
    assert set(writes.values()) == {1} and len(writes) == 12 * 4 + 4 * 3
    same_as_one_process(tmp_path, several, result)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_unreachable_scheduler_is_one_line_naming_it_and_nothing_is_written(tmp_path: Path) -> None:
    site = collection(tmp_path, "  scheduler_timeout: 0.5\n")
    address = f"tcp://127.0.0.1:{closed_port()}"
    result = ingest(site, "--scheduler", address)
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith(f"error: cannot reach the Dask scheduler at {address}: "), result.output
    assert not (site / "content").exists()


@pytest.mark.parametrize("address", ["localhost:8786", "http://host:8786", "tcp://host", "tcp://host:8786/x"])
def test_a_scheduler_address_is_checked_at_start_up(tmp_path: Path, address: str) -> None:
    site = collection(tmp_path / "flag")
    flag = ingest(site, "--scheduler", address)
    assert flag.exit_code == 2 and f"must be a Dask scheduler address like tcp://HOST:8786, got {address!r}" in flag.output
    site = collection(tmp_path / "config", f"  scheduler: {address!r}\n")
    config = ingest(site)
    assert config.exit_code == 2 and "config.yaml:6: `ingest.scheduler` must be a Dask scheduler address like tcp://HOST:8786" in config.output, config.output
    assert not (tmp_path / "flag" / "content").exists() and not (tmp_path / "config" / "content").exists()


def test_jobs_and_a_scheduler_do_not_mix(tmp_path: Path) -> None:
    site = collection(tmp_path)
    result = ingest(site, "-j", "2", "--scheduler", "tcp://127.0.0.1:8786")
    assert result.exit_code == 2 and "--jobs counts this machine's processes" in result.output


def test_a_scheduler_without_workers_is_one_line_saying_so_and_nothing_is_written(tmp_path: Path) -> None:
    site = collection(tmp_path, "  scheduler_timeout: 0.5\n")
    with LocalCluster(n_workers=0, processes=False, protocol="tcp", dashboard_address=":0", scheduler_port=0) as empty:
        result = ingest(site, "--scheduler", empty.scheduler_address)
    assert result.exit_code == 2
    assert result.output == f"error: the Dask scheduler at {empty.scheduler_address} has no workers (start some with `dask worker {empty.scheduler_address}`)\n"
    assert not (site / "content").exists()


def test_a_cluster_that_loses_every_worker_fails_in_one_line_and_a_rerun_writes_the_rest_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest_run, "CHUNK", 1)  # a task per page: many are waiting when the workers go
    site = collection(tmp_path / "site", "  scheduler_timeout: 1\n")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0", scheduler_port=0) as lonely:
        plugin = Transitions()
        lonely.scheduler.add_plugin(plugin, name="transitions")
        gone = threading.Event()

        def retire_every_worker() -> None:  # once the client holds a cleaned page, the cluster scales to nothing (no nanny restarts it)
            # A result the client has gathered is released; one merely computed would be lost with its worker.
            while not any(start == "memory" and finish in {"released", "forgotten"} for _, start, finish in list(plugin.seen)):
                threading.Event().wait(0.005)
            lonely.scale(0)
            gone.set()

        threading.Thread(target=retire_every_worker, daemon=True).start()
        result = ingest(site, "--scheduler", lonely.scheduler_address)
        assert gone.is_set()
        address = lonely.scheduler_address
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert lines == [f"error: the Dask scheduler at {address} has had no worker (or was lost) for 1 s; the entries before it are written"]
    before = written(site)
    assert 0 < len(before) < 12 * 4 + 4 * 3, "the run did not stop part-way"
    assert not list((site / "content").rglob("*.tmp*")), "a half-written entry was left behind"
    rerun = ingest(site, "-j", "1")  # the pages the cluster never cleaned are written now; the others are found written
    after = written(site)
    assert all(after[path] == text for path, text in before.items())
    one = collection(tmp_path / "one")
    ingest(one, "-j", "1")
    assert rerun.exit_code == 1 and after == written(one)  # exit 1: the empty page fails, as in every run
