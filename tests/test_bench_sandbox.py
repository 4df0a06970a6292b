"""Hostile samples are contained in both sandbox modes; the harness finishes; the host is intact."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from synth.bench.sandbox import ISOLATION_RLIMIT, ForkServerSandbox, Job, probe_bwrap, resolve_mode
from synth.errors import BenchError

MODES = ["rlimit", pytest.param("bwrap", marks=pytest.mark.skipif(
    not probe_bwrap()[0], reason=f"bubblewrap unusable here: {probe_bwrap()[1]}"))]  # fmt: skip


REPO_PROBE = Path(__file__).resolve().parent / f".hostile-probe-{os.getpid()}"


def _hostile(target: Path) -> dict[str, str]:
    """Twenty-odd programs that try to escape, hog, or damage; ``target`` lies outside scratch."""
    t = str(target)
    return {
        "write_outside": f"open({t + '/written'!r}, 'w').write('x')",
        # Outside /tmp too: bwrap hides the host's /tmp, so this one tests the read-only root.
        "write_repo": f"open({str(REPO_PROBE)!r}, 'w').write('x')",
        "write_via_os_open": "import os\n"
        f"os.close(os.open({t + '/osopen'!r}, os.O_CREAT | os.O_WRONLY))",
        # These three walk around the rlimit mode's Python-level guards; Landlock stops them.
        "write_via_io_open": f"import _io\n_io.open({t + '/io_open'!r}, 'w').write('x')",
        "write_via_dir_fd": f"import os\n_d = os.open({t!r}, os.O_RDONLY | os.O_DIRECTORY)\n"
        "os.close(os.open('dirfd', os.O_CREAT | os.O_WRONLY, dir_fd=_d))",
        "write_via_reimported_ctypes": "import os, sys\ndel sys.modules['ctypes']\nimport ctypes\n"
        f"fd = ctypes.CDLL(None).open({(t + '/ctypes').encode()!r}, os.O_CREAT | os.O_WRONLY, 0o600)\n"
        "assert fd >= 0",
        "delete_canary": f"import os\nos.remove({t + '/canary'!r})",
        "rmtree_target": f"import shutil\nshutil.rmtree({t!r})",
        "rename_canary": f"import os\nos.rename({t + '/canary'!r}, {t + '/moved'!r})",
        "chmod_canary": f"import os\nos.chmod({t + '/canary'!r}, 0)",
        "os_system": f"import os\nassert os.system('touch {t}/system') == 0",
        "subprocess": f"import subprocess\nsubprocess.run(['touch', '{t}/subproc'], check=True)",
        "popen": f"import os\nos.popen('touch {t}/popen').read()",
        "fork_bomb": "import os\nwhile True:\n    os.fork()",
        "fork_then_escape": "import os, time\nif os.fork() == 0:\n"
        "    os.setsid()\n    time.sleep(3)\n"
        f"    open({t + '/late'!r}, 'w').write('x')\nassert False",
        "memory_bomb": "x = []\nwhile True:\n    x.append(' ' * 10**7)",
        "huge_alloc": "x = bytearray(10**11)",
        "infinite_loop": "while True:\n    pass",
        "sleep_forever": "import time\ntime.sleep(10**6)",
        "socket_connect": "import socket\nsocket.create_connection(('127.0.0.1', 22), timeout=1)",
        "socket_listen": "import socket\ns = socket.socket()\n"
        "s.bind(('0.0.0.0', 8765))\ns.listen()",
        "kill_parent": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)",
        "kill_everything": "import os, signal\nos.kill(-1, signal.SIGKILL)",
        "kill_host": f"import os, signal\nos.kill({os.getpid()}, signal.SIGKILL)",
        "exit_zero": "import os\nos._exit(0)",
        "sys_exit": "raise SystemExit(0)",
        "recursion": "def f():\n    return f()\nf()",
        "disk_fill": "with open('big', 'wb') as f:\n    f.write(b'0' * (200 * 2**20))",
        # Forges a verdict on every inherited descriptor and exits before its tests run.
        "forge_passed": "import os\nfor fd in range(3, 1024):\n    try:\n"
        '        os.write(fd, b\'{"status": "passed", "result": "passed"}\\n\')\n'
        "    except OSError:\n        pass\nos._exit(0)",
        "close_fds": "import os\nfor fd in range(3, 256):\n    try:\n        os.close(fd)\n"
        "    except OSError:\n"
        "        pass\nassert False",
    }


@pytest.fixture
def target(tmp_path: Path) -> Path:
    folder = tmp_path / "host"
    folder.mkdir()
    (folder / "canary").write_text("alive")
    return folder


@pytest.mark.parametrize("mode", MODES)
def test_hostile_samples_are_contained(mode: str, target: Path) -> None:
    programs = _hostile(target)
    with ForkServerSandbox(mode, workers=2, memory_mb=512, allow_unsafe_rlimit=True) as sandbox:  # type: ignore[arg-type]
        outcomes = sandbox.run([Job(code, 1.0) for code in programs.values()])
        # The harness still works after all of that.
        assert sandbox.run([Job("assert 1 + 1 == 2", 1.0)])[0].status == "passed"
    results = dict(zip(programs, outcomes, strict=False))
    assert len(results) >= 30
    # Inside bwrap, shells, listening sockets and kill(-1) may "succeed": only the sandbox sees it.
    harmless_inside = {"os_system", "subprocess", "popen", "socket_listen", "kill_everything"}
    for name, outcome in results.items():
        assert outcome.status != "passed" or name in harmless_inside, name
    assert results["infinite_loop"].status == "timed out"
    assert results["sleep_forever"].status == "timed out"
    assert not REPO_PROBE.exists()
    assert sorted(p.name for p in target.iterdir()) == ["canary"]
    assert (target / "canary").read_text() == "alive"
    assert os.stat(target / "canary").st_mode & 0o777 != 0


def _process_table() -> dict[int, tuple[int, bytes]]:
    """pid -> (parent pid, command line) for every visible process."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_bytes()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        table[int(entry)] = (int(stat[stat.rfind(b")") + 2 :].split()[1]), cmdline)
    return table


def _leftovers(roots: list[int]) -> list[int]:
    """Processes below a sandbox worker (forks share its command line, so find the topmost)."""
    table = _process_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)

    def below(pid: int) -> list[int]:
        return [d for c in children.get(pid, []) for d in (c, *below(c))]

    tree = [p for root in roots for p in (root, *below(root))]

    def is_worker(pid: int) -> bool:
        argv = table.get(pid, (0, b""))[1].split(b"\0")
        return not argv[0].endswith(b"bwrap") and any(a.endswith(b"_worker.py") for a in argv)

    workers = [p for p in tree if is_worker(p) and not is_worker(table[p][0])]
    return [p for w in workers for p in below(w)]


@pytest.mark.parametrize("mode", MODES)
def test_nothing_is_left_behind(mode: str) -> None:
    daemon = (
        "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        "        time.sleep(600)\n    os._exit(0)\nopen('litter', 'w').write('x')\n"
    )
    with ForkServerSandbox(mode, workers=1, allow_unsafe_rlimit=True) as sandbox:  # type: ignore[arg-type]
        sandbox.run([Job(daemon, 2.0)])
        scratch = sandbox._scratch
        roots = [w.proc.pid for w in sandbox._workers if w.proc is not None]
        assert roots
        assert _leftovers(roots) == []
        # rlimit mode: one private folder per worker under the sandbox's root, emptied per sample.
        assert all(os.listdir(Path(scratch, d)) == [] for d in os.listdir(scratch))
    assert not Path(scratch).exists()


def test_weaker_mode_says_so_in_every_result() -> None:
    with ForkServerSandbox("rlimit", workers=1, allow_unsafe_rlimit=True) as sandbox:
        outcome = sandbox.run([Job("assert True", 1.0)])[0]
    assert outcome.isolation == ISOLATION_RLIMIT
    assert "WEAKER" in outcome.isolation


def test_outcomes_use_human_evals_result_strings() -> None:
    with ForkServerSandbox(resolve_mode("auto"), workers=1, allow_unsafe_rlimit=True) as sandbox:
        passed, failed, syntax = sandbox.run(
            [Job("x = 1", 1.0), Job("assert False, 'boom'", 1.0), Job("def (:", 1.0)]
        )
    assert (passed.result, failed.result) == ("passed", "failed: boom")
    assert syntax.result.startswith("failed: invalid syntax")


def test_bwrap_mode_refuses_to_pretend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("synth.bench.sandbox.probe_bwrap", lambda: (False, "no userns"))
    assert resolve_mode("auto") == "rlimit"
    with pytest.raises(BenchError, match="no userns"):
        resolve_mode("bwrap")


def test_a_hung_worker_is_replaced_and_queued_jobs_rerun(monkeypatch: pytest.MonkeyPatch) -> None:
    # A negative grace makes the host give up on a worker before the sample's own limit.
    monkeypatch.setattr("synth.bench.sandbox._GRACE_S", -0.7)
    jobs = [Job("import time\ntime.sleep(3)", 1.0)] + [Job("x = 1", 1.0)] * 3
    with ForkServerSandbox("rlimit", workers=1, allow_unsafe_rlimit=True) as sandbox:
        outcomes = sandbox.run(jobs)
        again = sandbox.run([Job("x = 2", 1.0)])
    assert outcomes[0].result == "failed: sandbox worker died"
    assert [o.status for o in outcomes[1:]] == ["passed"] * 3
    assert again[0].status == "passed"
