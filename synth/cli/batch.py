"""`synth batch` and `synth regenerate`: many reports, in parallel, skipping what is current."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from synth.batch import JobResult, load_questions, load_regeneration_requests, run_batch
from synth.cli._common import echo_json, get_settings, handle_errors, is_interactive, out_dir_option
from synth.records import ReportRequest

_SYMBOL = {"done": "✓", "skipped": "=", "failed": "✗"}


def _report_progress(
    total: int, quiet: bool
) -> tuple[list[JobResult], Callable[[JobResult], None]]:
    seen: list[JobResult] = []

    def on_result(result: JobResult) -> None:
        seen.append(result)
        if not quiet:
            detail = f" ({result.detail})" if result.detail else ""
            click.echo(
                f"[{len(seen)}/{total}] {_SYMBOL[result.status]} {result.report_id}{detail}",
                err=True,
            )

    return seen, on_result


def _finish(results: list[JobResult], as_json: bool) -> None:
    if as_json:
        echo_json([r.model_dump() for r in results])
    counts = {s: sum(r.status == s for r in results) for s in ("done", "skipped", "failed")}
    if not as_json:
        for r in results:
            tier = f"{r.tier} {r.score:.1f}/10" if r.tier and r.score is not None else r.detail
            click.echo(f"{_SYMBOL[r.status]} {r.report_id}  {tier}  {r.question[:70]}")
        click.echo(
            f"{counts['done']} written, {counts['skipped']} unchanged, {counts['failed']} failed"
        )
    if counts["failed"]:
        raise click.exceptions.Exit(1)


def _run(
    ctx: click.Context,
    requests: list[ReportRequest],
    workers: int,
    force: bool,
    as_json: bool,
    failed: tuple[JobResult, ...] = (),
) -> None:
    settings = get_settings(ctx)
    total = len(requests) + len(failed)
    _, on_result = _report_progress(total, quiet=as_json or not is_interactive())
    for result in failed:  # reports that could not become a request are listed, not dropped
        on_result(result)
    results = run_batch(requests, settings, workers=workers, force=force, on_result=on_result)
    _finish([*failed, *results], as_json)


@click.command("batch")
@click.argument("questions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--corpus",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Corpus for every question. Repeatable.",
)
@out_dir_option
@click.option("--workers", "-j", default=1, show_default=True, help="Parallel worker processes.")
@click.option("--force", is_flag=True, help="Rebuild reports whose inputs did not change.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON result per job.")
@click.pass_context
@handle_errors
def batch_command(
    ctx: click.Context,
    questions: Path,
    corpus: tuple[Path, ...],
    out_dir: Path,
    workers: int,
    force: bool,
    as_json: bool,
) -> None:
    """Write a report for every question in QUESTIONS (one per line, or JSONL requests)."""
    template = ReportRequest(question="template", corpus=list(corpus), out_dir=out_dir)
    _run(ctx, load_questions(questions, template), workers, force, as_json)


@click.command("regenerate")
@click.argument("reports", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--workers", "-j", default=1, show_default=True, help="Parallel worker processes.")
@click.option("--force", is_flag=True, help="Rebuild reports whose inputs did not change.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON result per job.")
@click.pass_context
@handle_errors
def regenerate_command(
    ctx: click.Context, reports: Path, workers: int, force: bool, as_json: bool
) -> None:
    """Rebuild every report under REPORTS whose sources, templates, settings or verifier changed.

    A manifest that cannot be read is reported with its reason and the exit status is 1; the
    other reports are still rebuilt.
    """
    requests, failed = load_regeneration_requests(reports)
    _run(ctx, requests, workers, force, as_json, tuple(failed))


COMMANDS: list[click.Command] = [batch_command, regenerate_command]
