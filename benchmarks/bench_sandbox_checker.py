"""Cost of deciding verdicts outside the sample's process: HumanEval canonical solutions.

Run: ``nice -n 10 python benchmarks/bench_sandbox_checker.py [--baseline REV] [--problems 40]``.

1. Before/after: ``evaluate_samples`` (reference timing + every sample: the pass@k path) on the
   canonical solutions of the first N HumanEval problems, by this tree and by ``git archive
   REV synth`` (default HEAD: the tree before uncommitted changes), each in a fresh
   interpreter, alternating; medians over repeats and their ratio.
2. This tree, at the sandbox level on the same samples: the old shape (prompt, completion and
   tests exec'd in one sandboxed process, whose own report is the verdict, so it can be
   forged) against the checked shape (tests in a checker process that calls the sample over
   a pipe).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from synth.bench.datasets import load_dataset
from synth.bench.executor import checked_job
from synth.bench.records import Dataset, ExecOutcome
from synth.bench.sandbox import ForkServerSandbox, Job, resolve_mode

ROOT = Path(__file__).resolve().parents[1]
# Runs in a fresh interpreter with PYTHONPATH set to the tree being timed.
_TIMED = """
import json, sys, time
from synth.bench.datasets import load_dataset
from synth.bench.executor import Sample, evaluate_samples
from synth.bench.sandbox import ForkServerSandbox, Job, resolve_mode
from synth.settings import BenchSettings
problems, samples, workers, mode = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
dataset = load_dataset("humaneval", limit=problems)
settings = BenchSettings(workers=workers, sandbox=mode, allow_unsafe_rlimit=True)
todo = [Sample(task_id=p.task_id, completion=p.canonical_solution)
        for p in dataset.problems for _ in range(samples)]
with ForkServerSandbox(resolve_mode(mode), workers, settings.memory_mb, True) as sandbox:
    sandbox.run([Job("x = 1", 5.0)] * workers)  # started and warm before the clock starts
    start = time.perf_counter()
    results = evaluate_samples(todo, dataset, sandbox, settings)
    elapsed = time.perf_counter() - start
print(json.dumps({"elapsed": elapsed, "passed": sum(r.passed for r in results)}))
"""


def _baseline_tree(rev: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev, "synth"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def _evaluate_in(tree: Path, args: argparse.Namespace) -> tuple[float, int]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    argv = [str(args.problems), str(args.samples), str(args.workers), args.sandbox]
    done = subprocess.run(
        [sys.executable, "-c", _TIMED, *argv], env=env, capture_output=True, text=True, check=True
    )
    row = json.loads(done.stdout.strip().splitlines()[-1])
    return float(row["elapsed"]), int(row["passed"])


def _jobs(dataset: Dataset, samples: int, checked: bool) -> list[Job]:
    jobs = []
    for p in dataset.problems:
        job = (
            checked_job(p, p.canonical_solution, 10.0)
            if checked
            else Job(p.program(p.canonical_solution), 10.0)
        )
        jobs += [job] * samples
    return jobs


def _shapes(args: argparse.Namespace) -> dict[str, tuple[list[float], int]]:
    dataset = load_dataset("humaneval", limit=args.problems)
    times: dict[str, list[float]] = {"one process": [], "checked": []}
    passed: dict[str, int] = {}
    with ForkServerSandbox(resolve_mode(args.sandbox), args.workers, 1024, True) as sandbox:
        sandbox.run([Job("x = 1", 5.0)] * args.workers)

        def run(checked: bool) -> Callable[[], list[ExecOutcome]]:
            return lambda: sandbox.run(_jobs(dataset, args.samples, checked))

        for _ in range(args.repeats):
            for name, job in (("one process", run(False)), ("checked", run(True))):
                start = time.perf_counter()
                outcomes = job()
                times[name].append(time.perf_counter() - start)
                passed[name] = sum(o.status == "passed" for o in outcomes)
    return {name: (times[name], passed[name]) for name in times}


def _table(rows: dict[str, tuple[list[float], int]], total: int) -> None:
    med = statistics.median
    print("| run | median wall s | min wall s | samples/s (median) | passed |")
    print("|---|---|---|---|---|")
    for name, (times, passed) in rows.items():
        print(f"| {name} | {med(times):.2f} | {min(times):.2f} | {total / med(times):.0f} "
              f"| {passed}/{total} |")  # fmt: skip


def main() -> None:
    """Time before/after (alternating, fresh interpreters) and the two shapes; print tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="HEAD", help="Git revision timed as 'before'.")
    parser.add_argument("--problems", type=int, default=40, help="First N HumanEval problems.")
    parser.add_argument("--samples", type=int, default=5, help="Copies of each canonical solution.")
    parser.add_argument("--workers", type=int, default=2, help="Sandbox workers.")
    parser.add_argument("--repeats", type=int, default=3, help="Repeats; medians are printed.")
    parser.add_argument("--sandbox", choices=["auto", "bwrap", "rlimit"], default="auto")
    args = parser.parse_args()
    total = args.problems * args.samples
    print(f"{args.problems} problems x {args.samples} samples, workers {args.workers}, "
          f"repeats {args.repeats}, sandbox {resolve_mode(args.sandbox)}")  # fmt: skip
    rows: dict[str, tuple[list[float], int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        trees = {f"before ({args.baseline})": _baseline_tree(args.baseline, Path(tmp)),
                 "after (this tree)": ROOT}  # fmt: skip
        timed: dict[str, list[float]] = {name: [] for name in trees}
        passed: dict[str, int] = {}
        for _ in range(args.repeats):
            for name, tree in trees.items():
                elapsed, passed[name] = _evaluate_in(tree, args)
                timed[name].append(elapsed)
        rows = {f"evaluate_samples, {n}": (timed[n], passed[n]) for n in trees}
    _table(rows, total)
    before, after = (statistics.median(t) for t, _ in rows.values())
    print(f"after / before (medians): {after / before:.2f}x\n")
    shapes = _shapes(args)
    _table(shapes, total)
    ratio = statistics.median(shapes["checked"][0]) / statistics.median(shapes["one process"][0])
    print(f"checked / one process (medians): {ratio:.2f}x")


if __name__ == "__main__":
    main()
