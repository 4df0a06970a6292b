"""One batch worker: its models and caches, loaded once and used for every job it runs.

A worker is a process of the local pool, a Ray actor, or the batch process itself for one
worker. It builds one embedder (the model and its on-disk cache), loads the verifier's pair model
when the settings use it, runs jobs one after another with them, and closes the cache when the
batch ends. Pool workers die with the batch process (on Linux also when it is SIGKILLed). Each
pool worker runs its models on its share of the cores (``share_cores``), one Ray actor on one.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable
from multiprocessing import util as mp_util
from types import TracebackType
from typing import Literal

from pydantic import BaseModel, ConfigDict

from synth.embed import CachedEmbedder, build_embedder
from synth.errors import NoSourcesError, SynthError
from synth.ids import report_id
from synth.pipeline import run_report
from synth.records import ReportRequest
from synth.settings import Settings

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

# Builds a worker's embedder from the settings: any picklable callable (a module-level function),
# so the pool and Ray can ship it to their workers; the default is the configured model.
EmbedderFactory = Callable[[Settings], CachedEmbedder]


class JobResult(BaseModel):
    """What happened to one job."""

    model_config = ConfigDict(extra="forbid")

    question: str
    report_id: str
    status: Literal["done", "skipped", "failed"]
    detail: str = ""
    tier: str | None = None
    score: float | None = None
    worker: str = ""
    # A failure that follows from the inputs alone (no relevant source in a local corpus): a
    # rerun with the same inputs digest reports it again without running the job.
    settled: bool = False


def settled_failure(request: ReportRequest, exc: SynthError) -> bool:
    """Whether this failure will recur for as long as the request's inputs digest stays the same.

    Only "no relevant source" over local files: the digest covers those files, so the same
    digest gives the same answer. A job that searches or fetches, and any other error (a full
    disk, an unreadable manifest, a lost worker), may go another way next time and is retried.
    """
    local = bool(request.corpus) and not (request.search or request.dois or request.arxiv_ids)
    return local and isinstance(exc, NoSourcesError)


def worker_name() -> str:
    """This process as 'host:pid' (which worker ran a job)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def preload_models(
    embedder: CachedEmbedder, settings: Settings, threads: int | None = None
) -> None:
    """Load the embedding model and, when the verifier uses it, the pair model, now.

    ``threads``: torch's intra-op threads for this process (None leaves torch's default).
    """
    embedder.dim  # noqa: B018  # reading the dimension loads the model
    if settings.verify.method == "pair":
        import torch

        from synth.verify.pair_model import load_pair_model

        if threads is not None:
            # OMP_NUM_THREADS only counts when set before torch's first import; this always does.
            torch.set_num_threads(threads)

        # Cached for the process: every later verify call of this worker gets this one.
        load_pair_model(settings.verify.pair_model)


class JobWorker:
    """Runs jobs with one embedder and one pair model, opened by ``open`` and shut by ``close``."""

    def __init__(
        self,
        settings: Settings,
        embedder_factory: EmbedderFactory | None = None,
        threads: int | None = None,
    ):
        self.settings = settings
        # threads: intra-op threads of this worker's models (None: the libraries' defaults).
        self.threads = threads
        self._factory = embedder_factory or functools.partial(build_embedder, threads=threads)
        self.embedder: CachedEmbedder | None = None

    def open(self) -> JobWorker:
        """Build the embedder and load the models (once per worker)."""
        if self.embedder is None:
            self.embedder = self._factory(self.settings)
            preload_models(self.embedder, self.settings, self.threads)
            log.info("worker %s loaded its models", worker_name())
        return self

    def run(self, request: ReportRequest) -> JobResult:
        """One report with this worker's models; a SynthError becomes a failed result."""
        embedder = self.open().embedder
        rid = report_id(request.question)
        try:
            outcome = run_report(request, self.settings, embedder=embedder)
        except SynthError as exc:
            return JobResult(
                question=request.question,
                report_id=rid,
                status="failed",
                detail=str(exc),
                worker=worker_name(),
                settled=settled_failure(request, exc),
            )
        return JobResult(
            question=request.question,
            report_id=rid,
            status="done",
            tier=outcome.tier,
            score=outcome.score,
            worker=worker_name(),
        )

    def close(self) -> None:
        """Close the embedding cache (its SQLite connection)."""
        if self.embedder is not None:
            self.embedder.close()
            self.embedder = None

    def __enter__(self) -> JobWorker:
        return self.open()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


# --- the local process pool's side: one JobWorker per process --------------------------------

_POOL_WORKER: JobWorker | None = None
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


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def share_cores(workers: int) -> int:
    """This worker's share of the cores, ``max(1, cores // workers)``, as its threads count.

    Each of torch, ONNX Runtime and OpenMP would otherwise start one thread per core in every
    worker: 2 workers on 2 cores ran 4 busy threads, and --workers 2 was barely faster than 1.
    The environment is for libraries that read it at import (OpenMP, MKL; a value the user set
    is kept); torch and the ONNX session are given the count directly.
    """
    threads = max(1, usable_cores() // max(1, workers))
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, str(threads))
    return threads


def init_pool_worker(
    settings_json: str,
    parent_pid: int | None = None,
    embedder_factory: EmbedderFactory | None = None,
    workers: int = 1,
) -> None:
    """Pool initializer: die with the parent, then load this worker's models once."""
    global _POOL_WORKER, _PARENT_PID  # one JobWorker per worker process, set once
    if parent_pid is not None:
        _die_with_parent(parent_pid)
    _PARENT_PID = parent_pid
    threads = share_cores(workers)
    worker = JobWorker(Settings.model_validate_json(settings_json), embedder_factory, threads)
    _POOL_WORKER = worker.open()
    # Pool workers leave through multiprocessing's exit path, which runs these finalizers
    # (atexit handlers are skipped there): the cache is closed when the pool shuts down.
    mp_util.Finalize(None, worker.close, exitpriority=10)


def run_pool_job(request_json: str) -> JobResult:
    """Run one job in a pool worker with the models its initializer loaded."""
    _exit_if_orphaned(_PARENT_PID)
    worker = _POOL_WORKER or JobWorker(Settings()).open()
    return worker.run(ReportRequest.model_validate_json(request_json))
