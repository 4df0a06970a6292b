"""Build a Manifest from the pipeline's records (pure: same records, same manifest)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from synth import __version__
from synth.corrections import CONTRACT as CORRECTION_CONTRACT
from synth.corrections import Corrections, work_is_retracted
from synth.errors import ManifestError
from synth.records import (
    Answer,
    AnswerSentence,
    Claim,
    Document,
    Finding,
    Quality,
    Relevance,
    Review,
    SourceFailure,
    Verdict,
)
from synth.report._models import (
    MANIFEST_CONTRACT,
    PROVENANCE_CONTRACT,
    Generator,
    Manifest,
    ManifestAnswer,
    ManifestAnswerSentence,
    ManifestClaim,
    ManifestEvidence,
    ManifestFailure,
    ManifestFinding,
    ManifestQuantity,
    ManifestSource,
    Provenance,
    ProvenanceLevel,
    RelevanceDetail,
    SourceRetrieval,
    Verification,
    VerificationLevel,
)
from synth.report.synthesis import cite, disambiguate
from synth.review import is_independent
from synth.rubric import Rubric, load_rubric, rubric_digest

CLAIM_LINEAGE = (
    "Each claim is a verbatim sentence of its source's cleaned text, located by page, section "
    "and character span; evidence passages are sentences of the same or other sources retrieved "
    "and scored for it; the bytes read of each source are identified by their sha256."
)
PROVENANCE_NOTE = (
    "Generated automatically: sources were found, read, checked and graded by software, and no "
    "person has reviewed this report. Later changes appear only as added correction records."
)
_LEVEL_NOTES: dict[str, str] = {
    "independent": "At least one claim is supported by evidence from a source other than its own.",
    "within-source": "Supported claims rest only on other passages of their own source.",
    "none": "No claim is supported by the evidence found.",
}


def _ordered(
    documents: list[Document], relevance: list[Relevance]
) -> list[tuple[Document, Relevance]]:
    rel = {r.doc_id: r for r in relevance}
    missing = [d.doc_id for d in documents if d.doc_id not in rel]
    if missing:
        raise ManifestError(f"no relevance entry for document {missing[0]}")
    pairs = [(d, rel[d.doc_id]) for d in documents]
    # Used sources first, then by relevance; title and doc_id make the order total.
    return sorted(pairs, key=lambda p: (not p[1].used, -p[1].score, p[0].work.title, p[0].doc_id))


def _source(key: str, citation: str, doc: Document, rel: Relevance) -> ManifestSource:
    w = doc.work
    return ManifestSource(
        key=key,
        title=w.title,
        authors=list(w.authors),
        year=w.year,
        venue=w.venue,
        doi=w.doi,
        arxiv_id=w.arxiv_id,
        url=w.url,
        relevance=round(rel.score, 4),
        used=rel.used,
        text_level=doc.text_level,
        retrieval=SourceRetrieval(**doc.retrieval.model_dump()),
        is_retracted=work_is_retracted(w),
        updates=list(w.updates),
        citation=citation,
        relevance_detail=RelevanceDetail(dense=round(rel.dense, 4), lexical=round(rel.lexical, 4)),
        unused_reason="" if rel.used else (rel.reason or "below the relevance threshold"),
        sections_read=sorted({s.kind for s in doc.sections}),
        page_count=doc.page_count,
        doc_id=doc.doc_id,
    )


def build_sources(documents: list[Document], relevance: list[Relevance]) -> list[ManifestSource]:
    """Sources keyed S1, S2, ... by relevance (used first), with disambiguated citations."""
    pairs = _ordered(documents, relevance)
    citations = disambiguate([cite(d.work.authors, d.work.year, d.work.title) for d, _ in pairs])
    numbered = enumerate(zip(pairs, citations, strict=True), start=1)
    return [_source(f"S{i}", c, d, r) for i, ((d, r), c) in numbered]


def _claim_number(claim: Claim) -> tuple[int, str]:
    digits = claim.claim_id[1:]
    return (int(digits), claim.claim_id) if digits.isdigit() else (10**9, claim.claim_id)


def build_claims(
    claims: list[Claim], verdicts: list[Verdict], keys: dict[str, str]
) -> list[ManifestClaim]:
    """Claims in id order with their verdicts (a claim without a verdict is unverified, 0.0)."""
    by_id = {v.claim_id: v for v in verdicts}
    out = []
    for claim in sorted(claims, key=_claim_number):
        verdict = by_id.get(claim.claim_id)
        if claim.doc_id not in keys:
            raise ManifestError(f"claim {claim.claim_id} comes from an unknown document")
        evidence = []
        for e in verdict.evidence if verdict else []:
            if e.doc_id not in keys:
                raise ManifestError(f"evidence for {claim.claim_id} comes from an unknown document")
            evidence.append(
                ManifestEvidence(
                    source=keys[e.doc_id],
                    page=e.page,
                    text=e.text,
                    score=round(min(max(e.score, 0.0), 1.0), 4),
                    stance=e.stance,
                    same_document=e.same_document,
                    note=e.note,
                )
            )
        out.append(
            ManifestClaim(
                id=claim.claim_id,
                text=claim.text,
                source=keys[claim.doc_id],
                page=claim.page,
                section=claim.section,
                char_start=claim.char_start,
                char_end=claim.char_end,
                verdict=verdict.label if verdict else "unverified",
                confidence=round(verdict.confidence, 4) if verdict else 0.0,
                evidence=evidence,
                independent=is_independent(verdict),
                kind=claim.kind,
                relevance=round(claim.relevance, 4),
            )
        )
    return out


def _keys(doc_ids: list[str], keys: dict[str, str], what: str) -> list[str]:
    missing = [d for d in doc_ids if d not in keys]
    if missing:
        raise ManifestError(f"{what} names an unknown document {missing[0]}")
    return sorted(dict.fromkeys(keys[d] for d in doc_ids), key=_key_number)


def _key_number(key: str) -> int:
    return int(key[1:]) if key[1:].isdigit() else 10**9


def build_findings(findings: list[Finding], keys: dict[str, str]) -> list[ManifestFinding]:
    """Findings with source keys in place of document ids, in the order given."""
    return [
        ManifestFinding(
            id=f.finding_id,
            statement=f.statement,
            representative=f.representative,
            claims=list(f.claims),
            reported_by=_keys(f.reported_by, keys, f"finding {f.finding_id}"),
            corroborated_by=_keys(f.corroborated_by, keys, f"finding {f.finding_id}"),
            contrasted_by=_keys(f.contrasted_by, keys, f"finding {f.finding_id}"),
            contrasting_claims=list(f.contrasting_claims),
            quantities=[
                ManifestQuantity(raw=q.raw, value=q.value, unit=q.unit, claim=q.claim_id)
                for q in f.quantities
            ],
            relevance=round(min(max(f.relevance, 0.0), 1.0), 4),
            strength=round(f.strength, 4),
            verdict=f.verdict,
        )
        for f in findings
    ]


def _sentence(
    s: AnswerSentence, findings: dict[str, ManifestFinding], claim_keys: dict[str, str]
) -> ManifestAnswerSentence:
    sources: list[str] = []
    for cid in s.citations:
        if cid in findings:
            sources += findings[cid].reported_by + findings[cid].corroborated_by
        elif cid in claim_keys:
            sources.append(claim_keys[cid])
    return ManifestAnswerSentence(
        text=s.text,
        citations=list(s.citations),
        sources=sorted(dict.fromkeys(sources), key=_key_number),
        verified=s.verified,
        note=s.note,
    )


def build_answer(
    answer: Answer, findings: list[ManifestFinding], claims: list[ManifestClaim]
) -> ManifestAnswer:
    """The answer with the sources behind each sentence's cited findings and claims."""
    by_id = {f.id: f for f in findings}
    claim_keys = {c.id: c.source for c in claims}
    return ManifestAnswer(
        text=answer.text,
        sentences=[_sentence(s, by_id, claim_keys) for s in answer.sentences],
        writer=answer.writer,
        dropped=[_sentence(s, by_id, claim_keys) for s in answer.dropped],
        uncovered=list(answer.uncovered),
        note=answer.note,
    )


def build_verification(claims: list[ManifestClaim], confidence_note: str) -> Verification:
    """Counts per verdict and the level of verification reached."""
    labels = [c.verdict for c in claims]
    independent = sum(c.independent for c in claims)
    level: VerificationLevel = (
        "independent" if independent else "within-source" if "supported" in labels else "none"
    )
    return Verification(
        level=level,
        claims_extracted=len(claims),
        claims_verified=labels.count("supported"),
        claims_contradicted=labels.count("contradicted"),
        claims_unverified=labels.count("unverified"),
        independently_supported=independent,
        level_note=_LEVEL_NOTES[level],
        confidence_note=confidence_note,
    )


def build_provenance(sources: list[ManifestSource], review: Review, publisher: str) -> Provenance:
    """The source-provenance-v1 block."""
    used = {s.text_level for s in sources if s.used}
    level: ProvenanceLevel = (
        "fulltext"
        if used == {"fulltext"}
        else "mixed"
        if "fulltext" in used
        else "abstract"
        if "abstract" in used
        else "metadata"
    )
    return Provenance(
        publisher=publisher,
        level=level,
        claim_lineage=CLAIM_LINEAGE,
        review_method=review.method,
        note=PROVENANCE_NOTE,
        contracts=[MANIFEST_CONTRACT, CORRECTION_CONTRACT, PROVENANCE_CONTRACT],
        services=sorted({s.retrieval.service for s in sources}),
    )


def build_title(question: str) -> str:
    """The report title: the whole question (never cut), labelled as a synthesis."""
    return "Literature synthesis: " + " ".join(question.split())


def build_manifest(
    *,
    report_id: str,
    question: str,
    documents: list[Document],
    relevance: list[Relevance],
    claims: list[Claim],
    verdicts: list[Verdict],
    failures: list[SourceFailure],
    review: Review,
    quality: Quality,
    corrections: Corrections,
    settings_digest: str,
    created_at: datetime,
    updated_at: datetime,
    confidence_note: str,
    extra: dict[str, Any] | None = None,
    publisher: str = "synth",
    title: str | None = None,
    findings: list[Finding] | None = None,
    answer: Answer | None = None,
    rubric: Rubric | None = None,
) -> Manifest:
    """Assemble the manifest (artifacts stay empty until write_report fills them).

    ``rubric`` is the one the review applied (default: the packaged rubric); its version and
    digest are recorded.
    """
    graded_by = rubric if rubric is not None else load_rubric()
    sources = build_sources(documents, relevance)
    keys = {s.doc_id: s.key for s in sources}
    manifest_claims = build_claims(claims, verdicts, keys)
    manifest_findings = build_findings(findings or [], keys)
    fields: dict[str, Any] = {k: (extra or {})[k] for k in sorted(extra or {})}
    return Manifest(
        report_id=report_id,
        research_question=" ".join(question.split()),
        title=title or build_title(question),
        created_at=created_at,
        updated_at=updated_at,
        generator=Generator(name="synth", version=__version__, settings_digest=settings_digest),
        sources=sources,
        source_failures=[
            ManifestFailure(input=f.input, reason=f.reason, stage=f.stage)
            for f in sorted(failures, key=lambda f: (f.input, f.stage, f.reason))
        ],
        claims=manifest_claims,
        verification=build_verification(manifest_claims, confidence_note),
        review=review,
        quality=quality,
        corrections=corrections,
        provenance=build_provenance(sources, review, publisher),
        artifacts=[],
        findings=manifest_findings,
        answer=build_answer(answer, manifest_findings, manifest_claims) if answer else None,
        rubric_version=graded_by.version,
        rubric_digest=rubric_digest(graded_by),
        **fields,
    )
