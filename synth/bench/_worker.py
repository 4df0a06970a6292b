"""Warm sandbox worker: reads one JSON request per line, forks a limited child per program.

Run as a script (``python -I -B _worker.py CONFIG_JSON``), inside bubblewrap or not; it imports
only the standard library (and its siblings ``_checker.py`` and ``plain_data.py``, by path) so
that it starts fast and needs nothing from synth. Each sample's child gets its own session, a
fresh scratch directory, resource limits, (when the worker runs as root) an unprivileged uid and,
in the weaker mode, Landlock (writes only beneath scratch), seccomp and Python-level guards;
whatever it leaves behind is killed and deleted before the reply is sent.

The verdict is never the sample's to give: a second child, the checker, runs the problem's
trusted tests with the entry point bound to a proxy that calls into the sample's child over a
pipe and gets plain data back (see ``_checker.py``). The checker reports to the worker on a
pipe made after the sample's child was forked, so the sample never holds it.
"""

from __future__ import annotations

# The F401 imports are modules samples commonly use: loaded once here, warm in every fork.
import array  # noqa: F401
import bisect  # noqa: F401
import cmath  # noqa: F401
import collections  # noqa: F401
import contextlib
import copy  # noqa: F401
import ctypes
import datetime  # noqa: F401
import decimal  # noqa: F401
import fractions  # noqa: F401
import functools  # noqa: F401
import gc
import hashlib  # noqa: F401
import heapq  # noqa: F401
import importlib.util
import itertools  # noqa: F401
import json
import math  # noqa: F401
import operator  # noqa: F401
import os
import random  # noqa: F401
import re  # noqa: F401
import resource
import select
import shutil
import signal
import statistics  # noqa: F401
import string  # noqa: F401
import sys
import tempfile
import time
import typing  # noqa: F401
from types import CodeType, ModuleType
from typing import Any

_PR_SET_CHILD_SUBREAPER = 36
_PR_SET_DUMPABLE = 4
_CAPABILITY_V3 = 0x20080522
_MAX_REPLY = 65536
_VERDICT_GRACE_S = 1.0  # past the sample's limit, for the checker to say "timed out" itself
_CODE_CACHE = 512  # compiled prompts and tests: every sample of a problem shares them
_MAX_FD = 1 << 20
_MAX_PARENT_COMPILE = 256 * 1024  # characters; larger programs compile in the limited child
_counter = 0  # names scratch folders; the worker handles one sample at a time


def _set_subreaper() -> None:
    # Orphaned grandchildren (double forks, setsid daemons) are re-parented to us: we can kill them.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", "rb") as handle:
            return [int(x) for x in handle.read().split()]
    except OSError:
        pass  # kernels without CONFIG_PROC_CHILDREN: scan every process
    found: list[int] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name may contain spaces and parentheses; fields resume after the last ')'.
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            found.append(int(entry))
    return found


def _reap_all() -> None:
    me = os.getpid()
    for _ in range(200):
        kids = _children(me)
        if not kids:
            break
        for kid in kids:
            with contextlib.suppress(OSError):
                os.kill(kid, signal.SIGKILL)
        for kid in kids:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(kid, 0)
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _count_own_processes() -> int:
    uid = os.getuid()
    count = 0
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and os.stat(f"/proc/{entry}").st_uid == uid:
                count += 1
        except OSError:
            continue
    return count


def _limit(memory_mb: int, timeout: float, nproc: int | None) -> None:
    mem = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    cpu = int(timeout) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024 * 1024,) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    if nproc is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))


def _process_budget(uid: int) -> int | None:
    """RLIMIT_NPROC for children: counted once at start, since scanning /proc per sample is slow."""
    if uid >= 0:
        return 32  # a fresh uid owns nothing else
    if os.geteuid() == 0:
        return None  # the kernel does not apply RLIMIT_NPROC to root
    return _count_own_processes() + 64


def _sibling(name: str) -> ModuleType:
    """A module beside this file, loaded by path: ``python -I`` keeps this folder off sys.path."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"_synth_sandbox_{name}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_wire = _sibling("plain_data")
_check = _sibling("_checker")
_confine = _sibling("_confine")
_landlock = _sibling("_landlock")
_compiled: dict[tuple[str, str], tuple[CodeType, CodeType]] = {}


def _message(exc: BaseException) -> str:
    return str(_check.message_of(exc))


def _precompile(program: str) -> CodeType | str:
    """Compile here, in the warm worker, where it is cheap; a child would fault in fresh pages.

    Compiling runs none of the sample's code. Very large programs are compiled in the child,
    where limits apply. Returns the code, or the failure message for a program that does not
    compile.
    """
    if len(program) > _MAX_PARENT_COMPILE:
        return compile("pass", "<sample>", "exec")  # placeholder: the child compiles it
    try:
        return compile(program, "<sample>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError) as exc:
        return f"failed: {_message(exc)}"


def _compile_check(check: dict[str, Any] | None) -> tuple[CodeType, CodeType] | None:
    """The prompt's and the test's code (the dataset's, trusted), compiled once per problem."""
    if check is None:
        return None
    key = (str(check["helpers"]), str(check["test"]))
    if key not in _compiled:
        if len(_compiled) >= _CODE_CACHE:
            _compiled.clear()
        _compiled[key] = (compile(key[0], "<prompt>", "exec"), compile(key[1], "<test>", "exec"))
    return _compiled[key]


def _drop_capabilities() -> None:
    # Root that keeps its uid (rlimit mode, interpreter in a private folder) gives up every
    # capability: without CAP_SYS_PTRACE it cannot read or write the checker's memory.
    header = (ctypes.c_uint32 * 2)(_CAPABILITY_V3, 0)
    data = (ctypes.c_uint32 * 6)()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.capset(header, data) != 0:
        raise PermissionError("could not drop capabilities")


def _setup_sample(
    req: dict[str, Any], scratch: str, keep: list[int], config: dict[str, Any]
) -> None:
    """Session, scratch cwd, limits, uid, descriptors and (weaker mode) confinement."""
    os.setsid()
    os.chdir(scratch)
    uid = int(config.get("uid", -1))
    _limit(int(req["memory_mb"]), float(req["timeout"]), config.get("nproc"))
    if uid >= 0:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    elif os.geteuid() == 0:
        _drop_capabilities()
    # Fds 0-2 are /dev/null already; every other descriptor but the two call pipes (the
    # worker's request and reply channels above all) is closed.
    for low, high in _gaps(sorted(keep)):
        os.closerange(low, high)
    os.environ["HOME"] = os.environ["TMPDIR"] = scratch
    tempfile.tempdir = scratch
    if config.get("guard"):
        if config.get("landlock"):
            # Before anything of the sample runs: it may then write only beneath its scratch.
            _landlock.restrict(scratch, int(config["landlock"]))
        elif config.get("require_landlock"):
            raise PermissionError("Landlock is required but did not hold in this worker")
        if config.get("seccomp") and not _confine.install_seccomp():
            raise PermissionError("seccomp filter could not be installed")
        _confine.guard(scratch)


def _sample_child(
    req: dict[str, Any], code: CodeType, scratch: str, fds: tuple[int, int], config: dict[str, Any]
) -> None:
    """Load the sample, say whether it loaded, then answer the checker's calls until EOF."""
    calls, answers = fds
    namespace: dict[str, Any] = {"__name__": "__sample__"}
    loaded: dict[str, Any] = {"loaded": True}
    try:
        _setup_sample(req, scratch, list(fds), config)
        if len(req["program"]) > _MAX_PARENT_COMPILE:
            code = compile(req["program"], "<sample>", "exec")
        exec(code, namespace)
    except BaseException as exc:
        loaded = {"loaded": False, "error": _message(exc)}
    try:
        _check.write_all(answers, _wire.dump_line(loaded))
        if loaded["loaded"]:
            _serve_calls(namespace, calls, answers)
    finally:
        os._exit(0)


def _serve_calls(namespace: dict[str, Any], calls: int, answers: int) -> None:
    """Call the sample's functions as asked; reply with plain data or the exception raised."""
    requests = _check.LineReader(calls, _wire.MAX_LINE_BYTES)
    while True:
        try:
            request = _wire.load_line(requests.line())
        except BaseException:
            return  # the checker is done (EOF) or gone
        reply: dict[str, Any]
        try:
            func = namespace.get(str(request["call"]))
            if not callable(func):
                raise NameError(f"name {request['call']!r} is not defined by the sample")
            args = _wire.decode(request["args"], classes=namespace)
            kwargs = _wire.decode(request["kwargs"], classes=namespace)
            reply = {"value": _wire.encode(func(*args, **kwargs))}
            line = _wire.dump_line(reply)
        except BaseException as exc:
            line = _wire.dump_line({"raised": [type(exc).__name__, _message(exc)]})
        _check.write_all(answers, line)


def _checker_child(
    req: dict[str, Any], fds: tuple[int, int, int], deadline: float, config: dict[str, Any]
) -> None:
    """Run the trusted tests against the sample's process; write the verdict for the worker."""
    calls, answers, verdict_fd = fds
    verdict: dict[str, Any] = {"status": "failed", "result": "failed: checker setup"}
    try:
        # Trusted code, but a runaway test or a huge return value must not take the worker down.
        _limit(int(req["memory_mb"]), float(req["timeout"]) + _VERDICT_GRACE_S, None)
        for low, high in _gaps(sorted(fds)):
            os.closerange(low, high)
        codes = _compile_check(req.get("check"))
        verdict = _check.decide(_wire, (calls, answers), deadline, req.get("check"), codes)
    except BaseException as exc:
        verdict = {"status": "failed", "result": f"failed: checker: {_message(exc)}"}
    try:
        os.write(verdict_fd, json.dumps(verdict).encode() + b"\n")
    finally:
        os._exit(0)


def _gaps(keep: list[int]) -> list[tuple[int, int]]:
    """Ranges [low, high) from 3 to _MAX_FD that leave out the descriptors in ``keep``."""
    bounds, low = [], 3
    for fd in keep:
        bounds.append((low, fd))
        low = fd + 1
    bounds.append((low, _MAX_FD))
    return [(a, b) for a, b in bounds if a < b]


def _wait(pid: int, read_fd: int, timeout: float) -> tuple[bytes, bool]:
    pidfd = os.pidfd_open(pid)
    deadline = time.monotonic() + timeout
    buf, eof = b"", False
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return buf, True
            fds = [pidfd] if eof else [pidfd, read_fd]
            ready, _, _ = select.select(fds, [], [], remaining)
            if read_fd in ready:
                chunk = os.read(read_fd, _MAX_REPLY)
                eof = not chunk
                buf = (buf + chunk)[:_MAX_REPLY]
                if b"\n" in buf:
                    return buf, False
            if pidfd in ready:
                os.set_blocking(read_fd, False)
                with contextlib.suppress(BlockingIOError):
                    buf = (buf + os.read(read_fd, _MAX_REPLY))[:_MAX_REPLY]
                return buf, False
    finally:
        os.close(pidfd)


def _describe_exit(pid: int) -> str:
    try:
        _, code = os.waitpid(pid, 0)
    except ChildProcessError:
        return "failed: the sample's process vanished"
    if os.WIFSIGNALED(code):
        name = signal.Signals(os.WTERMSIG(code)).name
        return f"failed: killed by {name}"
    return f"failed: exited with code {os.waitstatus_to_exitcode(code)} before reporting"


def _remove(path: str) -> None:
    try:
        shutil.rmtree(path)
        return
    except OSError:
        pass  # a sample made parts unreadable or unwritable: open them up and retry
    for root, dirs, _ in os.walk(path):
        for name in dirs:
            folder = os.path.join(root, name)
            # chmod follows links: a sample's link to a folder outside must not be opened up.
            if not os.path.islink(folder):
                with contextlib.suppress(OSError):
                    os.chmod(folder, 0o700)
    shutil.rmtree(path, ignore_errors=True)


def _fork_pair(
    req: dict[str, Any], code: CodeType, scratch: str, config: dict[str, Any]
) -> tuple[int, int, int]:
    """Fork the sample's child, then the checker's; returns both pids and the verdict pipe."""
    to_sample, from_checker = os.pipe()  # read end, write end: the checker's calls
    from_sample, to_checker = os.pipe()  # the sample's answers
    sample = os.fork()
    if sample == 0:
        os.close(from_checker)
        os.close(from_sample)
        _sample_child(req, code, scratch, (to_sample, to_checker), config)
    os.close(to_sample)
    os.close(to_checker)
    # Made only now: the sample's process was forked without it and can never write a verdict.
    verdict_read, verdict_write = os.pipe()
    deadline = time.monotonic() + float(req["timeout"])
    checker = os.fork()
    if checker == 0:
        os.close(verdict_read)
        _checker_child(req, (from_checker, from_sample, verdict_write), deadline, config)
    for fd in (from_checker, from_sample, verdict_write):
        os.close(fd)
    return sample, checker, verdict_read


def _verdict(buf: bytes, timed_out: bool, sample: int) -> dict[str, Any]:
    """The checker's verdict (trusted), refined with how the sample's process ended."""
    try:
        reply = json.loads(buf.split(b"\n", 1)[0]) if buf else {}
    except ValueError:
        reply = {}
    if timed_out or not isinstance(reply, dict) or reply.get("status") == "timed out":
        return {"status": "timed out", "result": "timed out"}
    if reply.get("status") not in ("passed", "failed") or not isinstance(reply.get("result"), str):
        return {"status": "failed", "result": "failed: the checker ended without a verdict"}
    if reply.pop("sample_gone", False):
        reply["result"] = _describe_exit(sample)
    return reply


def _handle(req: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    global _counter
    _counter += 1
    scratch = os.path.join(config["scratch_root"], f"sample-{_counter}")
    os.mkdir(scratch, 0o700)
    uid = int(config.get("uid", -1))
    if uid >= 0:
        os.chown(scratch, uid, uid)
    start = time.perf_counter()
    code = _precompile(req["program"])
    if isinstance(code, str):  # nothing to run: the program does not compile
        os.rmdir(scratch)
        return {"status": "failed", "result": code, "duration_s": time.perf_counter() - start}
    _compile_check(req.get("check"))  # here, once, so that forks find it compiled
    sample, checker, verdict_fd = _fork_pair(req, code, scratch, config)
    buf, timed_out = _wait(checker, verdict_fd, float(req["timeout"]) + _VERDICT_GRACE_S)
    duration = time.perf_counter() - start
    os.close(verdict_fd)
    # The verdict is known (or the time is up): nothing of the sample may run on.
    for kill in (os.killpg, os.kill):
        with contextlib.suppress(OSError):
            kill(sample, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.kill(checker, signal.SIGKILL)
    reply = _verdict(buf, timed_out, sample)
    _reap_all()
    _remove(scratch)
    reply["duration_s"] = duration
    return reply


def main() -> None:
    """Serve requests from stdin until it closes."""
    config = json.loads(sys.argv[1])
    os.makedirs(config["scratch_root"], exist_ok=True)
    # A private subfolder: sample folder names are predictable, so nobody else may create them.
    config["scratch_root"] = os.path.realpath(
        tempfile.mkdtemp(prefix=f"worker-{os.getpid()}-", dir=config["scratch_root"])
    )
    os.chmod(config["scratch_root"], 0o711)
    _set_subreaper()
    config["nproc"] = _process_budget(int(config.get("uid", -1)))
    config["seccomp"] = bool(config.get("guard")) and _confine.seccomp_works()
    wants_landlock = bool(config.get("guard")) and bool(config.get("require_landlock"))
    config["landlock"] = _landlock.works(config["scratch_root"]) if wants_landlock else 0
    # Not dumpable, and so are the checkers forked from here: a process of the same uid cannot
    # open their /proc/PID/mem or /proc/PID/fd, nor ptrace them.
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    # Everything loaded so far is never collected: forks then share those pages untouched.
    gc.freeze()
    requests = os.fdopen(os.dup(0), "r")
    out = os.fdopen(os.dup(1), "w")
    # Samples inherit /dev/null as stdin, stdout and stderr; the channels live on other fds.
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    ready = {
        "ready": True,
        "pid": os.getpid(),
        "euid": os.geteuid(),
        "seccomp": config["seccomp"],
        "landlock": config["landlock"],
    }
    out.write(json.dumps(ready) + "\n")
    out.flush()
    for line in requests:
        if not line.strip():
            continue
        try:
            reply = _handle(json.loads(line), config)
        except Exception as exc:
            reply = {"status": "error", "result": f"error: {exc}", "duration_s": 0.0}
        out.write(json.dumps(reply) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
