"""`synth report --attach-bench`: a smoke bench run's measured table lands in the report."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from click.testing import CliRunner

from synth.cli import main
from synth.resources import data_file
from tests.test_pipeline import QUESTION, write_corpus


def test_bench_results_are_attached_to_manifest_and_report(tmp_path: Path) -> None:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        bench = CliRunner().invoke(
            main,
            [
                "bench",
                "run",
                str(data_file("bench", "smoke.toml")),
                "--out",
                str(tmp_path / "b"),
            ],
        )
    finally:
        torch.set_num_threads(threads)
    assert bench.exit_code == 0, bench.output
    corpus = write_corpus(tmp_path / "corpus.jsonl")
    result = CliRunner().invoke(
        main,
        [
            "report",
            QUESTION,
            "--corpus",
            str(corpus),
            "--out",
            str(tmp_path / "r"),
            "--attach-bench",
            str(tmp_path / "b" / "results.json"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    folder = Path(json.loads(result.stdout)["dir"])
    manifest = json.loads((folder / "manifest.json").read_text())
    rows = manifest["bench"]["rows"]
    assert {row["model"] for row in rows} >= {"oracle", "tiny-gpt2"}
    html = (folder / "report.html").read_text()
    md = (folder / "report.md").read_text()
    assert "Measured evidence" in md and "tiny-gpt2" in md
    assert "tiny-gpt2" in html
    assert CliRunner().invoke(main, ["validate", str(folder / "manifest.json")]).exit_code == 0
