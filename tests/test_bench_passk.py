"""pass@k estimator against brute force; bootstrap intervals; paired comparison; robustness."""

from __future__ import annotations

import itertools
from math import comb

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synth.bench.passk import pass_at_k
from synth.bench.robust import robust_metrics
from synth.bench.stats import bootstrap_ci, paired_comparison


def _brute_force(n: int, c: int, k: int) -> float:
    samples = [True] * c + [False] * (n - c)
    subsets = list(itertools.combinations(range(n), k))
    return sum(any(samples[i] for i in s) for s in subsets) / len(subsets)


@given(
    st.integers(1, 9).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n), st.integers(1, n)))
)
def test_pass_at_k_matches_brute_force(case: tuple[int, int, int]) -> None:
    n, c, k = case
    assert pass_at_k(n, c, k) == pytest.approx(_brute_force(n, c, k), abs=1e-12)


def test_pass_at_k_matches_binomial_formula_for_large_n() -> None:
    assert pass_at_k(200, 13, 10) == pytest.approx(1 - comb(187, 10) / comb(200, 10), rel=1e-12)


def test_pass_at_k_rejects_impossible_inputs() -> None:
    with pytest.raises(ValueError, match="at least"):
        pass_at_k(3, 1, 5)
    with pytest.raises(ValueError, match="0 <= c <= n"):
        pass_at_k(3, 4, 1)


def test_bootstrap_ci_brackets_the_mean_and_is_seeded() -> None:
    values = [1.0] * 30 + [0.0] * 70
    low, high = bootstrap_ci(values, seed=1)
    assert low < 0.3 < high
    assert (low, high) == bootstrap_ci(values, seed=1)
    assert bootstrap_ci([1.0, 1.0]) == (1.0, 1.0)


def test_paired_comparison_detects_a_consistent_gain() -> None:
    a = {f"t{i}": 0.0 for i in range(40)}
    b = {f"t{i}": 1.0 if i < 30 else 0.0 for i in range(40)}
    result = paired_comparison(a, b, seed=0)
    assert result.difference == pytest.approx(0.75)
    assert result.b_better == 30
    assert result.ties == 10
    assert result.a_better == 0
    assert result.p_value < 0.01
    assert result.ci_low > 0.5


def test_paired_comparison_of_equal_runs_is_not_significant() -> None:
    a = {f"t{i}": float(i % 2) for i in range(20)}
    result = paired_comparison(a, dict(a))
    assert result.difference == 0.0
    assert result.p_value == 1.0


def test_robust_metrics_take_the_worst_case_over_variants() -> None:
    nominal = {"a": [True], "b": [True], "c": [False], "d": [True]}
    variants = [
        {"a": [True], "b": [False], "c": [False], "d": [True]},
        {"a": [True], "b": [True], "c": [True], "d": [False]},
    ]
    nom, robust, drop, relative = robust_metrics(nominal, variants, k=1)
    assert nom == 0.75
    assert robust == 0.25  # only "a" passes under every variant
    assert drop == pytest.approx((0.75 - 0.25) / 0.75)
    assert relative == 0.75  # b, c and d change outcome under some variant
