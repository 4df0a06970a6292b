"""Shared CLI plumbing: settings from the context, SynthError → exit codes, output helpers."""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import click
from pydantic import ValidationError

from synth.errors import InputError, SynthError
from synth.settings import Settings, load_settings

F = TypeVar("F", bound=Callable[..., Any])

_LOG_LEVELS = {0: logging.WARNING, 1: logging.INFO, 2: logging.DEBUG}


class CliState:
    """What the top-level group parsed: config path, verbosity, debug."""

    def __init__(self, config: Path | None, verbose: int, debug: bool) -> None:
        self.config = config
        self.verbose = verbose
        self.debug = debug


out_dir_option = click.option(
    "--out",
    "out_dir",
    default=Path("reports"),
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Reports folder (one sub-folder per report, plus index.jsonl).",
)


def get_settings(ctx: click.Context, overrides: dict[str, Any] | None = None) -> Settings:
    """Settings for this invocation: flags (overrides) > env > --config file > defaults."""
    state = ctx.find_object(CliState)
    config = state.config if state else None
    settings = load_settings(config=config, overrides=overrides)
    if state and state.debug:
        settings = settings.model_copy(update={"debug": True})
    return settings


def setup_logging(verbose: int) -> None:
    """Send logs to stderr at the level -v/-vv asks for."""
    level = _LOG_LEVELS.get(min(verbose, 2), logging.DEBUG)
    fmt = "%(levelname)s %(name)s: %(message)s"
    logging.basicConfig(level=level, format=fmt, stream=sys.stderr)
    # Third-party libraries log chatter at INFO/DEBUG; show it only with -vv.
    for noisy in ("bm25s", "sentence_transformers", "transformers", "faiss", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(level if verbose >= 2 else logging.WARNING)


class _SynthClickError(click.ClickException):
    """A ClickException carrying the SynthError's own exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.exit_code = code  # type: ignore[misc]  # click declares it on the class


def _invalid_input(exc: ValidationError) -> str:
    """One line for a request record the user's arguments did not satisfy."""
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or exc.title
    return f"invalid {field}: {first['msg'].removeprefix('Value error, ')}"


def handle_errors(func: F) -> F:
    """Map SynthError to a one-line message and its exit code (traceback only with --debug).

    A pydantic ValidationError that reaches a command comes from building a request record
    (ReportRequest, StatementRequest) out of its arguments: bad input, exit 2 like InputError.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            ctx = click.get_current_context(silent=True)
            state = ctx.find_object(CliState) if ctx else None
            if state and state.debug:
                raise
            raise click.UsageError(_invalid_input(exc)) from exc
        except SynthError as exc:
            ctx = click.get_current_context(silent=True)
            state = ctx.find_object(CliState) if ctx else None
            if state and state.debug:
                raise
            if isinstance(exc, InputError):
                raise click.UsageError(str(exc)) from exc
            raise _SynthClickError(str(exc), exc.exit_code) from exc

    return cast(F, wrapper)


def echo_json(data: Any) -> None:
    """Print one JSON document to stdout."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def is_interactive() -> bool:
    """True when stderr is a terminal (progress bars only then: quiet when piped)."""
    return sys.stderr.isatty()
