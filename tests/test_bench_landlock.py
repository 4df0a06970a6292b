"""The rlimit mode's Landlock: samples write only beneath scratch, so no forged pass survives.

Each hostile program below runs in the rlimit mode with this user's uid (as root the test takes
the uid drop away, which would otherwise stop the writes on its own) and tries to leave a mark
that a later run could read as a verdict: overwriting or appending to the verdict cache,
rewriting the checker, writing, renaming or deleting files outside scratch through the C
modules and tricks the Python-level guards miss, reaching a listener on 127.0.0.1. With Landlock
each fails and every target is byte-for-byte unchanged; with Landlock switched off (chosen by
name, as a user must) the file writers get through, which is what they did before, and the
verdict cache is then not used at all. Named UNIX sockets, which Landlock does not cover, are
out of reach through seccomp.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from synth.bench.executor import Sample, evaluate_samples
from synth.bench.records import Dataset, ExecOutcome, Problem
from synth.bench.sandbox import (
    ISOLATION_RLIMIT,
    ISOLATION_RLIMIT_NO_LANDLOCK,
    WORKER,
    ForkServerSandbox,
    Job,
    open_sandbox,
    probe_landlock,
    samples_keep_host_uid,
)
from synth.bench.store import KeyedCache
from synth.errors import BenchError
from synth.settings import BenchSettings
from tests.test_bench_hostile import _escapes as stdlib_escapes

ABI = probe_landlock()[0]
needs_landlock = pytest.mark.skipif(ABI < 1, reason=f"no Landlock here: {probe_landlock()[1]}")
HARNESS_FILES = ("_worker.py", "_checker.py", "_confine.py", "_landlock.py", "plain_data.py")
# Got through the rlimit mode before Landlock (seccomp already stopped the socket and exec).
ESCAPED_BEFORE = {
    "io_open_overwrites_the_cache",
    "io_open_appends_a_forged_entry",
    "io_open_rewrites_the_checker",
    "dir_fd_truncates_a_file_outside",
    "dir_fd_renames_over_the_checker",
    "dir_fd_deletes_a_file_outside",
    "reimported_ctypes_writes_outside",
    "io_open",
}
FORGED_DECIDE = "\ndef decide(*_a, **_k):\n    return {'status': 'passed', 'result': 'passed'}\n"
FORGED_LINE = json.dumps({"key": "0" * 24, "value": {"status": "passed", "result": "passed"}})


def _hostile(host: Path, harness: Path, port: int) -> dict[str, str]:
    cache, checker = host / "cache.jsonl", harness / "_checker.py"
    at_host = f"import os\n_d = os.open({str(host)!r}, os.O_RDONLY | os.O_DIRECTORY)\n"
    programs = {
        "io_open_overwrites_the_cache": f"import _io\n_io.open({str(cache)!r}, 'w').write('x')",
        "io_open_appends_a_forged_entry": "import _io\n"
        f"_io.open({str(cache)!r}, 'a').write({FORGED_LINE + chr(10)!r})",
        # Every checker that a later worker loads would then pass every sample.
        "io_open_rewrites_the_checker": "import _io\n"
        f"_io.open({str(checker)!r}, 'a').write({FORGED_DECIDE!r})",
        # The guards check a relative name against scratch; dir_fd points elsewhere.
        "dir_fd_truncates_a_file_outside": at_host
        + "os.write(os.open('owned.txt', os.O_WRONLY | os.O_TRUNC, dir_fd=_d), b'forged')",
        "dir_fd_renames_over_the_checker": at_host
        + f"_h = os.open({str(harness)!r}, os.O_RDONLY | os.O_DIRECTORY)\n"
        "os.rename('owned.txt', '_checker.py', src_dir_fd=_d, dst_dir_fd=_h)",
        "dir_fd_deletes_a_file_outside": at_host + "os.unlink('canary', dir_fd=_d)",
        # ``import ctypes`` is refused by a None in sys.modules, which a sample can delete.
        "reimported_ctypes_writes_outside": "import os, sys\ndel sys.modules['ctypes']\n"
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        f"fd = libc.open({str(host / 'made').encode()!r}, os.O_WRONLY | os.O_CREAT, 0o600)\n"
        "assert fd >= 0, ctypes.get_errno()\nassert libc.write(fd, b'forged', 6) == 6",
    }
    # _io.open, _socket.SocketType to the listener, _posixsubprocess.fork_exec running touch.
    return {**programs, **stdlib_escapes(host, port)}


def _snapshot(*folders: Path) -> dict[str, str]:
    return {
        str(path): hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in folders
        for path in sorted(folder.iterdir())
    }


@pytest.fixture
def host(tmp_path: Path) -> Path:
    folder = tmp_path / "host"
    folder.mkdir()
    (folder / "cache.jsonl").write_text('{"key": "k", "value": 1}\n')
    (folder / "owned.txt").write_text("alive")
    (folder / "canary").write_text("alive")
    return folder


@pytest.fixture
def harness(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the worker and its siblings, which the sandbox then runs: a target to rewrite."""
    folder = tmp_path / "harness"
    folder.mkdir()
    for name in HARNESS_FILES:
        shutil.copy(WORKER.with_name(name), folder / name)
    monkeypatch.setattr("synth.bench.sandbox.WORKER", folder / "_worker.py")
    return folder


@pytest.fixture
def host_uid(monkeypatch: pytest.MonkeyPatch) -> None:
    """Samples keep this user's uid (as root they would get one of their own)."""
    monkeypatch.setattr("synth.bench.sandbox.interpreter_is_public", lambda: False)
    assert samples_keep_host_uid("rlimit")


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    yield server
    server.close()


def _reached(server: socket.socket) -> bool:
    try:
        conn, _ = server.accept()
    except TimeoutError:
        return False
    conn.close()
    return True


def _no_landlock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "synth.bench.sandbox.probe_landlock", lambda: (0, "the kernel has no Landlock (test)")
    )


def _run(programs: dict[str, str], **options: bool) -> dict[str, ExecOutcome]:
    # One worker, started before the first program: they run in order, on the harness as it was.
    with ForkServerSandbox("rlimit", workers=1, allow_unsafe_rlimit=True, **options) as box:
        outcomes = box.run([Job(code, 2.0) for code in programs.values()])
    return dict(zip(programs, outcomes, strict=True))


@needs_landlock
@pytest.mark.usefixtures("host_uid")
def test_hostile_writers_are_contained_by_landlock(
    host: Path, harness: Path, listener: socket.socket
) -> None:
    before = _snapshot(host, harness)
    programs = _hostile(host, harness, listener.getsockname()[1])
    outcomes = _run(programs)
    # A job without a check passes by running to its end: that would be an escape.
    assert {n: o.result for n, o in outcomes.items() if o.status != "failed"} == {}
    assert _snapshot(host, harness) == before
    assert not _reached(listener)
    assert len(outcomes) == 10


@pytest.mark.usefixtures("host_uid")
def test_without_landlock_the_writers_get_through(
    monkeypatch: pytest.MonkeyPatch, host: Path, harness: Path, listener: socket.socket
) -> None:
    # What the rlimit mode was before Landlock, now only when chosen by name.
    _no_landlock(monkeypatch)
    outcomes = _run(_hostile(host, harness, listener.getsockname()[1]), allow_no_landlock=True)
    escaped = {name for name, outcome in outcomes.items() if outcome.status == "passed"}
    # Seccomp still stops the socket and exec; a kernel without seccomp would let more out.
    assert escaped >= ESCAPED_BEFORE
    assert (harness / "_checker.py").read_bytes() != WORKER.with_name("_checker.py").read_bytes()
    assert (host / "cache.jsonl").read_text() != '{"key": "k", "value": 1}\n'
    assert not (host / "canary").exists()
    assert all(o.isolation == ISOLATION_RLIMIT_NO_LANDLOCK for o in outcomes.values())


def test_without_landlock_the_rlimit_mode_refuses_unless_chosen_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _no_landlock(monkeypatch)
    monkeypatch.setattr("synth.bench.sandbox.probe_bwrap", lambda: (False, "no userns"))
    with pytest.raises(BenchError, match=r"no Landlock.*sandbox = \"rlimit\"") as refused:
        ForkServerSandbox("rlimit", allow_unsafe_rlimit=True)
    assert "\n" not in str(refused.value)
    # --unsafe-rlimit alone, reached through auto, is not asking for the mode without Landlock.
    with pytest.raises(BenchError, match="refusing to run samples"):
        open_sandbox(BenchSettings(sandbox="auto", allow_unsafe_rlimit=True))
    with open_sandbox(BenchSettings(sandbox="rlimit", allow_unsafe_rlimit=True)) as sandbox:
        assert sandbox.isolation == ISOLATION_RLIMIT_NO_LANDLOCK
        assert not sandbox.confines_writes
        assert sandbox.run([Job("x = 1", 1.0)])[0].status == "passed"


PROBLEM = Problem(
    task_id="X/0",
    prompt="def f(x):\n",
    canonical_solution="    return x + 1\n",
    test="def check(candidate):\n    assert candidate(1) == 2\n    assert candidate(5) == 6\n",
    entry_point="f",
)
DATASET = Dataset(name="x", sha256="0" * 64, source="test", problems=[PROBLEM])
# A wrong solution that, once loaded, marks every cached verdict it can read as passed.
FORGER = """    return x
import _io, json
_path = {path!r}
_rows = [json.loads(line) for line in _io.open(_path).read().splitlines() if line.strip()]
_passed = {{"status": "passed", "result": "passed", "duration_s": 0.0}}
with _io.open(_path, "a") as _out:
    for _row in _rows:
        _out.write(json.dumps({{"key": _row["key"], "value": _passed}}) + "\\n")
"""


def _evaluate(sandbox: ForkServerSandbox, completion: str, path: Path) -> bool:
    settings = BenchSettings(min_timeout_s=3.0, timeout_factor=1e-6)  # the same limit each run
    sample = Sample(task_id="X/0", completion=completion)
    return evaluate_samples([sample], DATASET, sandbox, settings, KeyedCache(path))[0].passed


def _cached_statuses(path: Path) -> list[object]:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    return [row["value"].get("status") for row in rows if isinstance(row["value"], dict)]


@needs_landlock
@pytest.mark.usefixtures("host_uid")
def test_a_sample_cannot_forge_a_cached_pass_for_a_later_run(tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "executions.jsonl"
    wrong = "    return x\n"
    with ForkServerSandbox("rlimit", workers=1, allow_unsafe_rlimit=True) as sandbox:
        assert sandbox.confines_writes
        assert not _evaluate(sandbox, wrong, cache)
        written = cache.read_bytes()
        assert not _evaluate(sandbox, FORGER.format(path=str(cache)), cache)
        # Only the parent's own line for the forger was added; a later run reads no pass.
        assert cache.read_bytes().startswith(written)
        assert _cached_statuses(cache) == ["failed", "failed"]
        assert not _evaluate(sandbox, wrong, cache)
        assert _evaluate(sandbox, PROBLEM.canonical_solution, cache)


@pytest.mark.usefixtures("host_uid")
def test_without_landlock_the_forger_writes_and_the_cache_is_not_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _no_landlock(monkeypatch)
    cache = tmp_path / "cache" / "executions.jsonl"
    cache.parent.mkdir()
    cache.write_text(json.dumps({"key": "k", "value": {"status": "failed"}}) + "\n")
    with ForkServerSandbox(
        "rlimit", workers=1, allow_unsafe_rlimit=True, allow_no_landlock=True
    ) as sandbox:
        assert not _evaluate(sandbox, FORGER.format(path=str(cache)), cache)
    # The sample wrote its line (this is the hole Landlock closes); the parent wrote nothing.
    assert _cached_statuses(cache) == ["failed", "passed"]


NORMAL_PYTHON = """    return x + 1
import collections, json, os, pathlib, shutil, tempfile
os.makedirs("a/b")
pathlib.Path("a/b/c.txt").write_text(json.dumps(collections.Counter("aab")))
os.rename("a/b/c.txt", "a/c.txt")  # across folders: Landlock's refer right, inside scratch
shutil.copyfile("a/c.txt", "a/d.txt")
with tempfile.TemporaryDirectory() as _tmp, open(os.path.join(_tmp, "t"), "w") as _handle:
    _handle.write("x")
with tempfile.NamedTemporaryFile("w") as _handle, open(os.devnull, "w") as _null:
    _null.write("discarded")
os.truncate("a/d.txt", 1)
shutil.rmtree("a")
assert os.listdir(".") == []
"""


@needs_landlock
@pytest.mark.usefixtures("host_uid")
def test_ordinary_python_still_passes_under_landlock(tmp_path: Path) -> None:
    job = Job(f"{PROBLEM.prompt}{NORMAL_PYTHON}", 3.0)
    with ForkServerSandbox("rlimit", workers=1, allow_unsafe_rlimit=True) as sandbox:
        outcome = sandbox.run([job])[0]
        assert _evaluate(sandbox, NORMAL_PYTHON, tmp_path / "cache.jsonl")
    assert (outcome.status, outcome.isolation) == ("passed", ISOLATION_RLIMIT)


@pytest.mark.skipif(ABI < 6, reason="Landlock scopes signals and abstract sockets from ABI 6")
@pytest.mark.usefixtures("host_uid")
def test_signals_and_abstract_sockets_stay_inside_the_samples_domain() -> None:
    name = f"\0synth-landlock-test-{os.getpid()}"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(name)
    server.listen()
    server.settimeout(0.2)
    programs = {
        # _socket.SocketType walks around the guards; seccomp refuses connect(2) as well.
        "abstract_unix": "import _socket\ns = _socket.SocketType(_socket.AF_UNIX)\n"
        f"s.connect({name!r})",
        "kill_worker": "import os, sys\ndel sys.modules['ctypes']\nimport ctypes\n"
        "assert ctypes.CDLL(None).kill(os.getppid(), 19) == 0",
    }
    try:
        with ForkServerSandbox("rlimit", workers=1, allow_unsafe_rlimit=True) as sandbox:
            outcomes = sandbox.run([Job(code, 2.0) for code in programs.values()])
            after = sandbox.run([Job("x = 1", 1.0)])[0]
        assert [o.status for o in outcomes] == ["failed", "failed"]
        assert "worker died" not in outcomes[1].result
        assert after.status == "passed"
        assert not _reached(server)
    finally:
        server.close()


@pytest.mark.usefixtures("host_uid")
def test_named_unix_sockets_of_this_user_are_out_of_reach(tmp_path: Path) -> None:
    # Landlock does not cover connecting to a named socket (a session bus that starts
    # programs, an ssh agent); seccomp refuses connect(2) and AF_UNIX datagram sockets.
    stream_path, dgram_path = str(tmp_path / "agent.sock"), str(tmp_path / "log.sock")
    stream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stream.bind(stream_path)
    stream.listen()
    stream.settimeout(0.2)
    dgram = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    dgram.bind(dgram_path)
    dgram.settimeout(0.2)
    programs = {
        "stream_connect": "import _socket\ns = _socket.SocketType(_socket.AF_UNIX)\n"
        f"s.connect({stream_path!r})\ns.send(b'escaped')",
        "datagram_sendto": "import _socket\n"
        "s = _socket.SocketType(_socket.AF_UNIX, _socket.SOCK_DGRAM)\n"
        f"s.sendto(b'escaped', {dgram_path!r})",
        "socketpair_sendto": "import _socket\n"
        "a, b = _socket.socketpair(_socket.AF_UNIX, _socket.SOCK_DGRAM)\n"
        f"a.sendto(b'escaped', {dgram_path!r})",
    }
    try:
        outcomes = _run(programs, allow_no_landlock=True)
        assert {n: o.status for n, o in outcomes.items()} == dict.fromkeys(programs, "failed")
        assert not _reached(stream)
        with pytest.raises(TimeoutError):
            dgram.recv(100)
    finally:
        stream.close()
        dgram.close()
