"""CLI: synth schema, synth validate, synth correct."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from synth.cli import main
from synth.report.manifest import load_manifest, update_index
from synth.report.render import render_report, write_report
from synth.settings import ReportSettings
from tests.test_manifest import sample_manifest


@pytest.fixture
def report_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "reports" / "SRCH-3B06C412"
    m = sample_manifest()
    final = write_report(folder, m, render_report(m, ReportSettings()))
    update_index(folder.parent, final)
    return folder


def test_schema_prints_the_json_schema() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    assert schema["$schema"].endswith("2020-12/schema")
    assert "claims" in schema["properties"]


def test_validate_accepts_a_written_manifest(report_dir: Path) -> None:
    path = report_dir / "manifest.json"
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"valid: {path}"


def test_validate_reports_the_json_path_of_the_first_error(report_dir: Path) -> None:
    path = report_dir / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["sources"][2]["relevance"] = 1.7
    path.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "$.sources[2].relevance" in result.output
    assert "1.7 is greater than the maximum of 1.0" in result.output


def test_validate_corrupt_json_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "not valid JSON (line 1, column 2" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_validate_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "nope.json")])
    assert result.exit_code == 2


def test_correct_appends_and_rerenders(report_dir: Path) -> None:
    before = load_manifest(report_dir / "manifest.json")
    result = CliRunner().invoke(
        main,
        [
            "correct",
            str(report_dir),
            "--kind",
            "correction",
            "--reason",
            "C2 misquotes Table 3.",
            "--claims",
            "c2",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "status CORRECTED" in result.output
    after = load_manifest(report_dir / "manifest.json")
    assert after.corrections.count == 1
    assert after.corrections.records[0].affected_claims == ["C2"]
    assert after.created_at == before.created_at
    assert after.updated_at > before.updated_at
    assert "C2 misquotes Table 3." in (report_dir / "report.md").read_text(encoding="utf-8")
    for artifact in after.artifacts:
        data = (report_dir / artifact.path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == artifact.sha256
    index = json.loads((report_dir.parent / "index.jsonl").read_text(encoding="utf-8"))
    assert index["corrections_status"] == "CORRECTED"


def test_withdrawal_is_final(report_dir: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(
        main, ["correct", str(report_dir), "--kind", "withdrawal", "--reason", "Duplicate."]
    )
    assert first.exit_code == 0, first.output
    assert "WITHDRAWN." in (report_dir / "report.html").read_text(encoding="utf-8")
    late = runner.invoke(
        main, ["correct", str(report_dir), "--kind", "correction", "--reason", "Fix."]
    )
    assert late.exit_code == 2
    assert "already withdrawn" in late.output
    note = runner.invoke(
        main, ["correct", str(report_dir), "--kind", "note", "--reason", "Kept for record."]
    )
    assert note.exit_code == 0, note.output
    records = load_manifest(report_dir / "manifest.json").corrections.records
    assert [r.kind for r in records] == ["withdrawal", "note"]


def test_correct_rejects_unknown_claims(report_dir: Path) -> None:
    result = CliRunner().invoke(
        main, ["correct", str(report_dir), "--kind", "note", "--reason", "x", "--claims", "C99"]
    )
    assert result.exit_code == 2
    assert "unknown claim id(s) C99" in result.output


def test_correct_needs_a_report_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["correct", str(tmp_path), "--kind", "note", "--reason", "x"])
    assert result.exit_code == 1
    assert "holds no manifest.json" in result.output


def test_validate_accepts_a_report_folder(report_dir: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(report_dir)])
    assert result.exit_code == 0, result.output
    missing = CliRunner().invoke(main, ["validate", str(report_dir.parent)])
    assert missing.exit_code == 1
    assert "cannot read manifest" in missing.output
