"""``synth verify``: check claims against local sources, as a report verifies its claims."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from synth.cli._common import get_settings, handle_errors, quiet_option
from synth.cli.progress_display import open_progress, stderr_is_terminal
from synth.errors import InputError, SynthError
from synth.records import StatementRequest, Verdict
from synth.statements import verify_statements

# StatementRequest's fields under the names a claims file uses.
_KEYS = {"statement_id": "id", "text": "claim", "sources": "sources"}


def _reason(exc: ValidationError) -> str:
    first = exc.errors()[0]
    loc = [_KEYS.get(str(part), str(part)) for part in first["loc"]]
    return f"{'.'.join(loc) or 'line'}: {first['msg'].removeprefix('Value error, ')}"


def read_claims_file(path: Path) -> list[StatementRequest]:
    """Lines of a claims JSONL file, each {"id", "claim", "sources"}, checked line by line."""
    statements: list[StatementRequest] = []
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the claims file ({exc.strerror or exc})") from exc
    for n, data in enumerate(raw.removeprefix(b"\xef\xbb\xbf").split(b"\n"), start=1):
        try:
            line = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}:{n}: cannot read as UTF-8 (byte 0x{data[exc.start]:02x} at column "
                f"{exc.start + 1})"
            ) from exc
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            # Ids may be numbers; claim and sources must already be a string and a list.
            statement = StatementRequest(
                statement_id=str(row["id"]), text=row["claim"], sources=row["sources"]
            )
        except ValidationError as exc:
            raise InputError(f"{path}:{n}: {_reason(exc)}") from exc
        except RecursionError as exc:
            raise InputError(f"{path}:{n}: invalid JSON (nested too deeply)") from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{n}: expected {{id, claim, sources}} ({exc})") from exc
        if any(s.statement_id == statement.statement_id for s in statements):
            raise InputError(f"{path}:{n}: duplicate id {statement.statement_id!r}")
        statements.append(statement)
    if not statements:
        raise InputError(f"{path}: no claims in the file")
    return statements


def _statements(
    claim: str | None, sources: tuple[str, ...], claims_file: Path | None
) -> list[StatementRequest]:
    if (claim is None) == (claims_file is None):
        raise InputError("give either a CLAIM with --source, or --claims FILE.jsonl")
    if claims_file is not None:
        return read_claims_file(claims_file)
    if not sources:
        raise InputError("a CLAIM needs at least one --source")
    if not str(claim).strip():
        raise InputError("CLAIM is empty: give the sentence to check")
    return [StatementRequest(statement_id="C1", text=str(claim), sources=list(sources))]


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
                "stance": e.stance,
                "note": e.note,
            }
            for e in verdict.evidence
        ],
    }


def _print_human(result: dict[str, Any]) -> None:
    click.echo(f"{result['id']}  {result['verdict']}  (confidence {result['confidence']:.2f})")
    for ev in result["evidence"]:
        where = f"{ev['source']} p.{ev['page']} {ev['stance']} score {ev['score']:.2f}"
        click.echo(f"  [{where}] {ev['text']}")
        if ev["note"]:
            click.echo(f"    note: {ev['note']}")


@click.command("verify")
@click.argument("claim", required=False)
@click.option(
    "--source",
    "sources",
    multiple=True,
    help="PDF, .txt or JSONL file, or folder of PDFs, to check against (repeatable).",
)
@click.option(
    "--claims",
    "claims_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='JSONL, one {"id", "claim", "sources"} per line; prints one JSON line per claim.',
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@quiet_option
@click.pass_context
@handle_errors
def verify_cmd(
    ctx: click.Context,
    claim: str | None,
    sources: tuple[str, ...],
    claims_file: Path | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Verify CLAIM against --source documents, or every claim in --claims FILE.jsonl.

    Sources are read, cached and indexed exactly as `synth report` reads a corpus; a source
    that cannot be read is reported on stderr and the others are still used.
    """
    statements = _statements(claim, sources, claims_file)
    settings = get_settings(ctx)
    # Stage names only on a terminal: piped, verify prints its verdicts and nothing else.
    quiet = quiet or as_json or claims_file is not None or not stderr_is_terminal()
    with open_progress(quiet=quiet) as progress:
        outcome = verify_statements(statements, settings, on_stage=progress.stage)
    for failure in outcome.failures:
        click.echo(f"warning: {failure.input}: {failure.reason}", err=True)
    for result in outcome.results:
        if result.verdict is None:
            click.echo(f"error: {result.statement_id}: {result.reason}", err=True)
        elif as_json or claims_file:
            click.echo(json.dumps(to_output(result.verdict, outcome.sources), ensure_ascii=False))
        else:
            _print_human(to_output(result.verdict, outcome.sources))
    unchecked = sum(r.verdict is None for r in outcome.results)
    if unchecked:
        raise SynthError(f"{unchecked} of {len(outcome.results)} claims had no readable source")


COMMANDS: list[click.Command] = [verify_cmd]
