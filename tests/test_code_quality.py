"""The code stays lint-clean, formatted and type-checked (ruff and mypy, configured in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

CHECKS = {
    "ruff lint": ["-m", "ruff", "check", "generator", "tests", "benchmarks"],
    "ruff format": ["-m", "ruff", "format", "--check", "generator", "tests", "benchmarks"],
    "mypy": ["-m", "mypy"],
}


@pytest.mark.parametrize("name", CHECKS)
def test_code_is_clean(name: str) -> None:
    result = subprocess.run([sys.executable, *CHECKS[name]], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
