"""Many reports at once: `synth batch` (questions file) and `synth regenerate` (reports folder).

Each job is one ``ReportRequest``. A job is skipped when its report exists and was built from the
same *inputs digest*: the request, the settings digest, synth's version, the bytes of every corpus
file, the templates and the verifier's fitted parameters. Reports are written atomically, the
manifest last, so a batch that crashes or is killed can simply be run again: finished jobs are
skipped, the rest are done; the journal (``batch_journal``) records each finished job, so even a
``--force`` run resumes where it stopped. The digest is computed once per corpus for the whole
batch, from file hashes kept by stat key (``file_hashes``): an unchanged corpus is stat'ed, not
read. A job that failed for want of a relevant source in its local corpus is a *settled*
failure: while its inputs digest stays the same, a rerun reports it as failed again (saying it
was not run) instead of running it; ``--force`` runs it. Every other failure is retried. Skips
and settled failures are decided here, before any worker starts or loads a model.

Jobs run on one of two executors, with the same workers (``batch_worker.JobWorker``: one
embedding model and one pair model per worker for the whole batch, caches closed at the end): a
local process pool (``spawn``; workers die with the batch process, on Linux also on SIGKILL) or
Ray actors (``batch_ray``). One batch at a time writes to an output folder: a second is refused
while the first holds the folder's lock (``batch_lock``) for the whole run. Every report is
written under ``--out``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from synth.batch_journal import (
    Journal,
    JournalEntry,
    interrupted_done,
    read_journal,
    run_key,
    settled_failures,
)
from synth.batch_lock import LOCK_NAME, hold_out_locks
from synth.batch_worker import (
    EmbedderFactory,
    JobResult,
    JobWorker,
    init_pool_worker,
    run_pool_job,
)
from synth.errors import InputError, ManifestError
from synth.fingerprint import Digester
from synth.ids import report_dir_name, report_id
from synth.records import ReportRequest
from synth.settings import Settings

__all__ = [
    "LOCK_NAME",
    "Executor",
    "JobResult",
    "load_questions",
    "load_regeneration_requests",
    "run_batch",
]

log = logging.getLogger(__name__)

Executor = Literal["pool", "ray"]


def _artifacts_intact(folder: Path, artifacts: list[tuple[str, str]]) -> bool:
    for name, sha in artifacts:
        try:
            if hashlib.sha256((folder / name).read_bytes()).hexdigest() != sha:
                return False
        except OSError:
            return False
    return True


def _stored_digest(request: ReportRequest) -> str | None:
    """The inputs digest of the report on disk, or None when there is none to trust.

    A manifest that fails the schema, or whose report files are missing or differ from the
    hashes it lists, is not current, whatever digest it carries: the job runs and either rebuilds
    it or fails with the reason (the pipeline refuses to overwrite one it cannot read, which
    would lose its correction history).
    """
    from synth.report.manifest import validate_manifest_file

    path = request.out_dir / report_dir_name(report_id(request.question)) / "manifest.json"
    if not path.exists():
        return None
    try:
        manifest = validate_manifest_file(path)
    except ManifestError as exc:
        log.warning("%s; not treated as current", exc)
        return None
    if not _artifacts_intact(path.parent, [(a.path, a.sha256) for a in manifest.artifacts]):
        log.warning("%s: its report files differ from the manifest; rebuilding", path.parent)
        return None
    return manifest.inputs_digest


def _pool(
    workers: int, settings: Settings, embedder_factory: EmbedderFactory | None = None
) -> ProcessPoolExecutor:
    """A pool whose workers hold the settings and models and die with this process."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context("spawn"),
        initializer=init_pool_worker,
        initargs=(settings.model_dump_json(), os.getpid(), embedder_factory, workers),
    )


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
    executor: Executor = "pool",
    ray_address: str | None = None,
    embedder_factory: EmbedderFactory | None = None,
) -> list[JobResult]:
    """Run every request that is not current yet; results come back in request order.

    ``embedder_factory`` builds each worker's embedder once (default: the configured model);
    it must be picklable (a module-level function) to reach pool and Ray workers.

    Raises SynthError when another run holds the lock of an output folder, ConfigError when
    the Ray executor is asked for without Ray installed or reachable.
    """
    with hold_out_locks({r.out_dir for r in requests}):
        plan = _plan(requests, settings, force)
        with _journals(plan, executor) as journals:
            return _run_planned(
                plan,
                settings,
                workers,
                on_result,
                executor,
                ray_address,
                embedder_factory,
                journals,
            )


class _Plan:
    """The batch's jobs with their digests, and those decided before any worker starts."""

    def __init__(self, requests: list[ReportRequest], digests: list[str]) -> None:
        self.requests = requests
        self.digests = digests
        # Skipped jobs (current reports) and settled failures given again: no worker, no model.
        self.decided: dict[int, JobResult] = {}
        self.keys: dict[Path, str] = {}


# Leads the detail of a settled failure that a rerun reports without running the job.
NOT_RUN_AGAIN = "not run again: it failed with the same inputs before (--force runs it): "


def _plan(requests: list[ReportRequest], settings: Settings, force: bool) -> _Plan:
    # One Digester for the batch: each corpus is hashed once, and unchanged files only stat'ed.
    with Digester(settings) as digester:
        plan = _Plan(requests, [digester.digest(r) for r in requests])
    folders: dict[Path, list[int]] = {}
    for n, request in enumerate(requests):
        folders.setdefault(request.out_dir.resolve(), []).append(n)
    for folder, members in folders.items():
        jobs = [(report_id(requests[n].question), plan.digests[n]) for n in members]
        plan.keys[folder] = run_key(jobs, force)
        entries = read_journal(folder)
        resumed = interrupted_done(entries, plan.keys[folder])
        if resumed:
            log.info("%s: resuming an interrupted run (%d jobs done)", folder, len(resumed))
        settled = {} if force else settled_failures(entries)
        for n in members:
            decided = _decide(requests[n], plan.digests[n], force, resumed, settled)
            if decided is not None:
                plan.decided[n] = decided
    return plan


def _decide(
    request: ReportRequest,
    digest: str,
    force: bool,
    resumed: dict[str, str],
    settled: dict[str, JournalEntry],
) -> JobResult | None:
    """The job's result when it needs no run (current report, settled failure), else None."""
    rid = report_id(request.question)
    if _stored_digest(request) == digest:
        if resumed.get(rid) == digest:
            detail = "done by the interrupted run"
        elif not force:
            detail = "inputs unchanged"
        else:
            return None
        return JobResult(question=request.question, report_id=rid, status="skipped", detail=detail)
    failure = settled.get(rid)
    if failure is None or failure.inputs_digest != digest:
        return None
    # Reported as failed again, never as skipped: the report still does not exist.
    return JobResult(
        question=request.question,
        report_id=rid,
        status="failed",
        detail=NOT_RUN_AGAIN + failure.detail.removeprefix(NOT_RUN_AGAIN),
        settled=True,
    )


@contextlib.contextmanager
def _journals(plan: _Plan, executor: str) -> Iterator[dict[Path, Journal]]:
    run = uuid.uuid4().hex[:12]
    journals: dict[Path, Journal] = {}
    try:
        for folder, key in sorted(plan.keys.items()):
            journals[folder] = Journal(folder, run)
            jobs = sum(r.out_dir.resolve() == folder for r in plan.requests)
            journals[folder].write("run", key=key, executor=executor, jobs=jobs)
        yield journals
        for journal in journals.values():  # reached only when every job has a result
            journal.write("end")
    finally:
        for journal in journals.values():
            journal.close()


def _run_planned(
    plan: _Plan,
    settings: Settings,
    workers: int,
    on_result: Callable[[JobResult], None] | None,
    executor: Executor,
    ray_address: str | None,
    embedder_factory: EmbedderFactory | None,
    journals: dict[Path, Journal],
) -> list[JobResult]:
    requests = plan.requests
    results: dict[int, JobResult] = {}

    def finish(n: int, result: JobResult) -> None:
        results[n] = result
        journals[requests[n].out_dir.resolve()].write(
            result.status,
            report_id=result.report_id,
            inputs_digest=plan.digests[n],
            worker=result.worker,
            detail=result.detail[:500],
            settled=result.settled,
        )
        if on_result:
            on_result(result)

    for n, result in sorted(plan.decided.items()):
        finish(n, result)
    skipped = {requests[n].out_dir for n, r in plan.decided.items() if r.status == "skipped"}
    if skipped:
        _repair_indexes(skipped)
    todo = [(n, r) for n, r in enumerate(requests) if n not in plan.decided]
    if todo:
        _execute(todo, settings, workers, executor, ray_address, embedder_factory, finish)
    return [results[n] for n in range(len(requests))]


def _execute(
    todo: list[tuple[int, ReportRequest]],
    settings: Settings,
    workers: int,
    executor: Executor,
    ray_address: str | None,
    embedder_factory: EmbedderFactory | None,
    finish: Callable[[int, JobResult], None],
) -> None:
    if executor == "ray":
        from synth.batch_ray import run_on_ray

        run_on_ray(todo, _shared(settings), workers, ray_address, embedder_factory, finish)
    elif workers <= 1 or len(todo) <= 1:
        with JobWorker(settings, embedder_factory) as worker:
            for n, request in todo:
                finish(n, worker.run(request))
    else:
        with _pool(min(workers, len(todo)), settings, embedder_factory) as pool:
            futures = {pool.submit(run_pool_job, r.model_dump_json()): n for n, r in todo}
            for future in as_completed(futures):
                finish(futures[future], future.result())


def _shared(settings: Settings) -> Settings:
    """Settings whose cache folder is one absolute path, the same for every Ray worker."""
    return settings.model_copy(update={"home": settings.home_dir().resolve()})


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
