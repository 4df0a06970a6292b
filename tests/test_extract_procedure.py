"""Method descriptions are not claims: a procedure's numbers are its settings, not outcomes."""

from __future__ import annotations

import pytest

from synth.extract.cues import count_cues, is_candidate
from synth.settings import ExtractSettings
from tests.doc_factory import always_prose, make_passage


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "Throughout training we mask 20% of the input words in every sequence at random.",
            "method",
        ),
        (
            "When a word is picked, we replace it with a placeholder 70% of the time and with a "
            "random word 30% of the time.",
            "method",
        ),
        ("For every document we randomly sample 4% of the nouns as edit targets.", "method"),
        ("Each student is trained from scratch on 3 billion tokens, 90% of them code.", "results"),
        ("The final ensemble is 5x models which use different random seeds.", "results"),
    ],
)
def test_a_procedure_with_numbers_is_not_a_claim(text: str, kind: str) -> None:
    assert count_cues(text)["result"] > 0  # the number alone would admit it as a result
    assert not is_candidate(make_passage(text, kind), ExtractSettings(), always_prose)


@pytest.mark.parametrize(
    "text",
    [
        # An outcome stated in words keeps the sentence, whatever procedure it names.
        "When we mask 20% of the words, accuracy is 2.1 points higher than with 10%.",
        "Our runs on 5% of the data suggest that a student initialized with the teacher's "
        "weights keeps nearly all of its knowledge.",
        "With the same recipe we set a new state of the art, 91.2% accuracy on the benchmark.",
        "Students trained with hints reach 93% accuracy, outperforming the teacher.",
    ],
)
def test_a_procedure_that_states_an_outcome_stays_a_candidate(text: str) -> None:
    assert is_candidate(make_passage(text, "results"), ExtractSettings(), always_prose)
