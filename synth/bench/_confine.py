"""Confinement of the weaker (rlimit) mode: a seccomp filter and Python-level guards.

Loaded by path by ``_worker.py`` (standard library only). The seccomp filter is the kernel's
and holds; the Python-level guards are a courtesy that the standard library's C modules walk
around, which is why that mode is refused unless opted into.
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
# Per architecture: AUDIT_ARCH, socket(2), and the calls refused outright: execve, execveat,
# io_uring_setup (its ops bypass the socket and exec checks), ptrace, process_vm_readv and
# process_vm_writev (reading or writing the checker's memory).
_SECCOMP_ARCH: dict[str, tuple[int, int, tuple[int, ...]]] = {
    "x86_64": (0xC000003E, 41, (59, 322, 425, 101, 310, 311)),
    "aarch64": (0xC00000B7, 198, (221, 281, 425, 117, 270, 271)),
}


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


def install_seccomp() -> bool:
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
