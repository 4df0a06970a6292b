"""What the user sees while a command works: rich bars on a terminal, plain lines in a pipe.

Both implement ``synth.progress.Progress``; ``open_progress`` picks one for this invocation.
Everything goes to stderr, so stdout carries only the command's result.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from synth.progress import Progress

# What each counted stage counts, for "3/11 files" and "42.0 files/s".
_UNITS = {
    "parse": "files",
    "embed": "passages",
    "fetch": "papers",
    "resolve": "ids",
}


class _Warnings:
    """Prints each distinct warning once, as it happens."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def fresh(self, message: str) -> bool:
        """True the first time ``message`` is seen."""
        if message in self._seen:
            return False
        self._seen.add(message)
        return True


class LineProgress:
    """One plain line per stage on stderr; for pipes, logs and dumb terminals."""

    def __init__(self, show_stages: bool = True) -> None:
        self._show_stages = show_stages
        self._warnings = _Warnings()

    def stage(self, name: str, total: int | None = None) -> None:
        """Print the stage name, with its count when known."""
        if self._show_stages:
            unit = _UNITS.get(name, "items")
            click.echo(f"… {name}" + (f" ({total} {unit})" if total else ""), err=True)

    def advance(self, count: int = 1) -> None:
        """Counts are not printed line by line."""

    def warn(self, message: str) -> None:
        """Print the warning now (once)."""
        if self._warnings.fresh(message):
            click.echo(f"warning: {message}", err=True)


class RichProgress:
    """A live bar with n/N, rate and ETA on the terminal, refreshed four times a second."""

    def __init__(self, bars: Any) -> None:
        self._bars = bars
        self._task = bars.add_task("start", total=None, unit="items")
        self._warnings = _Warnings()

    def stage(self, name: str, total: int | None = None) -> None:
        """Show the new stage on the bar, its counts (if any) from zero."""
        # A fresh task, not reset(): reset cannot take a count away from an uncounted stage.
        self._bars.remove_task(self._task)
        self._task = self._bars.add_task(name, total=total or None, unit=_UNITS.get(name, "items"))

    def advance(self, count: int = 1) -> None:
        """Move the bar."""
        self._bars.advance(self._task, count)

    def warn(self, message: str) -> None:
        """Print the warning above the bar now (once)."""
        if self._warnings.fresh(message):
            self._bars.console.print(f"warning: {message}", markup=False, highlight=False)


def _rich_bars(console: Any) -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        ProgressColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.progress import Progress as Bars
    from rich.text import Text

    class CountColumn(ProgressColumn):
        """'3/11 files  2.1 files/s  ETA 0:04' for a counted stage; nothing otherwise."""

        def render(self, task: Any) -> Text:
            if task.total is None:
                return Text("")
            unit = task.fields.get("unit", "items")
            parts = [f"{task.completed:.0f}/{task.total:.0f} {unit}"]
            if task.speed:
                parts.append(f"{task.speed:.1f} {unit}/s")
            if task.time_remaining is not None and not task.finished:
                minutes, seconds = divmod(int(task.time_remaining), 60)
                parts.append(f"ETA {minutes}:{seconds:02d}")
            return Text("  ".join(parts))

    return Bars(
        SpinnerColumn(),
        TextColumn("{task.description:<8}"),
        BarColumn(bar_width=24),
        CountColumn(),
        TimeElapsedColumn(),
        console=console or Console(stderr=True),
        transient=True,  # the bar goes when the command ends; the result stays
        refresh_per_second=4,
    )


def stderr_is_terminal() -> bool:
    """True when stderr is an interactive terminal that can redraw a bar."""
    import os

    return sys.stderr.isatty() and os.environ.get("TERM", "") != "dumb"


@contextmanager
def open_progress(quiet: bool = False, console: Any = None) -> Iterator[Progress]:
    """The Progress for this command: bars on a terminal, lines otherwise, stages off if quiet.

    Warnings are shown even with ``quiet``: they say an input was not used. A rich ``console``
    (a terminal of the caller's choosing) always gets bars.
    """
    if quiet:
        yield LineProgress(show_stages=False)
        return
    if console is None and not stderr_is_terminal():
        yield LineProgress()
        return
    bars = _rich_bars(console)
    with bars:
        yield RichProgress(bars)
