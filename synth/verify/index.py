"""Dense passage index: FAISS, exact for small corpora and HNSW past a size threshold, on disk.

Each persisted index ``<name>.faiss`` has a sidecar ``<name>.json`` naming the model, the vector
dimension, the index-relevant settings digest and the corpus digest; a stored index is reused
only when all of them match, so changing the model (or the settings) rebuilds it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from synth.atomic import write_bytes_atomic
from synth.embed import Embedder
from synth.errors import IndexStoreError
from synth.settings import VerifySettings
from synth.vector_index import HNSW_M, build_faiss

log = logging.getLogger(__name__)

SIDECAR_VERSION = 1


def corpus_digest(texts: list[str]) -> str:
    """Short sha256 over the ordered passage texts (names the index file)."""
    h = hashlib.sha256()
    for text in texts:
        h.update(text.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:16]


def index_settings_digest(settings: VerifySettings) -> str:
    """Digest of the settings that change the index's content or structure."""
    data = {"model": settings.model, "exact_index_max": settings.exact_index_max, "hnsw_m": HNSW_M}
    blob = json.dumps(data, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


@dataclass
class DenseIndex:
    """A FAISS index with the sidecar that describes it."""

    index: faiss.Index
    sidecar: dict[str, Any]
    rebuilt: bool

    @property
    def kind(self) -> str:
        """ "flat" or "hnsw"."""
        return str(self.sidecar["kind"])

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, row indices) per query row; missing slots are index -1."""
        k = max(1, min(k, len(self)))
        if len(self) == 0:
            n = len(queries)
            return np.zeros((n, 0), dtype=np.float32), np.zeros((n, 0), dtype=np.int64)
        scores, rows = self.index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
        return scores, rows

    def reconstruct_all(self) -> np.ndarray:
        """All stored vectors, in row order (the verifier reuses them for features)."""
        if len(self) == 0:
            return np.zeros((0, int(self.sidecar["dim"])), dtype=np.float32)
        return np.asarray(self.index.reconstruct_n(0, len(self)), dtype=np.float32)


def embedder_dim(embedder: Embedder) -> int:
    """The embedder's vector dimension."""
    # sentence-transformers 5+ renamed get_sentence_embedding_dimension and warns on the old
    # name (FutureWarning); that warning must not fail callers that treat warnings as errors.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return embedder.dim


def _expected_sidecar(
    texts: list[str], embedder: Embedder, settings: VerifySettings
) -> dict[str, Any]:
    return {
        "version": SIDECAR_VERSION,
        "model": embedder.name,
        "dim": embedder_dim(embedder),
        "settings_digest": index_settings_digest(settings),
        "corpus_digest": corpus_digest(texts),
        "count": len(texts),
        "kind": "flat" if len(texts) <= settings.exact_index_max else "hnsw",
    }


def save_index(index: faiss.Index, sidecar: dict[str, Any], folder: Path) -> Path:
    """Write the index and then its sidecar (the sidecar last, so a crash leaves no false match)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"passages-{sidecar['corpus_digest']}"
    write_bytes_atomic(stem.with_suffix(".faiss"), faiss.serialize_index(index).tobytes())
    write_bytes_atomic(stem.with_suffix(".json"), json.dumps(sidecar, indent=2).encode())
    return stem.with_suffix(".faiss")


def _load_matching(folder: Path, expected: dict[str, Any]) -> faiss.Index | None:
    stem = folder / f"passages-{expected['corpus_digest']}"
    sidecar_path, index_path = stem.with_suffix(".json"), stem.with_suffix(".faiss")
    if not sidecar_path.is_file() or not index_path.is_file():
        return None
    try:
        stored = json.loads(sidecar_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        log.warning("unreadable index sidecar %s; rebuilding", sidecar_path)
        return None
    if stored != expected:
        log.info("index %s is stale (model, dimension or settings changed); rebuilding", stem.name)
        return None
    try:
        raw = np.frombuffer(index_path.read_bytes(), dtype=np.uint8)
        return faiss.deserialize_index(raw)
    except (OSError, RuntimeError) as exc:
        log.warning("unreadable index %s (%s); rebuilding", index_path, exc)
        return None


def load_or_build_index(
    texts: list[str], embedder: Embedder, settings: VerifySettings, folder: Path
) -> DenseIndex:
    """The persisted index for these texts when its sidecar matches, else a freshly built one."""
    expected = _expected_sidecar(texts, embedder, settings)
    found = _load_matching(folder, expected)
    if found is not None and int(found.ntotal) == len(texts):
        return DenseIndex(found, expected, rebuilt=False)
    vectors = embedder.encode(texts) if texts else np.zeros((0, expected["dim"]), np.float32)
    index = build_faiss(vectors, settings.exact_index_max)
    try:
        save_index(index, expected, folder)
    except OSError as exc:
        raise IndexStoreError(f"cannot write the evidence index under {folder}: {exc}") from exc
    return DenseIndex(index, expected, rebuilt=True)
