"""Findings: claims grouped across sources, their sources, quantities, strength and order."""

from __future__ import annotations

import pytest

from synth.records import Claim, Evidence, Verdict
from synth.settings import SynthesizeSettings
from synth.synthesize.findings import (
    UNVERIFIED_WEIGHT,
    group_findings,
    key_quantities,
    off_question_sources,
    score_strength,
)
from tests.word_embedder import WordEmbedder

QUESTION = "How does knowledge distillation affect student networks?"


def claim(cid: str, text: str, doc: str, relevance: float = 0.6, idx: int = 0) -> Claim:
    return Claim(
        claim_id=cid, text=text, doc_id=doc, passage_idx=idx, page=1, section="Results",
        char_start=0, char_end=len(text), relevance=relevance,
    )  # fmt: skip


def verdict(cid: str, label: str = "supported", conf: float = 0.8, evidence=()) -> Verdict:
    return Verdict(claim_id=cid, label=label, confidence=conf, evidence=list(evidence))  # type: ignore[arg-type]  # label and stance are Literals; tests pass plain str


def evidence(doc: str, stance: str, same: bool = False, idx: int = 5) -> Evidence:
    return Evidence(
        doc_id=doc, passage_idx=idx, page=1, text="a passage", score=0.9, same_document=same,
        stance=stance,  # type: ignore[arg-type]  # label and stance are Literals; tests pass plain str
    )  # fmt: skip


SETTINGS = SynthesizeSettings()
SAME = "The distilled student network matches the accuracy of the large teacher network."
SAME_AGAIN = "The distilled student network matches the accuracy of the large teacher network too."


def test_same_result_in_two_sources_is_one_finding_reported_by_both() -> None:
    claims = [
        claim("C1", SAME, "docA"),
        claim("C2", SAME_AGAIN, "docB"),
        claim("C3", "Dropout regularises training of recurrent models.", "docC"),
    ]
    verdicts = [verdict("C1", conf=0.8), verdict("C2", "unverified", 0.4), verdict("C3")]
    findings = group_findings(QUESTION, claims, verdicts, WordEmbedder(), SETTINGS)
    shared = next(f for f in findings if "C1" in f.claims)
    assert shared.claims == ["C1", "C2"] and shared.reported_by == ["docA", "docB"]
    assert shared.representative == "C1" and shared.statement == SAME
    assert shared.strength == score_strength(0.8, 2, 0) == 0.6
    assert len(findings) == 2


def test_a_paper_repeating_itself_counts_once() -> None:
    claims = [claim("C1", SAME, "docA"), claim("C2", SAME_AGAIN, "docA", idx=9)]
    findings = group_findings(
        QUESTION, claims, [verdict("C1"), verdict("C2")], WordEmbedder(), SETTINGS
    )
    assert len(findings) == 1 and findings[0].reported_by == ["docA"]
    assert findings[0].strength == pytest.approx(0.8 * 0.5)


def test_same_quantity_of_the_same_thing_groups_claims_worded_apart() -> None:
    a = "On CIFAR-10 a thin deep student needs 10.4 times fewer parameters than its teacher."
    b = "Hints let FitNets reach teacher accuracy with 10.4 times fewer parameters overall."
    c = "Inference is 10.4 times faster with batching on GPUs."
    claims = [claim("C1", a, "docA"), claim("C2", b, "docB"), claim("C3", c, "docC")]
    findings = group_findings(
        QUESTION, claims, [verdict(x) for x in ("C1", "C2", "C3")], WordEmbedder(), SETTINGS
    )
    grouped = next(f for f in findings if "C1" in f.claims)
    assert grouped.claims == ["C1", "C2"]  # the same 10.4 times, but of speed, stays apart
    assert [q.raw for q in grouped.quantities] == ["10.4 times"]
    assert grouped.quantities[0].unit == "times" and grouped.quantities[0].value == 10.4


def test_a_metric_score_written_two_ways_is_one_finding() -> None:
    # One paper's abstract and results section, worded apart (the Transformer paper's 28.4 BLEU).
    a = "Our model achieves 28.4 BLEU on the translation task, improving over the best results, including ensembles, by over 2 BLEU."
    b = "On the translation task the big model outperforms the best models (including ensembles) by more than 2.0 BLEU, establishing a BLEU score of 28.4."
    claims = [claim("C1", a, "docA"), claim("C2", b, "docA", idx=9)]
    findings = group_findings(
        QUESTION, claims, [verdict("C1"), verdict("C2")], WordEmbedder(), SETTINGS
    )
    assert len(findings) == 1 and findings[0].claims == ["C1", "C2"]
    assert [(q.raw, q.unit) for q in findings[0].quantities] == [
        ("28.4 BLEU", "BLEU"),
        ("over 2 BLEU", "BLEU"),
    ]


def test_conflicting_numbers_split_similar_claims_and_contrast_them() -> None:
    a = "The student network reaches 91.6% accuracy on CIFAR-10."
    b = "The student network reaches 85.8% accuracy on CIFAR-10."
    claims = [claim("C1", a, "docA"), claim("C2", b, "docB")]
    findings = group_findings(
        QUESTION, claims, [verdict("C1"), verdict("C2")], WordEmbedder(), SETTINGS
    )
    assert len(findings) == 2
    first = next(f for f in findings if f.representative == "C1")
    assert first.contrasting_claims == ["C2"] and first.contrasted_by == ["docB"]
    assert first.strength == score_strength(0.8, 1, 1)


def test_contradicted_claim_never_represents_a_finding_with_a_supported_one() -> None:
    claims = [
        claim("C1", SAME, "docA", relevance=0.9),
        claim("C2", SAME_AGAIN, "docB", relevance=0.5),
    ]
    verdicts = [verdict("C1", "contradicted", 0.05), verdict("C2", "supported", 0.7)]
    finding = group_findings(QUESTION, claims, verdicts, WordEmbedder(), SETTINGS)[0]
    assert finding.representative == "C2" and finding.verdict == "supported"
    assert finding.relevance == 0.9


def test_corroboration_from_other_sources_only_and_contradiction_lowers_strength() -> None:
    claims = [claim("C1", SAME, "docA")]
    support = [
        evidence("docA", "supports", same=True),
        evidence("docB", "supports"),
        evidence("docC", "neutral"),
    ]
    corroborated = group_findings(
        QUESTION, claims, [verdict("C1", conf=0.8, evidence=support)], WordEmbedder(), SETTINGS
    )[0]
    assert corroborated.corroborated_by == ["docB"] and corroborated.contrasted_by == []
    assert corroborated.strength == score_strength(0.8, 2, 0)
    against = [*support, evidence("docD", "contradicts")]
    disputed = group_findings(
        QUESTION, claims, [verdict("C1", conf=0.8, evidence=against)], WordEmbedder(), SETTINGS
    )[0]
    assert disputed.contrasted_by == ["docD"]
    assert disputed.strength == score_strength(0.8, 2, 1) < corroborated.strength


def test_contradicting_passage_that_is_a_claim_is_a_contrasting_claim() -> None:
    claims = [
        claim("C1", SAME, "docA"),
        claim("C2", "Students trained from soft targets overfit badly.", "docB", idx=7),
    ]
    verdicts = [verdict("C1", evidence=[evidence("docB", "contradicts", idx=7)]), verdict("C2")]
    findings = group_findings(QUESTION, claims, verdicts, WordEmbedder(), SETTINGS)
    by_rep = {f.representative: f for f in findings}
    assert by_rep["C1"].contrasting_claims == ["C2"]
    assert by_rep["C2"].contrasting_claims == ["C1"]  # contrast reads both ways


def test_unverified_findings_are_weak_and_ids_follow_the_order() -> None:
    texts = ["Alpha beta gamma.", "Delta epsilon zeta.", "Eta theta iota.", "Kappa lambda mu."]
    texts = [f"{t} Student networks." for t in texts]  # every one speaks to the question
    claims = [claim(f"C{i}", t, f"doc{i}", relevance=0.5 + 0.1 * i) for i, t in enumerate(texts, 1)]
    verdicts = [
        verdict("C1", conf=0.9),
        verdict("C2", conf=0.9),
        verdict("C3", "unverified", 0.9),
        verdict("C4", "unverified", 0.9),
    ]
    settings = SynthesizeSettings(max_findings=3)
    findings = group_findings(QUESTION, claims, verdicts, WordEmbedder(), settings)
    assert [f.finding_id for f in findings] == ["F1", "F2", "F3"]
    keys = [f.relevance * (1 + f.strength) for f in findings]
    assert keys == sorted(keys, reverse=True)
    weak = next(f for f in findings if f.verdict == "unverified")
    assert weak.strength == score_strength(0.9 * UNVERIFIED_WEIGHT, 1, 0) < 0.15


def test_extent_question_keeps_a_quantified_finding() -> None:
    texts = ["Alpha beta gamma.", "Delta epsilon zeta.", "The student is 3.2 times smaller."]
    claims = [
        claim(f"C{i}", t, f"doc{i}", relevance=r)
        for i, (t, r) in enumerate(zip(texts, (0.9, 0.8, 0.3), strict=True), 1)
    ]
    verdicts = [verdict("C1"), verdict("C2"), verdict("C3", "unverified", 0.3)]
    settings = SynthesizeSettings(max_findings=2)
    extent = group_findings(
        "To what extent does it work?", claims, verdicts, WordEmbedder(), settings
    )
    assert [f.representative for f in extent] == ["C1", "C3"]
    plain = group_findings("How does it work?", claims, verdicts, WordEmbedder(), settings)
    assert [f.representative for f in plain] == ["C1", "C2"]


def test_key_quantities_skip_years_references_and_bare_numbers() -> None:
    text = "Since 2015 (Table 3), FitNet 1 cut error by 1.3% with 36 layers [12]."
    assert [q.raw for q in key_quantities(text)] == ["1.3%", "36 layers"]


def test_no_claims_no_findings() -> None:
    assert group_findings(QUESTION, [], [], WordEmbedder(), SETTINGS) == []


def test_a_finding_off_the_question_is_left_out_unless_supported() -> None:
    off = "Moreover, the loss curves overlap for FP8 and BF16 inference."
    on = "The distilled student networks keep most of the accuracy."
    claims = [
        claim("C1", off, "docA", relevance=0.9),
        claim("C2", on, "docB", relevance=0.5),
        claim("C3", "Dropout regularises training of recurrent models.", "docC", relevance=0.9),
    ]
    verdicts = [verdict("C1", "unverified", 0.4), verdict("C2"), verdict("C3")]
    findings = group_findings(QUESTION, claims, verdicts, WordEmbedder(), SETTINGS)
    # The unverified FP8 claim speaks to no part of the question; the supported dropout claim
    # does not either, so it comes after the one that speaks to "student networks".
    assert [f.representative for f in findings] == ["C2", "C3"]


def test_the_passages_read_for_a_claim_let_it_speak_to_the_question() -> None:
    text = "Moreover, the loss curves overlap for FP8 and BF16 inference."
    passage = evidence("docA", "neutral", same=True).model_copy(
        update={"text": "The curves are those of student networks trained by distillation."}
    )
    claims = [claim("C1", text, "docA")]
    findings = group_findings(
        QUESTION, claims, [verdict("C1", "unverified", 0.4, [passage])], WordEmbedder(), SETTINGS
    )
    assert [f.representative for f in findings] == ["C1"]


def test_a_source_whose_only_claims_are_off_the_question_is_dropped() -> None:
    off = "FP8 and BF16 inference give almost overlapping loss curves in our framework."
    claims = [claim("C1", SAME, "docA"), claim("C2", off, "docB")]
    verdicts = [verdict("C1"), verdict("C2", "unverified", 0.3)]
    findings = group_findings(QUESTION, claims, verdicts, WordEmbedder(), SETTINGS)
    assert all("C2" not in f.claims for f in findings)  # the findings already leave it out
    assert off_question_sources(QUESTION, claims, verdicts, findings) == {"docB"}


def test_an_off_question_source_another_claim_leans_on_is_kept() -> None:
    off = "FP8 and BF16 inference give almost overlapping loss curves in our framework."
    claims = [claim("C1", SAME, "docA"), claim("C2", off, "docB")]
    # docB's passage is evidence for C1, so the report points at it: it stays.
    verdicts = [verdict("C1", evidence=[evidence("docB", "supports")]), verdict("C2", "unverified")]
    findings = group_findings(QUESTION, claims, verdicts, WordEmbedder(), SETTINGS)
    assert off_question_sources(QUESTION, claims, verdicts, findings) == set()


def test_a_supported_or_on_question_claim_keeps_its_source() -> None:
    off = "FP8 and BF16 inference give almost overlapping loss curves in our framework."
    claims = [claim("C1", SAME, "docA"), claim("C2", off, "docB")]
    supported = [verdict("C1"), verdict("C2")]
    findings = group_findings(QUESTION, claims, supported, WordEmbedder(), SETTINGS)
    assert off_question_sources(QUESTION, claims, supported, findings) == set()
    on = [claim("C1", SAME, "docA"), claim("C2", SAME_AGAIN, "docB")]
    unverified = [verdict("C1"), verdict("C2", "unverified")]
    findings = group_findings(QUESTION, on, unverified, WordEmbedder(), SETTINGS)
    assert off_question_sources(QUESTION, on, unverified, findings) == set()


def test_the_source_that_bears_most_on_the_question_is_never_dropped_as_off_it() -> None:
    # An abstract may restate the question's claim in other words, so no aspect word matches.
    off = "FP8 and BF16 inference give almost overlapping loss curves in our framework."
    claims = [claim("C1", SAME, "docA"), claim("C2", off, "docB")]
    verdicts = [verdict("C1"), verdict("C2", "unverified", 0.3)]
    findings = group_findings(QUESTION, claims, verdicts, WordEmbedder(), SETTINGS)
    assert off_question_sources(QUESTION, claims, verdicts, findings, keep={"docB"}) == set()
    assert off_question_sources(QUESTION, claims, verdicts, findings, keep={"docA"}) == {"docB"}


def test_a_statement_that_points_back_does_not_represent_its_finding() -> None:
    # PaSa's results section, worded twice: "It also exceeds ..." says nothing on its own.
    back = "It also exceeds PaSa-GPT-4o by 30.36% in recall and 4.25% in precision."
    whole = "PaSa-7b surpasses PaSa-GPT-4o by 30.36% in recall and 4.25% in precision."
    claims = [claim("C1", back, "docA", relevance=0.9), claim("C2", whole, "docA", 0.6, idx=9)]
    findings = group_findings(
        QUESTION, claims, [verdict("C1", conf=0.9), verdict("C2", conf=0.6)], WordEmbedder(),
        SETTINGS,
    )  # fmt: skip
    assert len(findings) == 1 and findings[0].statement == whole
    assert findings[0].representative == "C2"


def test_a_supported_statement_that_points_back_is_shown_in_a_member_s_words() -> None:
    back = "It also exceeds PaSa-GPT-4o by 30.36% in recall and 4.25% in precision."
    whole = "PaSa-7b surpasses PaSa-GPT-4o by 30.36% in recall and 4.25% in precision."
    claims = [claim("C1", back, "docA", relevance=0.9), claim("C2", whole, "docA", 0.6, idx=9)]
    verdicts = [verdict("C1", conf=0.9), verdict("C2", "unverified", 0.3)]
    [finding] = group_findings(QUESTION, claims, verdicts, WordEmbedder(), SETTINGS)
    # The supported claim represents the finding and gives its verdict; the words are whole.
    assert finding.representative == "C1" and finding.verdict == "supported"
    assert finding.statement == whole
