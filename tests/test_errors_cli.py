"""Errors as a user reads them: short lines, one hint, JSON with --json, nothing printed twice.

"No network" is a closed port on 127.0.0.1: every service URL points there, so each request
fails at once with "connection refused", as it does on a machine without a network.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from synth.cli import main

QUESTION = "Does knowledge distillation transfer generalization to a smaller student network?"
NETWORK_HINT = "no network? use --corpus DIR or --offline"
_SERVICES = ("ARXIV_API", "ARXIV_PDF", "CROSSREF_API", "OPENALEX_API", "SEMANTIC_SCHOLAR_API")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def no_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    base = f"http://127.0.0.1:{_closed_port()}"
    for name in (*_SERVICES, "UNPAYWALL_API"):
        monkeypatch.setenv(f"SYNTH_{name}_URL", base)
    # No retries and no request spacing: the test needs the failure, not the patience.
    for setting, value in (
        ("MAX_RETRIES", "0"),
        ("MAX_QUERIES", "1"),
        ("ARXIV_MIN_INTERVAL_S", "0"),
        ("SEMANTIC_SCHOLAR_MIN_INTERVAL_S", "0"),
    ):
        monkeypatch.setenv(f"SYNTH_RETRIEVE__{setting}", value)
    monkeypatch.setenv("SYNTH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return tmp_path


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_report_without_network_fails_in_four_short_lines(no_network: Path) -> None:
    result = CliRunner().invoke(main, ["report", QUESTION, "--out", str(no_network / "r"), "-q"])
    assert result.exit_code == 1
    lines = _lines(result.output)
    assert len(lines) <= 4, result.output
    assert all(len(line) <= 80 for line in lines), result.output
    for service in ("arxiv", "crossref", "semanticscholar"):
        assert sum(line.startswith(f"warning: {service} search") for line in lines) == 1
    assert lines[-1].startswith("Error: ") and NETWORK_HINT in lines[-1]
    assert "http://" not in result.output and "Errno" not in result.output
    assert not (no_network / "r").exists() or not any((no_network / "r").rglob("manifest.json"))


def test_report_error_is_json_on_stdout_with_json(no_network: Path) -> None:
    result = CliRunner().invoke(
        main, ["report", QUESTION, "--out", str(no_network / "r"), "--json"]
    )
    assert result.exit_code == 1
    record = json.loads(result.stdout)
    assert set(record) == {"error", "input", "hint", "exit_code"}
    assert record["exit_code"] == 1
    assert record["input"] == QUESTION
    assert record["hint"] == NETWORK_HINT
    assert "no service reachable" in record["error"]


def test_input_error_is_json_with_json(no_network: Path) -> None:
    result = CliRunner().invoke(main, ["fetch", "not-an-identifier", "--json"])
    assert result.exit_code == 2
    record = json.loads(result.stdout)
    assert record["exit_code"] == 2
    assert record["input"] == "not-an-identifier"
    assert "not-an-identifier" in record["error"]


def test_fetch_failure_is_printed_once_without_log_lines(no_network: Path) -> None:
    result = CliRunner().invoke(main, ["fetch", "10.1000/xyz123"])
    assert result.exit_code == 1
    assert "WARNING" not in result.output and "synth.retrieve" not in result.output
    assert result.output.count("could not resolve 10.1000/xyz123") == 1
    assert result.output.count("crossref: connection refused") == 1
    assert NETWORK_HINT in result.output


def test_missing_corpus_folder_is_named_once(no_network: Path) -> None:
    missing = no_network / "no-such-folder"
    result = CliRunner().invoke(
        main, ["report", QUESTION, "--corpus", str(missing), "--out", str(no_network / "r")]
    )
    assert result.exit_code == 1
    assert "WARNING" not in result.output and "synth.retrieve.local" not in result.output
    assert result.output.count(f"{missing}: no such file or folder") == 1
    assert "Error: no readable source" in result.output


def test_no_raw_logger_lines_in_a_real_process(no_network: Path) -> None:
    """In-process runs share pytest's log capture; a real process shows what a user sees."""
    import os
    import subprocess
    import sys

    missing = no_network / "no-such-folder"
    done = subprocess.run(
        [sys.executable, "-m", "synth", "report", QUESTION, "--corpus", str(missing)],
        cwd=no_network,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    lines = _lines(done.stderr)
    assert not [line for line in lines if line.startswith(("WARNING", "INFO", "DEBUG"))], lines
    assert done.stderr.count(f"{missing}: no such file or folder") == 1
    assert lines[-1].startswith("Error: no readable source")
