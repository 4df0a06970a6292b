"""The ONNX Runtime embedding backend: the local sentence-transformers weights, exported once.

The export runs ``torch.onnx.export`` over the shipped weights (no download): the transformer,
mean pooling and L2 normalization in one graph, dynamic in batch and sequence length, so its
vectors are the torch backend's to ~1e-6. The .onnx file is cached under a digest of the files
that define the model's outputs; ``onnx-int8`` adds onnxruntime's dynamic int8 quantization of
that file. Tokenization uses the model's own ``tokenizer.json`` (the Rust tokenizers library),
so a run on a cached export never imports torch or transformers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from synth.errors import ModelError

log = logging.getLogger(__name__)

ONNX_BACKENDS = ("onnx", "onnx-int8")
# Bump when the exported graph changes (inputs, pooling, opset), so old exports are not reused.
EXPORT_VERSION = 1
OPSET = 17
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# Everything that decides the vectors: weights, architecture, tokenizer, pooling, max length.
_DIGESTED = (
    "model.safetensors",
    "pytorch_model.bin",
    "config.json",
    "tokenizer.json",
    "vocab.txt",
    "sentence_bert_config.json",
    "modules.json",
    "1_Pooling/config.json",
)


def weights_digest(model_dir: Path) -> str:
    """sha256 over the model folder's weights, configs and tokenizer, and the export version."""
    digest = hashlib.sha256(f"synth-onnx-export-v{EXPORT_VERSION}-opset{OPSET}".encode())
    for name in _DIGESTED:
        path = model_dir / name
        if path.is_file():
            digest.update(f"\x00{name}\x00".encode())
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


def onnx_file(cache_dir: Path, digest: str, backend: str) -> Path:
    """Where the export for these weights and this backend is cached."""
    suffix = "int8" if backend == "onnx-int8" else "fp32"
    return cache_dir / f"minilm-{digest[:16]}-{suffix}.onnx"


def _pooled_module(model_dir: Path) -> Any:
    """The transformer with mean pooling and L2 normalization, as one torch module."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # untyped upstream
    # Eager attention traces into plain ops; the SDPA path's mask helpers do not export cleanly.
    encoder = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, ids: Any, mask: Any, types: Any) -> Any:
            out = self.encoder(input_ids=ids, attention_mask=mask, token_type_ids=types)
            weights = mask.unsqueeze(-1).to(out.last_hidden_state.dtype)
            summed = (out.last_hidden_state * weights).sum(dim=1)
            # The same clamp and eps as sentence-transformers' Pooling and Normalize modules.
            pooled = summed / weights.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2.0, dim=1)

    return Pooled()


def export_onnx(model_dir: Path, out: Path) -> None:
    """Export the model folder's pooled, normalized embedder to ``out`` (atomic)."""
    import torch

    module = _pooled_module(model_dir)
    example = tuple(torch.ones((2, 8), dtype=torch.long) for _ in INPUTS)
    axes = {name: {0: "batch", 1: "sequence"} for name in INPUTS}
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".export-") as tmp:
        target = Path(tmp) / out.name
        # The TorchScript exporter needs no onnxscript; its deprecation and tracer notes are
        # about graphs with data-dependent control flow, which this one has not.
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                module,
                example,
                str(target),
                dynamo=False,
                input_names=list(INPUTS),
                output_names=["embedding"],
                dynamic_axes={**axes, "embedding": {0: "batch"}},
                opset_version=OPSET,
            )
        os.replace(target, out)


def quantize_onnx(source: Path, out: Path) -> None:
    """Dynamic int8 quantization of an exported model's MatMul weights, per channel (atomic)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Per-tensor scales cost MiniLM up to 0.08 cosine on SciFact abstracts; per-channel scales
    # on the MatMuls alone keep it within ~0.015 at the same speed (embeddings stay float).
    kwargs: dict[str, Any] = {"per_channel": True, "op_types_to_quantize": ["MatMul"]}
    previous = logging.root.manager.disable
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".quantize-") as tmp:
        target = Path(tmp) / out.name
        # quantize_dynamic advises pre-processing on the root logger: noise in a CLI.
        logging.disable(logging.WARNING)
        try:
            quantize_dynamic(source, target, weight_type=QuantType.QInt8, **kwargs)
        finally:
            logging.disable(previous)
        os.replace(target, out)


def ensure_onnx(model_dir: Path, cache_dir: Path, backend: str) -> Path:
    """The cached export for this backend, exporting (and quantizing) on first use."""
    digest = weights_digest(model_dir)
    fp32 = onnx_file(cache_dir, digest, "onnx")
    if not fp32.exists():
        log.info("exporting %s to ONNX (once per weights digest)", model_dir)
        try:
            export_onnx(model_dir, fp32)
        except Exception as exc:  # any export failure is a ModelError for users
            raise ModelError(f"cannot export embedding model {model_dir} to ONNX: {exc}") from exc
    if backend == "onnx":
        return fp32
    int8 = onnx_file(cache_dir, digest, backend)
    if not int8.exists():
        quantize_onnx(fp32, int8)
    return int8


def default_threads() -> int:
    """Threads for one session: torch's count when torch is loaded, else the usable cores."""
    if "torch" in sys.modules:
        # A worker that set torch's threads (one per process in a pool) gets the same here.
        return int(sys.modules["torch"].get_num_threads())
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _max_length(model_dir: Path) -> int:
    config = model_dir / "sentence_bert_config.json"
    if config.is_file():
        return int(json.loads(config.read_text(encoding="utf-8")).get("max_seq_length", 256))
    return 256


def _stack(rows: list[list[int]], length: int) -> np.ndarray:
    out = np.zeros((len(rows), length), dtype=np.int64)
    for i, row in enumerate(rows):
        out[i, : len(row)] = row
    return out


class OnnxEmbedder:
    """The local sentence-transformers model run by ONNX Runtime on CPU, loaded lazily."""

    def __init__(
        self,
        model: str,
        model_dir: Path,
        cache_dir: Path,
        *,
        backend: str = "onnx",
        batch_size: int = 64,
        threads: int | None = None,
    ) -> None:
        if backend not in ONNX_BACKENDS:
            raise ModelError(
                f"unknown ONNX backend {backend!r} (one of {', '.join(ONNX_BACKENDS)})"
            )
        if not (model_dir / "config.json").is_file():
            raise ModelError(
                f"the {backend} embedding backend needs a local model folder; {model!r} is not one "
                "(set SYNTH_EMBED__BACKEND=torch)"
            )
        self._model_setting, self._dir, self._cache = model, model_dir, cache_dir
        self.backend = backend
        self._batch_size, self._threads = batch_size, threads
        self._session: Any = None
        self._tokenizer: Any = None

    @property
    def name(self) -> str:
        """The model setting: the vectors live in the torch backend's space (same weights)."""
        return self._model_setting

    def _load(self) -> Any:
        if self._session is None:
            try:
                import onnxruntime as ort
                from tokenizers import Tokenizer
            except ImportError as exc:
                raise ModelError(
                    f"the {self.backend} embedding backend needs onnxruntime and onnx "
                    "(dependencies of synth: reinstall it), or set SYNTH_EMBED__BACKEND=torch"
                ) from exc
            path = ensure_onnx(self._dir, self._cache, self.backend)
            options = ort.SessionOptions()
            options.intra_op_num_threads = self._threads or default_threads()
            options.inter_op_num_threads = 1
            # Spinning workers waste the cores that pool workers and other processes share;
            # measured here it was faster without, not slower.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.log_severity_level = 3  # warnings about unused initializers are noise in a CLI
            # The memory pattern plans and keeps one allocation per input shape, and batches
            # padded to each length seen add up: over SciFact's 5,183 abstracts it held about
            # 500 MiB of a 1.9 GB library build (issue 11); without it inference was no slower.
            options.enable_mem_pattern = False
            self._session = ort.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"]
            )
            tokenizer = Tokenizer.from_file(str(self._dir / "tokenizer.json"))
            # tokenizer.json carries its own pad/truncate-to-128; sentence-transformers truncates
            # at the model's max_seq_length and pads per batch, so do the same.
            tokenizer.no_padding()
            tokenizer.enable_truncation(_max_length(self._dir))
            self._tokenizer = tokenizer
        return self._session

    @property
    def dim(self) -> int:
        """Embedding dimension, read from the exported graph's output."""
        return int(self._load().get_outputs()[0].shape[1])

    def encode(self, texts: list[str]) -> np.ndarray:
        """Encode texts to unit vectors (batched by token length, like sentence-transformers)."""
        session = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # sentence-transformers strips each text before tokenizing.
        encodings = self._tokenizer.encode_batch([t.strip() for t in texts])
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), self._batch_size):
            rows = order[start : start + self._batch_size]
            length = max(len(encodings[i].ids) for i in rows)
            feed = {
                "input_ids": _stack([encodings[i].ids for i in rows], length),
                "attention_mask": _stack([encodings[i].attention_mask for i in rows], length),
                "token_type_ids": _stack([encodings[i].type_ids for i in rows], length),
            }
            out[rows] = session.run(None, feed)[0]
        return out
