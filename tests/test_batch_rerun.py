"""Reruns of a batch: what is decided before any worker starts, and what runs again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from synth.batch import NOT_RUN_AGAIN, run_batch
from synth.batch_journal import read_journal
from synth.batch_worker import share_cores, usable_cores
from synth.records import ReportRequest
from tests.batch_support import CountingEmbedder, fast_settings
from tests.test_batch import OFF_TOPIC, SOIL
from tests.test_pipeline import write_corpus


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus.jsonl")


def _requests(corpus: Path, out: Path) -> list[ReportRequest]:
    return [ReportRequest(question=q, corpus=[corpus], out_dir=out) for q in (OFF_TOPIC, SOIL)]


def test_settled_failure_is_reported_again_without_loading_a_model(
    tmp_path: Path, corpus: Path
) -> None:
    counting = CountingEmbedder(tmp_path / "loads.txt")
    out = tmp_path / "r"
    first = run_batch(_requests(corpus, out), fast_settings(), embedder_factory=counting)
    assert [r.status for r in first] == ["failed", "done"]
    assert first[0].settled and first[0].worker  # no relevant source in local files: settled
    assert read_journal(out)[1].settled
    (tmp_path / "loads.txt").unlink()
    again = run_batch(_requests(corpus, out), fast_settings(), embedder_factory=counting)
    # Still a failure (the report does not exist), said to be a repeat, and nothing loaded.
    assert [r.status for r in again] == ["failed", "skipped"]
    assert again[0].detail.startswith(NOT_RUN_AGAIN) and "relevant enough" in again[0].detail
    assert not again[0].worker
    assert counting.events() == ([], [])
    third = run_batch(_requests(corpus, out), fast_settings(), embedder_factory=counting)
    assert third[0].detail == again[0].detail  # the prefix is not stacked rerun after rerun
    forced = run_batch(
        _requests(corpus, out), fast_settings(), embedder_factory=counting, force=True
    )
    assert forced[0].status == "failed" and forced[0].worker  # --force runs it
    assert not forced[0].detail.startswith(NOT_RUN_AGAIN)


def test_a_changed_corpus_runs_a_settled_failure_again(tmp_path: Path, corpus: Path) -> None:
    counting = CountingEmbedder(tmp_path / "loads.txt")
    out = tmp_path / "r"
    run_batch(_requests(corpus, out), fast_settings(), embedder_factory=counting)
    corpus.write_text(corpus.read_text().replace("23%", "31%"))
    again = run_batch(_requests(corpus, out), fast_settings(), embedder_factory=counting)
    assert [r.status for r in again] == ["failed", "done"]
    assert all(r.worker for r in again)  # both ran: the inputs digest changed


def test_other_failures_are_retried(tmp_path: Path, corpus: Path) -> None:
    out = tmp_path / "r"
    first = run_batch(
        _requests(corpus, out),
        fast_settings(),
        embedder_factory=CountingEmbedder(tmp_path / "loads.txt"),
    )
    folder = out / first[1].report_id.replace(":", "-")
    (folder / "manifest.json").write_text("{not json")  # the pipeline refuses to overwrite it
    counting = CountingEmbedder(tmp_path / "loads2.txt")
    for _ in range(2):
        results = run_batch(_requests(corpus, out), fast_settings(), embedder_factory=counting)
        assert results[1].status == "failed" and not results[1].settled
        assert results[1].worker and "unreadable" in results[1].detail  # ran each time


def test_a_searching_request_never_settles(tmp_path: Path) -> None:
    from synth.batch_worker import settled_failure
    from synth.errors import InputError, NoSourcesError

    local = ReportRequest(question=OFF_TOPIC, corpus=[tmp_path], out_dir=tmp_path)
    searching = ReportRequest(question=OFF_TOPIC, corpus=[tmp_path], search=True, out_dir=tmp_path)
    fetching = ReportRequest(question=OFF_TOPIC, corpus=[tmp_path], dois=["10.1/x"])
    assert settled_failure(local, NoSourcesError("none"))
    assert not settled_failure(searching, NoSourcesError("none"))
    assert not settled_failure(fetching, NoSourcesError("none"))
    assert not settled_failure(local, InputError("disk full"))


def test_each_worker_gets_its_share_of_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    cores = usable_cores()
    assert share_cores(2) == max(1, cores // 2)
    assert os.environ["OMP_NUM_THREADS"] == str(max(1, cores // 2))
    assert share_cores(cores * 4) == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    share_cores(1)
    assert os.environ["OMP_NUM_THREADS"] == "3"  # a value the user chose is kept
