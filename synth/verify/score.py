"""Claim-level features → P(supported), P(contradicted) → verdict label, with fitted parameters.

The parameters (feature scaling, multinomial logistic regression, Platt calibration of the
support probability, thresholds) live in ``data/verifier/params.json``; ``calibrate.py`` and
``benchmarks/fit_verifier.py`` refit them on SciFact train.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from synth.errors import ConfigError
from synth.records import VerdictLabel
from synth.resources import data_file
from synth.verify.features import pair_features
from synth.verify.lexical import to_tokens

PARAMS_FILE = ("verifier", "params.json")
CLASSES = ("supported", "contradicted", "unverified")
TOP_N = 3  # passages (by cosine) whose features describe a claim's evidence
# Cosine above which a passage counts as "on topic" for the hard numeric-conflict rule.
ON_TOPIC_COS = 0.5
# A conflicting number in a passage this close restates the claim with another value:
# contradicted. Between ON_TOPIC_COS and this it only rules out "supported" (the unit may
# belong to another quantity: "5% of deaths" against "a 31% decline in births").
NUMBER_CONTRADICTS_COS = 0.8
# Below this best cosine nothing speaks to the claim, so it cannot be contradicted (on SciFact
# train 1 of 194 contradicted pairs falls below it, against 44 of 355 unrelated ones).
CONTRADICT_MIN_COS = 0.4
# A passage this close in meaning and wording restates the claim (for the polarity rule).
PARAPHRASE_COS = 0.75
# Without a hard rule, the model must find contradiction more likely than not.
MODEL_CONTRADICTS_MIN = 0.5
PARAPHRASE_COVERAGE = 0.75

FEATURE_NAMES: tuple[str, ...] = (
    "cos_max",
    "cos_2",
    "cos_mean3",
    "coverage",
    "jaccard",
    "num_match",
    "num_conflict",
    "neg_mismatch",
    "claim_negated",
    "dir_mismatch",
    "dir_agree",
    "entity_coverage",
    "cov_max",
    "cov_union",
    "num_match_any",
    "conflict_unresolved",
    "x_neg",
    "x_dir",
    "neg_any",
    "neg_scoped_mismatch",
    "polarity_conflict",
    "x_pol",
    "pol_any",
)


def top_order(cos: np.ndarray, n: int = TOP_N) -> np.ndarray:
    """Indices of the n highest cosines, best first (stable for ties)."""
    return np.argsort(-cos, kind="stable")[:n]


def build_claim_features(
    claim: str, cos: np.ndarray, texts: list[str], pairs: list[dict[str, float]] | None = None
) -> dict[str, float]:
    """Features of a claim against its candidate evidence (texts with their cosines).

    ``pairs`` may carry precomputed :func:`pair_features` for ``texts``; otherwise they are
    computed for the top passages only.
    """
    if len(texts) == 0:
        return dict.fromkeys(FEATURE_NAMES, 0.0)
    top = top_order(cos)
    pf = [pairs[i] if pairs is not None else pair_features(claim, texts[i]) for i in top]
    best, cmax = pf[0], float(cos[top[0]])
    claim_tokens = set(to_tokens(claim))
    union: set[str] = set().union(*(set(to_tokens(texts[i])) for i in top))
    f = {k: float(best[k]) for k in FEATURE_NAMES if k in best}
    f["cos_max"] = cmax
    f["cos_2"] = float(cos[top[1]]) if len(top) > 1 else cmax
    f["cos_mean3"] = float(np.mean(cos[top]))
    f["cov_max"] = max(p["coverage"] for p in pf)
    f["cov_union"] = len(claim_tokens & union) / len(claim_tokens) if claim_tokens else 0.0
    f["num_match_any"] = max(p["num_match"] for p in pf)
    f["conflict_unresolved"] = float(best["num_conflict"] > 0 and f["num_match_any"] == 0)
    f["x_neg"] = cmax * best["neg_mismatch"]
    f["x_dir"] = cmax * best["dir_mismatch"]
    f["x_pol"] = cmax * best["polarity_conflict"]
    f["pol_any"] = max(p["polarity_conflict"] * float(cos[i]) for p, i in zip(pf, top, strict=True))
    f["neg_any"] = max(p["neg_mismatch"] * float(cos[i]) for p, i in zip(pf, top, strict=True))
    return f


def has_number_conflict(
    cos: np.ndarray, pairs: list[dict[str, float]], min_cos: float = ON_TOPIC_COS
) -> bool:
    """True when on-topic evidence gives a different number for a claim quantity and none agrees."""
    on_topic = [p for c, p in zip(cos, pairs, strict=True) if c >= min_cos]
    conflict = any(p["num_conflict"] > 0 for p in on_topic)
    agreed = any(p["num_match"] > 0 for p in on_topic)
    return conflict and not agreed


def has_polarity_conflict(cos: np.ndarray, pairs: list[dict[str, float]]) -> bool:
    """True when the closest passage restates the claim with its sense reversed.

    Only near-paraphrases count (cosine and word coverage both high): on SciFact train the
    negation and direction cues are too noisy to overrule the model on looser matches.
    """
    if len(pairs) == 0:
        return False
    best = int(np.argmax(cos))
    p = pairs[best]
    near = cos[best] >= PARAPHRASE_COS and p["coverage"] >= PARAPHRASE_COVERAGE
    return bool(near and p["polarity_conflict"] > 0)


@dataclass(frozen=True)
class FittedModel:
    """Standardization, multinomial logistic regression and Platt calibration, from JSON."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (n_classes, n_features), classes in CLASSES order
    intercept: np.ndarray
    platt_a: float
    platt_b: float
    contradiction_threshold: float
    raw: dict[str, Any]
    # Platt scaling of the verdict's confidence after the rules (None: not fitted).
    final_platt: tuple[float, float] | None = None

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """Uncalibrated class probabilities (n, 3) for feature rows in ``features`` order."""
        z = (rows - self.mean) / self.scale @ self.coef.T + self.intercept
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    def calibrated_support(self, probs: np.ndarray) -> np.ndarray:
        """Platt-calibrated P(supported) from uncalibrated class probabilities."""
        p = np.clip(probs[:, 0], 1e-6, 1 - 1e-6)
        logit = np.log(p / (1 - p))
        return np.asarray(1.0 / (1.0 + np.exp(-(self.platt_a * logit + self.platt_b))))

    def final_confidence(self, p_supported: float, supported: bool, threshold: float) -> float:
        """The verdict's confidence: P(supported) recalibrated after the rules (they withhold
        support the stack's own calibration never saw), kept on the verdict's side of the
        support threshold."""
        if self.final_platt is None:
            q = p_supported
        else:
            a, b = self.final_platt
            p = min(max(p_supported, 1e-6), 1 - 1e-6)
            q = 1.0 / (1.0 + math.exp(-(a * math.log(p / (1 - p)) + b)))
        return max(q, threshold) if supported else min(q, max(0.0, threshold - 0.01))

    def rows(self, feats: list[dict[str, float]]) -> np.ndarray:
        """Feature dicts as a matrix in the model's feature order."""
        return np.array([[f.get(n, 0.0) for n in self.features] for f in feats], dtype=np.float64)


def model_from_dict(raw: dict[str, Any]) -> FittedModel:
    """Build a FittedModel from the parameters' JSON form."""
    try:
        return FittedModel(
            features=tuple(raw["features"]),
            mean=np.asarray(raw["scaler"]["mean"], dtype=np.float64),
            scale=np.asarray(raw["scaler"]["scale"], dtype=np.float64),
            coef=np.asarray(raw["classifier"]["coef"], dtype=np.float64),
            intercept=np.asarray(raw["classifier"]["intercept"], dtype=np.float64),
            platt_a=float(raw["calibration"]["a"]),
            platt_b=float(raw["calibration"]["b"]),
            contradiction_threshold=float(raw["thresholds"]["contradiction"]),
            raw=raw,
            final_platt=(
                (float(raw["final_calibration"]["a"]), float(raw["final_calibration"]["b"]))
                if "final_calibration" in raw
                else None
            ),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"verifier parameters are malformed: {exc}") from exc


def read_fitted(path: Path, what: str, refit: str) -> FittedModel:
    """A FittedModel from its JSON file; an unreadable file is a ConfigError naming ``refit``."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc}; refit with {refit}") from exc
    return model_from_dict(raw)


@lru_cache(maxsize=4)
def load_model(path: Path | None = None) -> FittedModel:
    """The fitted verifier parameters (packaged file unless a path is given), read once."""
    target = path or data_file(*PARAMS_FILE)
    return read_fitted(target, "verifier parameters", "benchmarks/fit_verifier.py")


def decide_label(
    p_support: float,
    p_contradict: float,
    hard_conflict: bool,
    support_threshold: float,
    contradiction_threshold: float,
    on_topic: bool = True,
    support_blocked: bool = False,
    conflict_cue: bool = True,
) -> VerdictLabel:
    """Verdict label; a hard conflict (another number, a reversed restatement) is contradicted.

    ``support_blocked`` (a conflicting number on topic) rules out ``supported``. Only on-topic
    evidence can contradict: a claim nothing speaks to is unverified. The model alone may call
    a claim contradicted only when contradiction is its most likely reading *and* the evidence
    carries a conflict cue (another number, a negation or a reversed direction): papers rarely
    contradict themselves, and an accusation needs something a reader can point at.
    """
    if hard_conflict:
        return "contradicted"
    if p_support >= support_threshold and not support_blocked:
        return "supported"
    if (
        on_topic
        and conflict_cue
        and p_contradict >= max(contradiction_threshold, MODEL_CONTRADICTS_MIN)
        and p_contradict > p_support
    ):
        return "contradicted"
    return "unverified"


CONFLICT_CUES = ("num_conflict", "neg_mismatch", "dir_mismatch", "polarity_conflict")


def has_conflict_cue(cos: np.ndarray, pairs: list[dict[str, float]]) -> bool:
    """True when some on-topic passage carries a number, negation or direction conflict."""
    return any(
        c >= CONTRADICT_MIN_COS and any(p.get(k, 0.0) > 0 for k in CONFLICT_CUES)
        for c, p in zip(cos, pairs, strict=True)
    )
