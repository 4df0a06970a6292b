"""The inputs digest and the file hashes it reads: stat'ed when unchanged, read when changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from synth import file_hashes
from synth.batch import run_batch
from synth.file_hashes import FileHashes
from synth.fingerprint import Digester, inputs_digest
from synth.records import ReportRequest
from synth.settings import Settings
from tests.batch_support import QUESTIONS, fast_settings, word_embedder
from tests.test_pipeline import write_corpus


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """No hashes remembered by this process, and files count as still from the moment written."""
    monkeypatch.setattr(file_hashes, "_MEMO", {})
    monkeypatch.setattr(file_hashes, "RACY_NS", -(10**18))


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    read: list[Path] = []
    real = file_hashes._read_sha256

    def counting(path: Path) -> bytes:
        read.append(path)
        return real(path)

    monkeypatch.setattr(file_hashes, "_read_sha256", counting)
    return read


def test_unchanged_file_is_not_read_again_even_in_a_new_process(
    tmp_path: Path, fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"one\n")
    read = _reads(monkeypatch)
    with FileHashes(tmp_path / "cache") as hashes:
        first = hashes.sha256(path)
    monkeypatch.setattr(file_hashes, "_MEMO", {})  # what a new process remembers: nothing
    with FileHashes(tmp_path / "cache") as hashes:
        assert hashes.sha256(path) == first
        assert hashes.reads == 0
    assert read == [path]


def test_same_size_rewrite_with_the_old_mtime_is_read(
    tmp_path: Path, fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"one\n")
    with FileHashes(tmp_path / "cache") as hashes:
        first = hashes.sha256(path)
    st = path.stat()
    path.write_bytes(b"two\n")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # size and mtime as before; ctime moved
    monkeypatch.setattr(file_hashes, "_MEMO", {})
    with FileHashes(tmp_path / "cache") as hashes:
        assert hashes.sha256(path) != first
        assert hashes.reads == 1


def test_a_file_changed_just_now_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_hashes, "_MEMO", {})
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"one\n")  # within RACY_NS: a rewrite in the same tick could keep its stat
    with FileHashes(tmp_path / "cache") as hashes:
        hashes.sha256(path)
        hashes.sha256(path)
        assert hashes.reads == 2


def test_an_unusable_cache_falls_back_to_reading(tmp_path: Path, fresh: None) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"one\n")
    (tmp_path / "cache").write_text("a file where the folder should be")
    with FileHashes(tmp_path / "cache") as hashes:
        assert len(hashes.sha256(path)) == 32


def test_digester_matches_inputs_digest_and_follows_the_corpus(tmp_path: Path, fresh: None) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl")
    settings = Settings()
    requests = [ReportRequest(question=q, corpus=[corpus]) for q in QUESTIONS[:3]]
    with Digester(settings) as digester:
        shared = [digester.digest(r) for r in requests]
    assert shared == [inputs_digest(r, settings) for r in requests]
    assert len(set(shared)) == 3  # the question is part of it
    corpus.write_text(corpus.read_text().replace("23%", "31%"))
    assert inputs_digest(requests[0], settings) != shared[0]


def test_a_batch_reads_each_corpus_file_once(
    tmp_path: Path, fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl")
    read = _reads(monkeypatch)
    requests = [
        ReportRequest(question=q, corpus=[corpus], out_dir=tmp_path / "r") for q in QUESTIONS[:3]
    ]
    run_batch(requests, fast_settings(), embedder_factory=word_embedder)
    assert read.count(corpus) == 1  # the plan and every job's manifest share one hash
    read.clear()
    monkeypatch.setattr(file_hashes, "_MEMO", {})
    rerun = run_batch(requests, fast_settings(), embedder_factory=word_embedder)
    assert [r.status for r in rerun] == ["skipped"] * 3
    assert read == []  # an unchanged rerun stats its files and reads none
