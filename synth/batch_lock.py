"""One batch at a time per output folder: ``OUT/.batch.lock``, held for the whole run.

The lock is a ``flock`` on the file, which the kernel releases when its holder exits, even on
SIGKILL: a killed run never blocks the next one. While held, the file names its holder (host,
PID, process start, boot id, start time), so a refused run can say who holds the folder, and a
run that finds a record left behind knows the previous run died without releasing it (stale).

On a filesystem without ``flock`` (some network mounts answer ENOLCK or EOPNOTSUPP) the record
alone decides: a holder that is still running on this host, or that runs on another host, keeps
the folder; one whose process is gone (or whose PID now belongs to a younger process, or whose
host has rebooted since) is stale and the lock is taken over.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import socket
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from pydantic import BaseModel, ConfigDict, ValidationError

from synth.errors import SynthError

log = logging.getLogger(__name__)

LOCK_NAME = ".batch.lock"

# Answers of a filesystem that cannot flock: fall back to the holder record.
_NO_FLOCK = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL}


class LockHolder(BaseModel):
    """Who holds an output folder's lock (written into the lock file while held)."""

    model_config = ConfigDict(extra="forbid")

    host: str
    pid: int
    pid_start: int | None = None
    boot_id: str = ""
    started_at: datetime

    def describe(self) -> str:
        """One phrase for messages: 'PID 123 on host, since 2026-...'."""
        return f"PID {self.pid} on {self.host}, since {self.started_at:%Y-%m-%d %H:%M:%S} UTC"


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def process_start(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (None where /proc cannot tell)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Field 22 (starttime); the command name in parentheses may itself hold spaces.
    return int(stat.rsplit(")", 1)[1].split()[19])


def this_holder() -> LockHolder:
    """The record this process writes when it takes a lock."""
    pid = os.getpid()
    return LockHolder(
        host=socket.gethostname(),
        pid=pid,
        pid_start=process_start(pid),
        boot_id=_boot_id(),
        started_at=datetime.now(timezone.utc),
    )


def holder_alive(holder: LockHolder) -> bool:
    """Whether the recorded holder may still be running (a holder on another host may be)."""
    if holder.host != socket.gethostname():
        return True
    if holder.boot_id and _boot_id() and holder.boot_id != _boot_id():
        return False  # the machine rebooted since: nothing of that run survives
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, as another user
    start = process_start(holder.pid)
    # A PID the kernel has since handed to another process is not the holder.
    return holder.pid_start is None or start is None or start == holder.pid_start


def _read_holder(handle: BinaryIO) -> LockHolder | None:
    handle.seek(0)
    raw = handle.read()
    if not raw.strip():
        return None
    try:
        return LockHolder.model_validate_json(raw)
    except ValidationError:
        return None  # a torn record from a run killed while writing it: nobody to name


def _write_holder(handle: BinaryIO, holder: LockHolder | None) -> None:
    handle.seek(0)
    handle.truncate()
    if holder is not None:
        handle.write(holder.model_dump_json().encode())
    handle.flush()
    os.fsync(handle.fileno())


def _refused(folder: Path, holder: LockHolder | None) -> SynthError:
    who = f" ({holder.describe()})" if holder else ""
    return SynthError(
        f"{folder}: another synth batch or regenerate is writing to this folder{who}; "
        f"wait for it to finish or choose another --out"
    )


def _flock(handle: BinaryIO) -> bool:
    """Take the flock without waiting: True when taken, False when the filesystem has none."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - non-POSIX: the holder record alone
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise  # held by another run (EWOULDBLOCK)
    except OSError as exc:
        if exc.errno in _NO_FLOCK:
            return False
        raise
    return True


@contextlib.contextmanager
def hold_out_lock(folder: Path) -> Iterator[LockHolder | None]:
    """Hold ``folder/.batch.lock`` for the block; yields the stale holder it replaced, if any.

    Raises SynthError when another live run holds it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_NAME, "a+b") as handle:
        try:
            flocked = _flock(handle)
        except BlockingIOError:
            raise _refused(folder, _read_holder(handle)) from None
        previous = _read_holder(handle)
        if not flocked and previous is not None and holder_alive(previous):
            raise _refused(folder, previous)
        if previous is not None:
            log.warning(
                "%s: the previous run (%s) ended without releasing its lock; taking it over",
                folder,
                previous.describe(),
            )
        _write_holder(handle, this_holder())
        try:
            yield previous
        finally:
            _write_holder(handle, None)
            if flocked:
                import fcntl

                fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def hold_out_locks(folders: set[Path]) -> Iterator[None]:
    """Hold the lock of every folder (sorted, so overlapping runs take them in one order)."""
    with contextlib.ExitStack() as stack:
        for folder in sorted(f.resolve() for f in folders):
            stack.enter_context(hold_out_lock(folder))
        yield
