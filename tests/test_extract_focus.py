"""A "How can X be made P?" question takes only claims that speak of P, when any does."""

from __future__ import annotations

import pytest

from synth.embed import Embedder
from synth.extract.claims import extract_claims
from synth.settings import ExtractSettings
from synth.synthesize.coverage import made_focus
from tests.doc_factory import always_prose, make_document

QUESTION = "How can knowledge distillation into a small student be made faster to train?"
# Invented sentences in the manner of the distillation papers of ../shared/realdata/pdfs.
GENERAL = (
    "We show that knowledge distillation into a small student network works very well and "
    "improves its accuracy by 2.1%."
)
SPEED = (
    "Our results show that the decoupled distillation framework trains the student 3.2 times "
    "faster than current knowledge distillation frameworks."
)


def test_made_focus_reads_the_property_the_question_asks_for() -> None:
    focus = made_focus(QUESTION)
    assert focus is not None
    assert focus(SPEED) and not focus(GENERAL)
    # Any other question has no focus.
    assert made_focus("Does knowledge distillation improve a small student's accuracy?") is None


@pytest.mark.model
def test_claims_that_do_not_speak_of_the_property_are_left_out(embedder: Embedder) -> None:
    general = make_document("Distilling knowledge into small networks", [("abstract", [GENERAL])])
    fast = make_document("A fast framework for distillation", [("abstract", [SPEED])])
    settings = ExtractSettings(min_claim_worthiness=0.0)
    plain = extract_claims(QUESTION, [general, fast], embedder, settings, always_prose)
    assert {c.text for c in plain} == {GENERAL, SPEED}  # both bear on the words of the question
    focused = extract_claims(
        QUESTION, [general, fast], embedder, settings, always_prose, made_focus(QUESTION)
    )
    assert [c.text for c in focused] == [SPEED]


@pytest.mark.model
def test_without_a_sentence_on_the_property_the_claims_stay(embedder: Embedder) -> None:
    general = make_document("Distilling knowledge into small networks", [("abstract", [GENERAL])])
    settings = ExtractSettings(min_claim_worthiness=0.0)
    claims = extract_claims(
        QUESTION, [general], embedder, settings, always_prose, made_focus(QUESTION)
    )
    assert [c.text for c in claims] == [GENERAL]
