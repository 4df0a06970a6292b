"""Tolerant reading of service bodies: a field of the wrong type reads as absent, never a crash.

Every service module reads decoded JSON only through these helpers, so ``"author": "x"`` where a
list was expected drops that field instead of raising AttributeError deep in a parser; a body
whose top level has the wrong shape becomes a RetrievalError of that service alone.
"""

from __future__ import annotations

from typing import Any

from synth.errors import RetrievalError
from synth.retrieve._http import HttpResponse


def obj(value: Any) -> dict[str, Any]:
    """The value when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def objs(value: Any) -> list[dict[str, Any]]:
    """The objects of a JSON array (other items skipped); empty when not an array."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def text(value: Any) -> str | None:
    """The value when it is a non-blank string, else None."""
    return value if isinstance(value, str) and value.strip() else None


def integer(value: Any) -> int | None:
    """The value when it is an integer (booleans are not), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def flag(value: Any) -> bool | None:
    """The value when it is a boolean, else None."""
    return value if isinstance(value, bool) else None


def first(value: Any) -> Any:
    """The first item of a non-empty JSON array, else None."""
    return value[0] if isinstance(value, list) and value else None


def kind_of(value: Any) -> str:
    """A JSON value's kind in words ("a list", "an object", ...)."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "null"


def require_object(service: str, data: Any, response: HttpResponse, what: str = "") -> None:
    """Raise RetrievalError naming the shape when a 200 body is not the JSON object expected."""
    if response.status == 200 and not isinstance(data, dict):
        where = f" for {what}" if what else ""
        raise RetrievalError(
            f"{service}: unexpected response shape{where}: {kind_of(data)} where an object "
            f"was expected ({response.url})",
            service,
            response.url,
            response.status,
        )
