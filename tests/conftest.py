"""Shared fixtures: tiny digests written into temporary folders; how hard the suite tries.

NEWSDIGEST_TEST_PROFILE names the profile: `dev` (a plain `pytest` run),
`ci` (`./scripts/test` selects it, and CI=true implies it) or `thorough` (a
long local run). It scales the examples of every property test that takes
its settings from `examples()`, and under `ci` and `thorough` a checker tool
the suite needs (Chromium, the Nu HTML Checker) is required: missing, its
tests fail instead of being skipped.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from generator.build import build
from generator.config import Config, load_config
from generator.output import MARKER
from generator.render import engine

ROOT = Path(__file__).resolve().parents[1]

EXAMPLE_SCALE = {"dev": 1, "ci": 4, "thorough": 20}  # times each property test's base number of examples
PROFILE = os.environ.get("NEWSDIGEST_TEST_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
if PROFILE not in EXAMPLE_SCALE:
    raise pytest.UsageError(f"NEWSDIGEST_TEST_PROFILE={PROFILE!r}: expected one of {', '.join(EXAMPLE_SCALE)}")
TOOLS_REQUIRED = PROFILE != "dev"

settings.register_profile("dev", deadline=None, print_blob=True)
settings.register_profile("ci", deadline=None, print_blob=True, derandomize=True)  # the same examples in every CI run
settings.register_profile("thorough", deadline=None, print_blob=True)
settings.load_profile(PROFILE)


def examples(base: int, **options: Any) -> settings:
    """Settings for a property test: `base` examples in a plain run, more under the ci and thorough profiles."""
    return settings(max_examples=base * EXAMPLE_SCALE[PROFILE], **options)


CONFIG = """\
site:
  title: Test Digest
  url: https://news.example.org/digest/
  description: A digest used by the tests.
  language: en
  timezone: Europe/Berlin
"""


def entry_text(title: str = "A headline", body: str = "Some text.", **fields: object) -> str:
    """An entry file with the given front matter fields (YAML flow values)."""
    fields.setdefault("added", "2024-12-14T08:30:00+00:00")
    lines = [f"title: {title!r}"] + [f"{k}: {v}" for k, v in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


@pytest.fixture
def make_digest(tmp_path: Path) -> Callable[..., Config]:
    """Write config.yaml and entries {relative path: text} and load the config."""

    def make(entries: dict[str, str] | None = None, config: str = CONFIG) -> Config:
        (tmp_path / "config.yaml").write_text(textwrap.dedent(config), encoding="utf-8")
        content = tmp_path / "content"
        content.mkdir(exist_ok=True)
        for rel, text in (entries or {}).items():
            path = content / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return load_config(tmp_path / "config.yaml")

    return make


def site_files(root: Path) -> dict[str, bytes]:
    """Every file of a built site and its bytes, less the tree's own marker."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and p.name != MARKER}


def rendered_by(config: Config, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The outputs a build renders (one process, so every render is seen here)."""
    seen: set[str] = set()
    real = engine.Renderer.render

    def render(self: engine.Renderer, job: engine.Job) -> dict[str, bytes]:
        seen.update(job.paths)
        return real(self, job)

    monkeypatch.setattr(engine.Renderer, "render", render)
    build(config, workers=1)
    monkeypatch.setattr(engine.Renderer, "render", real)
    return seen
