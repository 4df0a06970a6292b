"""Sentence splitting and the prose test the claim extractor relies on."""

from __future__ import annotations

import pytest

from synth.parse.sentences import is_prose, split_sentences


def _split(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_split_keeps_abbreviations_decimals_and_initials() -> None:
    text = (
        "Hinton et al. (2015) proposed distillation, e.g. with soft targets. "
        "Accuracy rose by 1.3% to 0.5 vs. the baseline (see Fig. 2 and Eq. 3 in Sec. 4). "
        "G. Hinton and O. Vinyals wrote it, i.e. two authors. "
        "Results are in Table 2! Is that enough? Yes."
    )
    assert _split(text) == [
        "Hinton et al. (2015) proposed distillation, e.g. with soft targets.",
        "Accuracy rose by 1.3% to 0.5 vs. the baseline (see Fig. 2 and Eq. 3 in Sec. 4).",
        "G. Hinton and O. Vinyals wrote it, i.e. two authors.",
        "Results are in Table 2!",
        "Is that enough?",
        "Yes.",
    ]


def test_a_month_before_a_date_ends_no_sentence() -> None:
    text = (
        "We score 43.4% on LiveCodeBench (questions from Dec. 2023 to June. 2024). It is open. "
        "It was released in Dec. Then it grew."
    )
    assert _split(text) == [
        "We score 43.4% on LiveCodeBench (questions from Dec. 2023 to June. 2024).",
        "It is open.",
        "It was released in Dec.",
        "Then it grew.",
    ]


def test_split_spans_index_the_text() -> None:
    text = "  First one.  Second “quoted” one.\u201d Third (with a paren.) Fourth."
    for s, e in split_sentences(text):
        assert text[s:e] == text[s:e].strip()
        assert text[s:e]


def test_split_after_citation_and_closing_quote() -> None:
    assert _split("They average predictions [3]. Unfortunately, it is slow.") == [
        "They average predictions [3].",
        "Unfortunately, it is slow.",
    ]
    assert _split("We call it “distillation.” It works.") == [
        "We call it “distillation.”",
        "It works.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Distillation improves pass@1 on HumanEval by 4.2 points over the baseline.",
        "The student model runs 3.1 times faster than the teacher (Table 2).",
        "“Soft targets” carry much more information per training case than hard targets.",
        "2 of the 12 tasks fail because the sandbox times out.",
    ],
)
def test_is_prose_accepts_sentences(text: str) -> None:
    assert is_prose(text)


@pytest.mark.parametrize(
    "text",
    [
        "columns labeled LB, LB + war, no wa mup",
        "Baseline 58.9% 10.9% 61.1% 10.7% 60.8% 10.7%.",
        "as measured by pass@k and latency metrics on.",
        "qi = exp(zi/T) / sum j exp(zj/T) (1) where T is a temperature.",
        "Figure 3: Accuracy of the student model versus temperature.",
        "Table 2. Results of the distilled models on the test sets.",
        "Department of Computer Science, Stanford University, Stanford, CA.",
        "Contact us at jane.doe@example.org for the code and the data.",
        "Code is available at https://github.com/example/repo in full.",
        "The model (trained on more data improves results.",
        "this sentence starts in the middle of something else.",
        "Short one.",
        "x y z w v u t s r q p o n.",
    ],
)
def test_is_prose_rejects_debris(text: str) -> None:
    assert not is_prose(text)


def test_a_list_bullet_opens_a_sentence_and_is_no_part_of_it() -> None:
    # The survey's list of observations came out as one passage, its second item (a finding
    # on the question of how far a student gains from its teacher) inside another sentence.
    text = (
        "From Table 5, several observations can be summarized as • Distillation can be realized "
        "on different deep models. • The performance of the student can be easily improved by "
        "the knowledge transfer from the teacher. Through the comparison, it is clear. •"
    )
    assert _split(text) == [
        "From Table 5, several observations can be summarized as",
        "Distillation can be realized on different deep models.",
        "The performance of the student can be easily improved by the knowledge transfer from "
        "the teacher.",
        "Through the comparison, it is clear.",
    ]
    # An item at the paragraph's start loses its bullet, so the prose test reads a sentence.
    contribution = "• We show that pre-trained representations reduce the need for new designs."
    (only,) = _split(contribution)
    assert only.startswith("We show") and is_prose(only)
    # A bullet glued to a word is no list item.
    assert _split("The set A•B is closed under it.") == ["The set A•B is closed under it."]
