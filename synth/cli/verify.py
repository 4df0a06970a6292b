"""``synth verify``: check claims against source documents (PDF or plain text)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click

from synth.cli._common import get_settings, handle_errors
from synth.errors import InputError, SynthError
from synth.records import Claim, Document, Passage, Retrieval, Verdict, Work
from synth.settings import Settings

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")


def text_document(path: Path) -> Document:
    """A plain-text file as a Document: one passage per sentence (simple punctuation split)."""
    raw = path.read_bytes()
    text = re.sub(r"\s+", " ", raw.decode("utf-8", errors="replace")).strip()
    passages, pos = [], 0
    for idx, sentence in enumerate(s for s in _SENTENCE_END.split(text) if s.strip()):
        start = text.index(sentence, pos)
        pos = start + len(sentence)
        passages.append(
            Passage(
                idx=idx,
                text=sentence,
                page=1,
                section="text",
                section_kind="body",
                char_start=start,
                char_end=pos,
            )
        )
    digest = hashlib.sha256(raw).hexdigest()
    retrieval = Retrieval(
        service="local",
        url=path.resolve().as_uri(),
        retrieved_at=datetime.now(timezone.utc),
        sha256=digest,
    )
    return Document(
        doc_id=digest[:16],
        work=Work(title=path.stem, doi=None, arxiv_id=None),
        text_level="fulltext",
        retrieval=retrieval,
        text=text,
        passages=passages,
        page_count=1,
    )


def load_source(source: str, settings: Settings) -> Document:
    """Read one --source: a PDF (through synth.parse) or a .txt file; identifiers are refused."""
    path = Path(source).expanduser()
    if not path.is_file():
        raise InputError(
            f"{source}: not a file. Identifiers (DOI, arXiv) need the retrieval stage; "
            "pass a PDF or .txt path"
        )
    if path.suffix.lower() == ".pdf":
        from synth.parse.pdf import parse_pdf

        return parse_pdf(path, settings.parse)
    return text_document(path)


def read_claims_file(path: Path) -> list[dict[str, Any]]:
    """Lines of a claims JSONL file, each {"id", "claim", "sources"}, checked."""
    jobs = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            jobs.append(
                {
                    "id": str(row["id"]),
                    "claim": str(row["claim"]),
                    "sources": [str(s) for s in row["sources"]],
                }
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{n}: expected {{id, claim, sources}} ({exc})") from exc
    return jobs


def run_jobs(jobs: list[dict[str, Any]], settings: Settings) -> list[dict[str, Any]]:
    """Verify every job with one embedder; one result dict per job, in order."""
    from synth.embed import build_embedder
    from synth.verify.verifier import verify_claims

    embedder = build_embedder(settings)
    docs: dict[str, Document] = {}
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, job in enumerate(jobs):
        for source in job["sources"]:
            if source not in docs:
                docs[source] = load_source(source, settings)
        groups.setdefault(tuple(job["sources"]), []).append(i)
    results: dict[int, dict[str, Any]] = {}
    for key, idxs in groups.items():
        # One evidence index per distinct source set, shared by all its claims.
        claims = [_to_claim(jobs[i]) for i in idxs]
        chosen = [docs[s] for s in key]
        verdicts = verify_claims(
            claims, chosen, embedder, settings.verify, settings.cache_dir("verify")
        )
        names = {docs[s].doc_id: s for s in key}
        results.update({i: to_output(v, names) for i, v in zip(idxs, verdicts, strict=True)})
    embedder.close()
    return [results[i] for i in range(len(jobs))]


def _to_claim(job: dict[str, Any]) -> Claim:
    # A claim typed by the user belongs to no document; its text alone marks its own sentence.
    return Claim(
        claim_id=job["id"],
        text=job["claim"],
        doc_id="",
        passage_idx=-1,
        page=0,
        section="",
        char_start=0,
        char_end=len(job["claim"]),
        relevance=1.0,
        kind="finding",
    )


def to_output(verdict: Verdict, names: dict[str, str]) -> dict[str, Any]:
    """The command's JSON shape for one verdict."""
    return {
        "id": verdict.claim_id,
        "verdict": verdict.label,
        "confidence": round(verdict.confidence, 4),
        "evidence": [
            {
                "source": names.get(e.doc_id, e.doc_id),
                "page": e.page,
                "text": e.text,
                "score": round(e.score, 4),
            }
            for e in verdict.evidence
        ],
    }


def _print_human(result: dict[str, Any]) -> None:
    click.echo(f"{result['id']}  {result['verdict']}  (confidence {result['confidence']:.2f})")
    for ev in result["evidence"]:
        click.echo(f"  [{ev['source']} p.{ev['page']} score {ev['score']:.2f}] {ev['text']}")


@click.command("verify")
@click.argument("claim", required=False)
@click.option(
    "--source", "sources", multiple=True, help="PDF or .txt file to check against (repeatable)."
)
@click.option(
    "--claims",
    "claims_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='JSONL, one {"id", "claim", "sources"} per line; prints one JSON line per claim.',
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.pass_context
@handle_errors
def verify_cmd(
    ctx: click.Context,
    claim: str | None,
    sources: tuple[str, ...],
    claims_file: Path | None,
    as_json: bool,
) -> None:
    """Verify CLAIM against --source documents, or every claim in --claims FILE.jsonl."""
    if (claim is None) == (claims_file is None):
        raise InputError("give either a CLAIM with --source, or --claims FILE.jsonl")
    if claim is not None and not sources:
        raise InputError("a CLAIM needs at least one --source")
    settings = get_settings(ctx)
    jobs = (
        read_claims_file(claims_file)
        if claims_file
        else [{"id": "C1", "claim": claim, "sources": list(sources)}]
    )
    try:
        results = run_jobs(jobs, settings)
    except ImportError as exc:  # synth.parse not installed yet in this build
        raise SynthError(f"PDF reading is unavailable: {exc}") from exc
    for result in results:
        if as_json or claims_file:
            click.echo(json.dumps(result, ensure_ascii=False))
        else:
            _print_human(result)


COMMANDS: list[click.Command] = [verify_cmd]
