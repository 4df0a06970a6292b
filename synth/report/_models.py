"""The manifest records: contract ``paper-manifest-v1.1``.

Its parts follow ``correction-record-v1`` and ``source-provenance-v1``. Field names of the stable
core (DESIGN.md "Outputs") never change within a contract version; added fields have defaults so
older manifests stay valid.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from synth.corrections import Corrections
from synth.records import (
    FINDING_REPRESENTATIVE,
    FINDING_STATEMENT,
    Quality,
    Record,
    Review,
    Stance,
    TextLevel,
    VerdictLabel,
    WorkUpdate,
)

MANIFEST_CONTRACT: Literal["paper-manifest-v1.1"] = "paper-manifest-v1.1"
PROVENANCE_CONTRACT: Literal["source-provenance-v1"] = "source-provenance-v1"
Format = Literal["md", "html", "txt"]
VerificationLevel = Literal["independent", "within-source", "none"]
ProvenanceLevel = Literal["fulltext", "mixed", "abstract", "metadata"]


class Generator(Record):
    """The program that wrote the manifest and the digest of the settings it ran with."""

    name: str
    version: str
    settings_digest: str


class SourceRetrieval(Record):
    """Which service the read bytes came from, when, and their sha256."""

    service: str
    url: str
    retrieved_at: datetime
    sha256: str


class RelevanceDetail(Record):
    """The two components fused into a source's relevance."""

    dense: float = Field(description="Cosine similarity of the source to the question.")
    lexical: float = Field(description="Lexical (BM25-style) match, 0..1.")


class ManifestSource(Record):
    """One candidate source: metadata, relevance, what was read of it, and from where."""

    key: str = Field(pattern=r"^S[1-9][0-9]*$")
    title: str
    authors: list[str]
    year: int | None
    venue: str | None
    doi: str | None
    arxiv_id: str | None
    url: str | None
    relevance: float = Field(ge=0.0, le=1.0)
    used: bool
    text_level: TextLevel
    retrieval: SourceRetrieval
    is_retracted: bool
    updates: list[WorkUpdate]
    citation: str = Field(
        "", description='Author-year citation from metadata, e.g. "Li et al., 2023".'
    )
    relevance_detail: RelevanceDetail | None = None
    unused_reason: str = Field("", description="Why the source is not used (empty when used).")
    sections_read: list[str] = Field(
        default_factory=list, description="Kinds of sections detected in the text read."
    )
    page_count: int = 0
    doc_id: str = ""


class ManifestFailure(Record):
    """An input that could not be used, and why."""

    input: str
    reason: str
    stage: str = "retrieve"


class ManifestEvidence(Record):
    """A passage offered as evidence for a claim."""

    source: str
    page: int
    text: str
    score: float = Field(ge=0.0, le=1.0)
    stance: Stance = "neutral"
    same_document: bool = False
    note: str | None = Field(
        None, description="Why a rule overruled the model's reading (e.g. the conflicting values)."
    )


class ManifestClaim(Record):
    """One extracted claim with its location, verdict and evidence."""

    id: str = Field(pattern=r"^C[1-9][0-9]*$")
    text: str
    source: str
    page: int
    section: str
    char_start: int = Field(ge=0)
    char_end: int = Field(ge=0)
    verdict: VerdictLabel
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: list[ManifestEvidence]
    independent: bool = Field(False, description="Supported by evidence from another source.")
    kind: str = "finding"
    relevance: float | None = None


class ManifestQuantity(Record):
    """A key quantity of a finding, as one of its claims writes it."""

    raw: str
    value: float
    unit: str = ""
    claim: str = Field(description="Id of the claim it is read from.")


class ManifestFinding(Record):
    """Claims grouped across sources that state one result."""

    id: str = Field(pattern=r"^F[1-9][0-9]*$")
    statement: str = Field(description=FINDING_STATEMENT)
    representative: str = Field(description=FINDING_REPRESENTATIVE)
    claims: list[str] = Field(description="Ids of the claims that state it.")
    reported_by: list[str] = Field(description="Keys of the sources whose claims state it.")
    corroborated_by: list[str] = Field(
        default_factory=list, description="Keys of other sources whose passages support it."
    )
    contrasted_by: list[str] = Field(
        default_factory=list, description="Keys of sources with claims or passages against it."
    )
    contrasting_claims: list[str] = Field(default_factory=list)
    quantities: list[ManifestQuantity] = Field(default_factory=list)
    relevance: float = Field(ge=0.0, le=1.0)
    strength: float = Field(ge=0.0, le=1.0)
    verdict: VerdictLabel


class ManifestAnswerSentence(Record):
    """One sentence of the answer and the findings or claims it cites."""

    text: str
    citations: list[str] = Field(description="Finding or claim ids.")
    sources: list[str] = Field(
        default_factory=list, description="Keys of the sources behind the cited ids."
    )
    verified: bool
    note: str = ""


class ManifestAnswer(Record):
    """The direct answer to the question, written only from the findings."""

    text: str
    sentences: list[ManifestAnswerSentence]
    writer: str = Field(description="'extractive' or 'openai-compatible:<model>'.")
    dropped: list[ManifestAnswerSentence] = Field(
        default_factory=list, description="Generated sentences removed, each with the reason."
    )
    uncovered: list[str] = Field(
        default_factory=list, description="Parts of the question no used source addresses."
    )
    note: str = ""


class ManifestRequest(Record):
    """What the report was asked to read (the question is ``research_question``)."""

    corpus: list[str] = Field(default_factory=list)
    dois: list[str] = Field(default_factory=list)
    arxiv_ids: list[str] = Field(default_factory=list)
    search: bool | None = None


class Verification(Record):
    """How far claims were checked, with counts and the meaning of confidence."""

    level: VerificationLevel
    claims_extracted: int = Field(ge=0)
    claims_verified: int = Field(ge=0, description="Claims the verifier found supported.")
    claims_contradicted: int = Field(0, ge=0)
    claims_unverified: int = Field(0, ge=0)
    independently_supported: int = Field(0, ge=0)
    level_note: str = ""
    confidence_note: str = ""


class Provenance(Record):
    """Who published the report, what was read, and how claims trace back to sources."""

    contract: Literal["source-provenance-v1"] = PROVENANCE_CONTRACT
    publisher: str
    level: ProvenanceLevel
    claim_lineage: str
    review_method: str
    note: str
    contracts: list[str] = Field(default_factory=list)
    services: list[str] = Field(default_factory=list)


class Artifact(Record):
    """One written report file, relative to the report folder, with its sha256."""

    format: Format
    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class Manifest(BaseModel):
    """A report's machine-readable record: every top-level field is declared."""

    model_config = ConfigDict(extra="forbid")

    contract: Literal["paper-manifest-v1.1"] = MANIFEST_CONTRACT
    report_id: str = Field(pattern=r"^[A-Z]+:[0-9A-F]+$")
    research_question: str
    title: str
    created_at: datetime
    updated_at: datetime
    generator: Generator
    sources: list[ManifestSource]
    source_failures: list[ManifestFailure]
    claims: list[ManifestClaim]
    verification: Verification
    review: Review
    quality: Quality
    corrections: Corrections
    provenance: Provenance
    artifacts: list[Artifact]
    timings: dict[str, float] | None = None
    bench: dict[str, Any] | None = None
    request: ManifestRequest | None = None
    inputs_digest: str | None = Field(
        None, description="sha256 over the inputs read; regeneration skips an unchanged report."
    )
    findings: list[ManifestFinding] = Field(default_factory=list)
    answer: ManifestAnswer | None = None
    rubric_version: str | None = Field(
        None, description="Version of the review rubric the report was graded under."
    )
    rubric_digest: str | None = Field(
        None,
        pattern=r"^[0-9a-f]{64}$",
        description="sha256 of the rubric's canonical JSON, as `synth rubric --json` prints it.",
    )

    @model_validator(mode="after")
    def _references_resolve(self) -> Manifest:
        keys = [s.key for s in self.sources]
        if len(set(keys)) != len(keys):
            raise ValueError("source keys are not unique")
        ids = [c.id for c in self.claims]
        if len(set(ids)) != len(ids):
            raise ValueError("claim ids are not unique")
        known = set(keys)
        for claim in self.claims:
            missing = {claim.source, *(e.source for e in claim.evidence)} - known
            if missing:
                raise ValueError(f"claim {claim.id} cites unknown source {sorted(missing)[0]}")
        claim_ids = set(ids)
        for f in self.findings:
            bad = {*f.reported_by, *f.corroborated_by, *f.contrasted_by} - known
            if bad:
                raise ValueError(f"finding {f.id} cites unknown source {sorted(bad)[0]}")
            unknown = {f.representative, *f.claims, *f.contrasting_claims} - claim_ids
            if unknown:
                raise ValueError(f"finding {f.id} names unknown claim {sorted(unknown)[0]}")
        if self.answer is not None:
            citable = claim_ids | {f.id for f in self.findings}
            for sentence in self.answer.sentences:
                unknown = set(sentence.citations) - citable
                if unknown:
                    raise ValueError(f"the answer cites unknown id {sorted(unknown)[0]}")
        return self
