"""Evidence windows (``verify.evidence_window``) and the suite's integer roundings.

A scripted pair model reads support only when one text holds both halves of a finding that the
document states over two sentences, so only a window can support the claim; the number rule
must then check the window's text, and the evidence shown must be the window.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from synth.records import Claim
from synth.settings import VerifySettings
from synth.verify.evidence import EvidencePool
from synth.verify.feature_judge import FeatureJudge
from synth.verify.pair_judge import PairJudge
from synth.verify.score import load_model
from synth.verify.training.suite import round_integer
from tests.test_verify_verifier import claim, make_doc

SPLIT = [
    ("title", "Drug X in older adults"),
    ("results", "Drug X lowered systolic blood pressure by 12 mmHg after eight weeks."),
    ("results", "The effect was confined to older adults with hypertension."),
    ("results", "Adverse events were mild and occurred at similar rates in both groups."),
]


class HalvesModel:
    """Support only when the passage has both the effect and the population, else neither."""

    def pieces(self, claim: str, passage: str) -> list[str]:
        return [passage]

    def probabilities(self, claims: list[str], passages: list[str]) -> np.ndarray:
        rows = []
        for p in passages:
            both = "lowered" in p and "older adults" in p
            rows.append([0.9, 0.05, 0.05] if both else [0.05, 0.05, 0.9])
        return np.array(rows)


def verdicts(
    embedder: object, tmp_path: Path, claims: list[Claim], window: str
) -> dict[str, object]:
    # The restatement rule would support the claim through its first sentence and the title
    # ("Drug X in older adults"): off here, where only the windows are under test.
    settings = VerifySettings(sense_contrast=False, evidence_window=window, restatement_share=0.0)
    pool = EvidencePool([make_doc("split", SPLIT)], embedder, settings, tmp_path)  # type: ignore[arg-type]
    features = FeatureJudge(pool, load_model(), settings)
    judge = PairJudge(pool, features, HalvesModel(), None, settings)  # type: ignore[arg-type]
    vecs = embedder.encode([c.text for c in claims])  # type: ignore[attr-defined]
    return {v.claim_id: v for v in judge.verdicts(claims, vecs)}


@pytest.mark.model
def test_window_stops_at_the_title_and_at_the_claims_own_sentence(
    embedder: object, tmp_path: Path
) -> None:
    pool = EvidencePool([make_doc("split", SPLIT)], embedder, VerifySettings(), tmp_path)  # type: ignore[arg-type]
    idx = {pool.refs[r].passage.idx: r for r in range(len(pool))}
    assert 0 not in idx  # the title is not evidence
    assert pool.window(idx[1], 1, 1) == [idx[1], idx[2]]
    assert pool.window(idx[2], 1, 1) == [idx[1], idx[2], idx[3]]
    own = claim("own", SPLIT[3][1], doc_id="split", passage_idx=3)
    assert pool.window(idx[2], 1, 1, own) == [idx[1], idx[2]]


@pytest.mark.model
def test_a_finding_over_two_sentences_is_supported_only_through_a_window(
    embedder: object, tmp_path: Path
) -> None:
    claims = [claim("split", "Drug X lowered blood pressure by 12 mmHg in older adults.")]
    assert verdicts(embedder, tmp_path, claims, "off")["split"].label != "supported"  # type: ignore[attr-defined]
    for window in ("next", "previous", "both"):
        got = verdicts(embedder, tmp_path, claims, window)["split"]
        assert got.label == "supported", window  # type: ignore[attr-defined]
        top = got.evidence[0]  # type: ignore[attr-defined]
        # The passage shown is the window the model read, both sentences of it.
        assert top.stance == "supports" and "12 mmHg" in top.text and "older adults" in top.text
        assert top.passage_idx in (1, 2)


@pytest.mark.model
def test_a_window_must_state_the_claims_numbers(embedder: object, tmp_path: Path) -> None:
    claims = [claim("changed", "Drug X lowered blood pressure by 30 mmHg in older adults.")]
    got = verdicts(embedder, tmp_path, claims, "both")["changed"]
    assert got.label != "supported"  # type: ignore[attr-defined]
    assert all(e.stance != "supports" for e in got.evidence)  # type: ignore[attr-defined]


def test_integer_roundings_stay_within_what_about_allows() -> None:
    assert (
        round_integer("The genome has 7489 base pairs.") == "The genome has about 7,500 base pairs."
    )
    assert round_integer("It encodes proteins of 216 kD.") == "It encodes proteins of about 220 kD."
    assert round_integer("We enrolled 98 mice.") == "We enrolled about 100 mice."
    # Nothing to round without changing the value beyond 5 %, or already hedged, a year, a name.
    assert round_integer("Risk rose by 32% in 14 years.") is None
    assert round_integer("Approximately 12345 cases were seen in 2001.") is None
    assert round_integer("IL-10 and CD44 levels with n = 52 patients.") is None
    assert round_integer("Growth factor 21 acts on T-helper 17 cells by day 28.") is None
