"""The unbiased pass@k estimator and its aggregation over problems."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k from n samples of which c are correct: 1 - C(n-c, k) / C(n, k).

    The ratio of binomials equals the product over i = n-c+1 .. n of (1 - k/i), which stays
    in floating-point range where the binomials themselves would overflow.
    """
    if not 0 <= c <= n or k < 1:
        raise ValueError(f"pass@k needs 0 <= c <= n and k >= 1 (got n={n}, c={c}, k={k})")
    if k > n:
        raise ValueError(f"pass@{k} needs at least {k} samples per problem (got {n})")
    if n - c < k:
        return 1.0  # every k-subset contains a correct sample
    ratio = 1.0
    for i in range(n - c + 1, n + 1):
        ratio *= 1.0 - k / i
    return 1.0 - ratio


def per_problem_pass_at_k(correct: Mapping[str, Sequence[bool]], k: int) -> dict[str, float]:
    """pass@k of each problem from its per-sample outcomes."""
    return {task: pass_at_k(len(flags), sum(flags), k) for task, flags in correct.items()}


def mean(values: Iterable[float]) -> float:
    """Arithmetic mean (0.0 for no values)."""
    items = list(values)
    return sum(items) / len(items) if items else 0.0


def usable_ks(ks: Iterable[int], n_samples: int) -> list[int]:
    """The requested k values that n samples per problem can support."""
    return sorted({k for k in ks if 1 <= k <= n_samples})
