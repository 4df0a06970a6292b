"""``synth bench evaluate``: a samples file through the sandbox to per-sample results and pass@k."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from synth.bench.datasets import load_dataset
from synth.bench.executor import (
    correct_by_task,
    evaluate_samples,
    load_results,
    load_samples,
    pass_at_k_table,
    results_path,
    to_rows,
)
from synth.bench.passk import per_problem_pass_at_k
from synth.bench.sandbox import open_sandbox
from synth.bench.stats import PairedComparison, paired_comparison
from synth.bench.store import KeyedCache, write_jsonl_atomic
from synth.errors import InputError
from synth.settings import BenchSettings


def evaluate_file(
    samples_path: Path,
    dataset_spec: str,
    ks: list[int],
    settings: BenchSettings,
    cache_dir: Path | None = None,
) -> dict[str, Any]:
    """Evaluate a samples file; write ``<samples>_results.jsonl``; return a pass@k summary.

    With ``cache_dir``, reference runtimes (which set the time limits) are kept there, so a
    second evaluation on the same dataset does not time the reference solutions again.
    """
    reference = KeyedCache(cache_dir / "reference-runtimes.jsonl") if cache_dir else None
    dataset = load_dataset(dataset_spec)
    samples = load_samples(samples_path)
    with open_sandbox(settings) as sandbox:
        results = evaluate_samples(samples, dataset, sandbox, settings, reference_cache=reference)
        isolation = sandbox.isolation
    out = results_path(samples_path)
    write_jsonl_atomic(out, to_rows(results))
    table = pass_at_k_table(correct_by_task(results), ks, seed=settings.seed)
    return {
        "dataset": dataset.name,
        "dataset_sha256": dataset.sha256,
        "isolation": isolation,
        "n_samples": len(results),
        "pass_at_k": [p.model_dump() for p in table],
        "results_path": str(out),
    }


def compare_files(path_a: Path, path_b: Path, k: int, seed: int) -> PairedComparison:
    """Paired comparison of per-problem pass@k between two results files (B minus A)."""
    scores = []
    for path in (path_a, path_b):
        correct = correct_by_task(load_results(path))
        if any(len(flags) < k for flags in correct.values()):
            raise InputError(f"{path}: some problems have fewer than {k} samples")
        scores.append(per_problem_pass_at_k(correct, k))
    try:
        return paired_comparison(scores[0], scores[1], seed=seed)
    except ValueError as exc:
        raise InputError(f"{path_a} and {path_b}: {exc}") from exc
