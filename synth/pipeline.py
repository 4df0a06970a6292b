"""One report end to end: the only module that knows the order of the stages.

question ─► gather (local corpus / identifiers / search) ─► parse ─► embed ─► relevance
         ─► extract ─► verify ─► synthesize (findings, answer) ─► review ─► corrections
         ─► manifest + render ─► index

Each arrow is one function over a ``ReportRun``, the report's typed state; ``run_report`` calls
them in order.

``synth verify`` (statements against their own sources) lives in ``synth/statements.py`` and
shares the verifier call, ``verify_against``, with reports.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from synth import gather
from synth.embed import CachedEmbedder, build_embedder
from synth.errors import ConfigError, ManifestError, NoSourcesError
from synth.extract.claims import extract_claims
from synth.extract.relevance import (
    FirstPass,
    body_passages,
    mark_sources_without_claims,
    relevance_sample,
    relevance_texts,
    score_relevance,
)
from synth.fingerprint import inputs_digest
from synth.ids import report_dir_name, report_id
from synth.parse.sentences import is_prose
from synth.progress import NO_PROGRESS, Progress, StageCallbackProgress
from synth.records import (
    Answer,
    Claim,
    Document,
    Finding,
    Quality,
    Relevance,
    ReportRequest,
    Review,
    SourceFailure,
    StatementRequest,
    Verdict,
)
from synth.settings import Settings
from synth.statements import statement_claim, verify_against
from synth.timing import StageCallback, StageTimer

if TYPE_CHECKING:
    from synth.report.manifest import Manifest

log = logging.getLogger(__name__)

# Stages that announce themselves to the progress with their item count.
_COUNTED = frozenset({"parse", "embed"})


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
    tier_basis: str
    failures: list[SourceFailure]
    relevance: list[dict[str, Any]]
    timings: dict[str, float]


def _order_by_relevance(
    docs: list[Document], relevance: list[Relevance]
) -> tuple[list[Document], list[Relevance]]:
    pairs = sorted(
        zip(docs, relevance, strict=True), key=lambda p: (-p[1].score, p[0].work.title, p[0].doc_id)
    )
    return [d for d, _ in pairs], [r for _, r in pairs]


def _previous_manifest(folder: Path) -> Manifest | None:
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


@dataclass
class ReportRun:
    """One report's state as the stages fill it in, in stage order."""

    request: ReportRequest
    settings: Settings
    timer: StageTimer
    embedder: CachedEmbedder
    report_id: str
    folder: Path
    previous: Manifest | None
    progress: Progress = NO_PROGRESS
    documents: list[Document] = field(default_factory=list)
    set_aside: list[tuple[Document, Relevance]] = field(default_factory=list)
    failures: list[SourceFailure] = field(default_factory=list)
    relevance: list[Relevance] = field(default_factory=list)
    used: list[Document] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    answer: Answer | None = None
    review: Review | None = None
    quality: Quality | None = None
    manifest: Manifest | None = None


def run_report(
    request: ReportRequest,
    settings: Settings,
    on_stage: StageCallback | None = None,
    embedder: CachedEmbedder | None = None,
    progress: Progress | None = None,
) -> ReportOutcome:
    """Produce one report folder (manifest + md/html/txt) and update the reports index.

    ``progress`` hears every stage, count and warning; a bare ``on_stage(name)`` callback is
    the older way to hear only the stage names.
    """
    import tempfile

    from synth.errors import InputError

    # An unwritable --out is found before any work: its nearest existing folder takes a file.
    probe = request.out_dir
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        tempfile.TemporaryFile(dir=probe).close()
    except OSError as exc:
        raise InputError(
            f"--out {request.out_dir}: not a writable folder ({exc.strerror})"
        ) from exc
    writer = settings.synthesize
    if writer.writer == "openai-compatible" and not writer.writer_model.strip():
        raise ConfigError(
            "the openai-compatible writer needs a model name: set SYNTH_SYNTHESIZE__WRITER_MODEL "
            "(or [synthesize] writer_model in the config file)"
        )
    rid = report_id(request.question)
    folder = request.out_dir / report_dir_name(rid)
    # A corrupt manifest in the way is found before any work, not after it.
    previous = _previous_manifest(folder)
    if progress is None:
        progress = StageCallbackProgress(on_stage) if on_stage else NO_PROGRESS
    timer = StageTimer(lambda name: None if name in _COUNTED else progress.stage(name))
    run = ReportRun(
        request,
        settings,
        timer,
        embedder or build_embedder(settings),
        rid,
        folder,
        previous,
        progress,
    )
    try:
        _gather(run)
        _rank_sources(run)
        _extract(run)
        _verify_run(run)
        _synthesize(run)
        _review(run)
        _write(run)
    finally:
        if embedder is None:  # built here, so closed here; a caller's embedder stays open
            run.embedder.close()
    return _outcome(run)


def _no_sources(run: ReportRun) -> NoSourcesError:
    """Why nothing is readable, in one line; reasons already warned about are not repeated."""
    unreachable = gather.unreachable_services(run.failures)
    if unreachable and all(f.stage == "retrieve" for f in run.failures):
        if run.progress is NO_PROGRESS:
            return NoSourcesError(
                f"no readable source for this report: {gather.UNREACHABLE} "
                f"({', '.join(unreachable)})"
            )
        return NoSourcesError(gather.UNREACHABLE)  # each service was named in a warning
    detail = ""
    if run.progress is NO_PROGRESS:  # nobody saw the warnings: say the first reasons here
        detail = "; ".join(f"{f.input}: {f.reason}" for f in run.failures[:3])
    elif run.failures:
        detail = f"{len(run.failures)} input(s) failed, see the warnings above"
    return NoSourcesError("no readable source for this report" + (f" ({detail})" if detail else ""))


def _embed_passages(run: ReportRun) -> FirstPass:
    """Embed what relevance reads, counting as it goes: the question, every head and body
    sample, then the whole bodies of the sources that may pass (later stages hit the cache).

    A source that cannot pass costs its sample only; every source that passes has its whole
    body embedded here, so extraction and verification find their vectors cached. The first
    pass built on the way is returned for ``score_relevance``.
    """
    question, docs = run.request.question, run.documents
    samples = [relevance_sample(question, d) for d in docs]
    _embed_counted(run, relevance_texts(question, docs, samples))
    first_pass = FirstPass(question, docs, run.embedder, samples)
    full = [docs[i] for i in first_pass.contenders(run.settings.extract)]
    if full:
        _embed_counted(run, [p.text for d in full for p in body_passages(d)])
    return first_pass


def _embed_counted(run: ReportRun, texts: list[str]) -> None:
    """Embed texts as one counted "embed" step."""
    # Longest first, as the model batches one call's texts: a batch pads to its longest text,
    # so batches cut from document order (long and short sentences mixed) cost far more.
    texts = sorted(set(texts), key=lambda t: (-len(t), t))
    run.progress.stage("embed", total=len(texts))
    # Four model batches per call, the count moving as each call is done: the model sorts a
    # call's texts by word pieces, and calls of one batch each were 1.4x slower over the
    # README example's 1,226 passages (12.0 s against 8.6 s for 256 a call).
    step = 4 * max(1, run.settings.verify.batch_size)
    for start in range(0, len(texts), step):
        chunk = texts[start : start + step]
        run.embedder.encode(chunk)
        run.progress.advance(len(chunk))


def _gather(run: ReportRun) -> None:
    from synth.library import Shortlist

    shortlist = Shortlist(run.request.question, run.settings, run.embedder, run.progress)
    with run.timer.stage("parse"):
        run.documents, run.failures = gather.gather_documents(
            run.request, run.settings, run.progress, shortlist
        )
    read = {d.doc_id for d in run.documents}
    run.set_aside = [(d, r) for d, r in shortlist.set_aside if d.doc_id not in read]
    if not run.documents:
        raise _no_sources(run)


def _rank_sources(run: ReportRun) -> None:
    from synth.synthesize.coverage import question_aspects

    with run.timer.stage("embed"):
        first_pass = _embed_passages(run)
    with run.timer.stage("relevance"):
        question = run.request.question
        relevance = score_relevance(
            question,
            run.documents,
            run.embedder,
            run.settings.extract,
            question_aspects(question),
            first_pass,
        )
        run.documents, run.relevance = _order_by_relevance(run.documents, relevance)
        # Shortlisted but not read (the library's cosine margin): listed as left out, last.
        run.documents += [d for d, _ in run.set_aside]
        run.relevance += [r for _, r in run.set_aside]
    run.used = _used(run)
    if not run.used:
        best = max(run.relevance, key=lambda r: r.score)
        raise NoSourcesError(
            f"none of the {len(run.documents)} readable sources is relevant enough to the "
            f"question (best relevance {best.score:.2f}: {best.reason})"
        )


def _used(run: ReportRun) -> list[Document]:
    return [d for d, r in zip(run.documents, run.relevance, strict=True) if r.used]


def _extract(run: ReportRun) -> None:
    from synth.synthesize.coverage import question_focus

    with run.timer.stage("extract"):
        run.claims = extract_claims(
            run.request.question,
            run.used,
            run.embedder,
            run.settings.extract,
            is_prose,
            question_focus(run.request.question),
        )
        # A source is used only when it gives the report at least one claim.
        run.relevance = mark_sources_without_claims(run.relevance, run.claims)
        run.used = _used(run)


def _verify_run(run: ReportRun) -> None:
    with run.timer.stage("verify"):
        run.verdicts = verify_against(run.claims, run.used, run.embedder, run.settings)


def _synthesize(run: ReportRun) -> None:
    from synth.synthesize.answer import extractive_answer
    from synth.synthesize.coverage import uncovered_aspects
    from synth.synthesize.findings import group_findings

    s = run.settings.synthesize
    with run.timer.stage("synthesize"):
        run.findings = group_findings(
            run.request.question, run.claims, run.verdicts, run.embedder, s
        )
        _drop_off_question_sources(run)
        texts = [p.text for d in run.used for p in body_passages(d)]
        uncovered = uncovered_aspects(run.request.question, texts)
        run.answer = extractive_answer(
            run.request.question, run.findings, run.claims, uncovered, s, run.verdicts, run.used
        )
        if s.writer == "openai-compatible":
            run.answer = _written_answer(run, run.answer)


def _drop_off_question_sources(run: ReportRun) -> None:
    """A source whose every claim is off the question and unverified is listed, not used."""
    from synth.synthesize.findings import (
        OFF_QUESTION_REASON,
        group_findings,
        off_question_sources,
    )

    # The lead source (the most relevant used one: documents are in relevance order, as the
    # extract stage reads them) is never dropped by this word-level test; on SciFact-claim
    # questions it was the gold abstract, paraphrasing the claim (2 of 100).
    lead = {run.used[0].doc_id} if run.used else set()
    off = off_question_sources(
        run.request.question, run.claims, run.verdicts, run.findings, keep=lead
    )
    if not off or off >= {d.doc_id for d in run.used}:
        return  # a report keeps at least one source; with none left it would say nothing
    # Claims keep "C1, C2, ... in report order" without gaps, so they are numbered again and
    # the findings grouped again over what is left (a dropped claim may have joined two groups).
    kept = [c for c in run.claims if c.doc_id not in off]
    new_id = {c.claim_id: f"C{n}" for n, c in enumerate(kept, start=1)}
    run.claims = [c.model_copy(update={"claim_id": new_id[c.claim_id]}) for c in kept]
    run.verdicts = [
        v.model_copy(update={"claim_id": new_id[v.claim_id]})
        for v in run.verdicts
        if v.claim_id in new_id
    ]
    run.findings = group_findings(
        run.request.question, run.claims, run.verdicts, run.embedder, run.settings.synthesize
    )
    run.relevance = [
        r.model_copy(
            update={"used": False, "reason": f"{OFF_QUESTION_REASON} (relevance {r.score:.2f})"}
        )
        if r.doc_id in off
        else r
        for r in run.relevance
    ]
    run.used = _used(run)


def _written_answer(run: ReportRun, fallback: Answer) -> Answer:
    from synth.synthesize.llm_writer import write_answer

    claim_texts = {c.claim_id: c.text for c in run.claims}
    return write_answer(
        run.request.question,
        run.findings,
        claim_texts,
        run.settings.synthesize,
        lambda sentences: _check_sentences(run, sentences),
        fallback,
    )


def _check_sentences(
    run: ReportRun, sentences: list[tuple[str, list[str]]]
) -> list[tuple[bool, str]]:
    """Verify generated sentences against the sources of what each one cites."""
    findings = {f.finding_id: f for f in run.findings}
    claims = {c.claim_id: c for c in run.claims}
    docs = {d.doc_id: d for d in run.used}
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, (_, keys) in enumerate(sentences):
        cited: list[str] = []
        for key in keys:
            if key in findings:
                cited += findings[key].reported_by + findings[key].corroborated_by
            elif key in claims:
                cited.append(claims[key].doc_id)
        groups.setdefault(tuple(sorted(d for d in set(cited) if d in docs)), []).append(i)
    out: list[tuple[bool, str]] = [(False, "")] * len(sentences)
    for doc_ids, idxs in groups.items():
        if not doc_ids:
            for i in idxs:
                out[i] = (False, "cites no source the report used")
            continue
        statements = [
            statement_claim(
                StatementRequest(
                    statement_id=f"A{i + 1}", text=sentences[i][0], sources=list(doc_ids)
                )
            )
            for i in idxs
        ]
        verdicts = verify_against(
            statements, [docs[d] for d in doc_ids], run.embedder, run.settings
        )
        for i, v in zip(idxs, verdicts, strict=True):
            ok = v.label == "supported"
            out[i] = (
                ok,
                ""
                if ok
                else (
                    f"the verifier finds it {v.label} by the cited sources "
                    f"(confidence {v.confidence:.2f})"
                ),
            )
    return out


def _review(run: ReportRun) -> None:
    from synth.review import review_report

    with run.timer.stage("review"):
        run.review, run.quality = review_report(
            run.request.question,
            run.documents,
            run.relevance,
            run.claims,
            run.verdicts,
            run.failures,
            run.settings.review,
        )


def _write(run: ReportRun) -> None:
    # Imported here, not at the top: `synth --help` and `synth validate` should not pay for
    # faiss, bm25s and Jinja.
    from synth.corrections import merge_corrections, source_events
    from synth.report.manifest import ManifestRequest, build_manifest, update_index
    from synth.report.render import render_report, write_report
    from synth.rubric import effective_rubric
    from synth.verify.verifier import describe_confidence

    assert run.review is not None
    assert run.quality is not None
    request, settings, previous = run.request, run.settings, run.previous
    now = datetime.now(timezone.utc)
    corrections = merge_corrections(
        previous.corrections if previous else None, source_events(run.documents, now, run.claims)
    )
    extra: dict[str, Any] = {
        "request": ManifestRequest(
            corpus=[str(p) for p in request.corpus],
            dois=list(request.dois),
            arxiv_ids=list(request.arxiv_ids),
            search=request.search,
        ),
        "inputs_digest": inputs_digest(request, settings),
    }
    if request.attach_bench is not None:
        extra["bench"] = gather.load_bench_block(request.attach_bench)
    with run.timer.stage("render"):
        manifest = build_manifest(
            report_id=run.report_id,
            question=request.question,
            documents=run.documents,
            relevance=run.relevance,
            claims=run.claims,
            verdicts=run.verdicts,
            failures=run.failures,
            review=run.review,
            quality=run.quality,
            corrections=corrections,
            settings_digest=settings.digest(),
            created_at=previous.created_at if previous else now,
            updated_at=now,
            confidence_note=describe_confidence(settings.verify),
            publisher=settings.report.publisher,
            extra=extra,
            findings=run.findings,
            answer=run.answer,
            rubric=effective_rubric(settings.review),
        )
        run.manifest = write_report(run.folder, manifest, render_report(manifest, settings.report))
        update_index(request.out_dir, run.manifest)


def _outcome(run: ReportRun) -> ReportOutcome:
    assert run.review is not None
    assert run.quality is not None
    labels = [v.label for v in run.verdicts]
    by_id = {d.doc_id: d for d in run.documents}
    return ReportOutcome(
        report_id=run.report_id,
        dir=run.folder,
        sources_found=len(run.documents),
        sources_used=len(run.used),
        claims=len(run.claims),
        verified=labels.count("supported"),
        contradicted=labels.count("contradicted"),
        score=run.review.score,
        tier=run.quality.tier,
        tier_basis=run.quality.basis,
        failures=run.failures,
        relevance=[
            {
                "title": by_id[r.doc_id].work.title,
                "score": r.score,
                "used": r.used,
                "reason": r.reason,
            }
            for r in run.relevance
        ],
        timings=run.timer.timings,
    )
