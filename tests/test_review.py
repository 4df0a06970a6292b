"""Review rules: reviewers, aggregate, dimensions and the tier (incl. retracted sources)."""

from __future__ import annotations

from typing import Any

import pytest

from synth import review as review_module
from synth.records import Evidence, Verdict
from synth.review import is_grounded, question_terms, review_report
from synth.rubric import load_rubric
from synth.settings import ReviewSettings
from tests import report_samples as rs


def _review(**changes: Any) -> tuple[Any, Any]:
    data = rs.bundle()
    settings = changes.pop("settings", ReviewSettings())
    data.update(changes)
    return review_report(rs.QUESTION, settings=settings, **data)


def _all_supported() -> list[Verdict]:
    """Every claim supported, with evidence from another source."""
    other = {"d1": "d2", "d2": "d1", "d3": "d1"}
    out = []
    for claim in rs.claims():
        doc = claim.doc_id[:2]
        out.append(
            Verdict(
                claim_id=claim.claim_id,
                label="supported",
                confidence=0.9,
                evidence=[
                    Evidence(
                        doc_id=other[doc] * 8,
                        passage_idx=40,
                        page=3,
                        text="A corroborating sentence from another paper.",
                        score=0.85,
                        same_document=False,
                        stance="supports",
                    )
                ],
            )
        )
    return out


def test_six_reviewers_with_rationales_and_mean() -> None:
    review, _ = _review()
    names = [r.name for r in review.reviewers]
    assert names == [
        "source relevance",
        "claim grounding",
        "verification",
        "uncertainty disclosure",
        "reproducibility",
        "coverage and diversity",
    ]
    scores = [r.score for r in review.reviewers]
    assert all(0 <= s <= 10 for s in scores)
    assert review.score == round(sum(scores) / 6, 1)
    assert review.spread == round(max(scores) - min(scores), 1)
    assert all(any(ch.isdigit() for ch in r.rationale) for r in review.reviewers)


def test_reviewer_numbers_follow_the_documented_formulas() -> None:
    review, _ = _review()
    by_name = {r.name: r for r in review.reviewers}
    # 3 used of 4, mean relevance (0.83 + 0.64 + 0.57) / 3 = 0.68: 10 * (0.7*0.68 + 0.3*0.75)
    assert by_name["source relevance"].score == pytest.approx(7.0, abs=0.05)
    # C1, C2, C4 have evidence outside their sentence; C3 has none: 3 of 4.
    assert by_name["claim grounding"].score == 7.5
    assert "3 of 4 claims" in by_name["claim grounding"].rationale
    # 2 of 4 supported, mean confidence (0.86+0.74+0.31+0.12)/4, 1 independent.
    expected = 10 * (0.5 * 0.5 + 0.25 * (2.03 / 4) + 0.25 * 0.25)
    assert by_name["verification"].score == round(expected, 1)
    # 2 of 3 used sources in full text, 3 of 3 identified, 3 of 3 hashed.
    assert by_name["reproducibility"].score == round(10 * (0.4 * 2 / 3 + 0.4 + 0.2), 1)


def test_sample_is_watchlist_because_too_few_claims_are_supported() -> None:
    _, quality = _review()
    assert quality.tier == "Watchlist"
    assert "2 of 4 claims supported (50%)" in quality.basis
    assert "60%" in quality.basis
    assert quality.dimensions.evidence_strength == "MEDIUM"
    assert quality.dimensions.citation_grounding == "MEDIUM"
    assert quality.dimensions.reproducibility_status == "MEDIUM"


def test_doi_grade_when_score_and_support_meet_thresholds() -> None:
    review, quality = _review(verdicts=_all_supported())
    assert review.score >= 7.0
    assert quality.tier == "DOI-grade"
    assert quality.basis.startswith("DOI-grade:")
    assert "no used source is retracted" in quality.basis
    assert quality.dimensions.evidence_strength == "HIGH"


def test_threshold_settings_are_honoured() -> None:
    strict = ReviewSettings(doi_grade_min_score=9.9, doi_grade_min_verified=0.6)
    _, quality = _review(verdicts=_all_supported(), settings=strict)
    assert quality.tier == "Watchlist"
    assert "is below the 9.9 threshold" in quality.basis


@pytest.mark.parametrize("how", ["flag", "crossref"])
def test_retracted_used_source_is_never_doi_grade(how: str) -> None:
    docs = rs.documents()
    work = docs[0].work
    if how == "flag":
        docs[0] = docs[0].model_copy(
            update={"work": work.model_copy(update={"is_retracted": True})}
        )
    else:
        update = {"updates": [rs.retraction_update()]}
        docs[0] = docs[0].model_copy(update={"work": work.model_copy(update=update)})
    _, quality = _review(documents=docs, verdicts=_all_supported())
    assert quality.tier == "Watchlist"
    assert "retracted" in quality.basis


def test_retracted_unused_source_does_not_block_doi_grade() -> None:
    docs = rs.documents()
    survey = docs[3]
    docs[3] = survey.model_copy(
        update={"work": survey.work.model_copy(update={"is_retracted": True})}
    )
    _, quality = _review(documents=docs, verdicts=_all_supported())
    assert quality.tier == "DOI-grade"


def test_own_sentence_is_not_grounding() -> None:
    claim = rs.claims()[1]
    circular = Verdict(
        claim_id=claim.claim_id,
        label="supported",
        confidence=0.99,
        evidence=[
            Evidence(
                doc_id=claim.doc_id,
                passage_idx=claim.passage_idx,
                page=claim.page,
                text=claim.text,
                score=0.99,
                same_document=True,
                stance="supports",
            )
        ],
    )
    assert not is_grounded(claim, circular)
    other_passage = circular.model_copy(
        update={"evidence": [circular.evidence[0].model_copy(update={"passage_idx": 99})]}
    )
    assert is_grounded(claim, other_passage)
    neutral = other_passage.model_copy(
        update={"evidence": [other_passage.evidence[0].model_copy(update={"stance": "neutral"})]}
    )
    assert not is_grounded(claim, neutral)


def test_no_claims_gives_watchlist_and_zero_claim_scores() -> None:
    review, quality = _review(claims=[], verdicts=[])
    by_name = {r.name: r.score for r in review.reviewers}
    assert by_name["claim grounding"] == 0.0
    assert by_name["verification"] == 0.0
    assert quality.tier == "Watchlist"
    assert quality.dimensions.evidence_strength == "LOW"


def test_missing_verdict_counts_as_unverified() -> None:
    review, _ = _review(verdicts=rs.verdicts()[:2])
    rationale = {r.name: r.rationale for r in review.reviewers}["uncertainty disclosure"]
    assert rationale.startswith("2 of 4 claims carry a verdict")


def test_review_is_deterministic() -> None:
    assert _review() == _review()


def test_question_terms_skip_function_words() -> None:
    terms = question_terms(rs.QUESTION)
    assert "distillation" in terms
    assert "pass@k" in terms
    assert "what" not in terms
    assert "extent" not in terms


def test_every_reviewer_and_threshold_is_documented() -> None:
    # The numbers live in data/rubric.toml (tests/test_rubric.py checks they live only there);
    # the docstring names where they are and the rules that apply them.
    doc = review_module.__doc__ or ""
    for text in ("data/rubric.toml", "synth rubric", "doi_grade_min_score", "retracted"):
        assert text in doc
    review, _ = _review()
    described = {r.name: r.formula() for r in load_rubric().reviewers}
    assert [r.name for r in review.reviewers] == list(described)
    assert all(any(ch.isdigit() for ch in f) for f in described.values())
