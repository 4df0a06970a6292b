"""The checker: runs a problem's trusted tests against a sample that lives in another process.

Forked by the sandbox worker (``_worker.py``) beside each sample's process, it never runs a line
of the sample's text. It executes only dataset code: the reference program (prompt + canonical
solution), whose helper functions the tests call (HumanEval's ``encode_cyclic``, ``poly``):
taken from there rather than from the completion, a sample cannot redefine them; then the test,
with the entry point (and any other name the tests use that neither the reference nor the
tests define) bound to a proxy. A proxy call sends its arguments to the sample's process, which
calls its real function and answers with the return value in ``plain_data``'s format; the
checker compares and decides. The verdict goes to the worker on a pipe that the sample's
process never had, so whatever the sample writes anywhere can at most be a (wrong or right)
return value. Arguments a test mutates in place are not copied back: no HumanEval test relies
on that.

Standard library only, loaded by the worker by path; ``plain_data`` is handed in.
"""

from __future__ import annotations

import builtins
import os
import select
import time
from types import CodeType, ModuleType
from typing import Any

_MAX_MESSAGE = 300


class Broken(BaseException):
    """The sample's process broke the protocol: it exited, hung, flooded or wrote garbage.

    A BaseException, so that a test's ``except Exception`` cannot swallow it; the checker also
    remembers it, so that even a bare ``except:`` cannot turn it into a pass.
    """


class SampleRaised(Exception):
    """The sample's function raised an exception that is not a builtin one."""


def message_of(exc: BaseException) -> str:
    """An exception's text, capped, and never raising itself."""
    try:
        text = str(exc)
    except BaseException:
        text = type(exc).__name__
    return text[:_MAX_MESSAGE]


def write_all(fd: int, data: bytes) -> None:
    """Write every byte (pipes take large writes in parts)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class LineReader:
    """Lines from a descriptor, each at most ``limit`` bytes, within an optional deadline."""

    def __init__(self, fd: int, limit: int) -> None:
        self.fd, self.limit, self._buf = fd, limit, b""

    def line(self, deadline: float | None = None) -> bytes:
        """The next line; raises Broken on EOF, on a line past the limit or past the deadline."""
        while b"\n" not in self._buf:
            if len(self._buf) > self.limit:
                raise Broken("failed: the sample flooded its reply pipe")
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not select.select([self.fd], [], [], remaining)[0]:
                    raise Broken("timed out")
            try:
                chunk = os.read(self.fd, 1 << 20)
            except OSError as exc:
                raise Broken(f"failed: reply pipe: {exc}") from None
            if not chunk:
                raise Broken("failed: the sample's process ended")
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        if len(line) > self.limit:
            raise Broken("failed: the sample flooded its reply pipe")
        return line


class Channel:
    """The checker's end of the call pipes to one sample's process."""

    def __init__(self, wire: ModuleType, fds: tuple[int, int], deadline: float) -> None:
        self.wire = wire
        self.call_fd, self.deadline = fds[0], deadline
        self.replies = LineReader(fds[1], wire.MAX_LINE_BYTES)
        self.broken: Broken | None = None

    def receive(self) -> dict[str, Any]:
        """The sample's next message as a JSON object; Broken (remembered) otherwise."""
        try:
            if self.broken is not None:
                raise self.broken
            try:
                return dict(self.wire.load_line(self.replies.line(self.deadline)))
            except ValueError as exc:
                raise Broken(f"failed: the sample broke the protocol ({exc})") from None
        except Broken as exc:
            self.broken = exc
            raise

    def call(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Call ``name`` in the sample's process; its return value, rebuilt as plain data."""
        if self.broken is not None:
            raise self.broken
        # Arguments that are not plain data are the test's doing: an ordinary failure.
        request = {
            "call": name,
            "args": self.wire.encode(list(args), objects=True),
            "kwargs": self.wire.encode(kwargs, objects=True),
        }
        try:
            write_all(self.call_fd, self.wire.dump_line(request))
        except OSError:
            self.broken = Broken("failed: the sample's process ended")
            raise self.broken from None
        reply = self.receive()
        if set(reply) == {"value"}:
            try:
                return self.wire.decode(reply["value"])
            except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
                self.broken = Broken(f"failed: the sample's return value is not plain data: {exc}")
                raise self.broken from None
        raised: Any = reply.get("raised")
        if set(reply) == {"raised"} and _is_pair_of_str(raised):
            raise _rebuilt(raised[0], raised[1])
        self.broken = Broken("failed: the sample broke the protocol (unknown reply)")
        raise self.broken


class _Verbatim(str):
    """A str whose repr is itself."""

    def __repr__(self) -> str:
        return str(self)


def _is_pair_of_str(value: Any) -> bool:
    return type(value) is list and len(value) == 2 and all(type(v) is str for v in value)


def _rebuilt(name: str, text: str) -> Exception:
    # A builtin exception class keeps tests that expect, say, a ValueError working; the name
    # only selects a class that exists here, and the text is capped.
    kind = getattr(builtins, name, None)
    text = text[:_MAX_MESSAGE]
    if isinstance(kind, type) and issubclass(kind, Exception):
        try:
            # KeyError shows its argument's repr: the text is that already.
            return kind(_Verbatim(text) if issubclass(kind, KeyError) else text)
        except Exception:
            pass  # a class that wants other arguments (UnicodeDecodeError, say)
    return SampleRaised(f"{name[:80]}: {text}")


def _proxy(channel: Channel, name: str) -> Any:
    def candidate(*args: Any, **kwargs: Any) -> Any:
        return channel.call(name, args, kwargs)

    candidate.__name__ = candidate.__qualname__ = name
    return candidate


def _names(code: CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, CodeType):
            names |= _names(const)
    return names


def _run_tests(channel: Channel, check: dict[str, Any], codes: tuple[CodeType, CodeType]) -> None:
    helpers, test = codes
    entry = str(check["entry_point"])
    namespace: dict[str, Any] = {"__name__": "__checker__"}
    exec(helpers, namespace)  # the reference program: trusted dataset code
    namespace[entry] = _proxy(channel, entry)
    exec(test, namespace)  # the test: trusted dataset code
    # Names the tests use that neither the reference nor the tests define go to the sample.
    for name in _names(test) - namespace.keys() - set(dir(builtins)):
        namespace[name] = _proxy(channel, name)
    namespace[str(check["check_fn"])](namespace[entry])


def decide(
    wire: ModuleType,
    fds: tuple[int, int],
    deadline: float,
    check: dict[str, Any] | None,
    codes: tuple[CodeType, CodeType] | None,
) -> dict[str, Any]:
    """The verdict on one sample: wait until it has loaded, then run the tests against it."""
    channel = Channel(wire, fds, deadline)
    status, result = "failed", "failed: the checker did not finish"
    try:
        loaded = channel.receive()
        if loaded.keys() == {"loaded", "error"} and isinstance(loaded["error"], str):
            text = loaded["error"][:_MAX_MESSAGE]  # the sample's own words, and only a failure
            return {"status": "failed", "result": f"failed: {text}", "sample_gone": False}
        if loaded != {"loaded": True}:
            channel.broken = Broken("failed: the sample broke the protocol (not loaded)")
            raise channel.broken
        if check is not None and codes is not None:
            _run_tests(channel, check, codes)
        status, result = "passed", "passed"
    except BaseException as exc:
        status, result = "failed", f"failed: {message_of(exc)}"
    if channel.broken is not None:
        # Whatever the tests made of it (a bare except, say), a broken protocol is a failure.
        result = str(channel.broken) or "failed"
        status = "timed out" if result == "timed out" else "failed"
    gone = channel.broken is not None and "process ended" in result
    return {"status": status, "result": result, "sample_gone": gone}
