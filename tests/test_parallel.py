"""generator.parallel: every chunk's result exactly once, whichever process ran it."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from generator.parallel import collector_paused, fan_out, frozen_heap


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
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    assert process.stdout is not None
    process.stdout.readline()  # the workers are running
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole process group
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 130 and err.strip() == "interrupted", err
