"""Experiment and distillation configs, read from TOML into validated records."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from synth.errors import InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on 3.10
    import tomli as tomllib


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ModelSpec(_Config):
    """A model: a Hugging Face name or path, a tiny one built from a config, or the oracle."""

    name: str
    source: Literal["hf", "tiny", "oracle"] = "hf"
    path: str | None = Field(None, description="Hub name or local folder (source = hf).")
    kind: Literal["causal", "seq2seq"] = "causal"
    arch: Literal["gpt2", "llama", "t5"] = Field(
        "gpt2", description="Tiny model architecture (t5 is seq2seq: set kind = 'seq2seq')."
    )
    layers: int = 2
    hidden: int = 32
    heads: int = 2
    seed: int = 0
    device: str = "cpu"
    threads: int | None = Field(
        None, description="torch CPU threads (process-wide; 1 suits tiny models on busy CPUs)."
    )
    dtype: Literal["float32", "float16", "bfloat16"] = "float32"


class DatasetSpec(_Config):
    """A dataset: 'humaneval' or a JSONL path, optionally only its first N problems."""

    spec: str
    limit: int | None = None


class GenerationSettings(_Config):
    """How completions are sampled."""

    n: int = Field(1, description="Samples per problem.")
    greedy: bool = True
    temperature: float = 0.8
    top_p: float = 0.95
    max_new_tokens: int = 128
    seed: int = 0


class LatencySettings(_Config):
    """How latency is measured."""

    enabled: bool = True
    prompt_tokens: int = 64
    new_tokens: int = 32
    batch_size: int = 4
    warmup: int = 1
    repeats: int = 3


class RunConfig(_Config):
    """``synth bench run``: models x datasets x perturbations."""

    name: str = "bench"
    seed: int = 0
    output: str = "bench-results"
    models: list[ModelSpec]
    datasets: list[DatasetSpec]
    perturbations: list[str] = Field(default_factory=list)
    perturbation_seeds: int = Field(1, description="Perturbed variants per family (ReCode's s).")
    ks: list[int] = Field(default_factory=lambda: [1])
    generation: GenerationSettings = Field(default_factory=GenerationSettings)
    latency: LatencySettings = Field(default_factory=LatencySettings)


class ScheduleConfig(_Config):
    """Learning-rate schedule."""

    name: Literal["constant", "linear_warmup", "cosine", "cosine_restarts", "wsd"] = "cosine"
    lr: float = 1e-3
    min_lr: float = 0.0
    warmup_steps: int = 0
    cycles: int = 2
    decay_fraction: float = Field(0.2, description="WSD: share of steps spent decaying.")


class DistillConfig(_Config):
    """``synth bench distill``: teacher to student."""

    name: str = "distill"
    seed: int = 0
    output: str = "distill-out"
    teacher: ModelSpec
    student: ModelSpec
    dataset: DatasetSpec
    loss: Literal["forward_kl", "reverse_kl", "jsd", "seq_kd"] = "forward_kl"
    temperature: float = 2.0
    beta: float = Field(0.5, description="Generalized JSD mixing weight.")
    pseudocode_weight: float = Field(0.0, description="Weight of the pseudocode task (0 = off).")
    steps: int = 30
    batch_size: int = 4
    max_length: int = 128
    teacher_max_new_tokens: int = 48
    grad_clip: float = 1.0
    checkpoint_every: int = 10
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)


def _read(path: Path) -> tuple[dict[str, object], str]:
    try:
        raw = path.read_bytes()
        return tomllib.loads(raw.decode("utf-8")), hashlib.sha256(raw).hexdigest()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot read config {path}: {exc}") from exc


def load_run_config(path: Path) -> tuple[RunConfig, str]:
    """A run config and the sha256 of its file."""
    data, digest = _read(path)
    try:
        return RunConfig.model_validate(data), digest
    except ValidationError as exc:
        raise InputError(f"{path}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from exc


def load_distill_config(path: Path) -> DistillConfig:
    """A distillation config."""
    data, _ = _read(path)
    try:
        return DistillConfig.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"{path}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from exc
