"""The code style holds on every run: ruff (lint and format) and mypy --strict on synth/."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True)


def test_ruff_lint_and_format_are_clean() -> None:
    lint = _run("ruff", "check", "synth", "tests", "benchmarks")
    assert lint.returncode == 0, lint.stdout
    fmt = _run("ruff", "format", "--check", "synth", "tests", "benchmarks")
    assert fmt.returncode == 0, fmt.stdout


@pytest.mark.slow
def test_mypy_strict_is_clean() -> None:
    result = _run("mypy", "synth")
    assert result.returncode == 0, result.stdout
