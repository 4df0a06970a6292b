"""Source relevance and claim extraction on hand-built documents with the real embedder."""

from __future__ import annotations

import pytest

from synth.extract.claims import count_cues, extract_claims, is_candidate
from synth.extract.relevance import fuse, score_lexical, score_relevance
from synth.settings import ExtractSettings
from tests.doc_factory import make_document

QUESTION = "Can knowledge distillation transfer the accuracy of a large teacher network to a small student?"


def _always_prose(text: str) -> bool:
    return True


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
    assert "below the threshold" in rel[1].reason
    assert all(0.0 <= r.score <= 1.0 for r in rel)


def test_cues_find_results_but_not_citations_or_years() -> None:
    assert count_cues("Accuracy rose by 3.2% over the baseline.")["result"] >= 1
    assert count_cues("The student makes 74 test errors.")["result"] == 1
    assert count_cues("The student uses 12 times fewer parameters.")["result"] >= 1
    cues = count_cues("As shown in [12] and in 2015, models exist.")
    assert cues["result"] == 0 and cues["number"] == 0


def test_claims_reporting_other_work_rank_below_own_findings() -> None:
    from synth.extract.claims import adjustment
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
    assert adjustment(own) > adjustment(cited)
    assert adjustment(own) > adjustment(meta)


def test_candidates_exclude_references_tables_and_cue_free_text(kd_doc) -> None:
    settings = ExtractSettings()
    texts = {p.text for p in kd_doc.passages if is_candidate(p, settings, _always_prose)}
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
    settings = ExtractSettings(max_claims_per_source=3)
    claims = extract_claims(QUESTION, [kd_doc], embedder, settings, _always_prose)
    assert 1 <= len(claims) <= 3
    assert [c.claim_id for c in claims] == [f"C{i}" for i in range(1, len(claims) + 1)]
    for claim in claims:
        assert kd_doc.text[claim.char_start : claim.char_end] == claim.text
        assert claim.doc_id == kd_doc.doc_id
        assert len(claim.text) >= settings.min_claim_chars
    # in document order within a source
    assert [c.char_start for c in claims] == sorted(c.char_start for c in claims)


def test_extract_respects_report_cap(kd_doc, chem_doc, embedder) -> None:
    settings = ExtractSettings(max_claims=1, min_claim_relevance=0.0)
    claims = extract_claims(QUESTION, [kd_doc, chem_doc], embedder, settings, _always_prose)
    assert len(claims) == 1 and claims[0].doc_id == kd_doc.doc_id
