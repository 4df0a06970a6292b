"""The result allowance: measured results of on-topic papers answer questions that ask for an amount."""

from __future__ import annotations

import pytest

from synth.embed import Embedder
from synth.extract.claims import extract_claims
from synth.extract.result_allowance import (
    asks_for_extent,
    is_result_claim,
    question_terms,
    shared_terms,
    term_stem,
)
from synth.records import Document, SectionKind
from synth.settings import ExtractSettings
from tests.doc_factory import always_prose, make_document, make_passage

EXTENT_QUESTION = (
    "To what extent can knowledge distillation transfer the generalization of a large teacher "
    "network to a smaller student network?"
)
RESULT = (
    "More than 80% of the improvement in frame classification accuracy achieved by an ensemble "
    "of 10 models is transferred to the distilled model."
)
WIN_RATE = (
    "On the chat benchmark the distilled student reaches a win rate of 28.2%, 9 points above the "
    "baseline student."
)


@pytest.fixture
def on_topic() -> Document:
    return make_document(
        "Distilling the knowledge in a neural network",
        [
            (
                "abstract",
                [
                    "We show that distillation transfers the generalization ability of a large "
                    "teacher network to a much smaller student network."
                ],
            ),
            ("results", [RESULT]),
        ],
    )


@pytest.fixture
def neighbour() -> Document:
    # A source about a neighbouring question (making distillation fast): its closest sentence
    # is far less close to the question than the on-topic paper's.
    return make_document(
        "A fast framework for distilling large language models",
        [
            (
                "abstract",
                [
                    "We show that our framework makes knowledge distillation of large language "
                    "models 6 times faster."
                ],
            ),
            ("results", [WIN_RATE]),
        ],
    )


def test_extent_questions_are_recognised() -> None:
    assert asks_for_extent(EXTENT_QUESTION)
    assert asks_for_extent("How much of a teacher's accuracy can a student keep?")
    assert asks_for_extent("How long a context window does the model support?")
    assert asks_for_extent("What pass@1 does DeepSeek-Coder-V2 reach on HumanEval?")
    assert not asks_for_extent("What does the student learn from its teacher?")
    assert not asks_for_extent("Does knowledge distillation help small students?")
    assert not asks_for_extent("How can distillation be made faster to train?")


def test_terms_meet_across_noun_verb_and_comparative_forms() -> None:
    assert term_stem("distillation") == term_stem("distilled") == "distill"
    assert term_stem("transferred") == term_stem("transfer")
    assert term_stem("smaller") == term_stem("small")
    assert term_stem("quitting") == term_stem("quit")
    terms = question_terms(EXTENT_QUESTION)
    assert "extent" not in terms  # question scaffolding is not a term
    assert shared_terms(RESULT, terms) == 2  # "transferred", "distilled"
    assert shared_terms("The ensemble reached 58.9% accuracy.", terms) == 0


@pytest.mark.parametrize(
    ("text", "kind", "relevance", "expected"),
    [
        (RESULT, "results", 0.39, True),
        (RESULT, "method", 0.39, False),  # numbers in a method section describe the set-up
        (RESULT, "results", 0.20, False),  # below min_result_claim_relevance
        ("More than 80% of the improvement is kept by the model.", "results", 0.39, False),
        ("The distilled model transfers the knowledge of the teacher well.", "results", 0.5, False),
        (
            "This transfers more than 80% of the improvement to the distilled model.",
            "results",
            0.5,
            False,
        ),
        (
            "In Figure 3, more than 80% of the gain is transferred to the distilled model.",
            "results",
            0.5,
            False,
        ),
        (
            "The very same network distilled from it transfers 80% of the gain.",
            "results",
            0.5,
            False,
        ),
    ],
)
def test_result_claim_rule(text: str, kind: SectionKind, relevance: float, expected: bool) -> None:
    terms = question_terms(EXTENT_QUESTION)
    settings = ExtractSettings()
    assert is_result_claim(make_passage(text, kind), relevance, 0.95, terms, settings) is expected
    # Not claim-worthy enough for a further claim: never admitted.
    assert not is_result_claim(make_passage(text, kind), relevance, 0.6, terms, settings)


def test_allowance_adds_a_quantified_result_of_an_on_topic_paper(
    on_topic: Document, embedder: Embedder
) -> None:
    settings = ExtractSettings()
    claims = extract_claims(EXTENT_QUESTION, [on_topic], embedder, settings, always_prose)
    assert RESULT in [c.text for c in claims]
    off = settings.model_copy(update={"result_claims_per_source": 0})
    assert RESULT not in [
        c.text for c in extract_claims(EXTENT_QUESTION, [on_topic], embedder, off, always_prose)
    ]
    yes_no = "Can knowledge distillation transfer the generalization of a large teacher network to a smaller student network?"
    assert RESULT not in [
        c.text for c in extract_claims(yes_no, [on_topic], embedder, settings, always_prose)
    ]


def test_allowance_skips_a_source_that_does_not_reach_the_question(
    on_topic: Document, neighbour: Document, embedder: Embedder
) -> None:
    # A loose first-claim margin lets the neighbour be used; its reach is still far below the
    # on-topic paper's, so its measured result is not added.
    settings = ExtractSettings(claim_relevance_margin=0.45)
    both = extract_claims(EXTENT_QUESTION, [on_topic, neighbour], embedder, settings, always_prose)
    assert neighbour.doc_id in {c.doc_id for c in both}
    assert WIN_RATE not in [c.text for c in both]
    assert RESULT in [c.text for c in both]
    # Reach is relative to the report: alone, the neighbour is the paper closest to the question.
    alone = extract_claims(EXTENT_QUESTION, [neighbour], embedder, settings, always_prose)
    assert WIN_RATE in [c.text for c in alone]
