"""`synth verify`: statements checked against their own local sources.

statements + local sources ─► gather ─► parse ─► verify, through the same document ids, caches
and verifier call (``verify_against``) as a report (``synth/pipeline.py``).
"""

from __future__ import annotations

from synth import gather
from synth.embed import CachedEmbedder, build_embedder
from synth.errors import NoSourcesError
from synth.records import (
    Claim,
    Document,
    StatementRequest,
    StatementResult,
    Verdict,
    VerifyOutcome,
    standalone_claim,
)
from synth.settings import Settings
from synth.timing import StageCallback, StageTimer


def verify_against(
    claims: list[Claim], documents: list[Document], embedder: CachedEmbedder, settings: Settings
) -> list[Verdict]:
    """The one call into the verifier: reports and ``synth verify`` share its index folder."""
    from synth.verify.verifier import verify_claims

    return verify_claims(claims, documents, embedder, settings.verify, settings.cache_dir("index"))


def statement_claim(statement: StatementRequest) -> Claim:
    """A statement as a claim of no document."""
    return standalone_claim(statement.statement_id, statement.text)


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
    verdicts = verify_against(
        [statement_claim(s) for s in statements], documents, embedder, settings
    )
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
    timer = StageTimer(on_stage)
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
