"""`synth batch` and `synth regenerate`: incremental, resumable, parallel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from synth.cli import main
from tests.test_pipeline import QUESTION, write_corpus

SOIL = "How much water does drip irrigation save compared with furrow irrigation in maize fields?"
OFF_TOPIC = "What is the orbital period of the third moon of Neptune?"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus.jsonl")


def _batch(tmp_path: Path, corpus: Path, *extra: str) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(
        main,
        [
            "batch",
            str(tmp_path / "q.txt"),
            "--corpus",
            str(corpus),
            "--out",
            str(tmp_path / "r"),
            "--json",
            *extra,
        ],
    )
    return result.exit_code, json.loads(result.stdout)


def test_batch_is_incremental_and_reruns_what_changed(tmp_path: Path, corpus: Path) -> None:
    (tmp_path / "q.txt").write_text(f"# questions\n{QUESTION}\n\n{SOIL}\n")
    code, first = _batch(tmp_path, corpus)
    assert code == 0 and [r["status"] for r in first] == ["done", "done"]
    index = (tmp_path / "r" / "index.jsonl").read_text().splitlines()
    assert len(index) == 2
    code, second = _batch(tmp_path, corpus)
    assert [r["status"] for r in second] == ["skipped", "skipped"]
    corpus.write_text(corpus.read_text().replace("23%", "31%"))
    code, third = _batch(tmp_path, corpus)
    assert [r["status"] for r in third] == ["done", "done"]  # both read the changed corpus
    code, forced = _batch(tmp_path, corpus, "--force")
    assert [r["status"] for r in forced] == ["done", "done"]


def test_failed_job_does_not_stop_the_others(tmp_path: Path, corpus: Path) -> None:
    (tmp_path / "q.txt").write_text(f"{OFF_TOPIC}\n{SOIL}\n")
    code, results = _batch(tmp_path, corpus)
    assert code == 1
    assert [r["status"] for r in results] == ["failed", "done"]
    assert "relevant enough" in results[0]["detail"]


def test_regenerate_rebuilds_from_manifests_and_keeps_corrections(
    tmp_path: Path, corpus: Path
) -> None:
    (tmp_path / "q.txt").write_text(f"{SOIL}\n")
    assert _batch(tmp_path, corpus)[0] == 0
    (folder,) = [p for p in (tmp_path / "r").iterdir() if p.is_dir()]
    corrected = CliRunner().invoke(
        main, ["correct", str(folder), "--kind", "note", "--reason", "Checked by hand."]
    )
    assert corrected.exit_code == 0, corrected.output
    result = CliRunner().invoke(main, ["regenerate", str(tmp_path / "r"), "--json"])
    assert result.exit_code == 0, result.output
    assert [r["status"] for r in json.loads(result.stdout)] == ["skipped"]
    result = CliRunner().invoke(main, ["regenerate", str(tmp_path / "r"), "--force", "--json"])
    assert [r["status"] for r in json.loads(result.stdout)] == ["done"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert any(r["reason"] == "Checked by hand." for r in manifest["corrections"]["records"])


def test_bad_questions_file_is_a_usage_error(tmp_path: Path, corpus: Path) -> None:
    (tmp_path / "q.jsonl").write_text('{"question": "ok question here"}\n{not json\n')
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "q.jsonl"), "--corpus", str(corpus)])
    assert result.exit_code == 2
    assert "q.jsonl:2" in result.output


@pytest.mark.slow
def test_parallel_workers_give_the_same_reports(tmp_path: Path, corpus: Path) -> None:
    (tmp_path / "q.txt").write_text(f"{QUESTION}\n{SOIL}\n")
    code, results = _batch(tmp_path, corpus, "--workers", "2")
    assert code == 0 and [r["status"] for r in results] == ["done", "done"]
    assert len((tmp_path / "r" / "index.jsonl").read_text().splitlines()) == 2
