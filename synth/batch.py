"""Many reports at once: `synth batch` (questions file) and `synth regenerate` (reports folder).

Each job is one ``ReportRequest``. A job is skipped when its report exists and was built from the
same *inputs digest*: the request, the settings digest, synth's version, the bytes of every corpus
file, the templates and the verifier's fitted parameters. Reports are written atomically, so a
batch that crashes can simply be run again: finished jobs are skipped, the rest are done.
Jobs run in a process pool (``spawn``: each worker loads the embedding model once and keeps it).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
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
    path = request.out_dir / report_dir_name(report_id(request.question)) / "manifest.json"
    try:
        return str(json.loads(path.read_text(encoding="utf-8")).get("inputs_digest") or "") or None
    except (OSError, ValueError, AttributeError):
        return None


_WORKER_SETTINGS: Settings | None = None


def _init_worker(settings_json: str) -> None:
    global _WORKER_SETTINGS  # one Settings per worker process, set once
    _WORKER_SETTINGS = Settings.model_validate_json(settings_json)


def _run_job(request_json: str) -> JobResult:
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


def run_batch(
    requests: list[ReportRequest],
    settings: Settings,
    workers: int = 1,
    force: bool = False,
    on_result: Callable[[JobResult], None] | None = None,
) -> list[JobResult]:
    """Run every request that is not current yet; results come back in request order."""
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
    if workers <= 1 or len(todo) <= 1:
        _init_worker(settings.model_dump_json())
        for n, request in todo:
            results[n] = _run_job(request.model_dump_json())
            if on_result:
                on_result(results[n])
    else:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=get_context("spawn"),
            initializer=_init_worker,
            initargs=(settings.model_dump_json(),),
        ) as pool:
            futures = {pool.submit(_run_job, r.model_dump_json()): n for n, r in todo}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if on_result:
                    on_result(results[futures[future]])
    return [results[n] for n in range(len(requests))]


def load_questions(path: Path, template: ReportRequest) -> list[ReportRequest]:
    """Requests from a file: one question per line, or one request object per line (.jsonl)."""
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
            merged = {**template.model_dump(), **fields}
            requests.append(ReportRequest.model_validate(merged))
        except (ValueError, ValidationError) as exc:
            raise InputError(
                f"{path}:{n}: not a valid request ({str(exc).splitlines()[0]})"
            ) from exc
    if not requests:
        raise InputError(f"{path}: no questions found")
    return requests


def load_regeneration_requests(reports_root: Path) -> list[ReportRequest]:
    """One request per report under a reports folder, rebuilt from each manifest's request block."""
    manifests = sorted(reports_root.glob("*/manifest.json"))
    if not manifests:
        raise InputError(f"{reports_root}: no report folders with a manifest.json")
    requests: list[ReportRequest] = []
    for path in manifests:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            block = data.get("request") or {}
            requests.append(
                ReportRequest(question=data["research_question"], out_dir=reports_root, **block)
            )
        except (OSError, ValueError, KeyError, TypeError, ValidationError) as exc:
            raise ManifestError(f"{path}: cannot rebuild its request ({exc})") from exc
    return requests
