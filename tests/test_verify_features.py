"""Pure pieces of the verifier: quantities, cues, fusion, label rules, metrics, fitting."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from synth.verify.calibrate import (
    auroc,
    expected_calibration_error,
    fit_platt,
    fit_softmax,
    macro_f1,
    softmax_probs,
)
from synth.verify.evidence import DenseStats, rrf_fuse
from synth.verify.features import (
    direction,
    entities,
    negation_count,
    number_agreement,
    outcome_valence,
    pair_features,
    pointable_conflict,
    prefix_antonym,
    valence,
)
from synth.verify.lexical import LexicalIndex, light_stem, to_tokens
from synth.verify.score import decide_label, has_number_conflict


@pytest.mark.parametrize(
    ("claim", "evidence", "expected"),
    [
        ("Accuracy rose by 12%.", "Accuracy rose by 15% over the baseline.", (0.0, 1.0)),
        ("Accuracy rose by 12%.", "Accuracy rose by 12.3% over the baseline.", (1.0, 0.0)),
        ("Accuracy rose by 12%.", "Accuracy rose after 3 epochs.", (0.0, 0.0)),
        ("No numbers here.", "Accuracy rose by 12%.", (0.0, 0.0)),
    ],
)
def test_number_agreement(claim: str, evidence: str, expected: tuple[float, float]) -> None:
    assert number_agreement(claim, evidence) == expected


def test_cues() -> None:
    assert negation_count("The drug did not reduce risk") == 1
    assert negation_count("The drug didn't reduce risk") == 1
    assert negation_count("The drug reduced risk") == 0
    assert direction("expression was increased") == 1
    assert direction("expression was reduced") == -1
    assert direction("no change was seen") == 0
    assert {"brca1", "il-6", "p53"} <= entities("BRCA1, IL-6 and p53 in mice")


def test_pair_features_flag_negation_and_direction() -> None:
    f = pair_features("Aspirin does not lower stroke risk.", "Aspirin lowered stroke risk.")
    assert f["neg_mismatch"] == 1.0
    g = pair_features("Aspirin raises stroke risk.", "Aspirin lowered stroke risk.")
    assert g["dir_mismatch"] == 1.0
    assert g["coverage"] > 0.5


def test_number_conflict_is_never_supported() -> None:
    assert decide_label(0.99, 0.0, True, 0.5, 0.3) == "contradicted"
    assert decide_label(0.99, 0.0, False, 0.5, 0.3) == "supported"
    assert decide_label(0.1, 0.6, False, 0.5, 0.3) == "contradicted"
    # The model alone needs contradiction to be more likely than not, and a visible cue.
    assert decide_label(0.1, 0.4, False, 0.5, 0.3) == "unverified"
    assert decide_label(0.1, 0.6, False, 0.5, 0.3, conflict_cue=False) == "unverified"
    assert decide_label(0.1, 0.1, False, 0.5, 0.3) == "unverified"
    # A conflicting number on a looser match blocks support without claiming contradiction.
    assert decide_label(0.99, 0.1, False, 0.5, 0.3, support_blocked=True) == "unverified"
    # Nothing on topic: no contradiction, whatever the model says.
    assert decide_label(0.1, 0.9, False, 0.5, 0.3, on_topic=False) == "unverified"


def test_number_conflict_needs_on_topic_evidence_and_no_agreement() -> None:
    conflict = {"num_conflict": 1.0, "num_match": 0.0}
    match = {"num_conflict": 0.0, "num_match": 1.0}
    assert has_number_conflict(np.array([0.8]), [conflict])
    assert not has_number_conflict(np.array([0.2]), [conflict])  # off topic
    assert not has_number_conflict(np.array([0.8, 0.7]), [conflict, match])


def test_lexical_ranks_matching_text_first() -> None:
    idx = LexicalIndex(["cats chase mice", "dogs bark loudly", "mice eat cheese"])
    rows, scores = idx.search("what do mice eat", 3)
    assert rows[0] == 2
    assert np.all(np.diff(scores) <= 0)
    assert idx.search("zebra", 3)[0].size == 0
    assert light_stem("cells") == "cell"
    assert to_tokens("The cells were not dividing", stem=False) == ["cells", "dividing"]


def test_rrf_and_dense_stats() -> None:
    fused = rrf_fuse([(np.array([3, 1]), 1.0), (np.array([1, 2]), 1.0)], k=60)
    assert max(fused, key=fused.__getitem__) == 1
    rng = np.random.default_rng(0)
    vecs = rng.standard_normal((50, 8))
    q = rng.standard_normal(8)
    mean, std = DenseStats.of(vecs).moments(q)
    assert mean == pytest.approx(float((vecs @ q).mean()))
    assert std == pytest.approx(float((vecs @ q).std()))


def test_auroc_matches_pair_counting() -> None:
    rng = np.random.default_rng(1)
    scores = rng.integers(0, 5, 40).astype(float)
    pos = rng.random(40) < 0.4
    pairs = list(itertools.product(scores[pos], scores[~pos]))
    brute = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a, b in pairs) / len(pairs)
    assert auroc(scores, pos) == pytest.approx(brute)


def test_ece_and_macro_f1() -> None:
    y = np.array([0, 0, 1, 1], dtype=float)
    assert expected_calibration_error(np.array([0.0, 0.0, 1.0, 1.0]), y) == 0.0
    assert expected_calibration_error(np.array([1.0, 1.0, 0.0, 0.0]), y) == pytest.approx(1.0)
    gold = ["supported", "contradicted", "unverified"]
    assert macro_f1(gold, gold) == 1.0
    assert macro_f1(["supported"] * 3, gold) == pytest.approx((0.5 + 0 + 0) / 3)


def test_softmax_fit_and_platt_learn_the_signal() -> None:
    rng = np.random.default_rng(2)
    y = rng.integers(0, 3, 300)
    x = np.eye(3)[y] * 2.0 + rng.standard_normal((300, 3)) * 0.5
    w, b = fit_softmax(x, y, l2=0.01)
    assert (softmax_probs(x, w, b).argmax(axis=1) == y).mean() > 0.9
    p = np.clip(rng.random(500), 0.01, 0.99)
    outcome = (rng.random(500) < p).astype(float)
    a, c = fit_platt(p, outcome)
    assert a == pytest.approx(1.0, abs=0.35)
    assert c == pytest.approx(0.0, abs=0.35)


def test_antonyms_reverse_the_sense() -> None:
    assert prefix_antonym("The drug destabilizes the complex.", "The drug stabilizes the complex.")
    assert not prefix_antonym("The drug stabilizes the complex.", "The drug stabilizes it too.")
    assert valence("a milder course of disease") == 1
    assert valence("more severe symptoms") == -1
    f = pair_features("Carriers have a worse outcome.", "Carriers have a better outcome.")
    assert f["polarity_conflict"] == 1.0
    # Negation and antonym together cancel: "not worse" agrees with "better".
    g = pair_features("Carriers do not have a worse outcome.", "Carriers have a better outcome.")
    assert g["polarity_conflict"] == 0.0


def test_a_negation_cue_raised_only_by_without_is_nothing_to_point_at() -> None:
    claim = "Finding 7: Smaller model + Skills can exceed larger model without Skills."
    passage = "Finding 5: 2-3 Skills are optimal; more Skills show"
    cues = pair_features(claim, passage)
    assert cues["neg_mismatch"] > 0  # the fitted feature still counts "without"
    assert not pointable_conflict(claim, passage, cues)
    plain = "Smaller models with Skills exceed larger models."
    denied = "Smaller models with Skills do not exceed larger models."
    assert pointable_conflict(plain, denied, pair_features(plain, denied))
    # A real negation still counts beside a "without".
    denied_without = "Without Skills, smaller models do not exceed larger models."
    assert pointable_conflict(plain, denied_without, pair_features(plain, denied_without))
    other = "Drug X lowered blood pressure by 9 mmHg."
    typed = "Drug X lowered blood pressure by 12 mmHg without side effects."
    assert pointable_conflict(typed, other, pair_features(typed, other))  # the number


def test_a_reduced_harm_is_a_good_outcome_not_the_reverse_of_a_benefit() -> None:
    reduced = "Statins significantly reduced the risk of all cause mortality."
    benefit = "In clinical trials, statins are beneficial in the prevention of heart disease."
    assert valence(reduced) == -1  # the fitted feature reads "mortality" alone
    assert outcome_valence(reduced) == 1 and outcome_valence(benefit) == 1
    cues = pair_features(reduced, benefit)
    assert cues["polarity_conflict"] > 0
    assert not pointable_conflict(reduced, benefit, cues)
    raised = "Statins raised all cause mortality."
    assert outcome_valence(raised) == -1
    assert pointable_conflict(raised, benefit, pair_features(raised, benefit))
