"""`synth batch` and `synth regenerate`: many reports, in parallel, skipping what is current."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from synth.batch import (
    Executor,
    JobResult,
    load_questions,
    load_regeneration_requests,
    run_batch,
)
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


def _executor_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--executor, --ray-address and --cache-dir, shared by batch and regenerate."""
    options = [
        click.option(
            "--executor",
            type=click.Choice(["pool", "ray"]),
            default="pool",
            show_default=True,
            help="Run jobs in a local process pool or on Ray actors (needs synth[ray]).",
        ),
        click.option(
            "--ray-address",
            metavar="ADDR",
            help="Ray cluster to join (default: RAY_ADDRESS, else a local Ray for the run).",
        ),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Cache and state folder for every worker (SYNTH_HOME); with Ray across "
            "machines, a folder on storage all of them mount at the same path.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _run(
    ctx: click.Context,
    requests: list[ReportRequest],
    options: dict[str, Any],
    failed: tuple[JobResult, ...] = (),
) -> None:
    executor: Executor = options["executor"]
    if options["ray_address"] and executor != "ray":
        raise click.UsageError("--ray-address needs --executor ray")
    cache_dir = options["cache_dir"]
    settings = get_settings(ctx, {"home": str(cache_dir.resolve())} if cache_dir else None)
    total = len(requests) + len(failed)
    _, on_result = _report_progress(total, quiet=options["as_json"] or not is_interactive())
    for result in failed:  # reports that could not become a request are listed, not dropped
        on_result(result)
    results = run_batch(
        requests,
        settings,
        workers=options["workers"],
        force=options["force"],
        on_result=on_result,
        executor=executor,
        ray_address=options["ray_address"],
    )
    _finish([*failed, *results], options["as_json"])


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
@_executor_options
@click.pass_context
@handle_errors
def batch_command(
    ctx: click.Context, /, questions: Path, corpus: tuple[Path, ...], out_dir: Path, **options: Any
) -> None:
    """Write a report for every question in QUESTIONS (one per line, or JSONL requests).

    Finished jobs are skipped on a rerun (a killed batch resumes); one batch at a time may
    write to an --out folder.
    """
    template = ReportRequest(question="template", corpus=list(corpus), out_dir=out_dir)
    _run(ctx, load_questions(questions, template), options)


@click.command("regenerate")
@click.argument("reports", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--workers", "-j", default=1, show_default=True, help="Parallel worker processes.")
@click.option("--force", is_flag=True, help="Rebuild reports whose inputs did not change.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON result per job.")
@_executor_options
@click.pass_context
@handle_errors
def regenerate_command(ctx: click.Context, /, reports: Path, **options: Any) -> None:
    """Rebuild every report under REPORTS whose sources, templates, settings or verifier changed.

    A manifest that cannot be read is reported with its reason and the exit status is 1; the
    other reports are still rebuilt.
    """
    requests, failed = load_regeneration_requests(reports)
    _run(ctx, requests, options, tuple(failed))


COMMANDS: list[click.Command] = [batch_command, regenerate_command]
