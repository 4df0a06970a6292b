"""Cost of Landlock in the rlimit mode: HumanEval canonical solutions with and without it.

Run: ``nice -n 10 python benchmarks/bench_landlock.py [--problems 40] [--repeats 5]``.

The same warm sandbox shape, started before the clock, runs the canonical solutions of the
first N HumanEval problems through the checker, alternating a sandbox whose samples are
confined by Landlock with one where Landlock is switched off (as a kernel without it would
be); medians over repeats and their ratio. Skips where the kernel has no Landlock.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time

from synth.bench import sandbox as sandbox_module
from synth.bench.datasets import load_dataset
from synth.bench.executor import checked_job
from synth.bench.sandbox import ForkServerSandbox, Job, probe_landlock


def _time(jobs: list[Job], workers: int, landlock: bool) -> tuple[float, int]:
    real_probe = sandbox_module.probe_landlock
    if not landlock:
        sandbox_module.probe_landlock = lambda: (0, "switched off for the benchmark")  # type: ignore[assignment]
    try:
        with ForkServerSandbox(
            "rlimit", workers=workers, allow_unsafe_rlimit=True, allow_no_landlock=True
        ) as box:
            box.run([Job("x = 1", 5.0)] * workers)  # started and warm before the clock starts
            start = time.perf_counter()
            outcomes = box.run(jobs)
            elapsed = time.perf_counter() - start
    finally:
        sandbox_module.probe_landlock = real_probe
    return elapsed, sum(o.status == "passed" for o in outcomes)


def main() -> None:
    """Print the with/without table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--problems", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    abi, why = probe_landlock()
    if abi < 1:
        print(f"skipped: {why}")
        return
    logging.disable(logging.WARNING)
    dataset = load_dataset("humaneval", limit=args.problems)
    jobs = [checked_job(p, p.canonical_solution, 10.0) for p in dataset.problems]
    times: dict[bool, list[float]] = {True: [], False: []}
    passed: dict[bool, int] = {}
    for _ in range(args.repeats):
        for landlock in (False, True):
            elapsed, passed[landlock] = _time(jobs, args.workers, landlock)
            times[landlock].append(elapsed)
    off, on = statistics.median(times[False]), statistics.median(times[True])
    print(
        f"Landlock ABI {abi}; {len(jobs)} samples, {args.workers} workers, {args.repeats} repeats"
    )
    print(f"{'rlimit mode':<22}{'median s':>10}{'ms/sample':>11}{'passed':>8}")
    for label, landlock, value in (("without Landlock", False, off), ("with Landlock", True, on)):
        row = f"{label:<22}{value:>10.3f}{1000 * value / len(jobs):>11.2f}{passed[landlock]:>8}"
        print(row)
    print(f"ratio with/without: {on / off:.3f}")


if __name__ == "__main__":
    main()
