"""Configuration words of a question against the opposite design named by a finding."""

from __future__ import annotations

import pytest

from synth.synthesize.premise import premise_conflicts


@pytest.mark.parametrize(
    ("question", "text", "expected"),
    [
        (
            "Does a shallow and wide student outperform its teacher?",
            "Hinting the inner layers of a thin and deep network generalizes better.",
            (["shallow", "wide"], ["thin", "deep"]),
        ),
        # Comparatives fold onto their base word.
        (
            "Do shallow students learn faster?",
            "Deeper students trained with hints learn faster.",
            (["shallow"], ["deep"]),
        ),
        # A text naming the asked word too is about it as well: no conflict for that word.
        (
            "Does a shallow and wide student work?",
            "Deep and wide networks were compressed into shallower but wider ones.",
            ([], []),
        ),
        # Words the question does not use, or direction words, never conflict.
        ("Does distillation help students?", "A deep network helps.", ([], [])),
        ("Does distillation increase accuracy?", "Distillation decreases accuracy.", ([], [])),
    ],
)
def test_premise_conflicts(question: str, text: str, expected: tuple[list[str], list[str]]) -> None:
    assert premise_conflicts(question, text) == expected
