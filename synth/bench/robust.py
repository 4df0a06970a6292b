"""ReCode's robustness metrics: Robust pass@k, Robust drop and Robust relative over s variants."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from synth.bench.passk import mean, pass_at_k


def robust_metrics(
    nominal: Mapping[str, Sequence[bool]],
    variants: Sequence[Mapping[str, Sequence[bool]]],
    k: int,
) -> tuple[float, float, float, float]:
    """(nominal pass@k, Robust pass@k, Robust drop, Robust relative) on the shared problems.

    For sample i of a problem, it counts as robustly correct when every variant's sample i
    passes (worst case over the s perturbations); it counts as changed when any variant's
    outcome differs from the nominal one. Both counts go through the unbiased estimator.
    Robust drop is (pass@k - Robust pass@k) / pass@k.
    """
    tasks = [t for t in nominal if all(t in v for v in variants)]
    nominal_scores, robust, relative = [], [], []
    for task in tasks:
        flags = list(nominal[task])
        n = len(flags)
        per_variant = [list(v[task])[:n] for v in variants]
        robust_c = sum(all(v[i] for v in per_variant) for i in range(n))
        changed = sum(any(v[i] != flags[i] for v in per_variant) for i in range(n))
        nominal_scores.append(pass_at_k(n, sum(flags), k))
        robust.append(pass_at_k(n, robust_c, k))
        relative.append(pass_at_k(n, changed, k))
    nom, rob = mean(nominal_scores), mean(robust)
    drop = (nom - rob) / nom if nom > 0 else 0.0
    return nom, rob, drop, mean(relative)
