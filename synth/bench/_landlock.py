"""Landlock for the weaker (rlimit) mode: a sample may write only beneath its scratch folder.

Standard library only (ctypes): imported by ``sandbox.py`` to ask the kernel's ABI version and
loaded by path by ``_worker.py``, which confines each sample's child before its code runs.

What is handled follows the kernel's ABI version, best effort, as the kernel's Landlock
documentation describes: every right that writes, creates, removes, renames (refer),
truncates, runs (execute) or ioctls a device; with ABI 4 and later TCP bind and connect,
with no rule at all (no TCP anywhere); with ABI 6 and later abstract UNIX sockets and signals
are scoped to the sample's own processes. Reading and listing are left unhandled, so allowed
everywhere, as the bubblewrap mode's read-only root allows them: the aim is that nothing a
sample writes can outlive it or be read back as a verdict (caches, results, the harness, synth's
own source), and an allow-list of readable paths would break imports for no gain in that.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import platform
from typing import Any

# The same numbers on every architecture: Landlock came after the syscall tables were unified.
_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

_FS_EXECUTE = 1 << 0
_FS_WRITE_FILE = 1 << 1
_FS_REMOVE_DIR = 1 << 4
_FS_REMOVE_FILE = 1 << 5
_FS_MAKE_CHAR = 1 << 6
_FS_MAKE_DIR = 1 << 7
_FS_MAKE_REG = 1 << 8
_FS_MAKE_SOCK = 1 << 9
_FS_MAKE_FIFO = 1 << 10
_FS_MAKE_BLOCK = 1 << 11
_FS_MAKE_SYM = 1 << 12
_FS_REFER = 1 << 13  # ABI 2
_FS_TRUNCATE = 1 << 14  # ABI 3
_FS_IOCTL_DEV = 1 << 15  # ABI 5
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1  # ABI 4
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6
# Writable for anyone on every system, and opened for writing by ordinary code.
WRITABLE_FILES = ("/dev/null",)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [  # read by ctypes when the class is made
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),  # ABI 4
        ("scoped", ctypes.c_uint64),  # ABI 6
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # the kernel's struct is packed: 12 bytes
    _fields_ = [  # read by ctypes when the class is made
        ("allowed_access", ctypes.c_uint64),
        ("parent_fd", ctypes.c_int32),
    ]


def _syscall() -> Any:
    call = ctypes.CDLL(None, use_errno=True).syscall
    call.restype = ctypes.c_long
    return call


def abi_version() -> tuple[int, str]:
    """The kernel's Landlock ABI version (0 where there is none) and, when 0, why not."""
    if platform.system() != "Linux":
        return 0, f"Landlock is Linux-only (this is {platform.system()})"
    version = int(_syscall()(_CREATE_RULESET, None, ctypes.c_size_t(0), _CREATE_RULESET_VERSION))
    if version > 0:
        return version, f"Landlock ABI {version}"
    code = ctypes.get_errno()
    if code == errno.ENOSYS:
        return 0, "the kernel has no Landlock (ENOSYS; it came with Linux 5.13)"
    if code == errno.EOPNOTSUPP:
        return 0, "Landlock is built in but disabled at boot (EOPNOTSUPP; see the lsm= option)"
    return 0, f"Landlock is unavailable ({errno.errorcode.get(code, code)})"


def handled_fs(abi: int) -> int:
    """The filesystem rights this module handles (denies unless a rule allows) at an ABI."""
    rights = (
        _FS_EXECUTE | _FS_WRITE_FILE | _FS_REMOVE_DIR | _FS_REMOVE_FILE | _FS_MAKE_CHAR
        | _FS_MAKE_DIR | _FS_MAKE_REG | _FS_MAKE_SOCK | _FS_MAKE_FIFO | _FS_MAKE_BLOCK
        | _FS_MAKE_SYM
    )  # fmt: skip
    if abi >= 2:
        rights |= _FS_REFER
    if abi >= 3:
        rights |= _FS_TRUNCATE
    if abi >= 5:
        rights |= _FS_IOCTL_DEV
    return rights


def _ruleset(abi: int) -> tuple[_RulesetAttr, int]:
    attr = _RulesetAttr(handled_fs(abi), 0, 0)
    size = 8  # older kernels know only the first field; the size tells them which are set
    if abi >= 4:
        attr.handled_access_net = _NET_BIND_TCP | _NET_CONNECT_TCP
        size = 16
    if abi >= 6:
        attr.scoped = _SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL
        size = 24
    return attr, size


def _add_path(call: Any, ruleset: int, path: str, access: int) -> None:
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        rule = _PathBeneathAttr(access, fd)
        if call(_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0) != 0:
            code = ctypes.get_errno()
            raise OSError(code, f"landlock_add_rule({path}): {os.strerror(code)}")
    finally:
        os.close(fd)


def restrict(scratch: str, abi: int, writable_files: tuple[str, ...] = WRITABLE_FILES) -> None:
    """Confine this process for good: writes only beneath ``scratch``; raises OSError if not.

    Applies to the calling thread and everything it forks later; call it in a single-threaded
    child. Sets no_new_privs, which Landlock needs without CAP_SYS_ADMIN.
    """
    if abi < 1:
        raise OSError(errno.ENOSYS, "Landlock is unavailable")
    call = _syscall()
    attr, size = _ruleset(abi)
    ruleset = int(call(_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), 0))
    if ruleset < 0:
        code = ctypes.get_errno()
        raise OSError(code, f"landlock_create_ruleset: {os.strerror(code)}")
    try:
        # Everything handled but exec beneath scratch; only plain writes to the device files.
        _add_path(call, ruleset, scratch, attr.handled_access_fs & ~_FS_EXECUTE)
        file_rights = attr.handled_access_fs & (_FS_WRITE_FILE | _FS_TRUNCATE)
        for path in writable_files:
            with contextlib.suppress(FileNotFoundError):
                _add_path(call, ruleset, path, file_rights)
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            code = ctypes.get_errno()
            raise OSError(code, f"prctl(PR_SET_NO_NEW_PRIVS): {os.strerror(code)}")
        if call(_RESTRICT_SELF, ruleset, 0) != 0:
            code = ctypes.get_errno()
            raise OSError(code, f"landlock_restrict_self: {os.strerror(code)}")
    finally:
        os.close(ruleset)


def works(root: str) -> int:
    """The ABI version if a child confined to a folder below ``root`` really cannot write beside it.

    0 where Landlock is missing or does not hold. ``root`` must be writable; what is made there
    is removed again.
    """
    abi, _ = abi_version()
    if abi < 1:
        return 0
    inside = os.path.join(root, f"landlock-probe-{os.getpid()}")
    outside = inside + ".outside"
    os.mkdir(inside, 0o700)
    try:
        pid = os.fork()
        if pid == 0:
            code = 1
            with contextlib.suppress(BaseException):
                restrict(inside, abi)
                with open(os.path.join(inside, "ok"), "w") as handle:
                    handle.write("ok")
                try:
                    os.close(os.open(outside, os.O_CREAT | os.O_WRONLY, 0o600))
                except PermissionError:
                    code = 0
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        held = os.waitstatus_to_exitcode(status) == 0 and not os.path.exists(outside)
    finally:
        with contextlib.suppress(OSError):
            os.remove(os.path.join(inside, "ok"))
        with contextlib.suppress(OSError):
            os.remove(outside)
        with contextlib.suppress(OSError):
            os.rmdir(inside)
    return abi if held else 0
