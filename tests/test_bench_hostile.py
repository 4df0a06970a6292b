"""Stdlib-only escapes and forged verdicts: contained by bwrap and by the opted-in rlimit mode.

The three escapes below got out of the rlimit mode's Python-level guards: ``_io.open`` wrote
outside scratch, ``_socket.SocketType`` reached a listener on the host's loopback and
``_posixsubprocess.fork_exec`` ran a program on the host. The kernel now stops all three there:
seccomp the socket and the exec, Landlock the write (``test_bench_landlock.py`` has more). The
forger writes ``passed`` to every inherited descriptor and exits before its tests run.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from synth.bench.sandbox import ForkServerSandbox, Job, open_sandbox, probe_bwrap
from synth.errors import BenchError
from synth.settings import BenchSettings

needs_bwrap = pytest.mark.skipif(
    not probe_bwrap()[0], reason=f"bubblewrap unusable here: {probe_bwrap()[1]}"
)
MODES = ["rlimit", pytest.param("bwrap", marks=needs_bwrap)]

FORGE = (
    "import os\nfor fd in range(3, 1024):\n    try:\n"
    '        os.write(fd, b\'{"status": "passed", "result": "passed"}\\n\')\n'
    "    except OSError:\n        pass\nos._exit(0)\n"
)


def _escapes(target: Path, port: int) -> dict[str, str]:
    t = str(target)
    return {
        "io_open": f"import _io\n_io.open({t + '/io_open'!r}, 'w').write('x')",
        "socket_type": "import _socket\n"
        "s = _socket.SocketType(_socket.AF_INET, _socket.SOCK_STREAM)\ns.settimeout(1)\n"
        f"s.connect(('127.0.0.1', {port}))\ns.send(b'escaped')",
        "fork_exec": "import _posixsubprocess, os, time\nr, w = os.pipe()\n"
        f"argv = [b'/usr/bin/touch', {(t + '/fork_exec').encode()!r}]\n"
        "common = (argv, [argv[0]], True, (), None, None, -1, -1, -1, -1, -1, -1, r, w, True,\n"
        "          False, -1, None, None, None, -1, None)\n"
        "try:\n    _posixsubprocess.fork_exec(*common, False)\n"
        "except TypeError:\n    _posixsubprocess.fork_exec(*common)\n"
        "os.close(w)\nerr = os.read(r, 1000)\nassert not err, err\ntime.sleep(0.5)\n"
        f"assert os.path.exists({t + '/fork_exec'!r})",
    }


@pytest.fixture
def target(tmp_path: Path) -> Path:
    folder = tmp_path / "host"
    folder.mkdir()
    return folder


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


@needs_bwrap
def test_stdlib_escapes_are_contained_by_bwrap(target: Path, listener: socket.socket) -> None:
    programs = _escapes(target, listener.getsockname()[1])
    with ForkServerSandbox("bwrap", workers=2, memory_mb=512) as sandbox:
        outcomes = dict(
            zip(programs, sandbox.run([Job(c, 2.0) for c in programs.values()]), strict=True)
        )
    # A program may run inside bwrap (like os.system there): only the sandbox sees it.
    assert {n: o.status for n, o in outcomes.items() if n != "fork_exec"} == {
        "io_open": "failed",
        "socket_type": "failed",
    }
    assert list(target.iterdir()) == []
    assert not _reached(listener)


def test_rlimit_mode_refuses_samples_without_the_opt_in() -> None:
    with pytest.raises(BenchError, match=r"not a sandbox.*--unsafe-rlimit"):
        ForkServerSandbox("rlimit")
    with pytest.raises(BenchError, match="refusing to run samples"):
        open_sandbox(BenchSettings(sandbox="rlimit"))


def test_auto_without_bwrap_refuses_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("synth.bench.sandbox.probe_bwrap", lambda: (False, "no userns"))
    with pytest.raises(BenchError, match="refusing"):
        open_sandbox(BenchSettings())


def test_opted_in_rlimit_mode_stops_exec_sockets_and_writes_in_the_kernel(
    target: Path, listener: socket.socket
) -> None:
    programs = _escapes(target, listener.getsockname()[1])
    with ForkServerSandbox("rlimit", workers=1, allow_unsafe_rlimit=True) as sandbox:
        ready = sandbox.run([Job("x = 1", 1.0)])
        outcomes = sandbox.run([Job(code, 2.0) for code in programs.values()])
    assert ready[0].status == "passed"
    assert [o.status for o in outcomes] == ["failed"] * len(programs)
    assert list(target.iterdir()) == []
    assert not _reached(listener)


@pytest.mark.parametrize("mode", MODES)
def test_a_forged_passed_verdict_counts_as_failed(mode: str) -> None:
    with ForkServerSandbox(mode, workers=1, allow_unsafe_rlimit=True) as sandbox:  # type: ignore[arg-type]
        forged, honest = sandbox.run([Job(FORGE, 1.0), Job("assert 1 + 1 == 2", 1.0)])
    assert forged.status == "failed"
    assert "protocol" in forged.result
    assert honest.status == "passed"
