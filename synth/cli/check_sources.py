"""``synth check-sources``: re-check the cited sources of finished reports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from synth.cli._common import echo_json, get_settings, handle_errors

if TYPE_CHECKING:
    from synth.recheck.check import ReportCheck

_COLUMNS = ("report", "sources", "added", "status", "tier", "not checked")


def _change(before: str, after: str) -> str:
    return before if before == after else f"{before} -> {after}"


def _table(results: list[ReportCheck]) -> list[str]:
    rows = [_COLUMNS] + [
        (
            r.report_id,
            str(r.sources),
            str(len(r.added)),
            _change(r.status_before, r.status_after),
            _change(r.tier_before, r.tier_after),
            str(len({u.source for u in r.unchecked})),
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _details(r: ReportCheck) -> list[str]:
    lines = [
        f"{r.report_id}: + {a.kind} {a.source or ''} {a.notice or ''}".rstrip() for a in r.added
    ]
    lines += [
        f"{r.report_id}: not checked: {u.source} {u.identifier} via {u.service} ({u.reason})"
        for u in r.unchecked
    ]
    return lines


@click.command("check-sources")
@click.argument("reports", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--retraction-watch",
    "retraction_watch",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Retraction Watch CSV export; cited works are matched by DOI and by normalized title.",
)
@click.option("--offline", is_flag=True, help="Serve only from the cache; name what is unchecked.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one result per report.")
@click.pass_context
@handle_errors
def check_sources_cmd(
    ctx: click.Context,
    reports: tuple[Path, ...],
    retraction_watch: Path | None,
    offline: bool,
    as_json: bool,
) -> None:
    """Re-check the DOIs and arXiv ids of reports for retractions, corrections and new versions.

    REPORTS are report folders, manifest.json files, or a reports folder holding index.jsonl.
    New notices are appended as correction records (never edits), the status and tier follow,
    the report files are re-rendered and the index updated. Running it again adds nothing.
    Sources that could not be checked (offline, unreachable, no identifier) are listed; they do
    not change the exit status.
    """
    from synth.recheck.check import check_reports

    settings = get_settings(ctx, {"retrieve": {"offline": True}} if offline else None)
    results = check_reports(list(reports), settings, retraction_watch)
    if as_json:
        echo_json([r.model_dump(mode="json") for r in results])
        return
    for line in _table(results) + [d for r in results for d in _details(r)]:
        click.echo(line)


COMMANDS: list[click.Command] = [check_sources_cmd]
