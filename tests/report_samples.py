"""Hand-built, realistic records for the review, manifest, render and correction tests.

The papers are invented (titles, authors, DOIs under the 10.5555 test prefix) so that no real
author is credited with a made-up claim; their shape follows real distillation papers.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from synth.records import (
    Claim,
    Document,
    Evidence,
    Relevance,
    Retrieval,
    Section,
    SourceFailure,
    Verdict,
    Work,
    WorkUpdate,
)

QUESTION = (
    "To what extent can knowledge distillation from large language models improve the inference "
    "efficiency of small language models in code generation, as measured by latency and pass@k "
    "on HumanEval and DS-1000?"
)
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc)
LATER = datetime(2026, 11, 24, 9, 30, tzinfo=timezone.utc)
CONFIDENCE_NOTE = (
    "Confidence is the calibrated probability that the claim is supported by the evidence shown "
    "(logistic calibration fitted on SciFact train, expected calibration error 0.04 on dev)."
)


def _doc(
    doc_id: str,
    work: Work,
    level: str = "fulltext",
    kinds: tuple[str, ...] = ("abstract", "introduction", "method", "results", "limitations"),
) -> Document:
    sections = [
        Section(title=k.title(), kind=k, char_start=i * 100, char_end=i * 100 + 99, page=i + 1)  # type: ignore[arg-type]
        for i, k in enumerate(kinds)
    ]
    return Document(
        doc_id=doc_id,
        work=work,
        text_level=level,  # type: ignore[arg-type]
        retrieval=Retrieval(
            service="local" if level == "fulltext" else "openalex",
            url=f"file:///corpus/{doc_id}.pdf",
            retrieved_at=NOW,
            sha256=doc_id * 4,
        ),
        sections=sections if level == "fulltext" else [],
        page_count=12 if level == "fulltext" else 0,
    )


def documents() -> list[Document]:
    """Four candidates: two full texts, one abstract, one off-topic survey (unused)."""
    return [
        _doc(
            "d1" * 8,
            Work(
                title="Distilling Code LLMs into Small Students: Latency and pass@k on HumanEval",
                authors=["Wei Li", "Ana Chen", "Joon Park"],
                year=2023,
                venue="Proceedings of the Workshop on Efficient Code Models",
                doi="10.5555/ecm.2023.014",
            ),
        ),
        _doc(
            "d2" * 8,
            Work(
                title="Soft Targets for Program Synthesis",
                authors=["Laurens van der Berg", "Maria Rossi"],
                year=2021,
                venue="Journal of Learning Systems",
                arxiv_id="2104.01234v2",
            ),
            kinds=("abstract", "introduction", "method", "results", "discussion"),
        ),
        _doc(
            "d3" * 8,
            Work(
                title="Sequence-Level Distillation for Data-Science Code",
                authors=["Sofia Alvarez"],
                year=None,
                doi="10.5555/seqkd.77",
            ),
            level="abstract",
        ),
        _doc(
            "d4" * 8,
            Work(
                title="A Survey of Convolutional Neural Networks for Image Recognition",
                authors=["Tom Baker", "Ines Ruiz", "Kai Wong", "Lea Stein"],
                year=2020,
                venue="Image Computing Reviews",
            ),
        ),
    ]


def relevance() -> list[Relevance]:
    """One entry per document; the survey falls below the threshold."""
    return [
        Relevance(doc_id="d1" * 8, score=0.83, dense=0.79, lexical=0.88, used=True),
        Relevance(doc_id="d2" * 8, score=0.64, dense=0.66, lexical=0.58, used=True),
        Relevance(doc_id="d3" * 8, score=0.57, dense=0.61, lexical=0.49, used=True),
        Relevance(
            doc_id="d4" * 8,
            score=0.21,
            dense=0.27,
            lexical=0.08,
            used=False,
            reason="relevance 0.21 below the threshold 0.45",
        ),
    ]


def _claim(cid: str, doc: str, text: str, page: int, section: str, idx: int) -> Claim:
    return Claim(
        claim_id=cid,
        text=text,
        doc_id=doc * 8,
        passage_idx=idx,
        page=page,
        section=section,
        char_start=idx * 150,
        char_end=idx * 150 + len(text),
        relevance=0.7,
        kind="number",
    )


def claims() -> list[Claim]:
    """Four claims across three used sources."""
    return [
        _claim(
            "C1",
            "d1",
            "Distilling a 15B teacher into a 350M student reduced median latency by 4.1x while "
            "keeping pass@1 on HumanEval within 3 points of the teacher.",
            5,
            "Results",
            12,
        ),
        _claim(
            "C2",
            "d2",
            "Training on the teacher's soft targets improved pass@1 of the small model by 6.2 "
            "points over training on hard labels alone.",
            6,
            "Results",
            20,
        ),
        _claim(
            "C3",
            "d3",
            "Sequence-level distillation raised pass@1 on DS-1000 from 18.2% to 23.5%.",
            1,
            "Abstract",
            2,
        ),
        _claim(
            "C4",
            "d1",
            "Distilled students matched the teacher's latency on long DS-1000 prompts.",
            7,
            "Results",
            31,
        ),
    ]


def _ev(
    doc: str, idx: int, page: int, text: str, score: float, same: bool, stance: str
) -> Evidence:
    return Evidence(
        doc_id=doc * 8,
        passage_idx=idx,
        page=page,
        text=text,
        score=score,
        same_document=same,
        stance=stance,  # type: ignore[arg-type]
    )


def verdicts() -> list[Verdict]:
    """C1 independently supported, C2 supported within its paper, C3 unverified, C4 contradicted."""
    return [
        Verdict(
            claim_id="C1",
            label="supported",
            confidence=0.86,
            evidence=[
                _ev(
                    "d2",
                    22,
                    7,
                    "Students distilled from soft targets ran about four times faster than the "
                    "teacher at similar pass@1.",
                    0.81,
                    False,
                    "supports",
                ),
                _ev(
                    "d1",
                    14,
                    5,
                    "Median latency fell from 410 ms to 100 ms per completion.",
                    0.77,
                    True,
                    "supports",
                ),
            ],
        ),
        Verdict(
            claim_id="C2",
            label="supported",
            confidence=0.74,
            evidence=[
                _ev(
                    "d2",
                    25,
                    7,
                    "Table 3 shows a 6.2 point pass@1 gain for soft-target training.",
                    0.72,
                    True,
                    "supports",
                ),
            ],
        ),
        Verdict(claim_id="C3", label="unverified", confidence=0.31, evidence=[]),
        Verdict(
            claim_id="C4",
            label="contradicted",
            confidence=0.12,
            evidence=[
                _ev(
                    "d1",
                    33,
                    8,
                    "On prompts longer than 2k tokens the student was 1.8x slower than expected.",
                    0.64,
                    True,
                    "contradicts",
                ),
                _ev(
                    "d2", 30, 8, "Latency gains shrank on long prompts.", 0.41, False, "contradicts"
                ),
            ],
        ),
    ]


def failures() -> list[SourceFailure]:
    """One input that could not be read."""
    return [SourceFailure(input="10.5555/missing.1", reason="no open full text and no abstract")]


def bundle() -> dict[str, Any]:
    """Keyword arguments shared by review_report and build_manifest."""
    return {
        "documents": documents(),
        "relevance": relevance(),
        "claims": claims(),
        "verdicts": verdicts(),
        "failures": failures(),
    }


def retraction_update() -> WorkUpdate:
    """A Crossref relation saying the work was retracted."""
    return WorkUpdate(
        kind="retraction",
        relation="updated-by",
        doi="10.5555/retract.1",
        date="2024-02-01",
        source="crossref",
    )
