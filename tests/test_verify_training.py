"""Training-data construction for the pair model: perturbations, pairs, splits, the suite."""

from __future__ import annotations

import random

import pytest

from synth.verify.numbers import align
from synth.verify.scifact import Abstract, ClaimPair
from synth.verify.training import perturb
from synth.verify.training.pairs import (
    CONTRADICTS,
    NEITHER,
    SUPPORTS,
    finding_sentences,
    is_held_out,
    scifact_pairs,
    synthetic_pairs_for,
    title_pairs,
)
from synth.verify.training.suite import build_suite


@pytest.mark.parametrize(
    ("sentence", "claim"),
    [
        (
            "We found that aspirin reduces the risk of stroke by 23.5% in elderly patients "
            "(n = 1200; P < 0.01).",
            "Aspirin reduces the risk of stroke by 23.5% in elderly patients.",
        ),
        (
            "Here we show that IL-6 levels are elevated in mice lacking TNF-alpha.",
            "IL-6 levels are elevated in mice lacking TNF-alpha.",
        ),
        ("Far too short.", None),
    ],
)
def test_to_claim_drops_framing_brackets_and_statistics(sentence: str, claim: str | None) -> None:
    assert perturb.to_claim(sentence) == claim


@pytest.mark.parametrize(
    ("claim", "negated"),
    [
        ("Aspirin reduces the risk of stroke.", "Aspirin does not reduce the risk of stroke."),
        ("IL-6 levels are elevated in mice.", "IL-6 levels are not elevated in mice."),
        (
            "The student with fewer parameters outperforms the teacher.",
            "The student with fewer parameters does not outperform the teacher.",
        ),
        ("Metformin did not improve glycemic control.", "Metformin improved glycemic control."),
        (
            "Mortality decreased after the intervention.",
            "Mortality did not decrease after the intervention.",
        ),
        ("Smoking does not cause cancer.", "Smoking causes cancer."),
    ],
)
def test_negate_adds_or_removes_one_negation(claim: str, negated: str) -> None:
    assert perturb.negate(claim) == negated


def test_antonym_swap_reverses_direction_and_skips_fixed_phrases() -> None:
    rng = random.Random(0)
    assert (
        perturb.swap_antonym("Aspirin reduces the risk of stroke.", rng)
        == "Aspirin increases the risk of stroke."
    )
    assert perturb.swap_antonym("Higher doses helped.", rng) == "Lower doses helped."
    # "compared with" is a fixed phrase: turning it into "compared without" changes nothing.
    assert perturb.swap_antonym("Risk was compared with controls.", rng) is None


def test_number_change_is_a_real_conflict_and_rounding_agrees() -> None:
    claim = "The student network with 10.4 times fewer parameters reaches 91.61% accuracy."
    for seed in range(20):
        rng = random.Random(seed)
        changed = perturb.change_number(claim, rng)
        assert changed is not None and changed != claim
        assert align(changed, claim).has_conflict, changed
        rounded = perturb.round_number(claim, rng)
        assert rounded is not None and rounded != claim
        assert align(rounded, claim).all_stated, rounded


def test_an_omitted_detail_keeps_the_rest_of_the_claim() -> None:
    claim = "A trial of 400 adults showed that aspirin significantly reduced stroke by 25%."
    seen = {perturb.drop_detail(claim, random.Random(seed)) for seed in range(30)}
    assert seen == {
        "A trial of adults showed that aspirin significantly reduced stroke by 25%.",
        "A trial of 400 adults showed that aspirin reduced stroke by 25%.",
        "A trial of 400 adults showed that aspirin significantly reduced stroke.",
    }
    # A year, a range's end, a share's base and one of several changes are no droppable detail.
    for kept in (
        "Deaths fell from 1990 to 2015 across the region.",
        "Rates rose from 12 to 20 in women over time.",
        "Aluminum was present in 10 out of 20 given binders.",
        "It reduced LDL-C by 55.1% and LDL-apoB by 56.3% in all groups.",
    ):
        assert perturb.drop_detail(kept, random.Random(0)) is None, kept


def test_swap_numbers_and_entities() -> None:
    assert (
        perturb.swap_numbers("Mortality fell from 20% to 12% after treatment.")
        == "Mortality fell from 12% to 20% after treatment."
    )
    swapped = perturb.swap_entity(
        "IL-6 levels rise in sepsis.", "TNF and CD4 counts", random.Random(1)
    )
    assert swapped is not None and "IL-6" not in swapped


def test_whole_entity_swaps_name_another_entity() -> None:
    # The suite's swaps: never a fragment of a longer name, a heading word or a variant.
    rng = random.Random(3)
    assert perturb.swap_entity("NF-κB is active.", "TNF rises.", rng, whole=True) is None
    assert perturb.swap_entity("NR5A2 is needed.", "Nr5a2 knockout mice.", rng, whole=True) is None
    assert perturb.swap_entity("ALDH1 marks stem cells.", "ALDH activity", rng, whole=True) is None
    assert perturb.swap_entity("IL-6 rises.", "MAIN OUTCOME MEASURES", rng, whole=True) is None
    swapped = perturb.swap_entity("IL-6 rises in sepsis.", "Ca2+ and TNF levels", rng, whole=True)
    assert swapped == "TNF rises in sepsis."
    # Without ``whole`` (the trainer's recipe, unchanged) a fragment may still be taken.
    assert perturb.swap_entity("NR5A2 is needed.", "Nr5a2 mice", random.Random(3)) is not None


ABSTRACT = Abstract(
    "1",
    "Drug X and blood pressure",
    (
        "Hypertension is a major risk factor for stroke.",
        "We enrolled 400 adults with hypertension in a randomized trial.",
        "Participants received drug X or placebo for twelve weeks.",
        "Drug X lowered systolic blood pressure by 12.4 mmHg compared with placebo in these adults.",
        "Adverse events were mild and similar in both groups of the trial.",
    ),
)
OTHER = Abstract(
    "2",
    "C4 plants",
    (
        "C4 plants concentrate carbon dioxide around RuBisCO.",
        "This reduces photorespiration in hot and dry climates.",
    ),
)


def test_synthetic_pairs_have_all_three_labels_from_one_finding() -> None:
    [idx] = [i for i in finding_sentences(ABSTRACT) if "lowered" in ABSTRACT.sentences[i]]
    pairs = synthetic_pairs_for(ABSTRACT, idx, random.Random(3))
    labels = {p.label for p in pairs}
    assert labels == {SUPPORTS, CONTRADICTS, NEITHER}
    source = ABSTRACT.sentences[idx]
    for p in pairs:
        if p.label == CONTRADICTS:
            assert p.passage == source and p.claim != perturb.to_claim(source)
    assert all(p.group == "doc1" for p in pairs)


def test_scifact_pairs_use_rationale_and_hard_negatives() -> None:
    corpus = {"1": ABSTRACT, "2": OTHER}
    claim = ClaimPair("7", "Drug X lowers systolic blood pressure.", "1", "SUPPORT", (3,))
    pairs = scifact_pairs([claim], corpus, random.Random(0))
    by_origin = {p.origin: p for p in pairs}
    assert by_origin["scifact:rationale"].label == SUPPORTS
    assert by_origin["scifact:rationale"].passage == ABSTRACT.sentences[3]
    negatives = [p for p in pairs if p.origin == "scifact:cited_other"]
    assert negatives and all(
        p.label == NEITHER and p.passage != ABSTRACT.sentences[3] for p in negatives
    )
    # The claim's own reversal against its rationale contradicts.
    assert any(p.origin == "scifact:negation" and p.label == CONTRADICTS for p in pairs)


def test_title_pairs_restate_a_finding_title_against_its_own_abstract() -> None:
    titled = Abstract(
        "5",
        "Chronic exercise increases nitric oxide synthase expression in rat aorta",
        (
            "Nitric oxide synthase shapes vascular tone.",
            "Rats ran on a treadmill for ten weeks.",
            "Chronic exercise raised the expression of nitric oxide synthase in the aorta.",
        ),
    )
    noun_title = Abstract("6", "Effects of exercise on the rat aorta", titled.sentences)
    corpus = {"1": ABSTRACT, "2": OTHER, "5": titled, "6": noun_title}
    pairs = title_pairs(corpus, {"1"}, 10, random.Random(0))
    assert {p.group for p in pairs} == {"title5"}  # no verb in "Effects of ...", "1" excluded
    [support] = [p for p in pairs if p.label == SUPPORTS]
    assert support.claim == titled.title
    assert "raised the expression" in support.passage
    assert "ran on a treadmill" not in support.passage
    reversed_ = {p.claim for p in pairs if p.label == CONTRADICTS}
    assert "Chronic exercise decreases nitric oxide synthase expression in rat aorta" in reversed_
    assert all(p.passage == support.passage for p in pairs if p.label == CONTRADICTS)


def test_held_out_split_is_by_group_and_about_one_in_five() -> None:
    groups = [str(i) for i in range(2000)]
    share = sum(is_held_out(g) for g in groups) / len(groups)
    assert 0.15 < share < 0.25
    assert is_held_out("123") == is_held_out("123")


def test_suite_keeps_originals_and_breaks_the_rest() -> None:
    corpus = {"1": ABSTRACT}
    pairs = [
        ClaimPair(
            "9", "Drug X lowered systolic blood pressure by 12.4 mmHg.", "1", "SUPPORT", (3,)
        ),
        ClaimPair("10", "Drug X raises heart rate.", "1", "NEI", ()),
    ]
    items = build_suite(pairs, corpus)
    kinds = {i.kind for i in items}
    assert {"original", "rounded", "number", "negation"} <= kinds
    assert all(i.claim_id == "9" for i in items)  # only supported claims enter the suite
    assert [i.should_support for i in items if i.kind == "original"] == [True]
    assert not any(i.should_support for i in items if i.kind in ("number", "negation"))
