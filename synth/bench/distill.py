"""Teacher-to-student distillation: logit KD, sequence KD, pseudocode multi-task; resumable."""

from __future__ import annotations

import json
import logging
import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from synth.atomic import write_text_atomic
from synth.bench import losses
from synth.bench.config import DistillConfig, GenerationSettings
from synth.bench.datasets import load_dataset
from synth.bench.generate import complete, sanitize
from synth.bench.models import LoadedModel, load_model
from synth.bench.schedules import lr_at
from synth.bench.store import KeyedCache, key_of
from synth.errors import BenchError

logger = logging.getLogger(__name__)

PSEUDOCODE_CUE = "\n# Pseudocode:\n# "


@dataclass
class DistillSummary:
    """Where a distillation run left its outputs, and how its loss moved."""

    steps: int
    first_loss: float
    last_loss: float
    log_path: Path
    checkpoint_path: Path


def _teacher_texts(
    cfg: DistillConfig, teacher: LoadedModel, out: Path
) -> tuple[list[str], list[str]]:
    """Code targets and (optional) teacher-written pseudocode targets, cached for resumption."""
    problems = load_dataset(cfg.dataset.spec, cfg.dataset.limit).problems
    gen = GenerationSettings.model_validate(
        {"max_new_tokens": cfg.teacher_max_new_tokens, "seed": cfg.seed}
    )
    cache = KeyedCache(out / "teacher.jsonl")
    code, pseudo = [], []
    for problem in problems:
        if cfg.loss == "seq_kd":
            key = key_of("code", teacher.spec.model_dump(), problem.task_id, gen.model_dump())
            if key not in cache:
                cache.put(key, sanitize(complete(teacher, problem, gen)[0]))
            code.append(problem.prompt + cache.get(key))
        else:
            code.append(problem.prompt + problem.canonical_solution)
        if cfg.pseudocode_weight > 0:
            cued = problem.model_copy(update={"prompt": problem.prompt + PSEUDOCODE_CUE})
            key = key_of("pseudo", teacher.spec.model_dump(), problem.task_id, gen.model_dump())
            if key not in cache:
                cache.put(key, complete(teacher, cued, gen)[0])
            pseudo.append(cued.prompt + cache.get(key))
    return code, pseudo


def _batch(codec: Any, texts: list[str], max_length: int) -> tuple[torch.Tensor, torch.Tensor]:
    rows = [codec.encode(t)[:max_length] for t in texts]
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), codec.pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.bool)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(row)
        mask[i, : len(row)] = True
    return ids, mask


def _step_loss(
    cfg: DistillConfig,
    teacher: LoadedModel,
    student: LoadedModel,
    code: list[str],
    pseudo: list[str],
) -> tuple[torch.Tensor, float, float]:
    ids, mask = _batch(student.codec, code, cfg.max_length)
    logits = student.model(input_ids=ids, attention_mask=mask.long()).logits[:, :-1]
    target_mask = mask[:, 1:]
    if cfg.loss == "seq_kd":
        main = losses.sequence_nll(logits, ids[:, 1:], target_mask)
    else:
        with torch.no_grad():
            t_logits = teacher.model(input_ids=ids, attention_mask=mask.long()).logits[:, :-1]
        if cfg.loss == "forward_kl":
            main = losses.forward_kl(logits, t_logits, target_mask, cfg.temperature)
        elif cfg.loss == "reverse_kl":
            main = losses.reverse_kl(logits, t_logits, target_mask, cfg.temperature)
        else:
            main = losses.generalized_jsd(logits, t_logits, target_mask, cfg.beta, cfg.temperature)
    aux = torch.zeros(())
    if pseudo:
        p_ids, p_mask = _batch(student.codec, pseudo, cfg.max_length)
        p_logits = student.model(input_ids=p_ids, attention_mask=p_mask.long()).logits[:, :-1]
        aux = losses.sequence_nll(p_logits, p_ids[:, 1:], p_mask[:, 1:])
    return main + cfg.pseudocode_weight * aux, float(main.detach()), float(aux.detach())


def _save_checkpoint(path: Path, student: Any, optimizer: Any, step: int) -> None:
    tmp = path.with_name(path.name + ".tmp")
    state = {"student": student.state_dict(), "optimizer": optimizer.state_dict(), "step": step,
             "rng": torch.get_rng_state()}  # fmt: skip
    torch.save(state, tmp)
    os.replace(tmp, path)


def _resume(path: Path, student: Any, optimizer: Any, log_path: Path) -> int:
    if not path.is_file():
        return 0
    state = torch.load(path, weights_only=False)
    student.load_state_dict(state["student"])
    optimizer.load_state_dict(state["optimizer"])
    torch.set_rng_state(state["rng"])
    step = int(state["step"])
    if log_path.is_file():  # drop log lines of steps that are about to be redone
        kept = [ln for ln in log_path.read_text().splitlines() if json.loads(ln)["step"] < step]
        write_text_atomic(log_path, "".join(f"{ln}\n" for ln in kept))
    logger.info("resuming distillation at step %d", step)
    return step


def run_distillation(
    cfg: DistillConfig, out: Path, stop_after: int | None = None
) -> DistillSummary:
    """Train the student toward the teacher; ``stop_after`` ends early (for tests of resuming)."""
    out.mkdir(parents=True, exist_ok=True)
    teacher, student = load_model(cfg.teacher), load_model(cfg.student)
    if teacher.model is None or student.model is None:
        raise BenchError("distillation needs real teacher and student models, not the oracle")
    if teacher.codec.vocab_size != student.codec.vocab_size:
        raise BenchError("teacher and student must share a tokenizer (vocabulary sizes differ)")
    code, pseudo = _teacher_texts(cfg, teacher, out)
    torch.manual_seed(cfg.seed)
    student.model.train()
    optimizer = torch.optim.AdamW(student.model.parameters(), lr=cfg.schedule.lr)
    log_path, ckpt = out / "log.jsonl", out / "checkpoint.pt"
    start = _resume(ckpt, student.model, optimizer, log_path)
    order = list(range(len(code)))
    random.Random(cfg.seed).shuffle(order)
    end = cfg.steps if stop_after is None else min(cfg.steps, stop_after)
    for step in range(start, end):
        picks = [order[(step * cfg.batch_size + i) % len(order)] for i in range(cfg.batch_size)]
        lr = lr_at(step, cfg.steps, cfg.schedule)
        for group in optimizer.param_groups:
            group["lr"] = lr
        loss, main, aux = _step_loss(
            cfg,
            teacher,
            student,
            [code[i] for i in picks],
            [pseudo[i] for i in picks] if pseudo else [],
        )
        optimizer.zero_grad()
        loss.backward()  # type: ignore[no-untyped-call]  # torch's stub is untyped here
        grad_norm = torch.nn.utils.clip_grad_norm_(student.model.parameters(), cfg.grad_clip)
        optimizer.step()
        row = {
            "step": step,
            "loss": float(loss.detach()),
            "kd_loss": main,
            "aux_loss": aux,
            "lr": lr,
            "grad_norm": float(grad_norm),
        }
        with log_path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(row) + "\n")
        if (step + 1) % cfg.checkpoint_every == 0 or step + 1 == end:
            _save_checkpoint(ckpt, student.model, optimizer, step + 1)
    rows = (
        [json.loads(ln) for ln in log_path.read_text().splitlines()] if log_path.is_file() else []
    )
    return DistillSummary(
        steps=len(rows),
        first_loss=rows[0]["kd_loss"] if rows else float("nan"),
        last_loss=rows[-1]["kd_loss"] if rows else float("nan"),
        log_path=log_path,
        checkpoint_path=ckpt,
    )
