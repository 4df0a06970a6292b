"""Manifest commands: ``synth schema``, ``validate``, ``correct`` and ``index``."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import click

from synth.cli._common import echo_json, get_settings, handle_errors, json_option
from synth.errors import ManifestError


@click.command("schema")
@handle_errors
def schema_cmd() -> None:
    """Print the JSON Schema of the report manifest (paper-manifest-v1.1)."""
    from synth.report.manifest import manifest_schema

    click.echo(json.dumps(manifest_schema(), indent=2, ensure_ascii=False))


@click.command("validate")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@json_option
@handle_errors
def validate_cmd(path: Path, as_json: bool) -> None:
    """Check a manifest.json (or a report folder's) against the schema; name the first error."""
    from synth.report.manifest import validate_manifest_file

    if path.is_dir():
        path = path / "manifest.json"
    validate_manifest_file(path)
    if as_json:
        echo_json({"valid": True, "path": str(path)})
    else:
        click.echo(f"valid: {path}")


def _split_claims(value: str | None) -> list[str]:
    return [c.strip().upper() for c in (value or "").split(",") if c.strip()]


@click.command("correct")
@click.argument("report_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(["correction", "withdrawal", "note"]),
    required=True,
    help="correction (status CORRECTED), withdrawal (WITHDRAWN) or note (status unchanged).",
)
@click.option("--reason", required=True, help="Why the report is corrected; printed in the report.")
@click.option("--claims", default=None, help="Affected claim ids, comma-separated (e.g. C1,C3).")
@json_option
@click.pass_context
@handle_errors
def correct_cmd(
    ctx: click.Context,
    report_dir: Path,
    kind: str,
    reason: str,
    claims: str | None,
    as_json: bool,
) -> None:
    """Append a correction record to a report and re-render its files (never edits old records)."""
    from synth.corrections import append_correction, user_correction
    from synth.report.manifest import load_manifest, update_index
    from synth.report.render import render_report, write_report

    settings = get_settings(ctx)
    path = report_dir / "manifest.json"
    if not path.is_file():
        raise ManifestError(f"{report_dir} holds no manifest.json; is it a report folder?")
    manifest = load_manifest(path)
    now = datetime.now(timezone.utc)
    record = user_correction(
        manifest.corrections,
        kind,  # type: ignore[arg-type]  # click.Choice restricts it to the three kinds
        reason,
        _split_claims(claims),
        [c.id for c in manifest.claims],
        now,
    )
    updated = manifest.model_copy(
        update={"corrections": append_correction(manifest.corrections, record), "updated_at": now}
    )
    final = write_report(report_dir, updated, render_report(updated, settings.report))
    if (report_dir.parent / "index.jsonl").exists():
        update_index(report_dir.parent, final)
    if as_json:
        echo_json(
            {
                "report_dir": str(report_dir),
                "kind": kind,
                "number": final.corrections.count,
                "status": final.corrections.status,
            }
        )
        return
    click.echo(
        f"recorded {kind} #{final.corrections.count} in {report_dir} "
        f"(status {final.corrections.status})"
    )


@click.command("index")
@click.argument("reports", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--rebuild", is_flag=True, help="Rewrite index.jsonl from every manifest.json.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@handle_errors
def index_cmd(reports: Path, rebuild: bool, as_json: bool) -> None:
    """Repair REPORTS/index.jsonl: restore missing or damaged lines from the reports' manifests.

    With --rebuild the index is written afresh from the manifests, dropping lines of folders that
    are gone. A manifest that cannot be indexed is named on stderr and the exit status is 1.
    """
    from synth.report.manifest import INDEX_NAME, rebuild_index, repair_index

    count, errors = rebuild_index(reports) if rebuild else repair_index(reports)
    for error in errors:
        click.echo(f"not indexed: {error}", err=True)
    done = "indexed" if rebuild else "restored"
    if as_json:
        echo_json({"index": str(reports / INDEX_NAME), done: count, "not_indexed": list(errors)})
    else:
        click.echo(f"{done} {count} reports in {reports / INDEX_NAME}")
    if errors:
        raise click.exceptions.Exit(1)


COMMANDS: list[click.Command] = [schema_cmd, validate_cmd, correct_cmd, index_cmd]
