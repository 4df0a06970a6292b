"""The bench CLI end to end: the CPU smoke run, evaluate, distill, and the report hooks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner

from synth.bench.results import bench_summary_rows, load_bench_results
from synth.cli import main
from synth.errors import BenchError
from synth.resources import data_file


@pytest.fixture(autouse=True)
def _one_torch_thread() -> Iterator[None]:
    """Tiny models run fastest on one thread of a shared CPU; later tests get theirs back."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_smoke_run_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "smoke"
    result = CliRunner().invoke(
        main, ["bench", "run", str(data_file("bench", "smoke.toml")), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    # The table is printed, not only written: a header with pass@1, a row for the oracle.
    header = result.stdout.splitlines()[0].split()
    assert header[:4] == ["model", "dataset", "perturbation", "pass@1"]
    assert any(line.split()[:4] == ["oracle", "humaneval", "nominal", "1.0"]
               for line in result.stdout.splitlines())  # fmt: skip
    results = load_bench_results(out / "results.json")
    nominal = {(r.model, r.perturbation): r for r in results.runs}
    assert nominal[("oracle", "nominal")].pass_at_k[0].value == 1.0
    assert {r.perturbation for r in results.runs} >= {"nominal", "syntax#0", "format#0"}
    assert set(results.latency) == {"tiny-gpt2", "tiny-llama"}
    assert results.latency["tiny-gpt2"].parameters > 0
    assert results.reproducibility.dataset_sha256["humaneval"]
    assert {r.family for r in results.robustness} == {
        "docstring",
        "function_name",
        "syntax",
        "format",
    }
    html = (out / "results.html").read_text()
    assert "<svg" in html
    assert "pass@1" in html
    assert "| oracle | humaneval | nominal | 1.0 |" in (out / "results.md").read_text()
    rows = bench_summary_rows(results)
    assert rows[0]["model"] == "oracle"
    assert rows[0]["pass@1"] == 1.0
    # A second run is served from the caches (nothing new appended) and gives the same numbers.
    caches = [out / "cache" / "generations.jsonl", out / "cache" / "executions.jsonl"]
    sizes = [path.stat().st_size for path in caches]
    again = CliRunner().invoke(
        main, ["bench", "run", str(data_file("bench", "smoke.toml")), "--out", str(out)]
    )
    assert again.exit_code == 0, again.output
    assert load_bench_results(out / "results.json").runs == results.runs
    assert [path.stat().st_size for path in caches] == sizes


def test_evaluate_writes_per_sample_results(tmp_path: Path) -> None:
    from synth.bench.datasets import load_dataset

    problems = load_dataset("humaneval", limit=3).problems
    rows = [{"task_id": p.task_id, "completion": p.canonical_solution} for p in problems]
    rows.append({"task_id": problems[0].task_id, "completion": "    return None\n"})
    samples = tmp_path / "samples.jsonl"
    samples.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = CliRunner().invoke(main, ["bench", "evaluate", str(samples), "-k", "1", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["pass_at_k"][0]["value"] == pytest.approx((0.5 + 1 + 1) / 3)
    lines = (tmp_path / "samples.jsonl_results.jsonl").read_text().splitlines()
    written = [json.loads(line) for line in lines]
    assert [r["passed"] for r in written] == [True, True, True, False]
    assert all(r["isolation"] == report["isolation"] and r["duration_s"] >= 0 for r in written)


def test_compare_two_evaluations(tmp_path: Path) -> None:
    from synth.bench.datasets import load_dataset

    problems = load_dataset("humaneval", limit=4).problems
    paths = []
    for name, good in (("a", 1), ("b", 4)):
        rows = [
            {"task_id": p.task_id, "completion": p.canonical_solution if i < good else "    pass\n"}
            for i, p in enumerate(problems)
        ]
        samples = tmp_path / f"{name}.jsonl"
        samples.write_text("".join(json.dumps(r) + "\n" for r in rows))
        assert CliRunner().invoke(main, ["bench", "evaluate", str(samples)]).exit_code == 0
        paths.append(str(tmp_path / f"{name}.jsonl_results.jsonl"))
    result = CliRunner().invoke(main, ["bench", "compare", *paths, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["mean_a"], report["mean_b"], report["b_better"]) == (0.25, 1.0, 3)


def test_evaluate_rejects_unknown_tasks(tmp_path: Path) -> None:
    samples = tmp_path / "s.jsonl"
    samples.write_text('{"task_id": "Nope/1", "completion": ""}\n')
    result = CliRunner().invoke(main, ["bench", "evaluate", str(samples)])
    assert result.exit_code == 1
    assert "Nope/1" in result.output


def test_distill_command_runs_the_packaged_smoke_config(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "bench",
            "distill",
            str(data_file("bench", "distill-smoke.toml")),
            "--out",
            str(tmp_path / "d"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "steps: 30" in result.output
    assert (tmp_path / "d" / "checkpoint.pt").is_file()


def test_load_bench_results_reports_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(BenchError, match="not a synth bench results file"):
        load_bench_results(bad)
