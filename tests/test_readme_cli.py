"""The README's CLI reference is the CLI's own --help text, so it cannot go stale.

To regenerate it after changing a command: ``UPDATE_README_CLI=1 python -m pytest
tests/test_readme_cli.py``.
"""

from __future__ import annotations

import os

import click
from click.testing import CliRunner

from synth.cli import main
from tests.conftest import REPO

README = REPO / "README.md"
HEADING = "## CLI reference"


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [path]
    for name in sorted(group.commands):
        cmd = group.commands[name]
        if getattr(cmd, "hidden", False):
            continue
        sub = (*path, name)
        out += _commands(cmd, sub) if isinstance(cmd, click.Group) else [sub]
    return out


def reference() -> str:
    """The CLI reference section: every command's --help, at 80 columns."""
    runner = CliRunner()
    parts = [f"{HEADING}\n\nGenerated from `synth COMMAND --help`.\n"]
    for path in _commands(main):
        result = runner.invoke(main, [*path, "--help"], prog_name="synth", env={"COLUMNS": "80"})
        assert result.exit_code == 0, (path, result.output)
        title = " ".join(("synth", *path))
        parts.append(f"### `{title}`\n\n```\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


def _section(text: str) -> tuple[int, int]:
    start = text.index(HEADING)
    end = text.find("\n## ", start + len(HEADING))
    return start, len(text) if end < 0 else end + 1


def test_readme_cli_reference_is_the_help_text() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = _section(text)
    want = reference()
    if os.environ.get("UPDATE_README_CLI"):
        tail = text[end:]
        README.write_text(text[:start] + want + ("\n" + tail if tail else ""), encoding="utf-8")
        text = README.read_text(encoding="utf-8")
        start, end = _section(text)
    assert text[start:end].rstrip("\n") == want.rstrip("\n"), (
        "README CLI reference is stale: UPDATE_README_CLI=1 python -m pytest tests/test_readme_cli.py"
    )
