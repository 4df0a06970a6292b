"""The exclusivity reversal: "only X" in a claim against "both X and Y" in a restatement."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from synth.settings import VerifySettings
from synth.verify.evidence import EvidencePool
from synth.verify.exclusivity import exclusivity_reversal
from synth.verify.feature_judge import FeatureJudge
from synth.verify.pair_judge import PairJudge
from synth.verify.score import load_model
from tests.test_verify_pair_judge import ScriptedModel
from tests.test_verify_verifier import claim, make_doc

CLAIM = "The encoder builds its representations by conditioning only on the left context."


@pytest.mark.parametrize(
    ("claim", "passage", "spans"),
    [
        (
            CLAIM,
            "The encoder builds deep representations by jointly conditioning on both left and "
            "right context in all layers.",
            ("only on the left context", "both left and right"),
        ),
        (
            CLAIM,
            "The encoder builds its representations by conditioning not only on the left context "
            "but also on the right context.",
            ("only on the left context", "not only on the left context but also on the right"),
        ),
        (
            "Obesity is determined solely by environmental factors in adults.",
            "In adults, obesity is determined by genetic and environmental factors.",
            ("solely by environmental factors", "genetic and environmental"),
        ),
        (
            "Exercise alone improves insulin sensitivity in older adults.",
            "Exercise and diet improve insulin sensitivity in older adults.",
            ("Exercise alone", "Exercise and diet"),
        ),
    ],
)
def test_a_restatement_naming_more_than_the_claim_reverses_it(
    claim: str, passage: str, spans: tuple[str, str]
) -> None:
    note = exclusivity_reversal(claim, passage)
    assert note is not None
    assert all(span in note for span in spans), note


@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        # a plain restatement
        (CLAIM, "The encoder builds its representations by conditioning on the left context."),
        # "only X" against "only X"
        (
            CLAIM,
            "Like earlier models, the encoder builds its representations by conditioning only on "
            "the left context and is fast.",
        ),
        # a negated coordination agrees with the claim
        (
            CLAIM,
            "The encoder does not build representations by conditioning on both left and right "
            "context.",
        ),
        # "only" as a minimiser, not a restriction to one thing
        (
            "Only 5% of patients responded to the drug in the trial.",
            "In the trial, 5% and 10% of patients responded to the drug.",
        ),
        (
            "The drug had only a modest effect on blood pressure.",
            "The drug had a modest effect on blood pressure and heart rate.",
        ),
        # "not only" in the claim already says more than one thing
        (
            "The drug lowers not only blood pressure but also heart rate.",
            "The drug lowers blood pressure and heart rate.",
        ),
        # a passage that does not restate the claim
        (CLAIM, "Left and right hands differ in grip strength."),
    ],
)
def test_no_reversal_without_a_second_thing(claim: str, passage: str) -> None:
    assert exclusivity_reversal(claim, passage) is None


class TopicModel(ScriptedModel):
    """Reads every passage about context as support, whatever it says about it."""

    def probabilities(self, claims: list[str], passages: list[str]) -> np.ndarray:
        rows = [
            [0.9, 0.05, 0.05] if "context" in c and "context" in p else [0.05, 0.05, 0.9]
            for c, p in zip(claims, passages, strict=True)
        ]
        return np.array(rows)


def _judge(
    embedder: object, tmp_path: Path, rows: list[tuple[str, str]], model: object, **kw: object
) -> PairJudge:
    settings = VerifySettings(**{"sense_contrast": False, **kw})  # type: ignore[arg-type]
    pool = EvidencePool([make_doc("doc", rows)], embedder, settings, tmp_path)  # type: ignore[arg-type]
    return PairJudge(pool, FeatureJudge(pool, load_model(), settings), model, None, settings)  # type: ignore[arg-type]


@pytest.mark.model
def test_only_x_against_both_x_and_y_is_contradicted(embedder: object, tmp_path: Path) -> None:
    rows = [
        ("abstract", "We study how text encoders build their token representations."),
        (
            "results",
            "The encoder builds deep representations by jointly conditioning on both left and "
            "right context in all layers.",
        ),
    ]
    claims = [
        claim(
            "only",
            "The encoder builds its representations by conditioning only on the left context.",
        )
    ]
    vecs = embedder.encode([c.text for c in claims])  # type: ignore[attr-defined]
    for on in (True, False):
        pj = _judge(embedder, tmp_path / str(on), rows, TopicModel(), reversal_rule=on)
        (v,) = pj.verdicts(claims, vecs)
        if on:
            assert v.label == "contradicted"
            top = v.evidence[0]
            assert top.stance == "contradicts" and "both left and right" in (top.note or "")
        else:
            assert v.label == "supported"  # what the rule is there to stop
