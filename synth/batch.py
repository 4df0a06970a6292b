"""Many reports at once: `synth batch` (questions file) and `synth regenerate` (reports folder).

Each job is one ``ReportRequest``. A job is skipped when its report exists and was built from the
same *inputs digest*: the request, the settings digest, synth's version, the bytes of every corpus
file, the templates and the verifier's fitted parameters. Reports are written atomically, so a
batch that crashes can simply be run again: finished jobs are skipped, the rest are done.
Jobs run in a process pool (``spawn``); workers die with the batch process (on Linux, also when it
is killed with SIGKILL). One batch at a time writes to an output folder: a second is refused while
the first holds the folder's lock file. Every report is written under ``--out``.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from synth.errors import InputError, ManifestError, SynthError
from synth.fingerprint import inputs_digest
from synth.ids import report_dir_name, report_id
from synth.pipeline import run_report
from synth.records import ReportRequest
from synth.settings import Settings

log = logging.getLogger(__name__)

LOCK_NAME = ".batch.lock"
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class JobResult(BaseModel):
    """What happened to one job."""

    model_config = ConfigDict(extra="forbid")

    question: str
    report_id: str
    status: Literal["done", "skipped", "failed"]
    detail: str = ""
    tier: str | None = None
    score: float | None = None


def _stored_digest(request: ReportRequest) -> str | None:
    """The inputs digest of the report on disk, or None when there is none to trust.

    A manifest that fails the schema is not current, whatever digest it carries: the job runs and
    either rebuilds it or fails with the reason (the pipeline refuses to overwrite one it cannot
    read, which would lose its correction history).
    """
    from synth.report.manifest import validate_manifest_file

    path = request.out_dir / report_dir_name(report_id(request.question)) / "manifest.json"
    if not path.exists():
        return None
    try:
        return validate_manifest_file(path).inputs_digest
    except ManifestError as exc:
        log.warning("%s; not treated as current", exc)
        return None


_WORKER_SETTINGS: Settings | None = None
_PARENT_PID: int | None = None


def _die_with_parent(parent_pid: int) -> None:
    # A pool's workers outlive a parent killed with SIGKILL and go on writing reports; the kernel
    # signals them instead. PR_SET_PDEATHSIG fires when the thread that started the worker exits:
    # run_batch submits from the calling thread, which lives as long as the batch.
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError) as exc:  # pragma: no cover - libc without prctl
            log.debug("prctl(PR_SET_PDEATHSIG) unavailable: %s", exc)
    _exit_if_orphaned(parent_pid)


def _exit_if_orphaned(parent_pid: int | None) -> None:
    # The parent may have died before prctl took effect (or on a system without it): the worker
    # has been re-parented, so it stops instead of running a job nobody collects.
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)


def _init_worker(settings_json: str, parent_pid: int | None = None) -> None:
    global _WORKER_SETTINGS, _PARENT_PID  # one Settings per worker process, set once
    if parent_pid is not None:
        _die_with_parent(parent_pid)
    _PARENT_PID = parent_pid
    _WORKER_SETTINGS = Settings.model_validate_json(settings_json)


def _run_job(request_json: str) -> JobResult:
    _exit_if_orphaned(_PARENT_PID)
    settings = _WORKER_SETTINGS or Settings()
    request = ReportRequest.model_validate_json(request_json)
    rid = report_id(request.question)
    try:
        outcome = run_report(request, settings)
    except SynthError as exc:
        return JobResult(question=request.question, report_id=rid, status="failed", detail=str(exc))
    return JobResult(
        question=request.question,
        report_id=rid,
        status="done",
        tier=outcome.tier,
        score=outcome.score,
    )


def _pool(workers: int, settings: Settings) -> ProcessPoolExecutor:
    """A pool whose workers hold the settings and die with this process."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context("spawn"),
        initializer=_init_worker,
        initargs=(settings.model_dump_json(), os.getpid()),
    )


@contextlib.contextmanager
def _out_lock(out_dir: Path) -> Iterator[None]:
    """Hold ``out_dir/.batch.lock`` for the run; SynthError when another run holds it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - non-POSIX: no lock
        yield
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    # The kernel releases a flock when its holder exits, even on SIGKILL: no stale locks.
    with open(out_dir / LOCK_NAME, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SynthError(
                f"{out_dir}: another synth batch or regenerate is writing to this folder "
                f"(it holds {LOCK_NAME}); wait for it to finish or choose another --out"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def _out_locks(requests: list[ReportRequest]) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        # Sorted, so two runs over overlapping folders take the locks in the same order.
        for folder in sorted({r.out_dir.resolve() for r in requests}):
            stack.enter_context(_out_lock(folder))
        yield


def _repair_indexes(folders: set[Path]) -> None:
    # A skipped report writes nothing, so a lost index line would stay lost: restore it here.
    from synth.report.manifest import repair_index

    for folder in sorted(folders):
        restored, errors = repair_index(folder)
        if restored:
            log.info("%s: restored %d index lines from manifests", folder, restored)
        for error in errors:
            log.warning("not indexed: %s", error)


def run_batch(
    requests: list[ReportRequest],
    settings: Settings,
    workers: int = 1,
    force: bool = False,
    on_result: Callable[[JobResult], None] | None = None,
) -> list[JobResult]:
    """Run every request that is not current yet; results come back in request order.

    Raises SynthError when another run holds the lock of an output folder.
    """
    with _out_locks(requests):
        return _run_locked(requests, settings, workers, force, on_result)


def _run_locked(
    requests: list[ReportRequest],
    settings: Settings,
    workers: int,
    force: bool,
    on_result: Callable[[JobResult], None] | None,
) -> list[JobResult]:
    results: dict[int, JobResult] = {}
    todo: list[tuple[int, ReportRequest]] = []
    for n, request in enumerate(requests):
        if not force and _stored_digest(request) == inputs_digest(request, settings):
            results[n] = JobResult(
                question=request.question,
                report_id=report_id(request.question),
                status="skipped",
                detail="inputs unchanged",
            )
            if on_result:
                on_result(results[n])
        else:
            todo.append((n, request))
    skipped = {requests[n].out_dir for n in results}
    if skipped:
        _repair_indexes(skipped)
    if workers <= 1 or len(todo) <= 1:
        _init_worker(settings.model_dump_json())
        for n, request in todo:
            results[n] = _run_job(request.model_dump_json())
            if on_result:
                on_result(results[n])
    else:
        with _pool(workers, settings) as pool:
            futures = {pool.submit(_run_job, r.model_dump_json()): n for n, r in todo}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if on_result:
                    on_result(results[futures[future]])
    return [results[n] for n in range(len(requests))]


def _confined(fields: dict[str, object], out: Path) -> dict[str, object]:
    """A JSONL line's fields with ``out_dir`` placed under ``--out`` (ValueError outside it)."""
    if fields.get("out_dir") is None:
        return fields
    raw = fields["out_dir"]
    if not isinstance(raw, str):
        raise ValueError(f"out_dir must be a path, not {raw!r}")
    # Relative folders are read from --out; ".." or an absolute path must still land inside it.
    folder = (out / raw).resolve()
    if not folder.is_relative_to(out.resolve()):
        raise ValueError(f"out_dir {raw!r} lies outside --out {out}; reports are written under it")
    return {**fields, "out_dir": str(folder)}


def load_questions(path: Path, template: ReportRequest) -> list[ReportRequest]:
    """Requests from a file: one question per line, or one request object per line (.jsonl).

    A JSONL line's ``out_dir`` is a folder under the template's (``--out``); one outside is an
    InputError naming the line.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read questions file {path}: {exc.strerror}") from exc
    requests: list[ReportRequest] = []
    for n, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            fields = json.loads(line) if path.suffix == ".jsonl" else {"question": line}
            if not isinstance(fields, dict):
                raise ValueError("expected a JSON object")
            merged = {**template.model_dump(), **_confined(fields, template.out_dir)}
            requests.append(ReportRequest.model_validate(merged))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "line"
            reason = first["msg"].removeprefix("Value error, ")
            raise InputError(f"{path}:{n}: not a valid request ({where}: {reason})") from exc
        except RecursionError as exc:
            raise InputError(f"{path}:{n}: not a valid request (JSON nested too deeply)") from exc
        except ValueError as exc:
            raise InputError(f"{path}:{n}: not a valid request ({exc})") from exc
    if not requests:
        raise InputError(f"{path}: no questions found")
    return requests


def _unreadable(path: Path, reason: str) -> JobResult:
    return JobResult(
        question="",
        report_id=path.parent.name.replace("-", ":", 1),
        status="failed",
        detail=f"{path}: cannot rebuild its request ({reason})",
    )


def load_regeneration_requests(
    reports_root: Path,
) -> tuple[list[ReportRequest], list[JobResult]]:
    """One request per report under a reports folder, rebuilt from each manifest's request block.

    The request is read from the raw JSON, so a manifest that fails the schema is still rebuilt
    when its question and request block survive. A manifest whose request cannot be recovered
    becomes a failed JobResult with the reason; the other reports carry on.
    """
    manifests = sorted(reports_root.glob("*/manifest.json"))
    if not manifests:
        raise InputError(f"{reports_root}: no report folders with a manifest.json")
    requests: list[ReportRequest] = []
    failures: list[JobResult] = []
    for path in manifests:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            block = data.get("request") or {}
            requests.append(
                ReportRequest(question=data["research_question"], out_dir=reports_root, **block)
            )
        except json.JSONDecodeError as exc:
            failures.append(_unreadable(path, f"not valid JSON: line {exc.lineno}: {exc.msg}"))
        except (OSError, UnicodeDecodeError) as exc:
            failures.append(_unreadable(path, f"unreadable: {exc}"))
        except KeyError as exc:
            failures.append(_unreadable(path, f"no {exc} field"))
        except (AttributeError, TypeError, ValidationError) as exc:
            failures.append(_unreadable(path, str(exc).splitlines()[0]))
    return requests, failures
