"""The sandbox's wire format carries plain data only: exact builtins back, anything else refused."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synth.bench import plain_data

_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.complex_numbers(allow_nan=False)
    | st.text()
    | st.binary()
)
_hashable = st.recursive(
    _scalars, lambda inner: st.tuples(inner, inner) | st.frozensets(inner), max_leaves=8
)
_values = st.recursive(
    _hashable,
    lambda inner: (
        st.lists(inner)
        | st.tuples(inner, inner)
        | st.dictionaries(_hashable, inner)
        | st.sets(_hashable)
    ),
    max_leaves=30,
)


def _wire(value: Any) -> Any:
    line = plain_data.dump_line({"value": plain_data.encode(value)})
    return plain_data.decode(plain_data.load_line(line.rstrip(b"\n"))["value"])


@settings(max_examples=60, deadline=None)
@given(_values)
def test_plain_data_round_trips_exactly(value: Any) -> None:
    back = _wire(value)
    assert back == value
    assert type(back) is type(value)


def test_nan_infinities_and_big_ints_survive() -> None:
    nan, inf, big = _wire([math.nan, -math.inf, 7**9000])
    assert math.isnan(nan) and inf == -math.inf and big == 7**9000


def test_subclasses_arrive_as_their_builtin_base_without_their_methods() -> None:
    class Agreeable(int):
        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = int.__hash__

    class Named(tuple[int, int]):
        pass

    back = _wire([Agreeable(3), Named((1, 2)), True])
    assert [type(v) for v in back] == [int, tuple, bool]
    assert back[0] != 4


@pytest.mark.parametrize("value", [object(), lambda: 1, iter([1]), print, type("C", (), {})()])
def test_anything_else_is_refused_on_the_way_out(value: Any) -> None:
    with pytest.raises(ValueError, match="not plain data"):
        plain_data.encode(value)


@pytest.mark.parametrize(
    "data",
    [
        ["X", 1],
        ["I", 3],
        ["S", 3],
        ["N", None],
        ["L", "abc"],
        ["D", [[["L", []], ["N", 0]]]],  # a list as a dict key
        ["E", [["L", []]]],
        ["O", ["Node", ["D", []]]],  # objects only go to the sample
        ["K", "object"],
        {"I": "1"},
        ["F", "not hex"],
    ],
)
def test_malformed_values_are_refused_on_the_way_in(data: Any) -> None:
    with pytest.raises(ValueError, match=r"malformed|not a|bad|no class"):
        plain_data.decode(data)


def test_deep_nesting_huge_lines_and_nan_constants_are_refused() -> None:
    deep: Any = ["N", 0]
    for _ in range(plain_data.MAX_DEPTH + 5):
        deep = ["L", [deep]]
    with pytest.raises(ValueError, match="deeper"):
        plain_data.decode(deep)
    with pytest.raises(ValueError, match="JSON"):
        plain_data.load_line(b"[" * 200_000 + b"]" * 200_000)
    with pytest.raises(ValueError, match="JSON"):
        plain_data.load_line(b'{"value": ["F", NaN]}')
    with pytest.raises(ValueError, match="too large"):
        plain_data.load_line(b" " * (plain_data.MAX_LINE_BYTES + 1))
    with pytest.raises(ValueError, match="exceeds"):
        plain_data.dump_line({"value": "x" * plain_data.MAX_LINE_BYTES})
    assert json.loads(plain_data.dump_line({"a": 1})) == {"a": 1}


def test_objects_are_rebuilt_only_from_the_receivers_own_classes() -> None:
    class Node:
        def __init__(self, value: int, left: Node | None = None) -> None:
            self.value, self.left = value, left

    sent = plain_data.encode(Node(1, Node(2)), objects=True)
    back = plain_data.decode(sent, classes={"Node": Node})
    assert isinstance(back, Node) and isinstance(back.left, Node) and back.left.value == 2
    with pytest.raises(ValueError, match="no class"):
        plain_data.decode(sent, classes={})
