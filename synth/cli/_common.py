"""Shared CLI plumbing: settings from the context, SynthError → exit codes, output helpers."""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import click
from pydantic import ValidationError

from synth.cli.failure import failure_record
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


json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print the result (or the error) as JSON on stdout."
)

quiet_option = click.option(
    "-q", "--quiet", is_flag=True, help="No progress on stderr (warnings are still shown)."
)

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
    """Send logs to stderr at the level -v/-vv asks for; none at the default verbosity.

    At the default verbosity what the user must know arrives as a warning through the command's
    progress (once, as it happens), so logger lines would repeat it; -v shows the raw log.
    """
    if verbose <= 0:
        # The level sits on the handler too: a library that sets its own logger to DEBUG
        # (bm25s does) would otherwise still reach stderr through the root handler.
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.ERROR)
        handler.setFormatter(logging.Formatter("error: %(message)s"))
        logging.basicConfig(level=logging.ERROR, handlers=[handler])
        # transformers reads this when it is first imported; its notices are not for users.
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        warnings.filterwarnings("ignore", module=r"(transformers|sentence_transformers|torch)\b")
        return
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


def _debugging() -> bool:
    ctx = click.get_current_context(silent=True)
    state = ctx.find_object(CliState) if ctx else None
    return bool(state and state.debug)


def _fail_as_json(exc: SynthError, message: str | None = None) -> click.exceptions.Exit:
    """Print the error record on stdout; the caller raises the returned Exit."""
    ctx = click.get_current_context(silent=True)
    record = failure_record(exc, ctx)
    if message is not None:
        record["error"] = message
    echo_json(record)
    return click.exceptions.Exit(record["exit_code"])


def handle_errors(func: F) -> F:
    """Map SynthError to a one-line message (plus a hint) and its exit code.

    Tracebacks only with --debug. With the command's --json the error is a JSON record on
    stdout instead: {"error", "input", "hint", "exit_code"}. A pydantic ValidationError that
    reaches a command comes from building a request record (ReportRequest, StatementRequest)
    out of its arguments: bad input, exit 2 like InputError.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_json = bool(kwargs.get("as_json"))
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            if _debugging():
                raise
            if as_json:
                raise _fail_as_json(InputError(_invalid_input(exc))) from exc
            raise click.UsageError(_invalid_input(exc)) from exc
        except SynthError as exc:
            if _debugging():
                raise
            if as_json:
                raise _fail_as_json(exc) from exc
            if isinstance(exc, InputError):
                raise click.UsageError(str(exc)) from exc
            record = failure_record(exc, click.get_current_context(silent=True))
            hint = f"; hint: {record['hint']}" if record["hint"] else ""
            raise _SynthClickError(f"{record['error']}{hint}", exc.exit_code) from exc

    return cast(F, wrapper)


def echo_json(data: Any) -> None:
    """Print one JSON document to stdout."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def is_interactive() -> bool:
    """True when stderr is a terminal (progress bars only then: quiet when piped)."""
    return sys.stderr.isatty()
