"""generator.parallel: every chunk's result exactly once, whichever process ran it."""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.parallel import WorkerLost, collector_paused, fan_out, frozen_heap, in_background
from tests.processes import running


def test_every_chunk_is_done_once_across_processes() -> None:
    data = list(range(1000))  # inherited by the forked worker, never pickled

    def work(chunk: range) -> tuple[range, int, int]:
        return chunk, sum(data[i] * data[i] for i in chunk), os.getpid()

    chunks = [range(start, start + 10) for start in range(0, 1000, 10)]
    results = list(fan_out(work, chunks, workers=2))
    assert sorted(r[0].start for r in results) == [c.start for c in chunks]
    assert sum(r[1] for r in results) == sum(i * i for i in range(1000))
    assert len({r[2] for r in results}) == 2  # this process and one forked worker shared the work


def test_one_worker_runs_everything_here_in_order() -> None:
    assert list(fan_out(lambda chunk: (chunk, os.getpid()), [1, 2, 3], workers=1)) == [(1, os.getpid()), (2, os.getpid()), (3, os.getpid())]


def test_a_failing_chunk_raises_in_the_caller() -> None:
    def work(chunk: int) -> int:
        if chunk == 37:
            raise ValueError("chunk 37")
        return chunk

    with pytest.raises(ValueError, match="chunk 37"):
        list(fan_out(work, range(100), workers=2))


@pytest.mark.timeout(60)  # the pool drops a dead worker's chunk: waiting for it would never end
def test_a_worker_killed_mid_chunk_raises_worker_lost_and_ends_the_others() -> None:
    caller = os.getpid()

    def work(chunk: int) -> int:
        if os.getpid() != caller:
            os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer does
        return chunk

    with pytest.raises(WorkerLost, match=r"a worker process was killed by SIGKILL before finishing its work \(out of memory\? try fewer processes"):
        list(fan_out(work, range(100), workers=3))
    assert multiprocessing.active_children() == []


@pytest.mark.timeout(60)
def test_a_base_exception_in_a_worker_reaches_the_caller_instead_of_ending_the_worker() -> None:
    caller = os.getpid()

    def work(chunk: int) -> int:
        if os.getpid() != caller:
            raise SystemExit(f"chunk {chunk} stops")  # not an Exception: a Pool worker died of it, and its chunk was waited for for ever
        return chunk

    with pytest.raises(SystemExit, match="stops"):
        list(fan_out(work, range(100), workers=2))


@pytest.mark.timeout(60)
def test_a_background_process_that_dies_raises_worker_lost() -> None:
    with in_background(os._exit, 3) as running, pytest.raises(WorkerLost, match="a worker process exited with status 3 before"):
        running.get()
    with in_background(lambda n: n * 2, 21) as running:
        assert running.get() == 42
    assert str(WorkerLost(None)) == "<input>: a worker process ended before finishing its work"  # one that died before it was known


def test_frozen_heap_nests_and_the_outermost_block_unfreezes() -> None:
    assert gc.get_freeze_count() == 0
    with frozen_heap():
        outer = gc.get_freeze_count()
        assert outer > 0
        with frozen_heap():
            pass
        assert gc.get_freeze_count() >= outer  # the inner block kept the outer freeze
        list(fan_out(lambda chunk: chunk, range(5), workers=2))  # so does fan_out's own
        assert gc.get_freeze_count() >= outer
    assert gc.get_freeze_count() == 0


def test_collector_paused_restores_the_collector_even_on_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()


def test_ctrl_c_stops_the_caller_without_a_traceback_from_each_worker(tmp_path: Path) -> None:
    script = tmp_path / "work.py"
    script.write_text(
        "import sys, time\n"
        "from generator.parallel import fan_out\n"
        "def slow(n):\n"
        "    time.sleep(0.2)\n"
        "    return n\n"
        "try:\n"
        "    for n in fan_out(slow, range(100), 2):\n"
        "        print(n, flush=True)\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', file=sys.stderr)\n"
        "    sys.exit(130)\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    # SIGINT's default disposition, as in a terminal: a runner that ignores it (`cmd &` in a script) would pass that on
    process = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - nothing else runs threads here
    )
    assert process.stdout is not None
    process.stdout.readline()  # the workers are running
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole process group
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 130 and err.strip() == "interrupted", err


def _run(script: Path, timeout: float = 30) -> str:
    """The script's output; a script still running after `timeout` fails the test (and is killed)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise AssertionError("the pool's termination waited forever for its worker") from None
    assert process.returncode == 0, err
    return out


def test_workers_start_with_default_signal_handling(tmp_path: Path) -> None:
    """Handlers, blocked signals and the wake-up fd of the caller (digest serve can have all three) stay behind."""
    script = tmp_path / "work.py"
    script.write_text(
        "import os, signal, time\n"
        "from generator.parallel import fan_out\n"
        "for sig in (signal.SIGTERM, signal.SIGUSR1):\n"
        "    signal.signal(sig, lambda signum, frame: None)\n"
        "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR2})\n"
        "read_end, write_end = os.pipe()\n"
        "os.set_blocking(write_end, False)\n"
        "signal.set_wakeup_fd(write_end)\n"
        "def state(n):\n"
        "    time.sleep(0.02)  # long enough that the forked worker takes some chunks\n"
        "    handlers = [signal.getsignal(sig) is signal.SIG_DFL for sig in (signal.SIGTERM, signal.SIGUSR1)]\n"
        "    return os.getpid(), (*handlers, tuple(signal.pthread_sigmask(signal.SIG_BLOCK, ())), signal.set_wakeup_fd(-1))\n"
        "print({s for pid, s in fan_out(state, range(40), 2) if pid != os.getpid()}, flush=True)\n",
        encoding="utf-8",
    )
    assert _run(script) == "{(True, True, (), -1)}\n"


def test_a_terminated_pool_ends_although_the_caller_handles_sigterm(tmp_path: Path) -> None:
    """Leaving fan_out early terminates its pool with SIGTERM: a caller's handler must not keep a worker alive."""
    script = tmp_path / "work.py"
    script.write_text(
        "import signal, time\n"
        "from generator.parallel import fan_out\n"
        "signal.signal(signal.SIGTERM, lambda signum, frame: None)  # like digest serve's: only asks for a stop\n"
        "def slow(n):\n"
        "    time.sleep(0.3)\n"
        "    return n\n"
        "results = fan_out(slow, range(100), 2)\n"
        "next(results)\n"
        "results.close()  # the pool is terminated while its worker is busy\n"
        "print('done', flush=True)\n",
        encoding="utf-8",
    )
    assert _run(script) == "done\n"


def test_workers_end_when_their_caller_is_killed(tmp_path: Path) -> None:
    """A worker in a long chunk would otherwise run it to the end (or forever) for nobody."""
    script = tmp_path / "work.py"
    script.write_text(
        "import os, time\n"
        "from generator.parallel import fan_out\n"
        "caller = os.getpid()\n"
        "def slow(n):\n"
        "    if os.getpid() != caller:\n"
        "        print(os.getpid(), flush=True)\n"
        "        time.sleep(600)\n"
        "    return n\n"
        "list(fan_out(slow, range(100), 2))\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env, start_new_session=True)
    assert process.stdout is not None
    worker = int(process.stdout.readline())
    process.kill()
    process.wait(timeout=30)
    deadline = time.monotonic() + 30
    while running(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = running(worker)
    if alive:
        os.kill(worker, signal.SIGKILL)
    assert not alive, "the worker outlived its killed caller"


def test_a_stop_signal_during_the_fork_is_handled_after_it_not_lost(tmp_path: Path) -> None:
    """An exception raised in a fork's hooks is dropped: serve's handler must run once the workers are forked."""
    script = tmp_path / "work.py"
    script.write_text(
        "import os, signal, threading, time\n"
        "from generator.parallel import fan_out\n"
        "threading.Thread(target=time.sleep, args=(60,), daemon=True).start()  # takes the signal (serve has threads)\n"
        "def stop(signum, frame):\n"
        "    raise KeyboardInterrupt  # as digest serve's handler does during a build\n"
        "signal.signal(signal.SIGTERM, stop)\n"
        "def hook():  # the signal lands in a fork hook, as in logging's\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    sum(range(1000))\n"
        "os.register_at_fork(after_in_parent=hook)\n"
        "try:\n"
        "    list(fan_out(abs, range(100), 2))\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', flush=True)\n"
        "else:\n"
        "    print('the stop was lost', flush=True)\n",
        encoding="utf-8",
    )
    assert _run(script) == "interrupted\n"
