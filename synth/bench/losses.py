"""Distillation losses over token logits: forward KL, reverse KL, generalized JSD, sequence KD."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def _masked_mean(per_token: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    weights = mask.to(per_token.dtype)
    return (per_token * weights).sum() / weights.sum().clamp_min(1.0)


def forward_kl(
    student: torch.Tensor, teacher: torch.Tensor, mask: torch.Tensor, temperature: float = 1.0
) -> torch.Tensor:
    """KL(teacher || student) on temperature-softened distributions, scaled by T^2 (Hinton)."""
    log_s = F.log_softmax(student / temperature, dim=-1)
    log_t = F.log_softmax(teacher / temperature, dim=-1)
    per_token = (log_t.exp() * (log_t - log_s)).sum(-1)
    return _masked_mean(per_token, mask) * temperature**2


def reverse_kl(
    student: torch.Tensor, teacher: torch.Tensor, mask: torch.Tensor, temperature: float = 1.0
) -> torch.Tensor:
    """KL(student || teacher): mode-seeking, scaled by T^2 like the forward direction."""
    log_s = F.log_softmax(student / temperature, dim=-1)
    log_t = F.log_softmax(teacher / temperature, dim=-1)
    per_token = (log_s.exp() * (log_s - log_t)).sum(-1)
    return _masked_mean(per_token, mask) * temperature**2


def generalized_jsd(
    student: torch.Tensor,
    teacher: torch.Tensor,
    mask: torch.Tensor,
    beta: float = 0.5,
    temperature: float = 1.0,
) -> torch.Tensor:
    """beta KL(teacher || m) + (1 - beta) KL(student || m), m = beta teacher + (1 - beta) student.

    SEE: https://arxiv.org/abs/2306.13649 (generalized KD, where this family of losses is used).
    """
    if not 0.0 < beta < 1.0:
        raise ValueError(f"generalized JSD needs 0 < beta < 1 (got {beta})")
    log_s = F.log_softmax(student / temperature, dim=-1)
    log_t = F.log_softmax(teacher / temperature, dim=-1)
    log_m = torch.logsumexp(
        torch.stack(
            [log_t + torch.log(torch.tensor(beta)), log_s + torch.log(torch.tensor(1 - beta))]
        ),
        dim=0,
    )
    kl_t = (log_t.exp() * (log_t - log_m)).sum(-1)
    kl_s = (log_s.exp() * (log_s - log_m)).sum(-1)
    return _masked_mean(beta * kl_t + (1 - beta) * kl_s, mask) * temperature**2


def sequence_nll(student: torch.Tensor, labels: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Token cross-entropy on target sequences (sequence-level KD trains on teacher samples)."""
    per_token = F.cross_entropy(student.transpose(1, 2), labels, reduction="none")
    return _masked_mean(per_token, mask)
