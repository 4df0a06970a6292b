"""From passage-level pair-model readings to one calibrated claim-level verdict.

The pair model reads a claim against each of its top evidence passages. How those readings
become one verdict is learned, not a max: a few aggregate features (the strongest support and
contradiction readings, the reading of the best-retrieved passage, the feature model's own
probability, number alignment) go into a multinomial logistic model fitted on held-out SciFact
train claims (claims the pair model never trained on), whose P(supported) is then calibrated by
Platt scaling on out-of-fold predictions. ``benchmarks/fit_pair_stack.py`` fits it into
``data/verifier/stack.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from synth.errors import ConfigError
from synth.resources import data_file

STACK_FILE = ("verifier", "stack.json")
# Chosen by out-of-fold log loss on the held-out train claims among three candidate sets (all
# ten readings, these six, and the two strongest readings with the feature model's two).
STACK_FEATURES: tuple[str, ...] = (
    "pair_s_max",
    "pair_c_max",
    "pair_s_top",
    "pair_s_mean2",
    "feature_p_support",
    "cos_max",
)


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return float(np.log(p / (1 - p)))


def aggregate_readings(
    probs: np.ndarray, fused_order: list[int], feature_p_support: float, cos_max: float
) -> dict[str, float]:
    """Claim-level features from the pair model's (k, 3) passage probabilities.

    ``fused_order`` lists passage indices best-retrieved first; the readings of the first are
    kept apart because retrieval rank carries information of its own.
    """
    if len(probs) == 0:
        out = dict.fromkeys(STACK_FEATURES, 0.0)
        out["pair_n_min"] = 1.0
        out.update(
            pair_logit_s=_logit(0.0), pair_logit_c=_logit(0.0), feature_p_support=feature_p_support
        )
        return out
    s, c, n = probs[:, 0], probs[:, 1], probs[:, 2]
    top = fused_order[0] if fused_order else 0
    s_sorted = np.sort(s)[::-1]
    return {
        "pair_s_max": float(s.max()),
        "pair_c_max": float(c.max()),
        "pair_s_top": float(s[top]),
        "pair_c_top": float(c[top]),
        "pair_s_mean2": float(s_sorted[:2].mean()),
        "pair_n_min": float(n.min()),
        "pair_logit_s": _logit(float(s.max())),
        "pair_logit_c": _logit(float(c.max())),
        "feature_p_support": feature_p_support,
        "cos_max": cos_max,
    }


@dataclass(frozen=True)
class StackModel:
    """Standardization, softmax weights, Platt calibration and thresholds, from JSON."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    platt_a: float
    platt_b: float
    support_threshold: float
    contradiction_threshold: float
    raw: dict[str, Any]

    def probabilities(self, feats: dict[str, float]) -> np.ndarray:
        """Uncalibrated (supported, contradicted, unverified) probabilities for one claim."""
        x = np.array([feats.get(n, 0.0) for n in self.features], dtype=np.float64)
        z = ((x - self.mean) / self.scale) @ self.coef.T + self.intercept
        z -= z.max()
        e = np.exp(z)
        return np.asarray(e / e.sum())

    def calibrated_support(self, probs: np.ndarray) -> float:
        """Platt-calibrated P(supported)."""
        z = _logit(float(probs[0]))
        return float(1.0 / (1.0 + np.exp(-(self.platt_a * z + self.platt_b))))


def stack_from_dict(raw: dict[str, Any]) -> StackModel:
    """Build a StackModel from its JSON form."""
    try:
        return StackModel(
            features=tuple(raw["features"]),
            mean=np.asarray(raw["scaler"]["mean"], dtype=np.float64),
            scale=np.asarray(raw["scaler"]["scale"], dtype=np.float64),
            coef=np.asarray(raw["classifier"]["coef"], dtype=np.float64),
            intercept=np.asarray(raw["classifier"]["intercept"], dtype=np.float64),
            platt_a=float(raw["calibration"]["a"]),
            platt_b=float(raw["calibration"]["b"]),
            support_threshold=float(raw["thresholds"]["support"]),
            contradiction_threshold=float(raw["thresholds"]["contradiction"]),
            raw=raw,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"pair stack parameters are malformed: {exc}") from exc


@lru_cache(maxsize=4)
def load_stack(path: Path | None = None) -> StackModel:
    """The fitted stack (packaged file unless a path is given), read once."""
    target = path or data_file(*STACK_FILE)
    try:
        raw = json.loads(Path(target).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"cannot read the pair stack {target}: {exc}; refit it with "
            "benchmarks/fit_pair_stack.py"
        ) from exc
    return stack_from_dict(raw)
