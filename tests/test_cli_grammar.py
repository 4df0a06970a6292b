"""One CLI grammar: help on every option, --json wherever a result is printed, --out for folders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
from click.testing import CliRunner

from synth.cli import main

# Commands whose whole output is already one JSON document.
_JSON_ONLY = {"synth schema"}


def _commands(group: click.Group, prefix: str = "synth") -> Iterator[tuple[str, click.Command]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            yield from _commands(command, path)
        else:
            yield path, command


def test_the_walk_sees_every_command() -> None:
    names = {path for path, _ in _commands(main)}
    assert {"synth report", "synth bench run", "synth cache clear", "synth validate"} <= names


def test_every_option_has_help_text() -> None:
    missing = [
        f"{path} {param.opts[0]}"
        for path, command in [("synth", main), *_commands(main)]
        for param in command.params
        if isinstance(param, click.Option) and not (param.help or "").strip()
    ]
    assert missing == []


def test_every_command_that_prints_a_result_takes_json() -> None:
    without = [
        path
        for path, command in _commands(main)
        if path not in _JSON_ONLY
        and not any("--json" in p.opts for p in command.params if isinstance(p, click.Option))
    ]
    assert without == []


def test_output_folders_are_chosen_with_out() -> None:
    for path, command in _commands(main):
        visible = [
            opt
            for p in command.params
            if isinstance(p, click.Option) and not p.hidden
            for opt in p.opts
        ]
        assert "--output" not in visible, path
    for args in (["bench", "run", "--help"], ["bench", "distill", "--help"]):
        shown = CliRunner().invoke(main, args)
        assert shown.exit_code == 0
        assert "--out " in shown.output
        assert "--output" not in shown.output  # the old spelling still works, unadvertised


def test_old_output_spelling_is_still_accepted(tmp_path: Path) -> None:
    for command in ("run", "distill"):
        result = CliRunner().invoke(
            main, ["bench", command, str(tmp_path / "missing.toml"), "--output", str(tmp_path)]
        )
        assert result.exit_code == 2
        assert "no such option" not in result.output.lower()
        assert "does not exist" in result.output  # the missing CONFIG is refused, not the flag
