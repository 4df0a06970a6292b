"""FAISS index: size-dependent type, persistence with a sidecar, rebuild only on change."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from synth.settings import VerifySettings
from synth.verify.index import build_faiss, load_or_build_index


class FakeEmbedder:
    """Deterministic unit vectors from text hashes; counts how many texts it embedded."""

    def __init__(self, name: str = "fake-a", dim: int = 16) -> None:
        self._name, self._dim, self.encoded = name, dim, 0

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: list[str]) -> np.ndarray:
        self.encoded += len(texts)
        rows = []
        for t in texts:
            seed = int(hashlib.sha256(f"{self._name}{t}".encode()).hexdigest()[:8], 16)
            v = np.random.default_rng(seed).standard_normal(self._dim)
            rows.append(v / np.linalg.norm(v))
        return np.array(rows, dtype=np.float32)


TEXTS = [f"passage number {i} about topic {i % 7}" for i in range(40)]


def test_exact_below_threshold_hnsw_above() -> None:
    vecs = FakeEmbedder().encode(TEXTS)
    assert type(build_faiss(vecs, exact_max=100)).__name__ == "IndexFlatIP"
    hnsw = build_faiss(vecs, exact_max=10)
    assert "HNSW" in type(hnsw).__name__
    # Both find a stored vector as its own nearest neighbour.
    _, rows = hnsw.search(vecs[:5], 1)
    assert rows[:, 0].tolist() == [0, 1, 2, 3, 4]


def test_index_persisted_with_sidecar_and_reused(tmp_path: Path) -> None:
    settings = VerifySettings(model="fake-a")
    emb = FakeEmbedder("fake-a")
    first = load_or_build_index(TEXTS, emb, settings, tmp_path)
    assert first.rebuilt
    sidecars = list(tmp_path.glob("*.json"))
    assert len(sidecars) == 1
    meta = json.loads(sidecars[0].read_text())
    assert meta["model"] == "fake-a"
    assert meta["dim"] == 16
    assert meta["kind"] == "flat"
    assert len(meta["settings_digest"]) == 12
    before = emb.encoded
    again = load_or_build_index(TEXTS, emb, settings, tmp_path)
    assert not again.rebuilt
    assert emb.encoded == before  # nothing re-embedded
    assert len(again) == len(TEXTS)


def test_index_rebuilt_when_model_changes(tmp_path: Path) -> None:
    load_or_build_index(TEXTS, FakeEmbedder("fake-a"), VerifySettings(model="fake-a"), tmp_path)
    other = FakeEmbedder("fake-b")
    rebuilt = load_or_build_index(TEXTS, other, VerifySettings(model="fake-b"), tmp_path)
    assert rebuilt.rebuilt
    assert other.encoded == len(TEXTS)
    assert rebuilt.sidecar["model"] == "fake-b"


def test_index_rebuilt_when_settings_change(tmp_path: Path) -> None:
    emb = FakeEmbedder()
    load_or_build_index(TEXTS, emb, VerifySettings(model="fake-a"), tmp_path)
    small = VerifySettings(model="fake-a", exact_index_max=10)
    idx = load_or_build_index(TEXTS, emb, small, tmp_path)
    assert idx.rebuilt
    assert idx.kind == "hnsw"


@pytest.mark.parametrize("garbage", [b"not json", b'{"model": "fake-a"}'])
def test_broken_sidecar_triggers_rebuild(tmp_path: Path, garbage: bytes) -> None:
    emb = FakeEmbedder()
    load_or_build_index(TEXTS, emb, VerifySettings(model="fake-a"), tmp_path)
    next(tmp_path.glob("*.json")).write_bytes(garbage)
    assert load_or_build_index(TEXTS, emb, VerifySettings(model="fake-a"), tmp_path).rebuilt


def test_search_returns_nearest(tmp_path: Path) -> None:
    emb = FakeEmbedder()
    idx = load_or_build_index(TEXTS, emb, VerifySettings(model="fake-a"), tmp_path)
    scores, rows = idx.search(emb.encode([TEXTS[7]]), 3)
    assert rows[0, 0] == 7
    assert scores[0, 0] == pytest.approx(1.0, abs=1e-5)
