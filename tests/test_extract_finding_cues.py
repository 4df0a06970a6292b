"""Rule 3 of claim candidates: a finding stated as an effect or a dependence counts as a cue."""

from __future__ import annotations

import pytest

from synth.extract.cues import count_cues, cue_bonus, is_candidate
from synth.settings import ExtractSettings
from tests.doc_factory import always_prose, make_passage


@pytest.mark.parametrize(
    "text",
    [
        "Deleting the kinase abolished tumour growth in the treated mice.",
        "The receptor was required for the migration of activated T cells into the gut.",
        "These findings reveal a second role for the protein outside the nucleus.",
        "We also determined that the mutant enzyme cannot bind its cofactor in vivo.",
        "Loss of the transporter impaired insulin secretion in isolated islets.",
        # The authors label it a finding themselves (SkillsBench's list of findings).
        "Finding 3: Self-generated Skills provide negligible or negative benefit.",
    ],
)
def test_an_effect_or_dependence_is_a_finding(text: str) -> None:
    # None of these carries a number, a comparison or a conclusion phrase of count_cues.
    cues = count_cues(text)
    assert cues["result"] + cues["comparison"] + cues["conclusion"] == 0
    assert is_candidate(make_passage(text, "abstract"), ExtractSettings(), always_prose)


@pytest.mark.parametrize(
    "text",
    [
        # Background without any finding verb.
        "Large language models read their input as sequences of token identifiers.",
        # The finding verb, but someone else's finding.
        "Smith et al. found that the kinase promoted growth of the tumour cells.",
        # The finding verb inside a background truism.
        "Inflammation has long been known to promote the repair of damaged tissue.",
        # The finding verb inside a presentation of the paper.
        "In this paper we describe how the protein is required for the assembly of the pore.",
        # A review's summary of a method's reach: easy to apply across many models or tasks.
        "Knowledge distillation can be simply realized on different deep models and model "
        "compression of different deep models can be easily achieved by knowledge distillation.",
        "The teacher-student knowledge transfer can easily and effectively solve many "
        "multilingual tasks.",
    ],
)
def test_background_and_cited_findings_stay_out(text: str) -> None:
    assert not is_candidate(make_passage(text, "abstract"), ExtractSettings(), always_prose)


def test_the_effect_cue_earns_no_ranking_bonus() -> None:
    # Admission only: the claim-worthiness weights and the ranking read count_cues unchanged.
    text = "Deleting the kinase abolished tumour growth in the treated mice."
    assert cue_bonus(count_cues(text)) == 0.0


@pytest.mark.parametrize(
    "text",
    [
        # The authors' own result about a method they cite.
        "We also tried the learned embeddings of [9] instead, and found that the two versions "
        "produced nearly identical results.",
        "In row (E) we replace the fixed encoding with the learned one of [9], and observe "
        "nearly identical results to the base model.",
        "Starting from the student of (Hinton et al., 2015), we find that hints halve the error.",
    ],
)
def test_own_results_about_cited_work_are_candidates(text: str) -> None:
    assert is_candidate(make_passage(text, "abstract"), ExtractSettings(), always_prose)


@pytest.mark.parametrize(
    "text",
    [
        # Someone else's finding, retold by the authors.
        "We follow [12], who found that dropout helps small students.",
        # The authors use cited work but state no result of theirs.
        "We use the learned embeddings of [9] and train for 100K steps.",
        # "We" and a finding verb, but the result is not stated.
        "We also experimented with the learned embeddings of [9], and observe the loss curve.",
    ],
)
def test_cited_work_without_an_own_result_stays_out(text: str) -> None:
    assert not is_candidate(make_passage(text, "abstract"), ExtractSettings(), always_prose)


@pytest.mark.parametrize(
    "text",
    [
        # Invented, in the manner of a tokenizer paper's results section: how a thing works.
        "Subword vocabularies contain many short units, enabling several segmentations of one "
        "word.",
        "During segmentation, the encoder often picks the single vocabulary entry that matches "
        "the whole word.",
    ],
)
def test_a_mechanism_word_alone_cues_no_finding(text: str) -> None:
    assert not is_candidate(make_passage(text, "results"), ExtractSettings(), always_prose)
    # With a finding stated beside it, the sentence is a candidate again.
    found = "Our results show that " + text[0].lower() + text[1:]
    assert is_candidate(make_passage(found, "results"), ExtractSettings(), always_prose)
    assert is_candidate(
        make_passage("Caching enables a 3.1-fold faster decoding.", "results"),
        ExtractSettings(),
        always_prose,
    )


def test_a_pointer_to_a_figure_cues_no_finding() -> None:
    # Invented, in the manner of BERT's method section: "as we show in Figure 1" points, it
    # states no result.
    pointer = "As we show in Figure 2, the first token is used for the pairing objective."
    assert not is_candidate(make_passage(pointer, "method"), ExtractSettings(), always_prose)
    stated = "In Table 4 we show that removing the pairing objective hurts accuracy on QNLI."
    assert is_candidate(make_passage(stated, "results"), ExtractSettings(), always_prose)
    shown = "As shown in Table 3, the student outperforms the teacher on every task."
    assert is_candidate(make_passage(shown, "results"), ExtractSettings(), always_prose)


def test_ease_alone_or_reach_alone_is_no_background() -> None:
    # "can be easily improved" states an outcome; "on many tasks" is a finding's scope.
    for text in (
        "The performance of the lightweight deep models (student) can be easily improved by "
        "the knowledge transfer from the high-capacity teacher models.",
        "Distillation improves the student on many language tasks by 2 points.",
    ):
        assert is_candidate(make_passage(text, "results"), ExtractSettings(), always_prose)
