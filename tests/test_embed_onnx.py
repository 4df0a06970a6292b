"""The ONNX embedding backend: a local export of the shipped weights that agrees with torch."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from synth.embed import (
    BACKENDS,
    PACKAGED_DEFAULT,
    CachedEmbedder,
    build_embedder,
    embedding_key,
    resolve_model_path,
)
from synth.embed_onnx import OnnxEmbedder, ensure_onnx, onnx_file, weights_digest
from synth.errors import ConfigError, ModelError
from synth.settings import load_settings

SENTENCES = [
    "Knowledge distillation cut the latency of the small code model by 41% on HumanEval.",
    "   Leading and trailing spaces are stripped before tokenizing.   ",
    "BRCA1",
    "The treatment group showed no significant change in blood pressure (p = 0.42).",
    # Longer than the model's 256-token window: truncation must match sentence-transformers.
    " ".join(["Mitochondrial dysfunction precedes neuronal loss in the murine model."] * 40),
]


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The packaged all-MiniLM-L6-v2 folder."""
    return Path(resolve_model_path(PACKAGED_DEFAULT))


@pytest.fixture(scope="session")
def onnx_cache(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder holding one export of the shipped weights, made once per session."""
    pytest.importorskip("onnxruntime", reason="the onnx extra is not installed")
    pytest.importorskip("onnx", reason="the onnx extra is not installed")
    cache = tmp_path_factory.mktemp("onnx-cache")
    ensure_onnx(model_dir, cache, "onnx")
    return cache


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    return np.asarray(np.sum(a * b, axis=1) / norms)


@pytest.mark.slow
@pytest.mark.model
def test_export_from_shipped_weights_is_cached_by_digest(model_dir: Path, onnx_cache: Path) -> None:
    import onnx

    path = onnx_file(onnx_cache, weights_digest(model_dir), "onnx")
    assert sorted(p.name for p in onnx_cache.iterdir()) == [path.name]  # no temporary left
    graph = onnx.load(str(path)).graph
    onnx.checker.check_model(str(path))
    assert [i.name for i in graph.input] == ["input_ids", "attention_mask", "token_type_ids"]
    dims = graph.input[0].type.tensor_type.shape.dim
    assert [d.dim_param for d in dims] == ["batch", "sequence"]  # dynamic, not traced sizes
    before = path.stat().st_mtime_ns
    assert ensure_onnx(model_dir, onnx_cache, "onnx") == path
    assert path.stat().st_mtime_ns == before  # found by digest, not exported again


@pytest.mark.slow
@pytest.mark.model
def test_onnx_vectors_match_torch(model_dir: Path, onnx_cache: Path, embedder: object) -> None:
    # batch_size=2 puts sentences of very different lengths in separate padded batches, so the
    # length sort and its undoing are exercised too.
    onnx = OnnxEmbedder(PACKAGED_DEFAULT, model_dir, onnx_cache, batch_size=2)
    got = onnx.encode(SENTENCES)
    want = embedder.encode(SENTENCES)  # type: ignore[attr-defined]
    assert got.shape == want.shape == (len(SENTENCES), 384)
    assert got.dtype == np.float32
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert _cosines(got, want).min() >= 0.9999
    assert onnx.encode([]).shape == (0, 384)


@pytest.mark.slow
@pytest.mark.model
def test_int8_export_is_cached_and_close(
    model_dir: Path, onnx_cache: Path, embedder: object
) -> None:
    int8 = OnnxEmbedder(PACKAGED_DEFAULT, model_dir, onnx_cache, backend="onnx-int8")
    got = int8.encode(SENTENCES)
    assert onnx_file(onnx_cache, weights_digest(model_dir), "onnx-int8").is_file()
    want = embedder.encode(SENTENCES)  # type: ignore[attr-defined]
    assert _cosines(got, want).min() >= 0.97  # quantized weights: close, not equal


def test_weights_digest_follows_the_weights(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "model.safetensors").write_bytes(b"weights-a")
    first = weights_digest(tmp_path)
    assert weights_digest(tmp_path) == first
    (tmp_path / "model.safetensors").write_bytes(b"weights-b")
    assert weights_digest(tmp_path) != first
    assert onnx_file(tmp_path, first, "onnx") != onnx_file(tmp_path, first, "onnx-int8")


def test_cache_key_differs_by_backend() -> None:
    keys = {embedding_key(PACKAGED_DEFAULT, b, "same text") for b in BACKENDS}
    assert len(keys) == len(BACKENDS)
    # torch keeps the key it had before backends existed, so filled caches stay valid.
    old = hashlib.sha256(f"{PACKAGED_DEFAULT}\x00same text".encode()).hexdigest()
    assert embedding_key(PACKAGED_DEFAULT, "torch", "same text") == old


class _Constant:
    """An embedder that gives every text the same vector, naming its backend."""

    def __init__(self, backend: str | None, value: float) -> None:
        if backend is not None:
            self.backend = backend
        self.value = value
        self.name = PACKAGED_DEFAULT
        self.dim = 4
        self.calls = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        return np.full((len(texts), 4), self.value, dtype=np.float32)


def test_backends_never_share_cached_vectors(tmp_path: Path) -> None:
    torch_like, onnx_like = _Constant(None, 0.5), _Constant("onnx", -0.5)
    for inner in (torch_like, onnx_like):
        cached = CachedEmbedder(inner, tmp_path)
        first = cached.encode(["a sentence"])
        assert first[0, 0] == inner.value
        cached.close()
    assert (torch_like.calls, onnx_like.calls) == (1, 1)  # the onnx one found no torch vector
    again = CachedEmbedder(_Constant("torch", 9.0), tmp_path)
    assert again.encode(["a sentence"])[0, 0] == 0.5  # torch is the default backend's key
    assert again.hits == 1
    again.close()


def test_backend_setting_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().embed.backend == "onnx"  # the default
    monkeypatch.setenv("SYNTH_EMBED__BACKEND", "onnx-int8")
    settings = load_settings()
    assert settings.embed.backend == "onnx-int8"
    embedder = build_embedder(settings)  # nothing exported or loaded until first use
    assert embedder.backend == "onnx-int8"
    export_dir = settings.embed.export_dir or settings.cache_dir("onnx")
    assert not list(export_dir.glob("*int8*"))
    embedder.close()


def test_unknown_backend_is_one_line_naming_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNTH_EMBED__BACKEND", "tensorrt")
    with pytest.raises(ConfigError, match=r"^invalid setting embed\.backend: ") as caught:
        load_settings()
    assert "\n" not in str(caught.value)
    monkeypatch.delenv("SYNTH_EMBED__BACKEND")
    # model_copy skips validation; the builder still refuses, with the same wording.
    settings = load_settings()
    bad = settings.model_copy(
        update={"embed": settings.embed.model_copy(update={"backend": "tensorrt"})}
    )
    with pytest.raises(ConfigError, match=r"^invalid setting embed\.backend: 'tensorrt' is not"):
        build_embedder(bad)


def test_onnx_backend_needs_a_local_model_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"needs a local model folder.*SYNTH_EMBED__BACKEND=torch"):
        OnnxEmbedder("some/hub-model", tmp_path / "absent", tmp_path, backend="onnx")
