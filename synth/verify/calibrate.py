"""Fitting the verifier: multinomial logistic regression, Platt calibration, ECE and reliability.

Written with numpy alone so that refitting needs nothing beyond synth's own dependencies.
``fit_verifier`` is the refit entry point used by ``benchmarks/fit_verifier.py``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from synth.atomic import write_text_atomic
from synth.verify.score import CLASSES


def fit_softmax(
    x: np.ndarray, y: np.ndarray, l2: float = 1.0, n_classes: int = 3, steps: int = 3000
) -> tuple[np.ndarray, np.ndarray]:
    """L2-regularized multinomial logistic regression by gradient descent; (coef, intercept).

    ``x`` is standardized; ``l2`` is the penalty on the mean loss (intercepts unpenalized).
    """
    n, d = x.shape
    onehot = np.eye(n_classes)[y]
    # Step from a Lipschitz bound of the softmax loss, so descent converges without tuning.
    lip = 0.5 * (np.linalg.norm(x, 2) ** 2 / n + 1.0) + l2
    step = 1.0 / lip
    w, b = np.zeros((n_classes, d)), np.zeros(n_classes)
    for _ in range(steps):
        z = x @ w.T + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) / n
        w -= step * (g.T @ x + l2 * w)
        b -= step * g.sum(axis=0)
    return w, b


def softmax_probs(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Class probabilities of a fitted softmax model."""
    z = x @ w.T + b
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return np.asarray(p / p.sum(axis=1, keepdims=True))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.asarray(np.log(p / (1 - p)))


def fit_platt(p: np.ndarray, y: np.ndarray, steps: int = 5000) -> tuple[float, float]:
    """Platt scaling on the logit of p: (a, b) with P = sigmoid(a * logit(p) + b)."""
    z = _logit(p)
    a, b = 1.0, 0.0
    for _ in range(steps):
        q = 1.0 / (1.0 + np.exp(-(a * z + b)))
        ga, gb = float(np.mean((q - y) * z)), float(np.mean(q - y))
        a -= 0.5 * ga
        b -= 0.5 * gb
    return a, b


def apply_platt(p: np.ndarray, a: float, b: float) -> np.ndarray:
    """Calibrated probabilities from Platt parameters."""
    return np.asarray(1.0 / (1.0 + np.exp(-(a * _logit(p) + b))))


@dataclass(frozen=True)
class Bin:
    """One row of a reliability table."""

    lo: float
    hi: float
    count: int
    mean_confidence: float
    observed_rate: float


def reliability(p: np.ndarray, y: np.ndarray, bins: int = 10) -> list[Bin]:
    """Equal-width bins of predicted probability with the observed rate of positives in each."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    table = []
    for i in range(bins):
        mask = idx == i
        count = int(mask.sum())
        conf = float(p[mask].mean()) if count else 0.0
        rate = float(y[mask].mean()) if count else 0.0
        table.append(Bin(float(edges[i]), float(edges[i + 1]), count, conf, rate))
    return table


def expected_calibration_error(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """ECE: count-weighted mean |observed rate - mean confidence| over equal-width bins."""
    table = reliability(p, y, bins)
    total = sum(b.count for b in table)
    return sum(b.count * abs(b.observed_rate - b.mean_confidence) for b in table) / max(total, 1)


def auroc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties counted half)."""
    pos, neg = scores[positive], scores[~positive]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order))
    allv = np.concatenate([pos, neg])[order]
    i = 0
    while i < len(allv):  # average ranks over ties
        j = i
        while j + 1 < len(allv) and allv[j + 1] == allv[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def macro_f1(pred: list[str], gold: list[str], labels: tuple[str, ...] = CLASSES) -> float:
    """Macro-averaged F1 over the given labels."""
    scores = []
    for lab in labels:
        tp = sum(p == lab and g == lab for p, g in zip(pred, gold, strict=True))
        fp = sum(p == lab and g != lab for p, g in zip(pred, gold, strict=True))
        fn = sum(p != lab and g == lab for p, g in zip(pred, gold, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores))


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write JSON through a temporary file and os.replace, so readers never see half a file."""
    write_text_atomic(path, json.dumps(data, indent=2) + "\n", durable=True)


def utc_now() -> str:
    """Current UTC time in ISO 8601 (seconds)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def fold_of(group: str, folds: int) -> int:
    """Deterministic fold of a group (a claim id), so a claim's pairs never straddle folds."""
    return int(hashlib.sha256(group.encode()).hexdigest()[:8], 16) % folds


def _log_loss(p: np.ndarray, y: np.ndarray) -> float:
    return float(-np.mean(np.log(np.clip(p[np.arange(len(y)), y], 1e-12, 1.0))))


def out_of_fold(xs: np.ndarray, y: np.ndarray, folds: np.ndarray, l2: float) -> np.ndarray:
    """Class probabilities for every row from a model fitted without that row's fold."""
    oof = np.zeros((len(y), len(CLASSES)))
    for k in np.unique(folds):
        hold = folds == k
        w, b = fit_softmax(xs[~hold], y[~hold], l2)
        oof[hold] = softmax_probs(xs[hold], w, b)
    return oof


def tune_contradiction_threshold(
    p_support: np.ndarray, p_contradict: np.ndarray, y: np.ndarray, support_threshold: float
) -> float:
    """The P(contradicted) threshold that maximizes 3-way macro-F1 (on out-of-fold predictions)."""
    gold = [CLASSES[i] for i in y]
    best, best_f1 = 0.5, -1.0
    for t in np.round(np.arange(0.10, 0.71, 0.02), 2):
        pred = [
            "supported" if s >= support_threshold else "contradicted" if c >= t else "unverified"
            for s, c in zip(p_support, p_contradict, strict=True)
        ]
        f1 = macro_f1(pred, gold)
        if f1 > best_f1:
            best, best_f1 = float(t), f1
    return best


def fit_verifier(
    x: np.ndarray,
    y: np.ndarray,
    groups: list[str],
    features: tuple[str, ...],
    support_threshold: float = 0.5,
    n_folds: int = 5,
) -> dict[str, Any]:
    """Fit scaler, softmax model (L2 picked by out-of-fold log loss), Platt and thresholds."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    xs = (x - mean) / scale
    folds = np.array([fold_of(g, n_folds) for g in groups])
    trials = {l2: out_of_fold(xs, y, folds, l2) for l2 in (0.001, 0.01, 0.03, 0.1)}
    l2 = min(trials, key=lambda k: _log_loss(trials[k], y))
    oof = trials[l2]
    a, b = fit_platt(oof[:, 0], (y == 0).astype(float))
    p_sup = apply_platt(oof[:, 0], a, b)
    c_thr = tune_contradiction_threshold(p_sup, oof[:, 1], y, support_threshold)
    w, bias = fit_softmax(xs, y, l2)
    return {
        "features": list(features),
        "classes": list(CLASSES),
        "scaler": {"mean": mean.tolist(), "scale": scale.tolist()},
        "classifier": {
            "kind": "multinomial logistic regression (numpy gradient descent)",
            "l2": l2,
            "coef": w.round(6).tolist(),
            "intercept": bias.round(6).tolist(),
        },
        "calibration": {
            "method": f"Platt scaling on {n_folds}-fold out-of-fold training predictions",
            "a": a,
            "b": b,
        },
        "thresholds": {"support": support_threshold, "contradiction": c_thr},
        "train_oof": {
            "auroc_supported": auroc(p_sup, y == 0),
            "ece": expected_calibration_error(p_sup, (y == 0).astype(float)),
            "log_loss": _log_loss(oof, y),
        },
    }


def label_metrics(
    confidence: np.ndarray, p_evidence: np.ndarray, predicted: list[str], y: np.ndarray
) -> dict[str, Any]:
    """Held-out metrics of verdicts against gold class indices (0 supported, 1 contra, 2 NEI)."""
    supported = (y == 0).astype(float)
    gold = [CLASSES[i] for i in y]
    return {
        "pairs": len(y),
        "auroc_supported": auroc(confidence, y == 0),
        "auroc_evidence": auroc(p_evidence, y != 2),
        "macro_f1": macro_f1(predicted, gold),
        "accuracy": float(np.mean([p == g for p, g in zip(predicted, gold, strict=True)])),
        "ece": expected_calibration_error(confidence, supported),
        "reliability": [b.__dict__ for b in reliability(confidence, supported)],
    }
