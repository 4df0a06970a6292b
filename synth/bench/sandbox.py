"""Run untrusted programs in warm workers under bubblewrap, or in a clearly labelled weaker mode.

The weaker ``rlimit`` mode is not a sandbox: samples share this machine's file tree (to read),
its processes and /tmp, so it is refused unless ``BenchSettings.allow_unsafe_rlimit``
(``--unsafe-rlimit``) opts in. Python-level guards cannot hold against the standard library's
own C modules (``_io.open``, ``_socket``, ``_posixsubprocess``); the kernel's limits do, and need
no root: Landlock (``_landlock.py``: writes only beneath the sample's scratch folder, no exec,
no TCP, signals and abstract UNIX sockets kept to its own processes), a seccomp filter (no
exec, no connect(2), no sockets but AF_UNIX streams) and, where ``unshare`` works, a network
namespace. Without Landlock a sample could rewrite files this user owns (the verdict caches,
the harness, synth itself) and forge a cached pass for a later run, so the mode then refuses
unless it was chosen by name (``sandbox = "rlimit"``) as well as opted into, and its results
are not cached.

A job with a ``Check`` is judged by a checker process that never runs the sample's text: it
runs the problem's trusted tests and calls the sample's function across a pipe, getting plain
data back (``_checker.py``, ``plain_data.py``). Whatever the sample writes to any descriptor is
at most a (wrong or right) return value, never a verdict. A job without a check only says
whether its program ran to the end without raising, by the program's own account: it is for
probing the sandbox, never for judging a sample against tests. Where rlimit-mode samples keep
this process's uid, this process is made undumpable while the sandbox is open, so that a sample
cannot open its pipes through ``/proc/PID/fd`` (Landlock's ptrace rule also closes them).

Each worker is a long-lived ``_worker.py`` process (inside ``bwrap`` when it works) that forks
one child per program; see that module for the per-sample limits. This side keeps the workers
alive: a worker that dies or hangs is killed and replaced, and the sample is recorded as failed,
so the harness itself never dies because of a sample.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import logging
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, Protocol

from synth.bench._landlock import abi_version
from synth.bench.records import ExecOutcome
from synth.errors import BenchError
from synth.settings import BenchSettings

logger = logging.getLogger(__name__)

WORKER = Path(__file__).with_name("_worker.py")
ISOLATION_BWRAP = "bwrap: read-only root, private /tmp and scratch, no network, own pid namespace"
ISOLATION_RLIMIT = (
    "rlimit (WEAKER than bwrap; run only with allow_unsafe_rlimit): rlimits, scratch cwd, "
    "Landlock (writes only beneath scratch, no exec, no TCP, own signals), a seccomp filter (no "
    "exec, no connect, no network sockets), a network namespace where the kernel allows, "
    "Python-level guards; a sample can still read this user's files and see its processes"
)
ISOLATION_RLIMIT_NO_LANDLOCK = (
    "rlimit without Landlock (NOT A SANDBOX, WEAKER than bwrap; chosen explicitly): rlimits, "
    "scratch cwd, a seccomp filter (no exec, no connect, no network sockets), a network namespace "
    "where the kernel allows, Python-level guards; a sample can still write wherever this user can"
)
UNSAFE_REFUSAL = (
    "the rlimit mode is not a sandbox: a sample can read this user's files and see its "
    "processes (and, without Landlock, write files outside its scratch folder as this user); "
    "install bubblewrap ('bwrap') for real isolation, or, only for samples you trust, pass "
    "--unsafe-rlimit (SYNTH_BENCH__ALLOW_UNSAFE_RLIMIT=1)"
)
NO_LANDLOCK_REFUSAL = (
    "refusing to run samples: {reason}, so the rlimit mode cannot stop a sample rewriting files "
    "this user owns (caches, results, synth itself); install bubblewrap ('bwrap'), or, to run "
    "with only seccomp and Python-level guards, choose the mode by name as well: "
    'sandbox = "rlimit" (SYNTH_BENCH__SANDBOX=rlimit) and --unsafe-rlimit'
)
_TMPFS_BYTES = 256 * 1024 * 1024
_GRACE_S = 15.0  # fork, cleanup and reply on top of a sample's own limit
_IN_FLIGHT = 4  # jobs queued per worker, so that it never waits for this process
_IN_FLIGHT_BYTES = 48 * 1024  # below a pipe's buffer: writes never block on a busy worker
# Environment given to workers; built here, never copied from the caller's environment.
_WORKER_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp", "PYTHONHASHSEED": "0"}

Mode = Literal["bwrap", "rlimit"]
_PR_GET_DUMPABLE, _PR_SET_DUMPABLE = 3, 4
_undumpable = {"open": 0, "before": 1}  # sandboxes that keep this process undumpable
_undumpable_lock = threading.Lock()


@dataclass(frozen=True)
class Check:
    """A problem's tests, run by the checker (trusted: the dataset's code, never the sample's).

    ``helpers`` is the reference program: the tests may call functions it defines (HumanEval's
    ``decode_cyclic`` is checked with the prompt's ``encode_cyclic``), and taking them from
    there, not from the sample, keeps a sample from redefining them. ``entry_point`` is bound
    to a proxy into the sample's process; ``check_fn(entry_point)`` runs after ``test``.
    """

    helpers: str
    test: str
    check_fn: str
    entry_point: str


@dataclass(frozen=True)
class Job:
    """One program to run, its wall-clock limit in seconds, and the tests that judge it."""

    program: str
    timeout_s: float
    check: Check | None = None


class Sandbox(Protocol):
    """Anything that runs jobs in isolation and labels how."""

    isolation: str
    # False where samples could write files outside their scratch: nothing is cached then.
    confines_writes: bool

    def run(self, jobs: Sequence[Job]) -> list[ExecOutcome]:
        """Run every job; never raise because of a job's behaviour."""
        ...


def _interpreter_paths() -> list[str]:
    """Folders the worker's interpreter reads: prefixes and every existing sys.path entry."""
    paths = {sys.base_prefix, sys.prefix, str(WORKER.parent)}
    paths.update(p for p in sys.path if os.path.isabs(p) and os.path.isdir(p))
    return sorted(paths)


def _closed_ancestor(path: str) -> str | None:
    """The topmost ancestor of ``path`` that other users cannot traverse, if any."""
    parts = Path(path).parts
    for depth in range(2, len(parts) + 1):
        ancestor = str(Path(*parts[:depth]))
        try:
            if not os.stat(ancestor).st_mode & 0o001:
                return ancestor
        except OSError:
            return None
    return None


def _reopen_closed_folders() -> list[str]:
    # Children run under an unprivileged uid; an interpreter installed below a private folder
    # (e.g. /root/.pyenv) is exposed alone, on a fresh 0755 tmpfs that hides the rest.
    hidden: dict[str, list[str]] = {}
    for path in _interpreter_paths():
        ancestor = _closed_ancestor(path)
        if ancestor is not None and path != ancestor:
            # Bind the folder right below the closed one: bwrap would create the folders in
            # between with modes the unprivileged child could not traverse.
            below = Path(path).parts[len(Path(ancestor).parts)]
            hidden.setdefault(ancestor, []).append(str(Path(ancestor) / below))
    argv: list[str] = []
    for ancestor, inner in sorted(hidden.items()):
        argv += ["--perms", "0755", "--tmpfs", ancestor]
        for path in sorted(set(inner)):
            argv += ["--ro-bind", path, path]
    return argv


def _rebind_under_tmp() -> list[str]:
    # The sandbox gets a private /tmp; an interpreter, venv or checkout living below /tmp (a CI
    # clone, say) would vanish with it, so its top folder under /tmp is bound back read-only.
    tops = {
        str(Path(*Path(p).parts[:3]))
        for p in _interpreter_paths()
        if len(Path(p).parts) > 2 and Path(p).parts[1] == "tmp"
    }
    argv: list[str] = []
    for top in sorted(tops):
        argv += ["--ro-bind", top, top]
    return argv


def interpreter_is_public() -> bool:
    """Whether an unprivileged uid can read the interpreter without bwrap's help."""
    return all(_closed_ancestor(p) is None for p in _interpreter_paths())


def _bwrap_argv(bwrap: str) -> list[str]:
    return [
        bwrap,
        "--ro-bind", "/", "/",
        *_reopen_closed_folders(),
        "--dev", "/dev",
        "--proc", "/proc",
        "--size", str(_TMPFS_BYTES),
        "--tmpfs", "/tmp",
        *_rebind_under_tmp(),
        "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        "--die-with-parent", "--new-session",
        "--chdir", "/tmp",
        "--",
    ]  # fmt: skip


@functools.lru_cache(maxsize=1)
def probe_bwrap() -> tuple[bool, str]:
    """Whether bubblewrap is installed and can create its namespaces here, and why not."""
    bwrap = shutil.which("bwrap", path=_WORKER_ENV["PATH"])
    if bwrap is None:
        return False, "bwrap is not installed (Debian package 'bubblewrap')"
    argv = [*_bwrap_argv(bwrap), sys.executable, "-I", "-c", "pass"]
    try:
        done = subprocess.run(argv, capture_output=True, timeout=30, env=_WORKER_ENV, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bwrap failed to start: {exc}"
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip()[:200]
        return False, f"bwrap cannot create a sandbox here: {reason}"
    return True, "bwrap works"


@functools.lru_cache(maxsize=1)
def probe_unshare() -> list[str]:
    """An ``unshare`` prefix giving the weaker mode its own network (and IPC, UTS) namespace.

    Needs CAP_SYS_ADMIN (root outside a locked-down container); empty where that fails. A user
    namespace would lift the need, but would also take the worker's uid drop and process limit
    away, so it is not used.
    """
    unshare = shutil.which("unshare", path=_WORKER_ENV["PATH"])
    if unshare is None:
        return []
    prefix = [unshare, "--net", "--ipc", "--uts", "--"]
    try:
        done = subprocess.run(
            [*prefix, sys.executable, "-I", "-c", "pass"],
            capture_output=True, timeout=30, env=_WORKER_ENV, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return []
    return prefix if done.returncode == 0 else []


@functools.lru_cache(maxsize=1)
def probe_landlock() -> tuple[int, str]:
    """The kernel's Landlock ABI version (0 where there is none) and a line saying why."""
    return abi_version()


def samples_keep_host_uid(mode: Mode) -> bool:
    """Whether samples run under this process's uid (no unprivileged uid of their own)."""
    return not (os.geteuid() == 0 and (mode == "bwrap" or interpreter_is_public()))


def _set_undumpable(hold: bool) -> None:
    # An undumpable process's /proc/PID/fd and /proc/PID/mem are closed to other processes of
    # its uid that lack CAP_SYS_PTRACE: the request and reply pipes to the workers live there.
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl
    with _undumpable_lock:
        if hold:
            if _undumpable["open"] == 0:
                _undumpable["before"] = int(prctl(_PR_GET_DUMPABLE, 0, 0, 0, 0))
                prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
            _undumpable["open"] += 1
        else:
            _undumpable["open"] -= 1
            if _undumpable["open"] == 0:
                prctl(_PR_SET_DUMPABLE, max(_undumpable["before"], 0), 0, 0, 0)


def resolve_mode(setting: str) -> Mode:
    """Turn the ``sandbox`` setting (auto, bwrap, rlimit) into the mode that will really be used."""
    if setting == "rlimit":
        return "rlimit"
    works, reason = probe_bwrap()
    if works:
        return "bwrap"
    if setting == "bwrap":
        raise BenchError(f"sandbox=bwrap was asked for but {reason}; use sandbox=auto or rlimit")
    logger.warning(
        "bwrap is unusable (%s): only the rlimit mode, which is no sandbox, is left", reason
    )
    return "rlimit"


class _Worker:
    """One warm worker process and its request and reply channels."""

    def __init__(self, mode: Mode, index: int, scratch_root: str, landlock: bool = False) -> None:
        self.mode = mode
        self.index = index
        self.scratch_root = scratch_root
        self.landlock = landlock
        self.proc: subprocess.Popen[bytes] | None = None
        self._buf = b""

    def _argv(self) -> list[str]:
        # As root, each child drops to a uid of its own: it can then neither signal the worker
        # nor share a process-count limit with anything else.
        drop = not samples_keep_host_uid(self.mode)
        uid = 100000 + (os.getpid() % 20000) * 16 + self.index if drop else -1
        config = {
            "uid": uid,
            "guard": self.mode == "rlimit",
            "require_landlock": self.landlock,
            "scratch_root": "/tmp/synth-scratch" if self.mode == "bwrap" else self.scratch_root,
        }
        if self.mode == "bwrap":
            prefix = _bwrap_argv(shutil.which("bwrap") or "bwrap")
        else:
            prefix = probe_unshare()
        return [*prefix, sys.executable, "-I", "-B", str(WORKER), json.dumps(config)]

    def start(self) -> None:
        """Start the worker and wait for it to say it is ready."""
        self.proc = subprocess.Popen(
            self._argv(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_WORKER_ENV,
            start_new_session=True,
        )
        self._buf = b""
        ready = self.receive(time.monotonic() + 60)
        if ready is None:
            self.stop()
            raise BenchError(f"sandbox worker ({self.mode}) failed to start")
        if self.landlock and not ready.get("landlock"):
            # The kernel said it has Landlock, yet a probe child could still write beside its
            # folder: no sample may run in this worker.
            self.stop()
            raise BenchError(f"sandbox worker ({self.mode}): Landlock did not hold in its probe")
        if self.mode == "rlimit" and not ready.get("seccomp"):
            logger.warning("no seccomp filter here: rlimit-mode samples can run programs")

    def stop(self) -> None:
        """Kill the worker's whole process group (bwrap takes its namespaces down with it)."""
        if self.proc is None:
            return
        with contextlib.suppress(OSError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()
        self.proc = None

    def _pipes(self) -> tuple[IO[bytes], int]:
        if self.proc is None or self.proc.stdin is None or self.proc.stdout is None:
            raise BenchError(f"sandbox worker {self.index} is not running")
        return self.proc.stdin, self.proc.stdout.fileno()

    def _readline(self, deadline: float) -> dict[str, Any] | None:
        _, fd = self._pipes()
        while b"\n" not in self._buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        reply = json.loads(line)  # ValueError on garbage: callers treat it as a dead worker
        return reply if isinstance(reply, dict) else None

    def send(self, job: Job, memory_mb: int) -> int:
        """Queue one job on the worker, starting it if needed; returns the bytes written."""
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        stdin, _ = self._pipes()
        check = dataclasses.asdict(job.check) if job.check is not None else None
        line = {
            "program": job.program,
            "timeout": job.timeout_s,
            "memory_mb": memory_mb,
            "check": check,
        }
        data = json.dumps(line).encode() + b"\n"
        stdin.write(data)
        stdin.flush()
        return len(data)

    def receive(self, deadline: float) -> dict[str, Any] | None:
        """The next reply, or None when the worker died, hung past the deadline or babbled."""
        try:
            return self._readline(deadline)
        except (OSError, ValueError, BenchError):
            return None


def _failure(result: str, status: str = "failed") -> dict[str, Any]:
    return {"status": status, "result": result, "duration_s": 0.0}


class ForkServerSandbox:
    """A pool of warm workers; use as a context manager so that workers and scratch go away."""

    def __init__(
        self,
        mode: Mode,
        workers: int = 2,
        memory_mb: int = 1024,
        allow_unsafe_rlimit: bool = False,
        allow_no_landlock: bool = False,
    ) -> None:
        """Raises BenchError for the rlimit mode unless ``allow_unsafe_rlimit`` opts in.

        Where the kernel has no Landlock, the rlimit mode also needs ``allow_no_landlock``.
        """
        if mode == "rlimit" and not allow_unsafe_rlimit:
            raise BenchError(f"refusing to run samples: {UNSAFE_REFUSAL}")
        landlock, why = probe_landlock() if mode == "rlimit" else (0, "")
        if mode == "rlimit" and not landlock and not allow_no_landlock:
            raise BenchError(NO_LANDLOCK_REFUSAL.format(reason=why))
        self.confines_writes = mode == "bwrap" or landlock > 0
        if mode == "rlimit":
            label = ISOLATION_RLIMIT if landlock else ISOLATION_RLIMIT_NO_LANDLOCK
            logger.warning("running samples WITHOUT a sandbox (rlimit mode, opted in): %s", label)
            if not landlock:
                logger.warning("%s: samples can write files as this user; nothing is cached", why)
        self.mode = mode
        self.memory_mb = memory_mb
        self._undumpable = mode == "rlimit" and samples_keep_host_uid(mode)
        if self._undumpable:
            _set_undumpable(True)
        if mode == "bwrap":
            self.isolation = ISOLATION_BWRAP
        else:
            self.isolation = ISOLATION_RLIMIT if landlock else ISOLATION_RLIMIT_NO_LANDLOCK
        # tmpfs when there is one: creating and deleting a scratch folder per sample is then cheap.
        shm = Path("/dev/shm")
        fast = shm if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK) else None
        self._scratch = tempfile.mkdtemp(prefix="synth-bench-", dir=fast)
        os.chmod(self._scratch, 0o711)  # children with their own uid must reach their scratch
        uses_landlock = mode == "rlimit" and landlock > 0
        self._workers = [
            _Worker(mode, i, self._scratch, uses_landlock) for i in range(max(1, workers))
        ]
        # Long-lived threads: bwrap's --die-with-parent fires when the *thread* that started it
        # ends, so workers must be started from threads that live as long as the sandbox.
        self._pool = ThreadPoolExecutor(max_workers=len(self._workers))

    def __enter__(self) -> ForkServerSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every worker and delete the scratch root."""
        for worker in self._workers:
            worker.stop()
        self._pool.shutdown(wait=True)
        shutil.rmtree(self._scratch, ignore_errors=True)
        if self._undumpable:
            self._undumpable = False
            _set_undumpable(False)

    def run(self, jobs: Sequence[Job]) -> list[ExecOutcome]:
        """Run jobs across the workers; results come back in the order of ``jobs``."""
        pending: queue.SimpleQueue[int] = queue.SimpleQueue()
        for index in range(len(jobs)):
            pending.put(index)
        replies: dict[int, dict[str, Any]] = {}
        drivers = [self._pool.submit(self._drive, w, pending, jobs, replies) for w in self._workers]
        for driver in drivers:
            driver.result()
        return [
            ExecOutcome(
                status=replies[i].get("status", "error"),
                result=str(replies[i].get("result", "error")),
                duration_s=float(replies[i].get("duration_s", 0.0)),
                timeout_s=job.timeout_s,
                isolation=self.isolation,
            )
            for i, job in enumerate(jobs)
        ]

    def _drive(
        self,
        worker: _Worker,
        pending: queue.SimpleQueue[int],
        jobs: Sequence[Job],
        replies: dict[int, dict[str, Any]],
    ) -> None:
        """Feed one worker from the shared queue, a few jobs ahead, until the queue is empty."""
        inflight: deque[tuple[int, int]] = deque()  # (job index, request bytes)
        head_since = time.monotonic()
        while True:
            while len(inflight) < _IN_FLIGHT and sum(b for _, b in inflight) < _IN_FLIGHT_BYTES:
                try:
                    index = pending.get_nowait()
                except queue.Empty:
                    break
                try:
                    size = worker.send(jobs[index], self.memory_mb)
                except BenchError as exc:
                    replies[index] = _failure(f"error: {exc}", status="error")
                    continue
                except OSError:  # the worker is gone; the replies still owed will show it
                    replies[index] = _failure("failed: sandbox worker died")
                    continue
                if not inflight:
                    head_since = time.monotonic()
                inflight.append((index, size))
            if not inflight:
                return
            index, _ = inflight.popleft()
            reply = worker.receive(head_since + jobs[index].timeout_s + _GRACE_S)
            head_since = time.monotonic()
            if reply is None:
                # The head job killed or hung its worker; the jobs queued behind it are innocent.
                logger.warning("sandbox worker %d died or hung; restarting it", worker.index)
                replies[index] = _failure("failed: sandbox worker died")
                worker.stop()
                for other, _ in inflight:
                    pending.put(other)
                inflight.clear()
            else:
                replies[index] = reply


def open_sandbox(settings: BenchSettings) -> ForkServerSandbox:
    """A sandbox as the settings ask: bwrap when it works, else the rlimit mode if opted into.

    The rlimit mode without Landlock runs only when it was chosen by name (``sandbox =
    "rlimit"``), not reached by ``auto`` falling back, and opted into as well.
    """
    return ForkServerSandbox(
        resolve_mode(settings.sandbox),
        workers=settings.workers,
        memory_mb=settings.memory_mb,
        allow_unsafe_rlimit=settings.allow_unsafe_rlimit,
        allow_no_landlock=settings.sandbox == "rlimit",
    )
