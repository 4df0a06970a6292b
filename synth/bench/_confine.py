"""Confinement of the weaker (rlimit) mode: a seccomp filter and Python-level guards.

Loaded by path by ``_worker.py`` (standard library only). The seccomp filter is the kernel's
and holds, as does Landlock (``_landlock.py``), which keeps writes inside scratch; the
Python-level guards are a courtesy that the standard library's C modules walk around (they
give clearer messages, and are all that stands where a kernel has no Landlock, which is why
the mode then refuses unless chosen by name).
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import os
import platform
import shutil
import socket
import subprocess
import sys
from typing import Any

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
# Per architecture: AUDIT_ARCH, socket(2) and socketpair(2), and the calls refused outright:
# execve, execveat, io_uring_setup (its ops bypass the socket and exec checks), ptrace,
# process_vm_readv and process_vm_writev (reading or writing the checker's memory), and
# connect(2): the only sockets left are AF_UNIX, and connecting one reaches this user's
# services (a session bus that starts programs, an ssh agent, docker), outside every limit.
_SECCOMP_ARCH: dict[str, tuple[int, tuple[int, int], tuple[int, ...]]] = {
    "x86_64": (0xC000003E, (41, 53), (59, 322, 425, 101, 310, 311, 42)),
    "aarch64": (0xC00000B7, (198, 199), (221, 281, 425, 117, 270, 271, 203)),
}
# Socket types an AF_UNIX socket may have: connection-oriented ones, which without connect(2)
# reach nothing. Datagram sockets (SOCK_RAW is one there) can send to any named socket.
_UNIX_TYPES = (socket.SOCK_STREAM, socket.SOCK_SEQPACKET)


class _SockFilter(ctypes.Structure):
    _fields_ = [  # read by ctypes when the class is made
        ("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint),
    ]  # fmt: skip


class _SockFprog(ctypes.Structure):
    _fields_ = [  # read by ctypes when the class is made
        ("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter)),
    ]  # fmt: skip


def _seccomp_program(
    arch: tuple[int, tuple[int, int], tuple[int, ...]],
) -> list[tuple[int, int, int, int]]:
    """Classic BPF: EPERM for exec and friends, connect, and every socket but AF_UNIX streams."""
    audit_arch, sockets, refused = arch
    ld, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06  # BPF_LD|W|ABS, JMP|JEQ|K, JMP|JGE|K, RET|K
    and_k = 0x54  # BPF_ALU|BPF_AND|BPF_K
    allow, eperm = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
    # (code or a label for the row after, label if true, label if false, k); None: next row.
    rows: list[tuple[int | str, str | None, str | None, int]] = [
        (ld, None, None, 4),  # seccomp_data.arch
        (jeq, None, "eperm", audit_arch),  # another ABI (i386 on x86_64): refuse everything
        (ld, None, None, 0),  # seccomp_data.nr
        (jge, "eperm", None, 0x40000000),  # the x32 ABI's syscall numbers
        *[(jeq, "eperm", None, nr) for nr in refused],
        *[(jeq, "socket", None, nr) for nr in sockets],
        (ret, None, None, allow),
        ("socket", None, None, 0),
        (ld, None, None, 16),  # seccomp_data.args[0], low half: the address family
        (jeq, None, "eperm", socket.AF_UNIX),
        (ld, None, None, 24),  # args[1], low half: the type, with SOCK_NONBLOCK and SOCK_CLOEXEC
        (and_k, None, None, 0xF),
        *[(jeq, "allow", None, kind) for kind in _UNIX_TYPES],
        ("eperm", None, None, 0),
        (ret, None, None, eperm),
        ("allow", None, None, 0),
        (ret, None, None, allow),
    ]
    labels: dict[str, int] = {}
    code: list[tuple[int, str | None, str | None, int]] = []
    for op, true, false, k in rows:
        if isinstance(op, str):
            labels[op] = len(code)
        else:
            code.append((op, true, false, k))
    # A jump's offset counts the rows it skips.
    return [
        (op, labels[t] - i - 1 if t else 0, labels[f] - i - 1 if f else 0, k)
        for i, (op, t, f, k) in enumerate(code)
    ]


def install_seccomp() -> bool:
    """Kernel-level limits for the weaker mode (no root needed): no exec, no network sockets.

    Nor connect(2), nor AF_UNIX datagram sockets: no way to this user's services.

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


def seccomp_works() -> bool:
    """Whether a child can install the filter and then really cannot open an inet socket."""
    pid = os.fork()
    if pid == 0:
        code = 1
        with contextlib.suppress(BaseException):
            if install_seccomp():
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


def guard(scratch: str) -> None:
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
        if any(c in mode for c in "wax+") and not _writable(scratch, file):
            _blocked()
        return real_open(file, mode, *args, **kwargs)

    def guarded_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> Any:
        writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
        if flags & writes and not _writable(scratch, path):
            _blocked()
        return real_os_open(path, flags, *args, **kwargs)

    builtins.open = io.open = guarded_open
    os.open = posix.open = guarded_os_open


def _writable(scratch: str, path: Any) -> bool:
    # /dev/null is opened for writing by ordinary code; Landlock allows it as well.
    return _inside(scratch, path) or (
        not isinstance(path, int) and os.path.realpath(os.fsdecode(path)) == os.devnull
    )


def _path_checked(func: Any, scratch: str) -> Any:
    def checked(*args: Any, **kwargs: Any) -> Any:
        paths = [a for a in args if isinstance(a, (str, bytes, os.PathLike))]
        if not all(_inside(scratch, p) for p in paths):
            _blocked()
        return func(*args, **kwargs)

    return checked
