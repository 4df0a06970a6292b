"""Pydantic records: the contract between stages. No I/O here.

Offsets: every ``char_start``/``char_end`` indexes ``Document.text`` (the cleaned full text), so
``doc.text[p.char_start:p.char_end] == p.text`` holds for every passage and claim.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

TextLevel = Literal["fulltext", "abstract", "metadata"]
SectionKind = Literal[
    "title",
    "front",  # author / affiliation block between title and abstract
    "abstract",
    "introduction",
    "background",
    "method",
    "results",
    "discussion",
    "conclusion",
    "limitations",
    "references",
    "appendix",
    "acknowledgements",
    "body",
]
VerdictLabel = Literal["supported", "contradicted", "unverified"]
# How the verifier reads one evidence passage against a claim.
Stance = Literal["supports", "contradicts", "neutral"]
Level = Literal["LOW", "MEDIUM", "HIGH"]
Tier = Literal["DOI-grade", "Watchlist"]

# Sections never mined for claims.
NON_CLAIM_SECTIONS: frozenset[str] = frozenset(
    {"title", "front", "references", "acknowledgements", "appendix"}
)


class Record(BaseModel):
    """Base: strict fields, immutable by convention."""

    model_config = ConfigDict(extra="forbid")


def content_id(*parts: str, length: int = 16) -> str:
    """Short sha256 over the given strings (joined by NUL): the id scheme for records."""
    h = hashlib.sha256("\x00".join(parts).encode("utf-8"))
    return h.hexdigest()[:length]


class FieldOrigin(Record):
    """Where one metadata field came from."""

    service: str
    url: str
    retrieved_at: datetime


class WorkUpdate(Record):
    """A Crossref-style relation: this work was corrected/retracted, or corrects another."""

    kind: str = Field(description="correction, retraction, erratum, expression_of_concern, ...")
    relation: Literal["updated-by", "update-to"]
    doi: str | None = None
    date: str | None = None
    source: str = Field(description="Service that reported it (crossref, openalex, ...).")


class Work(Record):
    """Bibliographic metadata of one paper, from any service or the PDF itself."""

    title: str
    authors: list[str] = Field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    doi: str | None = Field(None, description="Normalized, lower case, no URL prefix.")
    arxiv_id: str | None = Field(None, description="Normalized, with version when known.")
    url: str | None = None
    abstract: str | None = None
    license: str | None = None
    pdf_url: str | None = None
    citation_count: int | None = None
    is_retracted: bool | None = None
    updates: list[WorkUpdate] = Field(default_factory=list)
    origins: dict[str, FieldOrigin] = Field(
        default_factory=dict, description="Field name -> where that field's value came from."
    )


class Retrieval(Record):
    """How the bytes behind a document were obtained."""

    service: str = Field(description="local, arxiv, crossref, openalex, semanticscholar, unpaywall")
    url: str = Field(description="Request URL or file:// URI of the read resource.")
    retrieved_at: datetime
    sha256: str = Field(description="sha256 of the bytes read (PDF or record).")


class PageSpan(Record):
    """Where one PDF page lies in the cleaned text."""

    page: int = Field(description="1-based page number.")
    char_start: int
    char_end: int


class Section(Record):
    """A detected section of a document."""

    title: str
    kind: SectionKind
    char_start: int
    char_end: int
    page: int


class Passage(Record):
    """One sentence of a document with its location."""

    idx: int = Field(description="Position among the document's passages.")
    text: str
    page: int
    section: str = Field(description="Heading of the section it lies in.")
    section_kind: SectionKind
    char_start: int
    char_end: int


class Document(Record):
    """A read source: metadata plus cleaned text split into located passages."""

    doc_id: str = Field(description="Content hash of the read bytes (or record).")
    work: Work
    text_level: TextLevel
    retrieval: Retrieval
    text: str = ""
    pages: list[PageSpan] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    page_count: int = 0


class SourceFailure(Record):
    """An input that could not be used, and why (goes into the manifest and the report)."""

    input: str
    reason: str
    stage: str = Field("retrieve", description="retrieve or parse")


class Relevance(Record):
    """How well one document bears on the question."""

    doc_id: str
    score: float = Field(ge=0.0, le=1.0, description="Fused relevance in [0, 1].")
    dense: float = Field(description="Cosine similarity component.")
    lexical: float = Field(description="Lexical (BM25-style) component in [0, 1].")
    used: bool
    reason: str = Field("", description="Why the source is not used (empty when used).")


class Claim(Record):
    """A sentence of a source that states a finding relevant to the question."""

    claim_id: str = Field(description="C1, C2, ... in report order.")
    text: str
    doc_id: str
    passage_idx: int
    page: int
    section: str
    char_start: int
    char_end: int
    relevance: float = Field(description="Cosine similarity of the claim to the question.")
    kind: str = Field("finding", description="number, comparison, conclusion or finding")


def standalone_claim(claim_id: str, text: str, doc_id: str = "", section: str = "") -> Claim:
    """A claim that is no sentence of an indexed document (a typed statement, a benchmark claim):
    no passage, page or span, full relevance; its text alone marks its own sentence."""
    return Claim(
        claim_id=claim_id,
        text=text,
        doc_id=doc_id,
        passage_idx=-1,
        page=0,
        section=section,
        char_start=0,
        char_end=len(text),
        relevance=1.0,
        kind="finding",
    )


class Evidence(Record):
    """A passage offered as evidence for or against a claim."""

    doc_id: str
    passage_idx: int
    page: int
    text: str
    score: float = Field(description="Support score of this passage for the claim, 0..1.")
    same_document: bool = Field(description="True when it comes from the claim's own paper.")
    stance: Stance = Field(
        "neutral", description="How the pair model (with the number rule) reads this passage."
    )
    note: str | None = Field(
        None, description="Why a rule overruled the reading (e.g. the two conflicting values)."
    )


class Verdict(Record):
    """The verifier's judgement of one claim."""

    claim_id: str
    label: VerdictLabel
    confidence: float = Field(ge=0.0, le=1.0, description="Calibrated P(claim is supported).")
    evidence: list[Evidence] = Field(default_factory=list)
    features: dict[str, float] = Field(default_factory=dict)


class FindingQuantity(Record):
    """A quantity a finding states, as written in one of its claims and normalised."""

    raw: str = Field(description="The quantity as the claim writes it, e.g. '10.4 times'.")
    value: float = Field(description="Its value (a range's midpoint).")
    unit: str = Field("", description="Normalised unit: '%', 'times', 'BLEU', ... or ''.")
    claim_id: str = Field(description="The claim it was read from.")


# A finding's words and the claim it rests on (the report's manifest describes them alike).
FINDING_STATEMENT = (
    "A member claim's text, verbatim: the representative's, or, when that points back to a "
    "sentence not shown ('It also exceeds ...'), a member's stating the result whole."
)
FINDING_REPRESENTATIVE = "Id of the claim that represents the finding and gives its verdict."


class Finding(Record):
    """Claims of one or more sources that state the same result, grouped by meaning."""

    finding_id: str = Field(description="F1, F2, ... in the order the report shows them.")
    statement: str = Field(description=FINDING_STATEMENT)
    representative: str = Field(description=FINDING_REPRESENTATIVE)
    claims: list[str] = Field(description="Ids of the claims that state it (reported by).")
    reported_by: list[str] = Field(description="doc_ids of the sources whose claims state it.")
    corroborated_by: list[str] = Field(
        default_factory=list,
        description="doc_ids of other sources whose passages the verifier reads as support.",
    )
    contrasted_by: list[str] = Field(
        default_factory=list,
        description="doc_ids of sources with a claim or passage read as contradicting it.",
    )
    contrasting_claims: list[str] = Field(
        default_factory=list, description="Ids of claims that contradict or contrast with it."
    )
    quantities: list[FindingQuantity] = Field(default_factory=list)
    relevance: float = Field(description="Highest question-relevance of its claims, 0..1.")
    strength: float = Field(
        ge=0.0, le=1.0, description="Evidence strength in [0, 1]; the rule is in the README."
    )
    verdict: VerdictLabel = Field(description="The representative claim's verdict.")


class AnswerSentence(Record):
    """One sentence of the answer, with what it cites and whether the verifier backs it."""

    text: str = Field(description="The sentence without citation marks.")
    citations: list[str] = Field(description="Finding or claim ids (F1, C3) the sentence rests on.")
    verified: bool = Field(description="True when the verifier supports it from what it cites.")
    note: str = Field("", description="Why a sentence was dropped or is not verified.")


class Answer(Record):
    """The direct answer to the question, built only from findings."""

    text: str = Field(description="The answer's sentences joined (renderers add the citations).")
    sentences: list[AnswerSentence] = Field(default_factory=list)
    writer: str = Field(description="'extractive' or 'openai-compatible:<model>'.")
    dropped: list[AnswerSentence] = Field(
        default_factory=list, description="Generated sentences removed, each with its reason."
    )
    uncovered: list[str] = Field(
        default_factory=list, description="Parts of the question no used source addresses."
    )
    note: str = Field("", description="E.g. why the LLM writer's answer was not used.")


class ReportRequest(Record):
    """What a user asked for: one report."""

    question: str = Field(
        description="The research question: control characters are dropped; it needs letters "
        "or digits and at least 3 characters."
    )
    corpus: list[Path] = Field(default_factory=list)
    dois: list[str] = Field(default_factory=list)
    arxiv_ids: list[str] = Field(default_factory=list)
    search: bool | None = Field(
        None,
        description="Search the scholarly APIs; default: only when no corpus or ids are given.",
    )
    out_dir: Path = Path("reports")
    attach_bench: Path | None = None

    @field_validator("question")
    @classmethod
    def _readable_question(cls, value: str) -> str:
        # The report id hashes the question: one made only of punctuation would share its id
        # with every other such question, and NUL or escape codes would reach the reports.
        # Control and surrogate characters go (line breaks and tabs become spaces).
        kept = (" " if ch.isspace() else ch for ch in value)
        text = "".join(ch for ch in kept if not cls._is_control(ch)).strip()
        if not any(ch.isalnum() for ch in text):
            raise ValueError("the question has no letters or digits; ask it in words")
        if len(text) < 3:
            raise ValueError(f"the question {text!r} is too short; ask it in words")
        return text

    @staticmethod
    def _is_control(ch: str) -> bool:
        """C0/C1 control codes (Unicode category Cc) and surrogates (Cs)."""
        code = ord(ch)
        return code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000


class StatementRequest(Record):
    """A statement to check (``synth verify``) and the local sources to check it against."""

    statement_id: str = Field(min_length=1, description="The user's id (C1 for a lone CLAIM).")
    text: str = Field(description="The statement, one or two sentences.")
    sources: list[str] = Field(
        min_length=1, description="PDF, .txt or JSONL files, or folders of them, as given."
    )

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        text = " ".join(value.split())
        if not text:
            raise ValueError("the claim is empty")
        return text


class StatementResult(Record):
    """The verdict on one statement, or why there is none."""

    statement_id: str
    verdict: Verdict | None = Field(None, description="None when none of its sources was read.")
    reason: str = Field("", description="Why there is no verdict (empty when there is one).")


class VerifyOutcome(Record):
    """What ``synth verify`` prints: one result per statement, in order, and what failed."""

    results: list[StatementResult]
    sources: dict[str, str] = Field(
        default_factory=dict,
        description="doc_id -> the source it was read from (the input itself, or the file or "
        "JSONL line inside it when one input held several documents).",
    )
    failures: list[SourceFailure] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict, description="Seconds per stage.")


class ReviewerScore(Record):
    """One automated reviewer's grade."""

    name: str
    score: float = Field(ge=0.0, le=10.0)
    rationale: str


class Review(Record):
    """All reviewers and their aggregate."""

    method: str
    score: float = Field(ge=0.0, le=10.0)
    spread: float = Field(description="Max minus min reviewer score.")
    reviewers: list[ReviewerScore]


class QualityDimensions(Record):
    """LOW/MEDIUM/HIGH ratings by documented rules."""

    evidence_strength: Level
    citation_grounding: Level
    uncertainty_disclosure: Level
    reproducibility_status: Level


class Quality(Record):
    """Tier, why, and the dimensions."""

    tier: Tier
    basis: str
    dimensions: QualityDimensions


class CorrectionRecord(Record):
    """One additive correction entry; records are never edited or removed."""

    date: datetime
    kind: Literal["correction", "withdrawal", "source-retraction", "source-correction", "note"]
    status_after: Literal["CURRENT", "CORRECTED", "WITHDRAWN"]
    affected_claims: list[str] = Field(default_factory=list)
    reason: str


class PaperRecord(Record):
    """One line of a local JSONL corpus (documented in the README)."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = None
    title: str
    authors: list[str] = Field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    doi: str | None = None
    arxiv_id: str | None = None
    abstract: str | None = None
    text: str | None = None
