"""One report end to end: the only module that knows the order of the stages.

question ─► gather (local corpus / identifiers / search) ─► parse ─► embed ─► relevance
         ─► extract ─► verify ─► review ─► corrections ─► manifest + render ─► index

statements + local sources (``synth verify``) ─► gather ─► parse ─► verify, through the same
document ids, caches and verifier call (``_verify``) as a report.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from synth import gather
from synth.embed import CachedEmbedder, build_embedder
from synth.errors import ManifestError, NoSourcesError
from synth.extract.claims import extract_claims
from synth.extract.relevance import body_passages, score_relevance
from synth.fingerprint import inputs_digest
from synth.ids import report_dir_name, report_id
from synth.parse.sentences import is_prose
from synth.records import (
    Claim,
    Document,
    Relevance,
    SourceFailure,
    StatementRequest,
    StatementResult,
    Verdict,
    VerifyOutcome,
)
from synth.settings import Settings

log = logging.getLogger(__name__)

StageCallback = Callable[[str], None]


class ReportRequest(BaseModel):
    """What a user asked for."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=3)
    corpus: list[Path] = Field(default_factory=list)
    dois: list[str] = Field(default_factory=list)
    arxiv_ids: list[str] = Field(default_factory=list)
    search: bool | None = Field(
        None,
        description="Search the scholarly APIs; default: only when no corpus or ids are given.",
    )
    out_dir: Path = Path("reports")
    attach_bench: Path | None = None


class ReportOutcome(BaseModel):
    """What the CLI prints after a report."""

    report_id: str
    dir: Path
    sources_found: int
    sources_used: int
    claims: int
    verified: int
    contradicted: int
    score: float
    tier: str
    failures: list[SourceFailure]
    relevance: list[dict[str, Any]]
    timings: dict[str, float]


class _Timer:
    def __init__(self, on_stage: StageCallback | None) -> None:
        self.timings: dict[str, float] = {}
        self._on_stage = on_stage

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self._on_stage:
            self._on_stage(name)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - start, 4)


def _order_by_relevance(
    docs: list[Document], relevance: list[Relevance]
) -> tuple[list[Document], list[Relevance]]:
    pairs = sorted(
        zip(docs, relevance, strict=True), key=lambda p: (-p[1].score, p[0].work.title, p[0].doc_id)
    )
    return [d for d, _ in pairs], [r for _, r in pairs]


def _previous_manifest(folder: Path) -> Any | None:
    from synth.report.manifest import load_manifest

    path = folder / "manifest.json"
    if not path.exists():
        return None
    try:
        return load_manifest(path)
    except ManifestError as exc:
        raise ManifestError(
            f"{path}: existing manifest is unreadable ({exc}); move it away to regenerate"
        ) from exc


def run_report(
    request: ReportRequest,
    settings: Settings,
    on_stage: StageCallback | None = None,
    embedder: CachedEmbedder | None = None,
) -> ReportOutcome:
    """Produce one report folder (manifest + md/html/txt) and update the reports index."""
    timer = _Timer(on_stage)
    # A corrupt manifest in the way is found before any work, not after it.
    previous = _previous_manifest(request.out_dir / report_dir_name(report_id(request.question)))
    with timer.stage("parse"):
        docs, failures = gather.gather_documents(request, settings)
    if not docs:
        detail = "; ".join(f"{f.input}: {f.reason}" for f in failures[:3])
        raise NoSourcesError(
            "no readable source for this report" + (f" ({detail})" if detail else "")
        )
    embedder = embedder or build_embedder(settings)
    with timer.stage("embed"):
        embedder.encode([p.text for d in docs for p in body_passages(d)])
    with timer.stage("relevance"):
        relevance = score_relevance(request.question, docs, embedder, settings.extract)
        docs, relevance = _order_by_relevance(docs, relevance)
    used = [d for d, r in zip(docs, relevance, strict=True) if r.used]
    if not used:
        best = max(r.score for r in relevance)
        raise NoSourcesError(
            f"none of the {len(docs)} readable sources is relevant enough to the question "
            f"(best relevance {best:.2f} < threshold {settings.extract.relevance_threshold:.2f})"
        )
    with timer.stage("extract"):
        claims = extract_claims(request.question, used, embedder, settings.extract, is_prose)
    return _finish(
        request, settings, timer, docs, relevance, used, claims, failures, embedder, previous
    )


def _finish(
    request: ReportRequest,
    settings: Settings,
    timer: _Timer,
    docs: list[Document],
    relevance: list[Relevance],
    used: list[Document],
    claims: list[Claim],
    failures: list[SourceFailure],
    embedder: CachedEmbedder,
    previous: Any | None,
) -> ReportOutcome:
    # Imported here, not at the top: `synth --help` and `synth validate` should not pay for
    # faiss, bm25s and Jinja.
    from synth.corrections import merge_corrections, source_events
    from synth.report.manifest import build_manifest, update_index
    from synth.report.render import render_report, write_report
    from synth.review import review_report
    from synth.verify.verifier import describe_confidence

    with timer.stage("verify"):
        verdicts = _verify(claims, used, embedder, settings)
    with timer.stage("review"):
        review, quality = review_report(
            request.question, docs, relevance, claims, verdicts, failures, settings.review
        )
    rid = report_id(request.question)
    folder = request.out_dir / report_dir_name(rid)
    now = datetime.now(timezone.utc)
    corrections = merge_corrections(
        previous.corrections if previous else None, source_events(docs, now, claims)
    )
    extra: dict[str, Any] = {
        "request": request.model_dump(
            mode="json", include={"corpus", "dois", "arxiv_ids", "search"}
        ),
    }
    extra["inputs_digest"] = inputs_digest(request, settings)
    if request.attach_bench is not None:
        extra["bench"] = gather.load_bench_block(request.attach_bench)
    with timer.stage("render"):
        manifest = build_manifest(
            report_id=rid,
            question=request.question,
            documents=docs,
            relevance=relevance,
            claims=claims,
            verdicts=verdicts,
            failures=failures,
            review=review,
            quality=quality,
            corrections=corrections,
            settings_digest=settings.digest(),
            created_at=previous.created_at if previous else now,
            updated_at=now,
            confidence_note=describe_confidence(settings.verify),
            publisher=settings.report.publisher,
            extra=extra,
        )
        manifest = write_report(folder, manifest, render_report(manifest, settings.report))
        update_index(request.out_dir, manifest)
    labels = [v.label for v in verdicts]
    by_id = {d.doc_id: d for d in docs}
    return ReportOutcome(
        report_id=rid,
        dir=folder,
        sources_found=len(docs),
        sources_used=len(used),
        claims=len(claims),
        verified=labels.count("supported"),
        contradicted=labels.count("contradicted"),
        score=review.score,
        tier=quality.tier,
        failures=failures,
        relevance=[
            {
                "title": by_id[r.doc_id].work.title,
                "score": r.score,
                "used": r.used,
                "reason": r.reason,
            }
            for r in relevance
        ],
        timings=timer.timings,
    )


def _verify(
    claims: list[Claim], documents: list[Document], embedder: CachedEmbedder, settings: Settings
) -> list[Verdict]:
    """The one call into the verifier: reports and ``synth verify`` share its index folder."""
    from synth.verify.verifier import verify_claims

    return verify_claims(claims, documents, embedder, settings.verify, settings.cache_dir("index"))


def _statement_claim(statement: StatementRequest) -> Claim:
    # A statement typed by a user belongs to no document; its text alone marks its own sentence.
    return Claim(
        claim_id=statement.statement_id,
        text=statement.text,
        doc_id="",
        passage_idx=-1,
        page=0,
        section="",
        char_start=0,
        char_end=len(statement.text),
        relevance=1.0,
        kind="finding",
    )


def _source_names(found: dict[str, list[Document]]) -> dict[str, str]:
    # A source that held several documents (a folder, a JSONL file) names each by its location.
    names: dict[str, str] = {}
    for source, docs in found.items():
        for doc in docs:
            names.setdefault(doc.doc_id, source if len(docs) == 1 else doc.retrieval.url)
    return names


def _verify_group(
    statements: list[StatementRequest],
    sources: tuple[str, ...],
    found: dict[str, list[Document]],
    embedder: CachedEmbedder,
    settings: Settings,
) -> list[StatementResult]:
    if not sources:
        return [
            StatementResult(
                statement_id=s.statement_id,
                reason="none of its sources could be read: " + ", ".join(s.sources),
            )
            for s in statements
        ]
    # One evidence index per distinct set of sources, shared by all its statements.
    documents = gather.dedupe_documents([d for source in sources for d in found[source]])
    verdicts = _verify([_statement_claim(s) for s in statements], documents, embedder, settings)
    return [
        StatementResult(statement_id=s.statement_id, verdict=v)
        for s, v in zip(statements, verdicts, strict=True)
    ]


def verify_statements(
    statements: list[StatementRequest],
    settings: Settings,
    on_stage: StageCallback | None = None,
    embedder: CachedEmbedder | None = None,
) -> VerifyOutcome:
    """Verify each statement against its own local sources, read and indexed as a report's are.

    A source that cannot be read is recorded in ``failures`` and the others go on; a statement
    left with no readable source gets a reason instead of a verdict.

    Raises:
        InputError: a source is a DOI or arXiv id rather than a file.
        NoSourcesError: not one source could be read.
    """
    timer = _Timer(on_stage)
    with timer.stage("parse"):
        wanted = [source for s in statements for source in s.sources]
        found, failures = gather.gather_sources(wanted, settings)
    if not found:
        detail = "; ".join(f"{f.input}: {f.reason}" for f in failures[:3])
        raise NoSourcesError("no readable source" + (f" ({detail})" if detail else ""))
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, statement in enumerate(statements):
        readable = tuple(s for s in dict.fromkeys(statement.sources) if s in found)
        groups.setdefault(readable, []).append(i)
    results: dict[int, StatementResult] = {}
    owned = embedder is None
    embedder = embedder or build_embedder(settings)
    try:
        with timer.stage("verify"):
            for sources, idxs in groups.items():
                chosen = [statements[i] for i in idxs]
                group = _verify_group(chosen, sources, found, embedder, settings)
                results.update(zip(idxs, group, strict=True))
    finally:
        if owned:
            embedder.close()
    return VerifyOutcome(
        results=[results[i] for i in range(len(statements))],
        sources=_source_names(found),
        failures=failures,
        timings=timer.timings,
    )
