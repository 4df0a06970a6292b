"""A failed command as the user reads it: the error, the input it concerns, and what to try."""

from __future__ import annotations

from typing import Any

import click

from synth.errors import (
    ModelError,
    NoSourcesError,
    OfflineMissError,
    ParseError,
    RetrievalError,
    SynthError,
)
from synth.gather import UNREACHABLE, brief_reason

NETWORK_HINT = "no network? use --corpus DIR or --offline"
OFFLINE_HINT = "run once without --offline to fill the cache, or use --corpus DIR"


def _unreachable(exc: SynthError) -> bool:
    if isinstance(exc, RetrievalError) and not isinstance(exc, OfflineMissError):
        return exc.status is None and ("connection failed" in str(exc) or "timed out" in str(exc))
    return isinstance(exc, NoSourcesError) and UNREACHABLE in str(exc)


def hint_for(exc: SynthError) -> str | None:
    """One thing to try next, for the errors where there is an obvious one."""
    if _unreachable(exc):
        return NETWORK_HINT
    if isinstance(exc, OfflineMissError):
        return OFFLINE_HINT
    if isinstance(exc, ModelError):
        return "set SYNTH_VERIFY__MODEL to a local model folder"
    return None


def _command_input(ctx: click.Context | None) -> str | None:
    """The value of the command's first argument (QUESTION, PATH, IDENTIFIERS...)."""
    if ctx is None:
        return None
    for param in ctx.command.params:
        if isinstance(param, click.Argument) and param.name:
            value = ctx.params.get(param.name)
            if isinstance(value, tuple | list):
                return " ".join(str(v) for v in value) or None
            return None if value is None else str(value)
    return None


def failure_record(exc: SynthError, ctx: click.Context | None) -> dict[str, Any]:
    """The JSON shape of an error: {"error", "input", "hint", "exit_code"}."""
    given: str | None = None
    if isinstance(exc, ParseError):
        given = exc.path
    elif isinstance(exc, RetrievalError):
        given = exc.url or exc.source or None
    return {
        "error": brief_reason(str(exc)) if isinstance(exc, RetrievalError) else str(exc),
        "input": given or _command_input(ctx),
        "hint": hint_for(exc),
        "exit_code": exc.exit_code,
    }
