"""Generate completions with greedy decoding or sampling; keep raw and sanitized text."""

from __future__ import annotations

import logging
from typing import Any

import torch

from synth.bench.config import GenerationSettings
from synth.bench.models import LoadedModel
from synth.bench.records import Problem
from synth.bench.store import key_of

logger = logging.getLogger(__name__)

# A completion ends where top-level code that is not the function body starts.
STOP_SEQUENCES = ("\ndef ", "\nclass ", "\nif __name__", "\nprint(", "\nassert ", "\n#")
_MAX_CONTEXT = 1024


def sanitize(raw: str) -> str:
    """Cut a raw completion at the first stop sequence."""
    cut = min((i for i in (raw.find(s) for s in STOP_SEQUENCES) if i >= 0), default=len(raw))
    return raw[:cut]


def _seed_for(gen: GenerationSettings, task_id: str) -> int:
    return int(key_of(gen.seed, task_id)[:8], 16)


def _generate_kwargs(loaded: LoadedModel, gen: GenerationSettings) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "max_new_tokens": gen.max_new_tokens,
        "pad_token_id": loaded.codec.pad_id,
        "eos_token_id": loaded.codec.eos_id,
        "do_sample": not gen.greedy,
    }
    if not gen.greedy:
        kwargs.update(temperature=gen.temperature, top_p=gen.top_p, num_return_sequences=gen.n)
    return kwargs


def complete(loaded: LoadedModel, problem: Problem, gen: GenerationSettings) -> list[str]:
    """``gen.n`` raw completions of one problem's prompt (the oracle returns the reference)."""
    if loaded.model is None:
        return [problem.canonical_solution] * gen.n
    ids = loaded.codec.encode(problem.prompt)[-(_MAX_CONTEXT - gen.max_new_tokens) :]
    inputs = torch.tensor([ids], device=loaded.device)
    torch.manual_seed(_seed_for(gen, problem.task_id))
    with torch.no_grad():
        out = loaded.model.generate(
            input_ids=inputs,
            attention_mask=torch.ones_like(inputs),
            **_generate_kwargs(loaded, gen),
        )
    start = 0 if loaded.is_seq2seq else inputs.shape[1]
    texts = [loaded.codec.decode(row[start:].tolist()) for row in out]
    # Greedy decoding is deterministic: one decode serves every requested sample.
    return texts if len(texts) == gen.n else texts[:1] * gen.n
