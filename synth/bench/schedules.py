"""Learning-rate schedules as pure functions of the step: each is its formula, nothing more."""

from __future__ import annotations

import math

from synth.bench.config import ScheduleConfig


def lr_at(step: int, total: int, cfg: ScheduleConfig) -> float:
    """Learning rate at 0-based ``step`` of ``total`` steps.

    constant: lr. Every other schedule first warms up linearly, lr * (step + 1) / warmup, then:
    linear_warmup decays linearly to min_lr; cosine follows min_lr + (lr - min_lr)(1 + cos(pi p))/2
    with p the post-warmup progress; cosine_restarts repeats that over ``cycles`` cycles; wsd
    (warmup-stable-decay) holds lr, then decays linearly to min_lr over the last
    ``decay_fraction`` of the steps.
    """
    lr, low, warm = cfg.lr, cfg.min_lr, cfg.warmup_steps
    if cfg.name == "constant":
        return lr
    if step < warm:
        return lr * (step + 1) / warm
    progress = (step - warm) / max(1, total - warm)
    if cfg.name == "linear_warmup":
        return lr - (lr - low) * progress
    if cfg.name == "cosine":
        return low + 0.5 * (lr - low) * (1 + math.cos(math.pi * progress))
    if cfg.name == "cosine_restarts":
        within = (progress * cfg.cycles) % 1.0
        return low + 0.5 * (lr - low) * (1 + math.cos(math.pi * within))
    decay = max(1, round(cfg.decay_fraction * total))
    if step < total - decay:
        return lr
    return lr - (lr - low) * (step - (total - decay)) / decay


def lr_curve(total: int, cfg: ScheduleConfig) -> list[float]:
    """The whole schedule, one value per step."""
    return [lr_at(step, total, cfg) for step in range(total)]
