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

from functools import lru_cache
from pathlib import Path

import numpy as np

from synth.resources import data_file
from synth.verify.score import FittedModel, read_fitted

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


@lru_cache(maxsize=4)
def load_stack(path: Path | None = None) -> FittedModel:
    """The fitted stack (packaged file unless a path is given), read once.

    Its JSON has the feature model's form (scaler, softmax, Platt, thresholds), so it loads into
    the same :class:`FittedModel`.
    """
    target = path or data_file(*STACK_FILE)
    return read_fitted(target, "the pair stack", "benchmarks/fit_pair_stack.py")
