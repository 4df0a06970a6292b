"""`synth batch --executor ray`: the same jobs as the local pool, on Ray actors, same manifests."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from synth.batch import run_batch
from synth.cli import main
from synth.records import ReportRequest
from tests.batch_support import (
    QUESTIONS,
    CountingEmbedder,
    fast_settings,
    local_ray,
    word_embedder,
)
from tests.test_pipeline import write_corpus


@pytest.fixture(scope="module")
def ray_head() -> Iterator[Any]:
    with local_ray() as ray:
        yield ray


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus.jsonl")


def _requests(corpus: Path, out: Path, questions: list[str]) -> list[ReportRequest]:
    return [ReportRequest(question=q, corpus=[corpus], out_dir=out) for q in questions]


def _core(folder: Path) -> dict[str, Any]:
    """What must not depend on the executor: digest, sources, claims, verdicts, findings, answer."""
    m = json.loads((folder / "manifest.json").read_text())
    return {
        "inputs_digest": m["inputs_digest"],
        "sources": [(s["key"], s["relevance"], s["used"]) for s in m["sources"]],
        "claims": [
            (c["id"], c["text"], c["source"], c["verdict"], c["confidence"], c["evidence"])
            for c in m["claims"]
        ],
        "findings": m["findings"],
        "answer": m["answer"]["text"],
        "tier": m["quality"]["tier"],
    }


@pytest.mark.slow  # about 30 s on two busy cores, most of it starting Ray
def test_ray_and_pool_write_the_same_manifests(ray_head: Any, tmp_path: Path, corpus: Path) -> None:
    questions = QUESTIONS[:4]
    settings = fast_settings()
    pool = run_batch(
        _requests(corpus, tmp_path / "pool", questions),
        settings,
        workers=2,
        embedder_factory=word_embedder,
    )
    counting = CountingEmbedder(tmp_path / "loads.txt")
    on_ray = run_batch(
        _requests(corpus, tmp_path / "ray", questions),
        settings,
        workers=2,
        executor="ray",
        embedder_factory=counting,
    )
    assert [r.status for r in pool] == [r.status for r in on_ray] == ["done"] * 4
    assert [r.report_id for r in pool] == [r.report_id for r in on_ray]
    claims = 0
    for result in on_ray:
        folder = result.report_id.replace(":", "-")
        ours, theirs = _core(tmp_path / "ray" / folder), _core(tmp_path / "pool" / folder)
        assert ours == theirs
        claims += len(ours["claims"])
    assert claims >= 4  # the comparison covers real claims and verdicts
    # One model per actor for the whole batch, loaded in the actors, closed at the end.
    loads, closes = counting.events()
    assert len(loads) == 2 and str(os.getpid()) not in loads
    assert sorted(closes) == sorted(loads)
    assert {r.worker.split(":")[1] for r in on_ray} <= set(loads)


def test_pool_workers_load_their_models_once_and_close_their_caches(
    tmp_path: Path, corpus: Path
) -> None:
    counting = CountingEmbedder(tmp_path / "loads.txt")
    results = run_batch(
        _requests(corpus, tmp_path / "r", QUESTIONS[:4]),
        fast_settings(),
        workers=2,
        embedder_factory=counting,
    )
    assert [r.status for r in results] == ["done"] * 4
    loads, closes = counting.events()
    assert len(loads) == 2 and len(set(loads)) == 2  # one per worker, not one per job
    assert {r.worker.split(":")[1] for r in results} <= set(loads)
    assert sorted(closes) == sorted(loads)  # each worker closed its cache as the pool shut down
    # One worker: the batch process itself, one load and one close for all its jobs.
    (tmp_path / "loads.txt").unlink()
    run_batch(
        _requests(corpus, tmp_path / "r1", QUESTIONS[:3]),
        fast_settings(),
        embedder_factory=counting,
    )
    assert counting.events() == ([str(os.getpid())], [str(os.getpid())])


def test_the_pair_model_is_loaded_when_the_worker_opens(monkeypatch: pytest.MonkeyPatch) -> None:
    from synth.batch_worker import JobWorker
    from synth.settings import Settings
    from synth.verify import pair_model

    loaded: list[object] = []
    monkeypatch.setattr(pair_model, "load_pair_model", loaded.append)
    with JobWorker(Settings(), word_embedder) as worker:
        assert worker.embedder is not None and len(loaded) == 1
        worker.open()  # already open: nothing reloads
        assert len(loaded) == 1
    assert worker.embedder is None  # closed on leaving the block
    with JobWorker(fast_settings(), word_embedder):
        assert len(loaded) == 1  # the feature verifier needs no pair model


def test_missing_ray_is_one_clear_line(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    (tmp_path / "q.txt").write_text(QUESTIONS[0] + "\n")
    args = ["batch", str(tmp_path / "q.txt"), "--corpus", str(corpus), "--out", str(tmp_path)]
    result = CliRunner().invoke(main, [*args, "--executor", "ray"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: --executor ray needs Ray: pip install 'synth[ray]'"
    ]
    result = CliRunner().invoke(main, [*args, "--ray-address", "127.0.0.1:6379"])
    assert result.exit_code == 2 and "--ray-address needs --executor ray" in result.output


@pytest.mark.slow
@pytest.mark.model
def test_cli_ray_run_with_the_real_models_matches_the_pool(
    ray_head: Any, tmp_path: Path, corpus: Path
) -> None:
    (tmp_path / "q.txt").write_text("\n".join(QUESTIONS[:2]) + "\n")
    outs = {}
    for executor in ("pool", "ray"):
        out = tmp_path / executor
        result = CliRunner().invoke(
            main,
            [
                "batch",
                str(tmp_path / "q.txt"),
                "--corpus",
                str(corpus),
                "--out",
                str(out),
                "--workers",
                "1",  # one model load per executor: the real models are what this test adds
                "--executor",
                executor,
                "--json",
            ],
        )
        assert result.exit_code == 0, result.output
        outs[executor] = json.loads(result.stdout)
    assert [r["status"] for r in outs["ray"]] == ["done", "done"]
    for r in outs["ray"]:
        folder = r["report_id"].replace(":", "-")
        assert _core(tmp_path / "ray" / folder) == _core(tmp_path / "pool" / folder)
