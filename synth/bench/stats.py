"""Bootstrap confidence intervals and paired comparisons of two runs on the same problems."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict


class PairedComparison(BaseModel):
    """Run B minus run A on their shared problems."""

    model_config = ConfigDict(extra="forbid")

    n_problems: int
    mean_a: float
    mean_b: float
    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    b_better: int
    a_better: int
    ties: int


def bootstrap_ci(
    values: Sequence[float], seed: int = 0, n_boot: int = 2000, alpha: float = 0.05
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean, resampling problems with replacement."""
    data = np.asarray(values, dtype=float)
    if data.size == 0:
        return 0.0, 0.0
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, data.size, size=(n_boot, data.size))
    means = data[idx].mean(axis=1)
    low, high = np.quantile(means, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


def paired_comparison(
    a: Mapping[str, float],
    b: Mapping[str, float],
    seed: int = 0,
    n_boot: int = 2000,
    n_perm: int = 10000,
) -> PairedComparison:
    """Compare per-problem scores of two runs: bootstrap CI and sign-flip permutation p-value."""
    shared = sorted(set(a) & set(b))
    if not shared:
        raise ValueError("the two runs share no problems")
    diff = np.array([b[t] - a[t] for t in shared], dtype=float)
    low, high = bootstrap_ci(diff.tolist(), seed=seed, n_boot=n_boot)
    observed = abs(diff.mean())
    rng = np.random.default_rng(seed)
    # Under the null, each problem's difference is as likely to have either sign.
    signs = rng.choice([-1.0, 1.0], size=(n_perm, diff.size))
    permuted = np.abs((signs * diff).mean(axis=1))
    p_value = (1 + int((permuted >= observed - 1e-12).sum())) / (n_perm + 1)
    return PairedComparison(
        n_problems=len(shared),
        mean_a=float(np.mean([a[t] for t in shared])),
        mean_b=float(np.mean([b[t] for t in shared])),
        difference=float(diff.mean()),
        ci_low=low,
        ci_high=high,
        p_value=float(p_value),
        b_better=int((diff > 0).sum()),
        a_better=int((diff < 0).sum()),
        ties=int((diff == 0).sum()),
    )
