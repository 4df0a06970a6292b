"""A question that singles out what it asks ("How can X be made P?", "Do X and Y each ...?")
takes only claims that speak of it, when any does."""

from __future__ import annotations

import pytest

from synth.embed import Embedder
from synth.extract.claims import extract_claims
from synth.settings import ExtractSettings
from synth.synthesize.coverage import cause_aspects, each_parts, question_focus
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


def test_question_focus_reads_the_property_the_question_asks_for() -> None:
    focus = question_focus(QUESTION)
    assert focus is not None
    assert focus(SPEED) and not focus(GENERAL)
    # Any other question has no focus (one on accuracy alone has the outcome focus below).
    assert question_focus("Does knowledge distillation help a small student?") is None


@pytest.mark.model
def test_claims_that_do_not_speak_of_the_property_are_left_out(embedder: Embedder) -> None:
    general = make_document("Distilling knowledge into small networks", [("abstract", [GENERAL])])
    fast = make_document("A fast framework for distillation", [("abstract", [SPEED])])
    settings = ExtractSettings(min_claim_worthiness=0.0)
    plain = extract_claims(QUESTION, [general, fast], embedder, settings, always_prose)
    assert {c.text for c in plain} == {GENERAL, SPEED}  # both bear on the words of the question
    focused = extract_claims(
        QUESTION, [general, fast], embedder, settings, always_prose, question_focus(QUESTION)
    )
    assert [c.text for c in focused] == [SPEED]


@pytest.mark.model
def test_without_a_sentence_on_the_property_the_claims_stay(embedder: Embedder) -> None:
    general = make_document("Distilling knowledge into small networks", [("abstract", [GENERAL])])
    settings = ExtractSettings(min_claim_worthiness=0.0)
    claims = extract_claims(
        QUESTION, [general], embedder, settings, always_prose, question_focus(QUESTION)
    )
    assert [c.text for c in claims] == [GENERAL]


EACH = "Do the masked language model and next sentence prediction objectives each add to accuracy?"


def test_an_each_question_focuses_on_its_parts() -> None:
    assert each_parts(EACH) == ["masked language model", "next sentence prediction objectives"]
    focus = question_focus(EACH)
    assert focus is not None
    # An acronym of the phrase without its head noun names it ("NSP").
    assert focus("In Table 5, we show that removing NSP hurts accuracy on QNLI and MNLI.")
    assert focus("The LTR model performs worse than the MLM model on all tasks.")
    # "language" and "model" alone are no sentence about the masked language model.
    assert not focus("The pre-trained model can be fine-tuned for language inference.")
    # Without "each", or with one part only, the question singles nothing out.
    assert each_parts("Do the masked language model and next sentence prediction add to it?") == []
    assert question_focus("Does the masked language model objective each time add to it?") is None


CAUSE = (
    "How does the softmax temperature of a teacher's soft targets change what a distilled "
    "student model learns?"
)


def test_a_how_does_question_focuses_on_its_cause() -> None:
    assert cause_aspects(CAUSE) == ["softmax temperature", "soft targets"]  # not "teacher"
    focus = question_focus(CAUSE)
    assert focus is not None
    assert focus("At a high temperature the soft targets carry more information per case.")
    assert not focus(
        "The performance of the lightweight deep models (student) can be easily improved by "
        "the knowledge transfer from the high-capacity teacher models."
    )
    assert cause_aspects("Does the softmax temperature change what a student learns?") == []


def test_a_question_on_one_kind_of_outcome_leaves_out_the_other_kind() -> None:
    question = (
        "To what extent can knowledge distillation transfer the generalization of a large "
        "teacher network to a smaller student network?"
    )
    focus = question_focus(question)
    assert focus is not None
    assert not focus(
        "Moreover, the loss curves are almost overlapped for FP8 and BF16 teacher inference, "
        "which suggests FP8 teacher inference a more efficient solution for LLM distillation."
    )
    assert focus("The student network generalizes better than the teacher.")
    assert focus("A student with 10.4 times less parameters outperforms the teacher.")
    # A speed question keeps speed: "made faster" already focuses on it.
    assert question_focus(QUESTION)(SPEED)  # type: ignore[misc]
