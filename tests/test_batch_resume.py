"""Batches that survive being killed: the journal, kill -9 and rerun (pool and Ray), the lock."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from synth import batch_lock
from synth.batch import run_batch
from synth.batch_journal import JOURNAL_NAME, read_journal
from synth.batch_lock import LOCK_NAME, LockHolder, hold_out_lock, process_start, this_holder
from synth.errors import SynthError
from synth.records import ReportRequest
from synth.report.manifest import validate_manifest_file
from tests.batch_support import QUESTIONS, REPO, fast_settings, local_ray, word_embedder
from tests.test_pipeline import write_corpus


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus.jsonl")


def _requests(corpus: Path, out: Path, questions: list[str] = QUESTIONS) -> list[ReportRequest]:
    return [ReportRequest(question=q, corpus=[corpus], out_dir=out) for q in questions]


def _batch(requests: list[ReportRequest], **kwargs: Any) -> list[Any]:
    return run_batch(requests, fast_settings(), embedder_factory=word_embedder, **kwargs)


# --- the journal ---------------------------------------------------------------------------


def test_journal_records_every_job_and_the_end(tmp_path: Path, corpus: Path) -> None:
    out = tmp_path / "r"
    results = _batch(_requests(corpus, out, QUESTIONS[:2]))
    assert [r.status for r in results] == ["done", "done"]
    entries = read_journal(out)
    assert [e.event for e in entries] == ["run", "done", "done", "end"]
    assert {e.report_id for e in entries if e.event == "done"} == {r.report_id for r in results}
    for entry in entries[1:3]:
        manifest = json.loads(
            (out / entry.report_id.replace(":", "-") / "manifest.json").read_text()
        )
        assert manifest["inputs_digest"] == entry.inputs_digest
    # A rerun appends its own run; a torn last line (a run killed mid-write) is left out.
    with (out / JOURNAL_NAME).open("ab") as handle:
        handle.write(b'{"event": "done", "run": "dead')
    again = _batch(_requests(corpus, out, QUESTIONS[:2]))
    assert [r.status for r in again] == ["skipped", "skipped"]
    events = [e.event for e in read_journal(out)]
    assert events == ["run", "done", "done", "end", "run", "skipped", "skipped", "end"]


def test_forced_run_that_was_interrupted_resumes_without_redoing_its_jobs(
    tmp_path: Path, corpus: Path
) -> None:
    out = tmp_path / "r"
    requests = _requests(corpus, out, QUESTIONS[:3])
    assert [r.status for r in _batch(requests)] == ["done"] * 3
    # A forced run stopped after its first job: its journal has a "run" and one "done", no end.
    forced = _batch(requests, force=True)
    assert [r.status for r in forced] == ["done"] * 3
    path = out / JOURNAL_NAME
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-3]))  # drop the last two "done" lines and the "end"
    resumed = _batch(requests, force=True)
    assert [r.status for r in resumed] == ["skipped", "done", "done"]
    assert resumed[0].detail == "done by the interrupted run"
    # Finished now: a further --force run rebuilds everything again.
    assert [r.status for r in _batch(requests, force=True)] == ["done"] * 3


# --- kill -9 and rerun -------------------------------------------------------------------------

_KILL_SCRIPT = """
import sys
from pathlib import Path
from synth.batch import run_batch
from tests.batch_support import fast_settings, word_embedder
from tests.test_batch_resume import _requests

executor, corpus, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
if executor == "ray":
    import ray

    ray.init(address="local", include_dashboard=False, num_cpus=2,
             _node_ip_address="127.0.0.1", logging_level="ERROR")
run_batch(_requests(corpus, out), fast_settings(), workers=2, executor=executor,
          embedder_factory=word_embedder)
"""


def _done(out: Path) -> set[str]:
    return {e.report_id for e in read_journal(out) if e.event == "done"}


@contextlib.contextmanager
def _running_batch(executor: str, corpus: Path, out: Path, log: Path) -> Iterator[Any]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with (
        log.open("w") as stderr,
        subprocess.Popen(
            [sys.executable, "-c", _KILL_SCRIPT, executor, str(corpus), str(out)],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,  # its own process group: the cleanup below reaches it all
        ) as proc,
    ):
        try:
            yield proc
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # whatever of this group outlived it


def _kill_after_first_done(executor: str, corpus: Path, out: Path, log: Path) -> set[str]:
    """Run the batch in a subprocess, SIGKILL it once the journal shows a finished job."""
    with _running_batch(executor, corpus, out, log) as proc:
        deadline = time.monotonic() + 120
        while not _done(out):
            try:
                proc.wait(timeout=0.05)  # polls the journal; fails fast if the batch exits
            except subprocess.TimeoutExpired:
                pass
            else:
                pytest.fail(f"the batch exited ({proc.returncode}) first:\n{log.read_text()}")
            assert time.monotonic() < deadline, log.read_text()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        done = _done(out)
    entries = read_journal(out)
    assert not any(e.event == "end" for e in entries), "the batch finished before the kill"
    assert len(done) < len(QUESTIONS)
    for entry in entries:  # a job journaled done has its manifest, of the digest journaled
        if entry.event == "done":
            manifest = out / entry.report_id.replace(":", "-") / "manifest.json"
            assert validate_manifest_file(manifest).inputs_digest == entry.inputs_digest
    return done


def _check_resumed(out: Path, done_before: set[str], results: list[Any]) -> None:
    by_id = {r.report_id: r for r in results}
    assert all(by_id[rid].status == "skipped" for rid in done_before), [
        (rid, by_id[rid].status, by_id[rid].detail) for rid in done_before
    ]
    assert {r.status for r in results} <= {"skipped", "done"}, [r.detail for r in results]
    assert any(r.status == "done" for r in results)  # the killed run left work to do
    for result in results:
        validate_manifest_file(out / result.report_id.replace(":", "-") / "manifest.json")
    index = [json.loads(line) for line in (out / "index.jsonl").read_text().splitlines()]
    assert {e["report_id"] for e in index} == set(by_id)
    assert read_journal(out)[-1].event == "end"


@pytest.mark.slow  # about 20 s: a batch process, its pool and a second run
def test_killed_pool_batch_resumes(
    tmp_path: Path, corpus: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "r"
    done_before = _kill_after_first_done("pool", corpus, out, tmp_path / "batch.log")
    holder = LockHolder.model_validate_json((out / LOCK_NAME).read_bytes())
    assert holder.pid != os.getpid()  # the killed run's record is still there
    with caplog.at_level(logging.WARNING, logger="synth.batch_lock"):
        results = _batch(_requests(corpus, out), workers=2)
    assert "ended without releasing its lock" in caplog.text  # the stale lock was taken over
    _check_resumed(out, done_before, results)
    assert not (out / LOCK_NAME).read_bytes()  # released cleanly this time


@pytest.mark.slow  # about 45 s: two Ray heads, one killed
def test_killed_ray_batch_resumes(tmp_path: Path, corpus: Path) -> None:
    pytest.importorskip("ray")
    out = tmp_path / "r"
    done_before = _kill_after_first_done("ray", corpus, out, tmp_path / "batch.log")
    with local_ray():
        results = _batch(_requests(corpus, out), workers=2, executor="ray")
    _check_resumed(out, done_before, results)


# --- the lock --------------------------------------------------------------------------------


def test_a_live_run_is_named_and_a_second_refused(tmp_path: Path, corpus: Path) -> None:
    out = tmp_path / "r"
    with hold_out_lock(out), pytest.raises(SynthError) as refused:
        _batch(_requests(corpus, out, QUESTIONS[:1]))
    assert f"PID {os.getpid()} on " in str(refused.value)
    assert not (out / "index.jsonl").exists()  # refused before any work
    assert [r.status for r in _batch(_requests(corpus, out, QUESTIONS[:1]))] == ["done"]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def no_flock(monkeypatch: pytest.MonkeyPatch) -> None:
    """A filesystem without flock: the holder record alone decides."""
    import errno
    import fcntl

    def flock(handle: object, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", flock)


def _record(out: Path, **changes: Any) -> None:
    out.mkdir(parents=True, exist_ok=True)
    holder = this_holder().model_copy(update=changes)
    (out / LOCK_NAME).write_text(holder.model_dump_json())


@pytest.mark.usefixtures("no_flock")
def test_without_flock_a_live_holder_keeps_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "r"
    _record(out)  # this very process, alive
    with pytest.raises(SynthError, match="another synth batch"), hold_out_lock(out):
        pass
    _record(out, host="elsewhere.example")  # cannot be checked from here: kept
    with pytest.raises(SynthError, match=r"on elsewhere\.example"), hold_out_lock(out):
        pass


@pytest.mark.usefixtures("no_flock")
def test_without_flock_a_dead_or_reused_pid_is_a_stale_lock(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "r"
    start = process_start(os.getpid())
    for stale in ({"pid": _dead_pid()}, {"pid_start": (start or 0) + 1}, {"boot_id": "rebooted"}):
        _record(out, **stale)
        with caplog.at_level(logging.WARNING, logger="synth.batch_lock"), hold_out_lock(out) as old:
            assert old is not None and old.pid == stale.get("pid", os.getpid())
            now = LockHolder.model_validate_json((out / LOCK_NAME).read_bytes())
            assert now.pid == os.getpid() and now.pid_start == start  # the record is ours now
        assert not (out / LOCK_NAME).read_bytes()
    assert caplog.text.count("ended without releasing its lock") == 3


def test_holder_alive_checks_host_pid_and_start() -> None:
    me = this_holder()
    assert batch_lock.holder_alive(me)
    assert not batch_lock.holder_alive(me.model_copy(update={"pid": _dead_pid()}))
    assert batch_lock.holder_alive(me.model_copy(update={"host": "elsewhere.example"}))
