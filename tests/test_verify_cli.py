"""`synth verify` on plain-text sources: one claim, a JSONL batch, and its error messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from synth.cli import main

PAPER = (
    "Drug X and blood pressure. In a randomized trial of 400 adults, drug X lowered systolic "
    "blood pressure by 12 mmHg compared with placebo. Adverse events were mild and occurred at "
    "similar rates in both groups. Participants were recruited at five hospitals."
)


@pytest.fixture
def paper(tmp_path: Path) -> Path:
    path = tmp_path / "trial.txt"
    path.write_text(PAPER, encoding="utf-8")
    return path


@pytest.mark.model
def test_single_claim_json(paper: Path) -> None:
    claim = "Drug X lowered systolic blood pressure by 30 mmHg compared with placebo."
    result = CliRunner().invoke(main, ["verify", claim, "--source", str(paper), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) == {"id", "verdict", "confidence", "evidence"}
    assert out["verdict"] == "contradicted"  # 30 mmHg against the paper's 12 mmHg
    assert out["evidence"][0]["source"] == str(paper)
    assert "12 mmHg" in out["evidence"][0]["text"]
    assert set(out["evidence"][0]) == {"source", "page", "text", "score"}


@pytest.mark.model
def test_claims_file_prints_one_line_per_claim_in_order(paper: Path, tmp_path: Path) -> None:
    rows = [
        {
            "id": "a",
            "claim": "Drug X reduced systolic blood pressure by 12 mmHg versus placebo "
            "in a randomized trial of adults.",
            "sources": [str(paper)],
        },
        {
            "id": "b",
            "claim": "Glaciers in the Alps have lost mass since 1850.",
            "sources": [str(paper)],
        },
    ]
    claims = tmp_path / "claims.jsonl"
    claims.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["verify", "--claims", str(claims)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [r["id"] for r in lines] == ["a", "b"]
    assert lines[0]["verdict"] == "supported"
    assert lines[1]["verdict"] == "unverified"
    assert lines[0]["confidence"] > lines[1]["confidence"]


def test_identifier_sources_are_refused_with_a_hint() -> None:
    result = CliRunner().invoke(main, ["verify", "Some claim.", "--source", "10.1145/3649506"])
    assert result.exit_code == 2
    assert "pass a PDF" in result.output


def test_claim_and_claims_file_are_exclusive(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["verify"]).exit_code == 2
    assert runner.invoke(main, ["verify", "A claim."]).exit_code == 2  # no --source


def test_malformed_claims_line_names_the_line(tmp_path: Path) -> None:
    claims = tmp_path / "claims.jsonl"
    claims.write_text('{"id": "a", "claim": "x", "sources": []}\n{"id": "b"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["verify", "--claims", str(claims)])
    assert result.exit_code == 2
    assert "claims.jsonl:2" in result.output
