"""The key-aspect rule of source relevance: a source must speak to what the question asks about."""

from __future__ import annotations

import numpy as np

from synth.embed import Embedder
from synth.extract.relevance import key_aspect_reasons, score_relevance, without_aspect
from synth.settings import ExtractSettings
from synth.synthesize.coverage import question_aspects
from tests.doc_factory import make_document

BLADDER = "How much does cigarette smoking raise the risk of bladder cancer in men and women?"


def test_without_aspect_takes_the_words_out_across_a_possessive() -> None:
    question = "Does guiding a student with hints from a teacher's intermediate layers help?"
    out = without_aspect(question, "teacher intermediate layers")
    assert "teacher" not in out and "intermediate" not in out and "hints" in out
    assert "BLADDER" not in without_aspect(BLADDER.upper(), "bladder cancer")
    # an aspect the question does not spell out leaves it as it is
    assert without_aspect(BLADDER, "lung cancer") == BLADDER


def test_key_aspect_is_the_most_engaged_and_judged_relative_to_the_best() -> None:
    engagement = [np.array([0.30, 0.20]), np.array([0.01, 0.25]), np.array([0.0, 0.0])]
    reasons = key_aspect_reasons(
        ["bladder cancer", "smoking"], engagement, [True, True, False], 0.2
    )
    assert reasons[0] == ""
    assert "does not address 'bladder cancer'" in reasons[1] and "0.01 < 0.20 × 0.30" in reasons[1]
    assert reasons[2] == ""  # already out for another reason
    assert (
        key_aspect_reasons(["bladder cancer", "smoking"], engagement, [True] * 3, 0.0) == [""] * 3
    )
    assert key_aspect_reasons([], [np.zeros(0)] * 2, [True, True], 0.2) == ["", ""]


def test_a_source_on_another_cancer_misses_the_key_aspect(embedder: Embedder) -> None:
    bladder = make_document(
        "Association between smoking and risk of bladder cancer among men and women",
        [
            (
                "abstract",
                [
                    "Current smokers had a four times higher risk of bladder cancer than never smokers.",
                    "Half of the bladder cancer cases in men and in women were attributable to smoking.",
                ],
            )
        ],
    )
    lung = make_document(
        "Effect of smoking reduction on lung cancer risk",
        [
            (
                "abstract",
                [
                    "Heavy smokers who halved their cigarette consumption had a lower risk of lung cancer.",
                    "Smoking reduction by 50% reduced lung cancer risk in men and women who smoked heavily.",
                ],
            )
        ],
    )
    wide = ExtractSettings(relevance_margin=1.0, relevance_threshold=0.0)
    aspects = question_aspects(BLADDER)
    assert "bladder cancer" in aspects
    with_rule = score_relevance(BLADDER, [bladder, lung], embedder, wide, aspects)
    without = score_relevance(BLADDER, [bladder, lung], embedder, wide)
    assert with_rule[0].used and not with_rule[1].used
    assert "does not address 'bladder cancer'" in with_rule[1].reason
    assert all(r.used for r in without)
    off = wide.model_copy(update={"aspect_engagement_ratio": 0.0})
    assert all(r.used for r in score_relevance(BLADDER, [bladder, lung], embedder, off, aspects))
