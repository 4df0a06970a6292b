"""``synth rubric``: the review rubric a report's scores, dimensions and tier follow."""

from __future__ import annotations

import shutil

import click

from synth.cli._common import echo_json, get_settings, handle_errors


@click.command("rubric")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the rubric as JSON, with version and digest."
)
@click.pass_context
@handle_errors
def rubric_cmd(ctx: click.Context, as_json: bool) -> None:
    """Print the review rubric: reviewers, dimension rules and tier rules (with its digest)."""
    from synth.rubric import effective_rubric, format_rubric, rubric_digest, rubric_json

    # The rubric the review applies under these settings, so the digest is the manifest's.
    rubric = effective_rubric(get_settings(ctx).review)
    if as_json:
        echo_json(rubric_json(rubric))
        return
    width = min(shutil.get_terminal_size((100, 24)).columns, 100)
    click.echo(format_rubric(rubric, rubric_digest(rubric), width))


COMMANDS = [rubric_cmd]
