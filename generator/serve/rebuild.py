"""Rebuild when content, templates or config.yaml change.

Folders are watched with watchfiles; config.yaml is compared by its stat on
every wake-up instead, because editors save it by renaming a new file over
it, which a watch on the file itself stops seeing.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import watchfiles

from generator.build import Progress, build
from generator.config import Config, load_config
from generator.problems import DigestError
from generator.render.templates import template_dirs

WAKE_MS = 400  # how often config.yaml and the stop flag are looked at
STAMP_SLACK_NS = 50_000_000  # file times come from a coarse clock, a few ms behind time.time_ns()
DEBOUNCE_MS = 300  # changes closer together than this make one rebuild

Report = Callable[[str], None]
FileSignature = tuple[int, int, int] | None


@dataclass(frozen=True, slots=True)
class BuildReport:
    ok: bool
    lines: tuple[str, ...]  # warnings, or the problems that stopped the build
    seconds: float


def rebuild(config: Config, progress: Progress | None = None) -> BuildReport:
    """Build once; a failed build leaves the last good site in place."""
    started = time.perf_counter()
    try:
        result = build(config, progress=progress)
    except DigestError as exc:
        return BuildReport(False, tuple(f"error: {p}" for p in exc.problems), time.perf_counter() - started)
    except Exception as exc:
        return BuildReport(False, (f"error: build crashed: {type(exc).__name__}: {exc}",), time.perf_counter() - started)
    warnings = tuple(f"warning: {p}" for p in [*result.warnings, *result.skipped])
    return BuildReport(True, warnings, time.perf_counter() - started)


def watched_dirs(config: Config) -> tuple[Path, ...]:
    return tuple(dict.fromkeys(d for d in (config.content_dir, *template_dirs(config)) if d.is_dir()))


def ignored_paths(config: Config) -> tuple[str, ...]:
    """The output and the build's own folders beside it (`.site.newsdigest/`, staging), if watched."""
    out = config.output_dir
    return (str(out) + os.sep, str(out.with_name(f".{out.name}.")))


def file_signature(path: Path) -> FileSignature:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def change_batches(config: Config, stop: threading.Event) -> Iterator[set[tuple[watchfiles.Change, str]]]:
    """Sets of folder changes, and an empty set on every wake-up without any."""
    dirs = watched_dirs(config)
    if not dirs:  # nothing to watch yet: wake up for config.yaml only
        while not stop.wait(WAKE_MS / 1000):
            yield set()
        return
    yield from watchfiles.watch(
        *dirs,
        watch_filter=watchfiles.DefaultFilter(ignore_paths=ignored_paths(config)),
        stop_event=stop,
        debounce=DEBOUNCE_MS,
        rust_timeout=WAKE_MS,
        yield_on_timeout=True,
        raise_interrupt=False,
    )


def watch_and_rebuild(
    config: Config,
    stop: threading.Event,
    on_success: Callable[[Config], None],
    report: Report,
    build_once: Callable[[Config], BuildReport] = rebuild,
    built_at_ns: int | None = None,
) -> None:
    """Rebuild (with `build_once`) on every change until `stop` is set; `on_success` gets the config of each good build.

    `built_at_ns` is when the build before the call began: what was saved since
    then, before the watcher was running, is built as soon as it is.
    """
    while not stop.is_set():
        dirs, signature = watched_dirs(config), file_signature(config.path)
        for number, batch in enumerate(change_batches(config, stop)):
            if stop.is_set():
                return
            config_changed = file_signature(config.path) != signature
            missed = not number and built_at_ns is not None and changed_since(config, built_at_ns)  # the watcher runs by its first wake-up
            if not batch and not config_changed and not missed:
                continue
            signature = file_signature(config.path)
            reloaded = _reloaded(config, report) if config_changed or missed else config
            if reloaded is None and not batch and not missed:
                continue  # only a broken config.yaml: nothing new to build
            config = reloaded or config
            what = _describe(batch, config) or ("files saved while the watcher was starting" if missed and not config_changed else config.path.name)
            report(f"Changed: {what}; rebuilding…")
            built_at_ns = time.time_ns()  # a change of folders restarts the watch: what this build misses is caught then
            outcome = build_once(config)
            report_build(outcome, report)
            if outcome.ok:
                on_success(config)
            if watched_dirs(config) != dirs:
                break  # config.yaml moved the folders: watch the new ones


def changed_since(config: Config, since_ns: int) -> bool:
    """Whether config.yaml, or a file or folder the watcher would report, was modified at `since_ns` or later."""
    since = since_ns - STAMP_SLACK_NS
    watched = watchfiles.DefaultFilter(ignore_paths=ignored_paths(config))
    if (file_signature(config.path) or (0,))[0] >= since:
        return True
    for top in watched_dirs(config):
        for folder, subdirs, names in os.walk(top):
            subdirs[:] = [d for d in subdirs if watched(watchfiles.Change.modified, os.path.join(folder, d))]
            paths = [folder, *(os.path.join(folder, n) for n in names if watched(watchfiles.Change.modified, os.path.join(folder, n)))]
            if any(_mtime_ns(p) >= since for p in paths):
                return True
    return False


def _mtime_ns(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0  # gone since it was listed: its folder's time tells


def report_build(outcome: BuildReport, report: Report) -> None:
    for line in outcome.lines:
        report(line)
    if outcome.ok:
        report(f"Built in {outcome.seconds:.2f}s")
    else:
        report("Build failed; still serving the last good site.")


def _reloaded(config: Config, report: Report) -> Config | None:
    """The new configuration, or None (reported) if config.yaml is now invalid."""
    try:
        return load_config(config.path)
    except DigestError as exc:
        for problem in exc.problems:
            report(f"error: {problem}")
        report(f"{config.path.name} is invalid; keeping the previous configuration.")
        return None


def _describe(batch: set[tuple[watchfiles.Change, str]], config: Config) -> str:
    root = config.path.parent
    names = sorted({_relative(Path(path), root) for _, path in batch})
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
