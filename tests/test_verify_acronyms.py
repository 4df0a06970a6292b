"""Acronyms a claim defines otherwise than its source: found, and withheld as support."""

from __future__ import annotations

from pathlib import Path

import pytest

from synth.verify.acronyms import definitions, long_form, misdefined
from tests.test_verify_pair_judge import _judged, _pool_judge

ABSTRACT = (
    "AMP-activated protein kinase (AMPK) senses energy. In idiopathic pulmonary fibrosis (IPF), "
    "AMPK activity is lower in fibrotic regions, and metformin activates AMPK in mice."
)


def test_a_long_form_is_the_words_whose_letters_spell_the_short_form() -> None:
    assert long_form("IPF", "In idiopathic pulmonary fibrosis") == "idiopathic pulmonary fibrosis"
    assert long_form("LLMs", "we study large language models") == "large language models"
    assert long_form("IPF", "AMP-activated protein kinase") is None
    shorts = [(s, lf) for s, lf, _ in definitions(ABSTRACT)]
    assert shorts == [
        ("AMPK", "AMP-activated protein kinase"),
        ("IPF", "idiopathic pulmonary fibrosis"),
    ]


@pytest.mark.parametrize(
    ("claim", "note"),
    [
        # The source's IPF is another thing.
        (
            "AMP-activated protein kinase (IPF) activation reduces fibrosis in the lungs.",
            "the claim's IPF is the source's 'idiopathic pulmonary fibrosis'",
        ),
        # The source abbreviates these words otherwise.
        (
            "Idiopathic pulmonary fibrosis (AMPD) lowers kinase activity.",
            "the source abbreviates 'idiopathic pulmonary fibrosis' as IPF, not AMPD",
        ),
    ],
)
def test_a_claim_that_defines_an_acronym_otherwise_is_found(claim: str, note: str) -> None:
    assert misdefined(claim, ABSTRACT) == [note]


@pytest.mark.parametrize(
    ("claim", "document"),
    [
        ("AMP-activated protein kinase (AMPK) activation reduces fibrosis.", ABSTRACT),
        # Letters that do not spell, but no other definition in the source.
        (
            "The C-type lectin receptor (CLEC-2) rearranges the actin cytoskeleton.",
            "The C-type lectin receptor CLEC-2 rearranges the actin cytoskeleton in cells.",
        ),
        # A shortened long form sharing the source's words is the same thing.
        (
            "Binding of p53 to enhancer regions (p53BERs) regulates p53 transcription.",
            "p53-bound enhancer regions (p53BERs) regulate transcription of p53 targets.",
        ),
    ],
)
def test_a_consistent_or_undefined_acronym_is_left_alone(claim: str, document: str) -> None:
    assert misdefined(claim, document) == []


PAPER = [
    ("title", "Blood pressure and aneurysm"),
    (
        "results",
        "Increased diastolic blood pressure (DBP) was associated with abdominal aortic "
        "aneurysm, odds ratio 1.5, 95% confidence interval (CI) 1.2 to 1.9.",
    ),
]


@pytest.mark.model
def test_the_pair_judge_withholds_support_from_a_misdefined_acronym(
    embedder: object, tmp_path: Path
) -> None:
    texts = {
        "right": "Increased diastolic blood pressure (DBP) is associated with aortic aneurysm.",
        "swapped": "Increased diastolic blood pressure (CI) is associated with aortic aneurysm.",
    }
    # The scripted model reads both as support: they share "blood pressure" with the passage.
    verdicts = _judged(_pool_judge(embedder, tmp_path, PAPER), embedder, texts)
    assert verdicts["right"].label == "supported"  # type: ignore[attr-defined]
    swapped = verdicts["swapped"]
    assert swapped.label == "unverified"  # type: ignore[attr-defined]
    assert swapped.evidence[0].note == "the claim's CI is the source's 'confidence interval'"  # type: ignore[attr-defined]
    off = _pool_judge(embedder, tmp_path / "off", PAPER, acronym_rule=False)
    assert _judged(off, embedder, {"s": texts["swapped"]})["s"].label == "supported"  # type: ignore[attr-defined]
