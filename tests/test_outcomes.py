"""Which kind of outcome a sentence measures (synth/outcomes.py)."""

from __future__ import annotations

import pytest

from synth.outcomes import other_outcome, outcome_kinds


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("The student generalizes better than its teacher.", {"quality"}),
        ("The distilled model makes 47.3% test errors.", {"quality"}),
        ("The framework achieves a 1.44x to 6.36x speedup over current frameworks.", {"cost"}),
        ("FP8 teacher inference is a more efficient solution for distillation.", {"cost"}),
        # "10.4 times less parameters" is a factor, not time.
        ("A student with 10.4 times less parameters outperforms its teacher.", set()),
        (
            "Students with fewer parameters can generalize better and run faster.",
            {"quality", "cost"},
        ),
        # The speed words coverage meets a question's "faster" with are cost words here too.
        ("Decoding becomes the bottleneck, a 3x slowdown.", {"cost"}),
        ("The student is quicker and needs less time to train.", {"cost"}),
        # "cheaper" is no outcome word: a question's "is it cheaper to train?" beside its
        # "translate better" would otherwise read as a question on cost alone.
        ("Is it cheaper?", set()),
    ],
)
def test_outcome_kinds(text: str, kinds: set[str]) -> None:
    assert outcome_kinds(text) == kinds


def test_only_one_kind_against_the_other_is_another_outcome() -> None:
    claim = "The performance of the student is improved by the teacher's knowledge."
    assert other_outcome(claim, "This design significantly improves hardware utilization.")
    # A passage naming both kinds, or neither, is not judged; nor is a claim naming both.
    assert other_outcome(claim, "Students generalize better and run faster.") is None
    assert other_outcome(claim, "The student imitates the teacher's soft outputs.") is None
    assert other_outcome("It is faster and more accurate.", "It uses less memory.") is None
