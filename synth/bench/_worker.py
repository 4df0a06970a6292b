"""Warm sandbox worker: reads one JSON request per line, forks a limited child per program.

Run as a script (``python -I -B _worker.py CONFIG_JSON``), inside bubblewrap or not; it imports
only the standard library so that it starts fast and needs nothing from synth. Each child gets
its own session, a fresh scratch directory, resource limits and (when the worker runs as root)
an unprivileged uid; whatever it leaves behind is killed and deleted before the reply is sent.
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
import io
import itertools  # noqa: F401
import json
import math  # noqa: F401
import operator  # noqa: F401
import os
import platform
import random  # noqa: F401
import re  # noqa: F401
import resource
import secrets
import select
import shutil
import signal
import socket
import statistics  # noqa: F401
import string  # noqa: F401
import subprocess
import sys
import tempfile
import time
import typing  # noqa: F401
from types import CodeType
from typing import Any

_PR_SET_CHILD_SUBREAPER = 36
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
# Per architecture: AUDIT_ARCH, socket(2), and the calls refused outright: execve, execveat,
# io_uring_setup (its ops bypass the socket and exec checks), ptrace, process_vm_readv and
# process_vm_writev (reading the worker's memory, where the sample's nonce lives).
_SECCOMP_ARCH: dict[str, tuple[int, int, tuple[int, ...]]] = {
    "x86_64": (0xC000003E, 41, (59, 322, 425, 101, 310, 311)),
    "aarch64": (0xC00000B7, 198, (221, 281, 425, 117, 270, 271)),
}
_NONCE_BYTES = 16
_MAX_REPLY = 65536
_MAX_MESSAGE = 300
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


class _SockFilter(ctypes.Structure):
    _fields_ = [  # read by ctypes when the class is made
        ("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint),
    ]  # fmt: skip


class _SockFprog(ctypes.Structure):
    _fields_ = [  # read by ctypes when the class is made
        ("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter)),
    ]  # fmt: skip


def _seccomp_program(arch: tuple[int, int, tuple[int, ...]]) -> list[tuple[int, int, int, int]]:
    """Classic BPF: EPERM for exec and friends and for every socket but AF_UNIX; allow the rest."""
    audit_arch, sock, refused = arch
    ld, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06  # BPF_LD|W|ABS, JMP|JEQ|K, JMP|JGE|K, RET|K
    allow, eperm = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
    rows = [
        (ld, 0, 0, 4),  # seccomp_data.arch
        (jeq, 1, 0, audit_arch),
        (ret, 0, 0, eperm),  # another ABI (i386 on x86_64): refuse everything
        (ld, 0, 0, 0),  # seccomp_data.nr
        (jge, 0, 1, 0x40000000),  # the x32 ABI's syscall numbers
        (ret, 0, 0, eperm),
    ]
    # Each refused call jumps to the EPERM row that follows the socket test.
    for i, nr in enumerate(refused):
        rows.append((jeq, len(refused) - i + 2, 0, nr))
    rows += [
        (jeq, 0, 3, sock),  # not socket(2): allow
        (ld, 0, 0, 16),  # seccomp_data.args[0], low half: the address family
        (jeq, 1, 0, socket.AF_UNIX),
        (ret, 0, 0, eperm),
        (ret, 0, 0, allow),
    ]
    return rows


def _install_seccomp() -> bool:
    """Kernel-level limits for the weaker mode (no root needed): no exec, no network sockets.

    Python-level guards cannot stop ``_posixsubprocess.fork_exec`` or ``_socket.SocketType``;
    the kernel can. Returns False where the architecture is unknown or seccomp is unavailable.
    """
    arch = _SECCOMP_ARCH.get(platform.machine())
    if arch is None:
        return False
    rows = _seccomp_program(arch)
    filters = (_SockFilter * len(rows))(*[_SockFilter(*row) for row in rows])
    prog = _SockFprog(len(rows), filters)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return bool(libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) == 0)


def _seccomp_works() -> bool:
    """Whether a child can install the filter and then really cannot open an inet socket."""
    pid = os.fork()
    if pid == 0:
        code = 1
        with contextlib.suppress(BaseException):
            if _install_seccomp():
                try:
                    socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
                except PermissionError:
                    code = 0
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def _blocked(*_args: Any, **_kwargs: Any) -> Any:
    raise PermissionError("blocked by synth's sandbox (weaker rlimit mode)")


def _inside(scratch: str, path: Any) -> bool:
    if isinstance(path, int):
        return True  # an already-open descriptor was checked when it was opened
    real = os.path.realpath(os.fsdecode(path))
    return real == scratch or real.startswith(scratch + os.sep)


_BLOCKED_PREFIXES = ("exec", "spawn", "posix_spawn", "fork", "kill", "wait")
_BLOCKED_NAMES = ("system", "popen", "setuid", "setgid", "chroot", "pidfd_open")
_PATH_FUNCTIONS = (
    "remove", "unlink", "rmdir", "mkdir", "makedirs", "removedirs", "chmod", "chown", "truncate",
    "symlink", "link", "rename", "replace", "utime", "mkfifo", "mknod",
)  # fmt: skip


def _guard(scratch: str) -> None:
    """Python-level guards for the weaker mode: no sockets, processes, signals or outside writes."""
    import posix

    sys.modules["ctypes"] = None  # type: ignore[assignment]  # import ctypes now fails
    for name in ("socket", "socketpair", "create_connection", "create_server", "fromfd"):
        setattr(socket, name, _blocked)
    sys.modules["_socket"].socket = _blocked  # type: ignore[attr-defined]
    subprocess.Popen = _blocked  # type: ignore[assignment,misc]
    for module in (os, posix):
        for name in dir(module):
            if name.startswith(_BLOCKED_PREFIXES) or name in _BLOCKED_NAMES:
                setattr(module, name, _blocked)
        for name in _PATH_FUNCTIONS:
            real = getattr(module, name, None)
            if real is not None:
                setattr(module, name, _path_checked(real, scratch))
    shutil.rmtree = _path_checked(shutil.rmtree, scratch)
    shutil.move = _path_checked(shutil.move, scratch)
    _guard_open(scratch)


def _guard_open(scratch: str) -> None:
    import builtins
    import posix

    real_open, real_os_open = builtins.open, os.open

    def guarded_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if any(c in mode for c in "wax+") and not _inside(scratch, file):
            _blocked()
        return real_open(file, mode, *args, **kwargs)

    def guarded_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> Any:
        writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
        if flags & writes and not _inside(scratch, path):
            _blocked()
        return real_os_open(path, flags, *args, **kwargs)

    builtins.open = io.open = guarded_open
    os.open = posix.open = guarded_os_open


def _path_checked(func: Any, scratch: str) -> Any:
    def checked(*args: Any, **kwargs: Any) -> Any:
        paths = [a for a in args if isinstance(a, (str, bytes, os.PathLike))]
        if not all(_inside(scratch, p) for p in paths):
            _blocked()
        return func(*args, **kwargs)

    return checked


def _message(exc: BaseException) -> str:
    try:
        text = str(exc)
    except BaseException:
        text = type(exc).__name__
    return text[:_MAX_MESSAGE]


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


def _child(
    req: dict[str, Any], code: CodeType, scratch: str, fds: tuple[int, int], config: dict[str, Any]
) -> None:
    write_fd, nonce_fd = fds
    status, result = "failed", "failed: setup"
    try:
        os.setsid()
        os.chdir(scratch)
        uid = int(config.get("uid", -1))
        _limit(int(req["memory_mb"]), float(req["timeout"]), config.get("nproc"))
        if uid >= 0:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
        # Fds 0-2 are /dev/null already; every other descriptor but the reply and nonce pipes
        # (the worker's request and reply channels above all) is closed.
        for low, high in _gaps(sorted(fds)):
            os.closerange(low, high)
        os.environ["HOME"] = os.environ["TMPDIR"] = scratch
        tempfile.tempdir = scratch
        if config.get("guard"):
            if config.get("seccomp") and not _install_seccomp():
                raise PermissionError("seccomp filter could not be installed")
            _guard(scratch)
        if len(req["program"]) > _MAX_PARENT_COMPILE:
            code = compile(req["program"], "<sample>", "exec")
        exec(code, {"__name__": "__sample__"})
        status, result = "passed", "passed"
    except BaseException as exc:
        status, result = "failed", f"failed: {_message(exc)}"
    try:
        # The nonce is read only now, after the sample ran: a sample that writes a verdict of its
        # own to an inherited descriptor does not know it, and its "passed" is not believed.
        nonce = os.read(nonce_fd, 2 * _NONCE_BYTES).decode(errors="replace")
        reply = {"status": status, "result": result, "nonce": nonce}
        os.write(write_fd, json.dumps(reply).encode() + b"\n")
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
            with contextlib.suppress(OSError):
                os.chmod(os.path.join(root, name), 0o700)
    shutil.rmtree(path, ignore_errors=True)


def _verdict(buf: bytes, nonce: str, timed_out: bool) -> dict[str, Any]:
    """The child's reply, believed as "passed" only when it carries this sample's nonce."""
    reply: dict[str, Any]
    try:
        reply = json.loads(buf.split(b"\n", 1)[0]) if buf else {}
    except ValueError:
        reply = {}
    if not isinstance(reply, dict) or not isinstance(reply.get("result"), str):
        reply = {}
    token = str(reply.pop("nonce", "")).encode(errors="replace")
    if reply.get("status") == "passed" and not secrets.compare_digest(token, nonce.encode()):
        reply = {"status": "failed", "result": "failed: a verdict without the harness's nonce"}
    if timed_out:
        reply = {"status": "timed out", "result": "timed out"}
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
    read_fd, write_fd = os.pipe()
    nonce_read, nonce_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        os.close(nonce_write)
        _child(req, code, scratch, (write_fd, nonce_read), config)
    os.close(write_fd)
    os.close(nonce_read)
    # Drawn after the fork: the nonce never lies in the child's memory while the sample runs.
    nonce = secrets.token_hex(_NONCE_BYTES)
    os.write(nonce_write, nonce.encode())
    os.close(nonce_write)
    buf, timed_out = _wait(pid, read_fd, float(req["timeout"]))
    duration = time.perf_counter() - start
    os.close(read_fd)
    # The verdict is known (or the time is up): nothing of the sample may run on.
    for kill in (os.killpg, os.kill):
        with contextlib.suppress(OSError):
            kill(pid, signal.SIGKILL)
    reply = _verdict(buf, nonce, timed_out)
    if reply.get("status") not in ("passed", "failed", "timed out"):
        reply = {"status": "failed", "result": _describe_exit(pid)}
    else:
        os.waitpid(pid, 0)
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
    config["seccomp"] = bool(config.get("guard")) and _seccomp_works()
    # Everything loaded so far is never collected: forks then share those pages untouched.
    gc.freeze()
    requests = os.fdopen(os.dup(0), "r")
    out = os.fdopen(os.dup(1), "w")
    # Samples inherit /dev/null as stdin, stdout and stderr; the channels live on other fds.
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    ready = {"ready": True, "pid": os.getpid(), "euid": os.geteuid(), "seccomp": config["seccomp"]}
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
