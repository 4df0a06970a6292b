"""Passages that only present their paper's contents."""

from __future__ import annotations

import pytest

from synth.verify.presentation import presents_only


@pytest.mark.parametrize(
    "text",
    [
        "In this paper, we present a comprehensive review on knowledge distillation, from the "
        "perspectives of knowledge, distillation schemes and teacher-student architectures.",
        "This review discusses the function of Sir2 in replicative aging.",
        "The body of this survey mainly contains the fundamentals of knowledge distillation.",
        "• In this survey, we summarize recent progress in model compression.",
    ],
)
def test_presentations(text: str) -> None:
    assert presents_only(text)


@pytest.mark.parametrize(
    "text",
    [
        "In this work, we present a graph study, confirming genes associated with survival.",
        "In this paper, we show that distillation transfers most of the ensemble's gain.",
        "We present the results in Table 2.",  # not the paper's contents: a pointer
        "Distillation improves the student's accuracy by 2 points.",
        "This paper's teacher was trained for 90 epochs.",
    ],
)
def test_not_presentations(text: str) -> None:
    assert not presents_only(text)
