"""Mutation testing of the safety-critical code with cosmic-ray.

    python -m benchmarks.mutation                 # every target
    python -m benchmarks.mutation output spare    # some of them

Each target is a module, or some of its functions, with the tests that guard
it: a selection that runs in seconds, since every mutant runs it once (with
-x, so a killed mutant stops at its first failing test). The mutants are made
in a copy of the checkout, never in the working tree, and the tests' own
subprocesses (`python -m generator ...`) import the mutated copy too.
Needs the `mutation` extra (`pip install -e '.[test,mutation]'`). Prints, per
target, how many mutants were killed and which survived, with their diffs.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTEST = ("-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly")


@dataclass(frozen=True, slots=True)
class Target:
    module: str  # path of the module to mutate
    tests: tuple[str, ...]  # pytest arguments: the tests that guard it
    functions: tuple[str, ...] = ()  # mutate only these (and the module-level names listed); all of it when empty
    timeout: float = 300.0  # seconds per mutant; a mutant that hangs the tests is counted as caught


TARGETS = {
    "output": Target("generator/output.py", ("tests/test_output.py", "tests/test_output_token.py")),
    "spare": Target(
        "generator/build.py",
        (
            "tests/robustness/test_crash_steps.py::test_a_spare_a_crash_left_dirty_is_made_afresh",
            "tests/robustness/test_crash_steps.py::test_a_spare_made_afresh_leaves_no_trace_of_the_old_one_in_the_cache",
            "tests/robustness/test_crash_steps.py::test_a_site_the_cache_does_not_know_is_not_copied_into_the_spare",
            "tests/test_incremental.py",
            "tests/robustness/test_kill.py::test_a_dirty_spare_is_not_trusted",
            "-k",
            "not test_incremental_build_equals_clean_build",  # the property test: slow, and the others cover what it finds
        ),
        functions=("_scan_inputs", "_start_spare"),
    ),
    "write": Target("generator/ingest/write.py", ("tests/ingest/test_write.py", "tests/robustness/test_kill_ingest.py")),
    "links": Target("generator/render/markdown.py", ("tests/test_render.py", "tests/robustness/test_hostile.py"), functions=("_SAFE_LINK", "_parser")),
    "feeds": Target("generator/render/feeds.py", ("tests/test_feeds.py", "tests/test_feeds_all.py", "tests/test_feeds_hostile.py")),
}
# `/` joins paths in these modules: replacing it by any other operator is a TypeError at the first
# join, which every test meets, so those mutants are not worth a test run each.
SKIPPED_OPERATORS = ("core/ReplaceBinaryOperator_Div_.*",)


def line_ranges(source: str, names: tuple[str, ...]) -> list[str]:
    """The line ranges of the named functions and module-level assignments, as cosmic-ray's line filter reads them."""
    found = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = node.name
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
        else:
            continue
        if name in names:
            start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
            found.append(f"{start}-{node.end_lineno}")
    missing = len(names) - len(found)
    if missing:
        raise SystemExit(f"benchmarks/mutation.py: {missing} of {names} not found at the top level of the module")
    return found


def annotation_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the type annotations are: every module here has `from __future__ import annotations`, so they are never evaluated."""
    spans = []
    for node in ast.walk(ast.parse(source)):
        found: list[ast.expr | None] = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = node.args
            every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg]
            found = [node.returns, *(a.annotation for a in every if a is not None)]
        elif isinstance(node, ast.AnnAssign):
            found = [node.annotation]
        spans += [((a.lineno, a.col_offset), (a.end_lineno or a.lineno, a.end_col_offset or 0)) for a in found if a is not None]
    return spans


def skip_annotations(session: Path, source: str) -> None:
    """Mark the mutants inside type annotations as skipped: they cannot change what the code does."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    spans = annotation_spans(source)
    with use_db(session, WorkDB.Mode.open) as db:
        for item in list(db.pending_work_items):
            start = tuple(item.mutations[0].start_pos)
            if any(first <= start < last for first, last in spans):
                db.set_result(item.job_id, WorkResult(output="in a type annotation", worker_outcome=WorkerOutcome.SKIPPED))


def config(target: Target, copy: Path) -> str:
    command = shlex.join([sys.executable, *PYTEST, *target.tests])
    text = (
        "[cosmic-ray]\n"
        f"module-path = {json.dumps(target.module)}\n"
        f"timeout = {target.timeout}\n"
        "excluded-modules = []\n"
        f"test-command = {json.dumps(command)}\n"
        "[cosmic-ray.distributor]\n"
        'name = "local"\n'
        f"[cosmic-ray.filters.operators-filter]\nexclude-operators = {json.dumps(SKIPPED_OPERATORS)}\n"
    )
    if target.functions:
        ranges = line_ranges((copy / target.module).read_text(encoding="utf-8"), target.functions)
        text += f"[cosmic-ray.filters.line-filter.lines]\n{json.dumps(target.module)} = {json.dumps(ranges)}\n"
    return text


def run(name: str, target: Target, copy: Path, env: dict[str, str]) -> tuple[Counter[str], list[str]]:
    """Run one target's mutants; returns the outcome counts and a line (and diff) per survivor."""
    cfg, session = copy / f"mutation-{name}.toml", copy / f"mutation-{name}.sqlite"
    cfg.write_text(config(target, copy), encoding="utf-8")
    tools = Path(sys.executable).parent

    def tool(*args: str) -> str:
        done = subprocess.run([str(tools / args[0]), *args[1:]], cwd=copy, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        return done.stdout

    tool("cosmic-ray", "init", cfg.name, session.name, "--force")
    tool("cr-filter-operators", session.name, cfg.name)
    skip_annotations(session, (copy / target.module).read_text(encoding="utf-8"))
    if target.functions:
        tool("cr-filter-lines", "--config", cfg.name, session.name)
    tool("cosmic-ray", "baseline", cfg.name)  # the unmutated code passes the selection
    tool("cosmic-ray", "exec", cfg.name, session.name)
    counts: Counter[str] = Counter()
    survivors = []
    for line in tool("cosmic-ray", "dump", session.name).splitlines():
        item, result = json.loads(line)
        if result is None or result.get("worker_outcome") == "skipped":
            continue
        outcome = result["test_outcome"] if result["worker_outcome"] == "normal" else result["worker_outcome"]
        counts[outcome] += 1
        if outcome == "survived":
            mutation = item["mutations"][0]
            diff = [d for d in (result.get("diff") or "").splitlines() if d[:1] in "+-" and not d.startswith(("+++", "---"))]
            survivors.append(f"  {mutation['module_path']}:{mutation['start_pos'][0]} {mutation['operator_name']}: {' | '.join(diff)}")
    return counts, survivors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", help=f"targets to run: {', '.join(TARGETS)} (default: all)")
    names = parser.parse_args().targets or list(TARGETS)
    unknown = sorted(set(names) - set(TARGETS))
    if unknown:
        parser.error(f"unknown target {', '.join(unknown)} (choose from {', '.join(TARGETS)})")
    with tempfile.TemporaryDirectory(prefix="newsdigest-mutation-") as scratch:
        copy = Path(scratch) / "checkout"
        listing = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]  # the checkout as committed or about to be
        tracked = subprocess.run(listing, cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
        for rel in filter(None, tracked):
            if (ROOT / rel).is_file():
                (copy / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / rel, copy / rel)
        env = {**os.environ, "PYTHONPATH": str(copy), "NEWSDIGEST_TEST_PROFILE": "dev"}
        report = []
        for name in names:
            started = time.monotonic()
            counts, survivors = run(name, TARGETS[name], copy, env)
            total = sum(counts.values())
            others = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()) if k not in ("killed", "survived"))
            report.append(
                f"{name} ({TARGETS[name].module}{', ' + ', '.join(TARGETS[name].functions) if TARGETS[name].functions else ''}): "
                f"{total} mutants, {counts['killed']} killed, {counts['survived']} survived{'; ' + others if others else ''} "
                f"({time.monotonic() - started:.0f} s)"
            )
            report += survivors
            print(report[-1 - len(survivors)], *survivors, sep="\n", flush=True)
    print("\nmutation testing summary", *report, sep="\n")


if __name__ == "__main__":
    main()
