"""Automated review of a report: rule-based reviewers, four quality dimensions, the tier.

Everything here is a pure function of the report's records and the rubric; no model is called.
The rubric (``data/rubric.toml``, loaded by ``synth.rubric``, printed by ``synth rubric``) holds
every number: reviewer weights and parameters, dimension thresholds, tier thresholds. This module
holds the logic that applies them. Each reviewer gives a score from 0 to the rubric's maximum
(rounded to one decimal) and a one-line rationale quoting the numbers it used: scale x the sum of
weight x input over its terms, clipped. Shares are fractions in [0, 1]; a share over an empty
set counts as 0. The review score is the mean of the rounded scores; the spread is max - min.

Terms used by the rubric's inputs:

- *used source*: a document whose ``Relevance.used`` is true (it passed the relevance threshold).
- *supported / contradicted / unverified*: the verifier's label for a claim; a claim with no
  verdict counts as unverified with confidence 0.
- *grounded claim*: page >= 1, a non-empty character span, and at least one evidence passage that
  is not the claim's own sentence and that the verifier judged to bear on it (stance supports or
  contradicts); "found in its own paper" alone never grounds a claim.
- *independently supported claim*: supported, with at least one evidence passage from another
  source whose stance is ``supports``.
- *cross-checked claim*: its evidence includes at least one passage from another source.
- *caveats read*: a used full-text source with a section of a kind the rubric names (its
  ``caveats_share`` term).
- *question term*: a lower-case word of 4+ characters in the question, minus function words;
  it is covered when it (or its singular, for a plural ending in -s) occurs in a claim.
- *balance*: 1 when no source holds more than the rubric's ``half`` of the claims, else falling
  linearly to 0 when one source holds them all; 0 when there are no claims.
- *uncertainty_score*: the uncertainty-disclosure reviewer's score (for its dimension).

A dimension is HIGH when every ``high`` condition of the rubric holds (input >= number), else
MEDIUM when every ``medium`` condition holds, else LOW. The tier is the first of the rubric's
tiers whose conditions all hold: a minimum review score, a minimum share of claims supported
(with at least one claim), and, where the rubric says so, no used source retracted
(``Work.is_retracted`` or a Crossref ``updated-by`` retraction). The settings
``ReviewSettings.doi_grade_min_score`` and ``doi_grade_min_verified`` replace the DOI-grade
numbers when set. The tier's ``basis`` sentence states each number beside its threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from synth.corrections import work_is_retracted
from synth.lexical import PLURAL_S, REVIEW, stem, tokens
from synth.records import (
    Claim,
    Document,
    Level,
    Quality,
    QualityDimensions,
    Relevance,
    Review,
    ReviewerScore,
    SourceFailure,
    Tier,
    Verdict,
)
from synth.rubric import (
    Dimension,
    Reviewer,
    Rubric,
    Term,
    TierRule,
    effective_rubric,
    review_method,
)
from synth.settings import ReviewSettings


def is_grounded(claim: Claim, verdict: Verdict | None) -> bool:
    """True when the claim is located (page, span) and has bearing evidence beyond its sentence."""
    if claim.page < 1 or claim.char_end <= claim.char_start or verdict is None:
        return False
    return any(
        e.stance != "neutral" and not (e.same_document and e.passage_idx == claim.passage_idx)
        for e in verdict.evidence
    )


def is_independent(verdict: Verdict | None) -> bool:
    """True when a supported claim has supporting evidence from another source."""
    if verdict is None or verdict.label != "supported":
        return False
    return any(not e.same_document and e.stance == "supports" for e in verdict.evidence)


def question_terms(question: str) -> list[str]:
    """Content words of the question (sorted, unique) that a report should cover."""
    return sorted(set(tokens(question, REVIEW)))


def _share(part: int | float, whole: int) -> float:
    return float(part) / whole if whole else 0.0


@dataclass(frozen=True)
class ReviewStats:
    """The counts every reviewer, dimension and the tier are computed from."""

    candidates: int
    used: int
    mean_relevance: float
    claims: int
    with_verdict: int
    grounded: int
    supported: int
    contradicted: int
    unverified: int
    independent: int
    cross_checked: int
    mean_confidence: float
    used_fulltext: int
    caveats_read: int
    identified: int
    hashed: int
    venues: int
    years: int
    largest_claim_share: float
    terms: int
    terms_covered: int
    retracted_used: tuple[str, ...]
    failures: int


def _claim_counts(claims: list[Claim], verdicts: list[Verdict]) -> dict[str, float]:
    by_id = {v.claim_id: v for v in verdicts}
    found = [by_id.get(c.claim_id) for c in claims]
    labels = [v.label if v else "unverified" for v in found]
    confidences = [v.confidence if v else 0.0 for v in found]
    per_doc: dict[str, int] = {}
    for c in claims:
        per_doc[c.doc_id] = per_doc.get(c.doc_id, 0) + 1
    return {
        "with_verdict": sum(v is not None for v in found),
        "grounded": sum(is_grounded(c, v) for c, v in zip(claims, found, strict=True)),
        "supported": labels.count("supported"),
        "contradicted": labels.count("contradicted"),
        "unverified": labels.count("unverified"),
        "independent": sum(is_independent(v) for v in found),
        "cross_checked": sum(
            v is not None and any(not e.same_document for e in v.evidence) for v in found
        ),
        "mean_confidence": sum(confidences) / len(claims) if claims else 0.0,
        "largest": max(per_doc.values()) / len(claims) if claims else 0.0,
    }


def compute_stats(
    question: str,
    documents: list[Document],
    relevance: list[Relevance],
    claims: list[Claim],
    verdicts: list[Verdict],
    failures: list[SourceFailure],
    rubric: Rubric | None = None,
) -> ReviewStats:
    """Gather the counts the rubric's inputs are computed from (see this module's docstring)."""
    caveat_kinds = set(
        (rubric or effective_rubric()).reviewer("uncertainty").term("caveats_share").sections
    )
    rel = {r.doc_id: r for r in relevance}
    used = [d for d in documents if d.doc_id in rel and rel[d.doc_id].used]
    full = [d for d in used if d.text_level == "fulltext"]
    counts = _claim_counts(claims, verdicts)
    terms = question_terms(question)
    claim_text = " ".join(c.text.lower() for c in claims)
    return ReviewStats(
        candidates=len(documents),
        used=len(used),
        mean_relevance=_share(sum(rel[d.doc_id].score for d in used), len(used)),
        claims=len(claims),
        with_verdict=int(counts["with_verdict"]),
        grounded=int(counts["grounded"]),
        supported=int(counts["supported"]),
        contradicted=int(counts["contradicted"]),
        unverified=int(counts["unverified"]),
        independent=int(counts["independent"]),
        cross_checked=int(counts["cross_checked"]),
        mean_confidence=counts["mean_confidence"],
        used_fulltext=len(full),
        caveats_read=sum(any(s.kind in caveat_kinds for s in d.sections) for d in full),
        identified=sum(bool(d.work.doi or d.work.arxiv_id) for d in used),
        hashed=sum(bool(d.retrieval.sha256) for d in used),
        venues=len({d.work.venue.strip().lower() for d in used if d.work.venue}),
        years=len({d.work.year for d in used if d.work.year}),
        largest_claim_share=counts["largest"],
        terms=len(terms),
        terms_covered=sum(stem(t, PLURAL_S) in claim_text for t in terms),
        retracted_used=tuple(sorted(d.work.title for d in used if work_is_retracted(d.work))),
        failures=len(failures),
    )


def balance(largest_claim_share: float, claims: int, half: float) -> float:
    """1 when no source holds more than ``half`` of the claims, falling linearly to 0 at all."""
    if not claims:
        return 0.0
    return 1.0 if largest_claim_share <= half else (1.0 - largest_claim_share) / (1.0 - half)


def inputs(s: ReviewStats) -> dict[str, float]:
    """The value of every rubric input that needs no parameter (shares, means and counts)."""
    return {
        "mean_relevance": s.mean_relevance,
        "used_share": _share(s.used, s.candidates),
        "grounded_share": _share(s.grounded, s.claims),
        "supported_share": _share(s.supported, s.claims),
        "mean_confidence": s.mean_confidence,
        "independent_share": _share(s.independent, s.claims),
        "verdict_share": _share(s.with_verdict, s.claims),
        "caveats_share": _share(s.caveats_read, s.used_fulltext),
        "cross_checked_share": _share(s.cross_checked, s.claims),
        "fulltext_share": _share(s.used_fulltext, s.used),
        "identified_share": _share(s.identified, s.used),
        "hashed_share": _share(s.hashed, s.used),
        "used_sources": float(s.used),
        "venues": float(s.venues),
        "years": float(s.years),
        "terms_share": _share(s.terms_covered, s.terms),
    }


def _term_value(term: Term, s: ReviewStats, values: dict[str, float]) -> float:
    if term.input == "balance":
        # The validator guarantees `half` on a balance term.
        value = balance(s.largest_claim_share, s.claims, term.half or 0.0)
    else:
        value = values[term.input]
    return value if term.full_at is None else min(value / term.full_at, 1.0)


def _formula(reviewer: Reviewer, s: ReviewStats, values: dict[str, float]) -> float:
    # Summed left to right in the rubric's order, then scaled: the order fixes the rounding.
    total = 0.0
    for term in reviewer.terms:
        total += term.weight * _term_value(term, s, values)
    return reviewer.scale * total


def _rationale(reviewer: Reviewer, s: ReviewStats, values: dict[str, float]) -> str:
    """The one-line rationale of a reviewer, quoting the counts its formula used."""
    key = reviewer.key
    if key == "relevance":
        return (
            f"mean relevance of the {s.used} used sources {s.mean_relevance:.2f}; "
            f"{s.used} of {s.candidates} candidate sources used ({values['used_share']:.0%}); "
            f"{s.failures} input(s) could not be read"
        )
    if key == "grounding":
        return (
            f"{s.grounded} of {s.claims} claims have page, character span and bearing evidence "
            f"outside their own sentence"
        )
    if key == "verification":
        return (
            f"{s.supported} of {s.claims} claims supported ({values['supported_share']:.0%}), "
            f"mean confidence {s.mean_confidence:.2f}, {s.independent} supported by another "
            f"source ({values['independent_share']:.0%})"
        )
    if key == "uncertainty":
        caveats = " or ".join(reviewer.term("caveats_share").sections)
        return (
            f"{s.with_verdict} of {s.claims} claims carry a verdict and confidence; {caveats} "
            f"read in {s.caveats_read} of {s.used_fulltext} full-text sources; "
            f"{s.cross_checked} of {s.claims} claims cross-checked against other sources"
        )
    if key == "reproducibility":
        return (
            f"of {s.used} used sources: {s.used_fulltext} read in full text, {s.identified} "
            f"with a DOI or arXiv id, {s.hashed} with a content hash"
        )
    return (
        f"{s.used} used sources, {s.venues} distinct venues, {s.years} distinct years; "
        f"largest share of claims from one source {s.largest_claim_share:.0%}; "
        f"{s.terms_covered} of {s.terms} question terms found in claims"
    )


def score_reviewer(reviewer: Reviewer, s: ReviewStats, rubric: Rubric) -> ReviewerScore:
    """One reviewer's score (its rubric formula, clipped and rounded) and rationale."""
    values = inputs(s)
    raw = _formula(reviewer, s, values)
    if reviewer.key == "relevance" and not s.used:
        raw = 0.0  # no used source: nothing to grade, whatever the candidates
    score = round(min(max(raw, 0.0), rubric.max_score), 1)
    return ReviewerScore(name=reviewer.name, score=score, rationale=_rationale(reviewer, s, values))


def _meets(conditions: dict[Any, float], values: dict[str, float]) -> bool:
    return all(values[name] >= at_least for name, at_least in conditions.items())


def dimension_level(dimension: Dimension, values: dict[str, float]) -> Level:
    """HIGH when every high condition holds, else MEDIUM when every medium one does, else LOW."""
    if _meets(dimension.high, values):
        return "HIGH"
    return "MEDIUM" if _meets(dimension.medium, values) else "LOW"


def _dimensions(s: ReviewStats, uncertainty: float, rubric: Rubric) -> QualityDimensions:
    values = {**inputs(s), "uncertainty_score": uncertainty}
    return QualityDimensions(**{d.key: dimension_level(d, values) for d in rubric.dimensions})


def _tier_checks(rule: TierRule, s: ReviewStats, score: float) -> tuple[bool, list[str]]:
    """Whether the report meets one tier's conditions, and each check as a basis phrase."""
    ok, parts = True, []
    if rule.min_review_score is not None:
        met = score >= rule.min_review_score
        parts.append(
            f"review score {score:.1f} {'meets' if met else 'is below'} the "
            f"{rule.min_review_score:.1f} threshold"
        )
        ok = ok and met
    if rule.min_supported_share is not None:
        sup = _share(s.supported, s.claims)
        met = s.claims > 0 and sup >= rule.min_supported_share
        parts.append(
            f"{s.supported} of {s.claims} claims supported ({sup:.0%}) "
            f"{'meets' if met else 'is below'} the {rule.min_supported_share:.0%} threshold"
        )
        ok = ok and met
    if not rule.allow_retracted:
        met = not s.retracted_used
        parts.append(
            "no used source is retracted"
            if met
            else f"{len(s.retracted_used)} used source(s) retracted, which rules out {rule.name}"
        )
        ok = ok and met
    return ok, parts


def decide_tier(s: ReviewStats, score: float, rubric: Rubric) -> tuple[Tier, str]:
    """The first rubric tier whose conditions hold, and the basis sentence naming each check."""
    parts: list[str] = []
    for rule in rubric.tiers:
        met, checks = _tier_checks(rule, s, score)
        parts += checks
        if met:
            why = "; ".join(parts) + "." if parts else "every report meets this tier."
            return rule.name, f"{rule.name}: {why}"
    raise AssertionError("unreachable: the rubric's last tier has no condition")


def review_report(
    question: str,
    documents: list[Document],
    relevance: list[Relevance],
    claims: list[Claim],
    verdicts: list[Verdict],
    failures: list[SourceFailure],
    settings: ReviewSettings,
    rubric: Rubric | None = None,
) -> tuple[Review, Quality]:
    """Grade a report with the rubric's reviewers; derive the quality dimensions and the tier."""
    rules = rubric or effective_rubric(settings)
    s = compute_stats(question, documents, relevance, claims, verdicts, failures, rules)
    reviewers = [score_reviewer(r, s, rules) for r in rules.reviewers]
    scores = [r.score for r in reviewers]
    # The mean of the rounded scores, so a reader can recompute it from the printed table.
    score = round(sum(scores) / len(scores), 1)
    review = Review(
        method=review_method(rules),
        score=score,
        spread=round(max(scores) - min(scores), 1),
        reviewers=reviewers,
    )
    uncertainty = scores[[r.key for r in rules.reviewers].index("uncertainty")]
    tier, basis = decide_tier(s, score, rules)
    quality = Quality(tier=tier, basis=basis, dimensions=_dimensions(s, uncertainty, rules))
    return review, quality


def retier(
    quality: Quality,
    score: float,
    supported: int,
    claims: int,
    retracted_used: tuple[str, ...],
    settings: ReviewSettings,
) -> Quality:
    """The tier and basis decided again by the tier rule (dimensions kept), e.g. after a retraction.

    Used by ``synth check-sources``, which knows a finished report's numbers but not its records.
    """
    # The tier rule reads only these counts; the other statistics do not enter it.
    base: dict[str, Any] = {f.name: 0 for f in fields(ReviewStats)}
    stats = ReviewStats(
        **{**base, "supported": supported, "claims": claims, "retracted_used": retracted_used}
    )
    tier, basis = decide_tier(stats, score, effective_rubric(settings))
    return quality.model_copy(update={"tier": tier, "basis": basis})
