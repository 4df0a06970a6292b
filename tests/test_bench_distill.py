"""Distillation: losses fall on tiny models, schedules follow their formulas, runs resume."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from synth.bench import losses
from synth.bench.config import DistillConfig, ScheduleConfig
from synth.bench.distill import run_distillation
from synth.bench.schedules import lr_curve


@pytest.fixture(autouse=True)
def _one_torch_thread() -> Iterator[None]:
    """Tiny models run fastest on one thread of a shared CPU; later tests get theirs back."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _config(loss: str, **extra: object) -> DistillConfig:
    data = {
        "teacher": {"name": "t", "source": "tiny", "seed": 1, "hidden": 32},
        "student": {"name": "s", "source": "tiny", "seed": 2, "hidden": 16},
        "dataset": {"spec": "humaneval", "limit": 2},
        "loss": loss, "steps": 30, "batch_size": 2, "max_length": 48,
        "teacher_max_new_tokens": 6, "schedule": {"name": "constant", "lr": 0.01},
    }  # fmt: skip
    data.update(extra)
    return DistillConfig.model_validate(data)


@pytest.mark.parametrize("loss", ["forward_kl", "reverse_kl", "jsd", "seq_kd"])
def test_kd_loss_falls_over_30_steps(loss: str, tmp_path: Path) -> None:
    summary = run_distillation(_config(loss), tmp_path)
    rows = [json.loads(line) for line in summary.log_path.read_text().splitlines()]
    assert len(rows) == 30
    first, last = rows[0]["kd_loss"], sum(r["kd_loss"] for r in rows[-5:]) / 5
    assert last < first * 0.8
    assert all({"loss", "lr", "grad_norm"} <= row.keys() for row in rows)


def test_pseudocode_task_adds_a_weighted_auxiliary_loss(tmp_path: Path) -> None:
    summary = run_distillation(_config("forward_kl", steps=5, pseudocode_weight=0.5), tmp_path)
    rows = [json.loads(line) for line in summary.log_path.read_text().splitlines()]
    assert all(
        r["loss"] == pytest.approx(r["kd_loss"] + 0.5 * r["aux_loss"], rel=1e-5) for r in rows
    )
    assert rows[0]["aux_loss"] > 0


def test_distillation_resumes_from_its_checkpoint(tmp_path: Path) -> None:
    cfg = _config("forward_kl", steps=8, checkpoint_every=4)
    run_distillation(cfg, tmp_path, stop_after=4)
    assert (tmp_path / "checkpoint.pt").is_file()
    summary = run_distillation(cfg, tmp_path)
    steps = [json.loads(line)["step"] for line in summary.log_path.read_text().splitlines()]
    assert steps == list(range(8))
    assert torch.load(tmp_path / "checkpoint.pt", weights_only=False)["step"] == 8


def test_losses_are_zero_for_identical_distributions() -> None:
    logits = torch.randn(2, 5, 7)
    mask = torch.ones(2, 5, dtype=torch.bool)
    for value in (
        losses.forward_kl(logits, logits, mask, 2.0),
        losses.reverse_kl(logits, logits, mask),
        losses.generalized_jsd(logits, logits, mask, 0.3),
    ):
        assert float(value) == pytest.approx(0.0, abs=1e-6)
    assert float(losses.forward_kl(logits, torch.randn(2, 5, 7), mask)) > 0


def test_jsd_approaches_scaled_kl_limits() -> None:
    with pytest.raises(ValueError, match="beta"):
        losses.generalized_jsd(torch.zeros(1, 1, 2), torch.zeros(1, 1, 2), torch.ones(1, 1), 1.0)


T = 100


@pytest.mark.parametrize(
    ("cfg", "formula"),
    [
        (ScheduleConfig(name="constant", lr=0.1), lambda s: 0.1),
        (
            ScheduleConfig(name="linear_warmup", lr=0.1, min_lr=0.01, warmup_steps=10),
            lambda s: 0.1 * (s + 1) / 10 if s < 10 else 0.1 - 0.09 * (s - 10) / 90,
        ),
        (
            ScheduleConfig(name="cosine", lr=0.1, min_lr=0.0, warmup_steps=5),
            lambda s: 0.1 * (s + 1) / 5 if s < 5 else 0.05 * (1 + math.cos(math.pi * (s - 5) / 95)),
        ),
        (
            ScheduleConfig(name="cosine_restarts", lr=0.1, cycles=4),
            lambda s: 0.05 * (1 + math.cos(math.pi * ((s / 100 * 4) % 1))),
        ),
        (
            ScheduleConfig(name="wsd", lr=0.1, min_lr=0.0, warmup_steps=10, decay_fraction=0.2),
            lambda s: (
                0.1 * (s + 1) / 10 if s < 10 else (0.1 if s < 80 else 0.1 * (1 - (s - 80) / 20))
            ),
        ),
    ],
)
def test_schedule_curve_matches_its_formula(cfg: ScheduleConfig, formula: object) -> None:
    curve = lr_curve(T, cfg)
    expected = [formula(s) for s in range(T)]  # type: ignore[operator]
    assert curve == pytest.approx(expected, rel=1e-9, abs=1e-12)
