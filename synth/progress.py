"""How long-running work tells its user where it is: stages, counts and warnings.

The pipeline talks to a ``Progress``; it never prints. The command line decides what the user
sees (bars on a terminal, plain lines in a pipe, nothing with ``--quiet``); library callers and
tests get ``NO_PROGRESS``, which does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class Progress(Protocol):
    """Receiver of stage changes, counted steps and warnings from a long-running command."""

    def stage(self, name: str, total: int | None = None) -> None:
        """A new step begins; ``total`` is how many items it will count, when known."""
        ...

    def advance(self, count: int = 1) -> None:
        """``count`` more items of the current step are done."""
        ...

    def warn(self, message: str) -> None:
        """Something the user should know now (an unreadable input, a failing service)."""
        ...


class SilentProgress:
    """A Progress that shows nothing: the default for library calls and tests."""

    def stage(self, name: str, total: int | None = None) -> None:
        """Ignore the stage."""

    def advance(self, count: int = 1) -> None:
        """Ignore the count."""

    def warn(self, message: str) -> None:
        """Ignore the warning."""


class StageCallbackProgress(SilentProgress):
    """Adapts a plain ``on_stage(name)`` callback (the older interface) to Progress."""

    def __init__(self, on_stage: Callable[[str], None]) -> None:
        self._on_stage = on_stage

    def stage(self, name: str, total: int | None = None) -> None:
        """Pass the stage name on."""
        self._on_stage(name)


NO_PROGRESS: Progress = SilentProgress()
