"""Automated review of a report: six rule-based reviewers, four quality dimensions, the tier.

Everything here is a pure function of the report's records; no model is called. Each reviewer
gives a score from 0 to 10 (rounded to one decimal) and a one-line rationale quoting the numbers
it used. Shares are fractions in [0, 1]; a share over an empty set counts as 0.

Terms used below:

- *used source*: a document whose ``Relevance.used`` is true (it passed the relevance threshold).
- *supported / contradicted / unverified*: the verifier's label for a claim; a claim with no
  verdict counts as unverified with confidence 0.
- *grounded claim*: page >= 1, a non-empty character span, and at least one evidence passage that
  is not the claim's own sentence and that the verifier judged to bear on it (stance supports or
  contradicts); "found in its own paper" alone never grounds a claim.
- *independently supported claim*: supported, with at least one evidence passage from another
  source whose stance is ``supports``.
- *cross-checked claim*: its evidence includes at least one passage from another source.
- *question term*: a lower-case word of 4+ characters in the question, minus function words;
  it is covered when it (or its singular, for a plural ending in -s) occurs in a claim.

Reviewers (aggregate review score = arithmetic mean of the six rounded scores; spread = max - min):

======================  =====================================================================
reviewer                score (0..10)
======================  =====================================================================
source relevance        10 x (0.7 x mean relevance of used sources + 0.3 x share of candidate
                        sources used); 0 when no source is used
claim grounding         10 x share of claims that are grounded
verification            10 x (0.5 x share supported + 0.25 x mean confidence
                        + 0.25 x share independently supported)
uncertainty disclosure  4 x share of claims carrying a verdict and confidence
                        + 3 x share of used full-text sources whose limitations or discussion
                        section was read + 3 x share of claims cross-checked
reproducibility         10 x (0.4 x share of used sources read in full text + 0.4 x share with a
                        DOI or arXiv id + 0.2 x share with a sha256 of the bytes read)
coverage and diversity  3 x min(used sources / 5, 1) + 1 x min(distinct venues / 3, 1)
                        + 1 x min(distinct years / 3, 1) + 2.5 x balance
                        + 2.5 x share of question terms found in at least one claim;
                        balance = 1 when no source holds more than half the claims, else
                        (1 - largest share) / 0.5, and 0 when there are no claims
======================  =====================================================================

Quality dimensions:

======================  ==========================================  ==========================
dimension               HIGH                                        MEDIUM (else LOW)
======================  ==========================================  ==========================
evidence_strength       supported >= 0.70 and independent >= 0.25   supported >= 0.40
citation_grounding      grounded >= 0.90                            grounded >= 0.60
uncertainty_disclosure  uncertainty reviewer >= 7.0                 uncertainty reviewer >= 4.0
reproducibility_status  full text >= 0.80 and identified >= 0.80    full text >= 0.40 and
                                                                    identified >= 0.50
======================  ==========================================  ==========================

Tier: "DOI-grade" only when all three hold, else "Watchlist":

1. review score >= ``ReviewSettings.doi_grade_min_score`` (default 7.0);
2. share of claims supported >= ``ReviewSettings.doi_grade_min_verified`` (default 0.60);
3. no used source is retracted (``Work.is_retracted`` or a Crossref ``updated-by`` retraction).

The tier's ``basis`` sentence states each number beside its threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

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
from synth.settings import ReviewSettings

REVIEW_METHOD = "synth-rules-v1: mean of 6 rule-based automated reviewers (0-10 each)"

# The dimension rules in words, printed beside each level in the report (same as the table above).
DIMENSION_RULES: dict[str, str] = {
    "evidence_strength": "HIGH: \u2265 70% of claims supported and \u2265 25% supported by another "
    "source; MEDIUM: \u2265 40% supported; else LOW",
    "citation_grounding": "HIGH: \u2265 90% of claims located with evidence beyond their own "
    "sentence; MEDIUM: \u2265 60%; else LOW",
    "uncertainty_disclosure": "HIGH: uncertainty reviewer score \u2265 7.0; MEDIUM: \u2265 4.0; "
    "else LOW",
    "reproducibility_status": "HIGH: \u2265 80% of used sources read in full text and \u2265 80% "
    "with a DOI or arXiv id; MEDIUM: \u2265 40% and \u2265 50%; else LOW",
}

# Sections where authors usually state the caveats of their own work.
_CAVEAT_SECTIONS = frozenset({"limitations", "discussion"})


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
) -> ReviewStats:
    """Gather the numbers the review rules use (documented in this module's docstring)."""
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
        caveats_read=sum(any(s.kind in _CAVEAT_SECTIONS for s in d.sections) for d in full),
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


def _score(value: float) -> float:
    return round(min(max(value, 0.0), 10.0), 1)


def _relevance_reviewer(s: ReviewStats) -> ReviewerScore:
    used_share = _share(s.used, s.candidates)
    score = 0.0 if not s.used else 10 * (0.7 * s.mean_relevance + 0.3 * used_share)
    why = (
        f"mean relevance of the {s.used} used sources {s.mean_relevance:.2f}; "
        f"{s.used} of {s.candidates} candidate sources used ({used_share:.0%}); "
        f"{s.failures} input(s) could not be read"
    )
    return ReviewerScore(name="source relevance", score=_score(score), rationale=why)


def _grounding_reviewer(s: ReviewStats) -> ReviewerScore:
    why = (
        f"{s.grounded} of {s.claims} claims have page, character span and bearing evidence "
        f"outside their own sentence"
    )
    return ReviewerScore(
        name="claim grounding", score=_score(10 * _share(s.grounded, s.claims)), rationale=why
    )


def _verification_reviewer(s: ReviewStats) -> ReviewerScore:
    sup, ind = _share(s.supported, s.claims), _share(s.independent, s.claims)
    score = 10 * (0.5 * sup + 0.25 * s.mean_confidence + 0.25 * ind)
    why = (
        f"{s.supported} of {s.claims} claims supported ({sup:.0%}), mean confidence "
        f"{s.mean_confidence:.2f}, {s.independent} supported by another source ({ind:.0%})"
    )
    return ReviewerScore(name="verification", score=_score(score), rationale=why)


def _uncertainty_reviewer(s: ReviewStats) -> ReviewerScore:
    ver = _share(s.with_verdict, s.claims)
    cav = _share(s.caveats_read, s.used_fulltext)
    cross = _share(s.cross_checked, s.claims)
    score = 4 * ver + 3 * cav + 3 * cross
    why = (
        f"{s.with_verdict} of {s.claims} claims carry a verdict and confidence; limitations or "
        f"discussion read in {s.caveats_read} of {s.used_fulltext} full-text sources; "
        f"{s.cross_checked} of {s.claims} claims cross-checked against other sources"
    )
    return ReviewerScore(name="uncertainty disclosure", score=_score(score), rationale=why)


def _reproducibility_reviewer(s: ReviewStats) -> ReviewerScore:
    full, ident = _share(s.used_fulltext, s.used), _share(s.identified, s.used)
    hashed = _share(s.hashed, s.used)
    score = 10 * (0.4 * full + 0.4 * ident + 0.2 * hashed)
    why = (
        f"of {s.used} used sources: {s.used_fulltext} read in full text, {s.identified} with "
        f"a DOI or arXiv id, {s.hashed} with a content hash"
    )
    return ReviewerScore(name="reproducibility", score=_score(score), rationale=why)


def balance(largest_claim_share: float, claims: int) -> float:
    """1 when no source holds more than half the claims, falling linearly to 0 at all of them."""
    if not claims:
        return 0.0
    return 1.0 if largest_claim_share <= 0.5 else (1.0 - largest_claim_share) / 0.5


def _coverage_reviewer(s: ReviewStats) -> ReviewerScore:
    bal = balance(s.largest_claim_share, s.claims)
    terms = _share(s.terms_covered, s.terms)
    score = (
        3 * min(s.used / 5, 1.0)
        + min(s.venues / 3, 1.0)
        + min(s.years / 3, 1.0)
        + 2.5 * bal
        + 2.5 * terms
    )
    why = (
        f"{s.used} used sources, {s.venues} distinct venues, {s.years} distinct years; "
        f"largest share of claims from one source {s.largest_claim_share:.0%}; "
        f"{s.terms_covered} of {s.terms} question terms found in claims"
    )
    return ReviewerScore(name="coverage and diversity", score=_score(score), rationale=why)


def _level(value: float, high: float, medium: float) -> Level:
    return "HIGH" if value >= high else "MEDIUM" if value >= medium else "LOW"


def _dimensions(s: ReviewStats, uncertainty: float) -> QualityDimensions:
    sup, ind = _share(s.supported, s.claims), _share(s.independent, s.claims)
    full, ident = _share(s.used_fulltext, s.used), _share(s.identified, s.used)
    strength: Level = "HIGH" if sup >= 0.7 and ind >= 0.25 else _level(sup, 2.0, 0.4)
    repro: Level = (
        "HIGH"
        if full >= 0.8 and ident >= 0.8
        else "MEDIUM"
        if full >= 0.4 and ident >= 0.5
        else "LOW"
    )
    return QualityDimensions(
        evidence_strength=strength,
        citation_grounding=_level(_share(s.grounded, s.claims), 0.9, 0.6),
        uncertainty_disclosure=_level(uncertainty, 7.0, 4.0),
        reproducibility_status=repro,
    )


def _tier(s: ReviewStats, score: float, settings: ReviewSettings) -> tuple[bool, str]:
    sup = _share(s.supported, s.claims)
    ok_score = score >= settings.doi_grade_min_score
    ok_sup = s.claims > 0 and sup >= settings.doi_grade_min_verified
    ok_retr = not s.retracted_used
    parts = [
        f"review score {score:.1f} {'meets' if ok_score else 'is below'} the "
        f"{settings.doi_grade_min_score:.1f} threshold",
        f"{s.supported} of {s.claims} claims supported ({sup:.0%}) "
        f"{'meets' if ok_sup else 'is below'} the {settings.doi_grade_min_verified:.0%} threshold",
        "no used source is retracted"
        if ok_retr
        else f"{len(s.retracted_used)} used source(s) retracted, which rules out DOI-grade",
    ]
    return ok_score and ok_sup and ok_retr, "; ".join(parts) + "."


def review_report(
    question: str,
    documents: list[Document],
    relevance: list[Relevance],
    claims: list[Claim],
    verdicts: list[Verdict],
    failures: list[SourceFailure],
    settings: ReviewSettings,
) -> tuple[Review, Quality]:
    """Grade a report with the six reviewers; derive the quality dimensions and the tier."""
    s = compute_stats(question, documents, relevance, claims, verdicts, failures)
    reviewers = [
        _relevance_reviewer(s),
        _grounding_reviewer(s),
        _verification_reviewer(s),
        _uncertainty_reviewer(s),
        _reproducibility_reviewer(s),
        _coverage_reviewer(s),
    ]
    scores = [r.score for r in reviewers]
    # The mean of the rounded scores, so a reader can recompute it from the printed table.
    score = round(sum(scores) / len(scores), 1)
    review = Review(
        method=REVIEW_METHOD,
        score=score,
        spread=round(max(scores) - min(scores), 1),
        reviewers=reviewers,
    )
    doi_grade, why = _tier(s, score, settings)
    tier: Tier = "DOI-grade" if doi_grade else "Watchlist"
    quality = Quality(
        tier=tier, basis=f"{tier}: {why}", dimensions=_dimensions(s, reviewers[3].score)
    )
    return review, quality
