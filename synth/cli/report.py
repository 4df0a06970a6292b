"""`synth report`: one research question to a report folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from synth.cli._common import (
    echo_json,
    get_settings,
    handle_errors,
    json_option,
    out_dir_option,
    quiet_option,
)
from synth.cli.progress_display import open_progress
from synth.pipeline import ReportOutcome, run_report
from synth.records import ReportRequest


def _print_summary(outcome: ReportOutcome) -> None:
    click.echo(f"{outcome.report_id}  {outcome.tier}  review {outcome.score:.1f}/10")
    # The rule that decided the tier, from the review (its rubric owns the thresholds).
    click.echo(f"Why {outcome.tier}: {outcome.tier_basis.removeprefix(outcome.tier + ': ')}")
    click.echo(f"Sources used ({outcome.sources_used} of {outcome.sources_found}, relevance 0-1):")
    for row in outcome.relevance:
        if row["used"]:
            click.echo(f"  {row['score']:.2f}  {row['title']}")
    left_out = [r for r in outcome.relevance if not r["used"]]
    if left_out or outcome.failures:
        click.echo("Left out:")
    for row in left_out:
        click.echo(f"  {row['score']:.2f}  {row['title']} ({row['reason']})")
    if outcome.failures:  # each was warned about on stderr as it happened
        click.echo(f"  --    {len(outcome.failures)} input(s) unreadable (see the warnings)")
    click.echo(
        f"Claims: {outcome.claims} extracted, {outcome.verified} supported, "
        f"{outcome.contradicted} contradicted, "
        f"{outcome.claims - outcome.verified - outcome.contradicted} unverified"
    )
    click.echo(f"Report: {outcome.dir}")


def _json_summary(outcome: ReportOutcome) -> dict[str, Any]:
    return {
        "report_id": outcome.report_id,
        "dir": str(outcome.dir),
        "sources": outcome.sources_used,
        "sources_found": outcome.sources_found,
        "claims": outcome.claims,
        "verified": outcome.verified,
        "contradicted": outcome.contradicted,
        "score": outcome.score,
        "tier": outcome.tier,
        "tier_basis": outcome.tier_basis,
        "failures": [f.model_dump() for f in outcome.failures],
    }


@click.command("report")
@click.argument("question")
@click.option(
    "--corpus",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Folder of PDFs (recursive) or JSONL file of paper records. Repeatable.",
)
@click.option("--doi", "dois", multiple=True, help="Add a paper by DOI. Repeatable.")
@click.option("--arxiv", "arxiv_ids", multiple=True, help="Add a paper by arXiv id. Repeatable.")
@click.option(
    "--search/--no-search",
    default=None,
    help="Search scholarly APIs (default: only when no --corpus/--doi/--arxiv is given).",
)
@out_dir_option
@click.option("--offline", is_flag=True, default=None, help="Use only cached API responses.")
@click.option(
    "--attach-bench",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Attach a `synth bench run` results JSON as measured evidence.",
)
@click.option(
    "--writer",
    type=click.Choice(["extractive", "openai-compatible"]),
    default=None,
    help="Who writes the answer: synth's own sentences (default) or an OpenAI-compatible "
    "endpoint (SYNTH_SYNTHESIZE__WRITER_BASE_URL, __WRITER_MODEL, __WRITER_API_KEY); every "
    "generated sentence is checked by the verifier.",
)
@json_option
@quiet_option
@click.pass_context
@handle_errors
def report_command(
    ctx: click.Context,
    question: str,
    corpus: tuple[Path, ...],
    dois: tuple[str, ...],
    arxiv_ids: tuple[str, ...],
    search: bool | None,
    out_dir: Path,
    offline: bool | None,
    attach_bench: Path | None,
    writer: str | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Write a verified literature report for QUESTION into OUT/<report-id>/."""
    overrides: dict[str, Any] = {"retrieve": {"offline": True}} if offline else {}
    if writer:
        overrides["synthesize"] = {"writer": writer}
    settings = get_settings(ctx, overrides)
    request = ReportRequest(
        question=question,
        corpus=list(corpus),
        dois=list(dois),
        arxiv_ids=list(arxiv_ids),
        search=search,
        out_dir=out_dir,
        attach_bench=attach_bench,
    )
    with open_progress(quiet=quiet or as_json) as progress:
        outcome = run_report(request, settings, progress=progress)
    if as_json:
        echo_json(_json_summary(outcome))
    else:
        _print_summary(outcome)


COMMANDS: list[click.Command] = [report_command]
