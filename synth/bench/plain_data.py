"""A data-only wire format for call arguments and return values crossing the sandbox boundary.

Values become tagged JSON: ``[tag, payload]`` for None, bool, int, float, complex, str, bytes,
list, tuple, dict, set and frozenset, nothing else. Decoding builds exact builtin objects, so
a sample's return value arrives without its class: no ``__eq__``, ``__hash__`` or ``__repr__``
of the sample's making can reach the checker that compares it. Anything that is not well
formed (unknown tag, wrong payload type, too deep, too large) is refused with ``ValueError``.

One extension goes the other way only, checker to sample: an argument may be an instance of a
plain class that the test code built (MBPP's trees of ``Node``), sent as its class name and
attributes, and rebuilt in the sample's process from the class of that name that the sample's
program defines. The checker never decodes objects: return values stay plain data.

Standard library only: the sandbox's worker and checker load this file by path (they run as
``python -I`` scripts and cannot import synth).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

MAX_DEPTH = 64
MAX_LINE_BYTES = 16 * 1024 * 1024  # one message: a return value, or the arguments of one call

_SCALARS: dict[str, type] = {"T": bool, "S": str}
_CONTAINERS = {"L": list, "U": tuple, "E": set, "Z": frozenset}
# Builtin types themselves are data too (MBPP passes ``int`` to a filter); only these.
_TYPES: dict[str, type] = {
    kind.__name__: kind
    for kind in (bool, int, float, complex, str, bytes, list, tuple, dict, set, frozenset)
}


def _float(text: str) -> float:
    return float(_parsed(float.fromhex, text))


def _parsed(parse: Any, text: str) -> Any:
    try:
        return parse(text)
    except (ValueError, OverflowError):
        raise ValueError(f"malformed scalar {text[:40]!r}") from None


def encode(value: Any, depth: int = 0, objects: bool = False) -> Any:
    """``value`` as tagged JSON-ready data; ``ValueError`` for anything that is not plain data.

    With ``objects``, instances of plain classes go as ``["O", [class name, attributes]]``.
    """
    if depth > MAX_DEPTH:
        raise ValueError(f"value nested deeper than {MAX_DEPTH} levels")
    # Subclasses (IntEnum, namedtuple, Counter, a str with its own __eq__) go as their base type.
    if value is None:
        return ["N", 0]
    if isinstance(value, type) and _TYPES.get(value.__name__) is value:
        return ["K", value.__name__]
    if isinstance(value, bool):
        return ["T", value is True or bool(int(value))]
    if isinstance(value, int):
        return ["I", format(int.__index__(value), "x")]  # hex: no digit limit on the way back
    if isinstance(value, float):
        return ["F", float.hex(float(value))]
    if isinstance(value, complex):
        return ["C", [float.hex(value.real), float.hex(value.imag)]]
    if isinstance(value, str):
        return ["S", str.__str__(value)]
    if isinstance(value, (bytes, bytearray)):
        return ["B", bytes(value).hex()]
    if isinstance(value, dict):
        pairs = value.items()
        return [
            "D",
            [[encode(k, depth + 1, objects), encode(v, depth + 1, objects)] for k, v in pairs],
        ]
    for tag, kind in _CONTAINERS.items():
        if isinstance(value, kind):
            return [tag, [encode(item, depth + 1, objects) for item in value]]
    if objects and isinstance(getattr(value, "__dict__", None), dict):
        attrs = encode(dict(vars(value)), depth + 1, objects)
        return ["O", [type(value).__name__, attrs]]
    raise ValueError(f"a {type(value).__name__} is not plain data")


def decode(data: Any, depth: int = 0, classes: Mapping[str, Any] | None = None) -> Any:
    """Exact builtin objects from tagged data; ``ValueError`` for anything malformed.

    ``classes`` (the sample's side only) names the classes that objects are rebuilt from;
    without it an object is malformed.
    """
    if depth > MAX_DEPTH:
        raise ValueError(f"value nested deeper than {MAX_DEPTH} levels")
    if type(data) is not list or len(data) != 2 or type(data[0]) is not str:
        raise ValueError("not a [tag, payload] pair")
    tag, payload = data
    if tag == "N" and payload == 0 and type(payload) is int:
        return None
    if tag in _SCALARS and type(payload) is _SCALARS[tag]:
        return payload
    if tag == "K" and type(payload) is str and payload in _TYPES:
        return _TYPES[payload]
    if tag == "I" and type(payload) is str and len(payload) <= MAX_LINE_BYTES:
        return _parsed(lambda text: int(text, 16), payload)
    if tag == "F" and type(payload) is str:
        return _float(payload)
    if tag == "C" and type(payload) is list and len(payload) == 2:
        real, imag = payload
        if type(real) is str and type(imag) is str:
            return complex(_float(real), _float(imag))
    if tag == "B" and type(payload) is str:
        return _parsed(bytes.fromhex, payload)
    if tag == "O" and classes is not None:
        return _object(payload, depth, classes)
    if tag == "D" and type(payload) is list:
        pairs = [_pair(item, depth, classes) for item in payload]
        try:
            return dict(pairs)
        except TypeError as exc:  # an unhashable key
            raise ValueError(f"bad dict key: {exc}") from exc
    if tag in _CONTAINERS and type(payload) is list:
        items = [decode(item, depth + 1, classes) for item in payload]
        try:
            return _CONTAINERS[tag](items)
        except TypeError as exc:  # an unhashable set member
            raise ValueError(f"bad set member: {exc}") from exc
    raise ValueError(f"malformed value with tag {tag!r}")


def _pair(item: Any, depth: int, classes: Mapping[str, Any] | None) -> tuple[Any, Any]:
    if type(item) is not list or len(item) != 2:
        raise ValueError("a dict entry is not a [key, value] pair")
    return decode(item[0], depth + 1, classes), decode(item[1], depth + 1, classes)


def _object(payload: Any, depth: int, classes: Mapping[str, Any]) -> Any:
    if type(payload) is not list or len(payload) != 2 or type(payload[0]) is not str:
        raise ValueError("an object is not a [class name, attributes] pair")
    kind: Any = classes.get(payload[0])
    attrs = decode(payload[1], depth + 1, classes)
    if not isinstance(kind, type) or not isinstance(attrs, dict):
        raise ValueError(f"no class {payload[0]!r} to rebuild an argument from")
    builder: Any = kind  # the sample's own class, in the sample's own process
    instance = builder.__new__(builder)
    instance.__dict__.update(attrs)
    return instance


def dump_line(message: dict[str, Any]) -> bytes:
    """One message as a JSON line; ``ValueError`` past the size cap."""
    line = json.dumps(message, separators=(",", ":"), allow_nan=False).encode() + b"\n"
    if len(line) > MAX_LINE_BYTES:
        raise ValueError(f"message of {len(line)} bytes exceeds {MAX_LINE_BYTES}")
    return line


def load_line(line: bytes) -> dict[str, Any]:
    """A JSON object from one line; ``ValueError`` for anything else (garbage, NaN, depth)."""
    if len(line) > MAX_LINE_BYTES:
        raise ValueError("message too large")
    try:
        message = json.loads(line, parse_constant=_refuse_constant)
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ValueError(f"not a JSON message: {type(exc).__name__}") from None
    if not isinstance(message, dict):
        raise ValueError("not a JSON object")
    return message


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed on the wire")
