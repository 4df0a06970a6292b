"""The batch's jobs on Ray (the optional extra ``synth[ray]``): one actor per worker.

Each actor is a ``JobWorker``: it loads the models once and runs one job at a time; the batch
process hands the next job to whichever actor finishes first and hears every result, so the lock
and the journal stay with it. Ray places the actors (on this machine, or across a cluster given
by ``--ray-address``); synth schedules nothing else. Workers on other machines must see the same
paths: the corpus, ``--out`` and the cache folder (``SYNTH_HOME`` or ``--cache-dir``) belong on
storage every node mounts at the same place, and every node needs the same synth installed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from synth.batch_worker import EmbedderFactory, JobResult, JobWorker, worker_name
from synth.errors import ConfigError
from synth.ids import report_id
from synth.records import ReportRequest
from synth.settings import Settings

log = logging.getLogger(__name__)

RAY_MISSING = "--executor ray needs Ray: pip install 'synth[ray]'"


def import_ray() -> Any:
    """The ray module, or a ConfigError with the one line that says how to get it."""
    try:
        import ray
    except ImportError:
        raise ConfigError(RAY_MISSING) from None
    return ray


class RayJobWorker:
    """The actor's body: a JobWorker opened when the actor starts."""

    def __init__(
        self, settings_json: str, embedder_factory: EmbedderFactory | None, cwd: str
    ) -> None:
        # Relative corpus and --out paths mean what they meant to the batch process, on a node
        # that mounts its folder at the same place (inputs digests hash the paths as given).
        try:
            os.chdir(cwd)
        except OSError as exc:
            log.warning(
                "worker %s cannot enter %s (%s); relative paths may not resolve",
                worker_name(),
                cwd,
                exc.strerror,
            )
        # One thread per model: the actor holds one CPU (Ray sets OMP_NUM_THREADS to match, but
        # an ONNX session would still start one thread per core of the node).
        settings = Settings.model_validate_json(settings_json)
        self._worker = JobWorker(settings, embedder_factory, threads=1)
        self._worker.open()

    def run(self, n: int, request_json: str) -> tuple[int, str]:
        """Run job ``n``; its result as JSON (plain data crosses Ray unchanged)."""
        result = self._worker.run(ReportRequest.model_validate_json(request_json))
        return n, result.model_dump_json()

    def close(self) -> None:
        """Close the worker's caches."""
        self._worker.close()


def _lost(request: ReportRequest, exc: Exception, lost: bool = True) -> JobResult:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    reason = lines[-1].strip() if lines else type(exc).__name__
    what = "the Ray worker running it was lost" if lost else "it raised on its Ray worker"
    return JobResult(
        question=request.question,
        report_id=report_id(request.question),
        status="failed",
        detail=f"{what} ({reason})",
    )


def run_on_ray(
    todo: list[tuple[int, ReportRequest]],
    settings: Settings,
    workers: int,
    address: str | None,
    embedder_factory: EmbedderFactory | None,
    on_done: Callable[[int, JobResult], None],
) -> None:
    """Run every job on Ray actors, calling ``on_done(n, result)`` as each one finishes.

    Joins the Ray instance this process already started, else ``address`` (or ``RAY_ADDRESS``),
    else starts a local one for the run and stops it afterwards.
    """
    ray = import_ray()
    started = not ray.is_initialized()
    if started:
        kwargs: dict[str, Any] = {"address": address, "logging_level": logging.WARNING}
        if address is None:
            kwargs["include_dashboard"] = False
        try:
            ray.init(**kwargs)
        except (ConnectionError, ValueError, RuntimeError) as exc:
            raise ConfigError(f"cannot reach Ray at {address or 'a local head'}: {exc}") from exc
    actors: list[Any] = []
    try:
        actor_class = ray.remote(num_cpus=1)(RayJobWorker)
        settings_json = settings.model_dump_json()
        # An actor Ray cannot place would hold its job forever: no more actors than CPUs.
        cpus = int(ray.cluster_resources().get("CPU", 1))
        count = max(1, min(workers, len(todo), cpus))
        if count < min(workers, len(todo)):
            log.warning(
                "the Ray cluster has %d CPUs: running %d workers, not %d", cpus, count, workers
            )
        cwd = os.getcwd()
        actors = [actor_class.remote(settings_json, embedder_factory, cwd) for _ in range(count)]
        _dispatch(ray, actors, todo, on_done)
        for actor in actors:
            try:
                ray.get(actor.close.remote())
            except ray.exceptions.RayError:  # a lost actor has nothing left to close
                log.debug("a Ray worker was gone before it could close its caches")
    finally:
        for actor in actors:
            ray.kill(actor)
        if started:
            ray.shutdown()


def _dispatch(
    ray: Any,
    actors: list[Any],
    todo: list[tuple[int, ReportRequest]],
    on_done: Callable[[int, JobResult], None],
) -> None:
    """Keep each actor busy with one job; a lost actor fails its job and gets no more."""
    queue = list(reversed(todo))
    requests = dict(todo)
    running: dict[Any, tuple[Any, int]] = {}

    def give(actor: Any) -> None:
        if queue:
            n, request = queue.pop()
            running[actor.run.remote(n, request.model_dump_json())] = (actor, n)

    for actor in actors:
        give(actor)
    while running:
        (ref,), _ = ray.wait(list(running), num_returns=1)
        actor, n = running.pop(ref)
        try:
            _, payload = ray.get(ref)
        except ray.exceptions.RayTaskError as exc:  # the job raised; its actor lives on
            on_done(n, _lost(requests[n], exc, lost=False))
            give(actor)
            continue
        except ray.exceptions.RayError as exc:  # the actor (or its node) is gone
            on_done(n, _lost(requests[n], exc))
            if not running and queue:  # every actor is gone: the rest cannot run
                for m, request in reversed(queue):
                    on_done(m, _lost(request, exc))
                queue.clear()
            continue
        on_done(n, JobResult.model_validate_json(payload))
        give(actor)
