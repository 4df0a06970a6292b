"""The ``synth`` command line: a thin click group; each command lives in its own module."""

from __future__ import annotations

from pathlib import Path

import click

from synth import __version__
from synth.cli._common import CliState, setup_logging


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="synth")
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML file with settings (flags and SYNTH_* variables take precedence).",
)
@click.option("-v", "--verbose", count=True, help="More logging on stderr (-v info, -vv debug).")
@click.option("--debug", is_flag=True, envvar="SYNTH_DEBUG", help="Show tracebacks for errors.")
@click.pass_context
def main(ctx: click.Context, config: Path | None, verbose: int, debug: bool) -> None:
    """synth: find papers, extract claims, verify them against source text, and report."""
    ctx.obj = CliState(config=config, verbose=verbose, debug=debug)
    setup_logging(verbose)


def _register() -> None:
    # Imported here so each command module stays independent and `synth --help` stays cheap.
    from synth.cli import batch, bench, check_sources, fetch, manifest_cmds, report, verify

    for module in (report, batch, fetch, verify, manifest_cmds, bench, check_sources):
        for command in module.COMMANDS:
            main.add_command(command)
    from synth.cli.rubric import rubric_cmd

    main.add_command(rubric_cmd)


_register()
