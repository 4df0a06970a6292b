"""Claim-worthiness: P(finding) for a sentence, the last gate a claim candidate passes.

A candidate (:mod:`synth.extract.cues`) is **claim-worthy** when P(finding) ≥
``min_claim_worthiness`` (default 0.5) under a logistic regression over the sentence embedding
and ``worthiness_features`` (the cue counts, discourse cues such as the present perfect, "we",
the past passive or a purpose clause, and the background / definition / set-up flags of the
cue rules), shipped in
``data/extract/claim_worthiness.json``. It was fitted by ``benchmarks/train_claim_worthiness.py``
on SciFact's structured abstracts (RESULTS / CONCLUSIONS sentences are findings; BACKGROUND,
OBJECTIVE, METHODS ... sentences are not; label words stripped) and claims_train rationale
sentences: held-out AUROC 0.86. The authors' own conclusion in their own voice ("We have
shown that distilling works very well for ...", ``states_own_conclusion``) counts as
P(finding) ≥ 0.7 whatever the weights say: they read the present perfect as background
("Studies have shown that ..."), so such sentences scored 0.04–0.11; on 200 SciFact train
claims asked over the library this lifts the gold abstract used from 141 to 147. The gate
catches method descriptions, benchmark definitions and cited background that no cue list
names; the background rules of the cues stay because the model, fitted
on biomedical abstracts, still rates some machine-learning truisms ("... achieved remarkable
success") as findings, and removing them lets BACKGROUND sentences through on SciFact. The
gate applies only under the embedding model the weights were fitted on.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from synth.embed import Embedder
from synth.extract.cues import WORTHINESS_FEATURES, worthiness_features
from synth.resources import data_file
from synth.settings import ExtractSettings

logger = logging.getLogger(__name__)

# The floor of P(finding) for the authors' own conclusion (``cues.states_own_conclusion``).
OWN_CONCLUSION_WORTHINESS = 0.7
# The lead source's abstract sentence without a finding cue may be its claim when P(finding)
# reaches this (above 1: never; see "Lead source" in synth/extract/claims.py). The cue lists
# miss how abstracts state findings ("Pol V transcription requires the chromatin-remodeling
# protein DRD1", "Soluble CCL21 functionally resembles the second CCR7 ligand, CCL19"), which
# the weights, fitted on abstracts, rate as findings. 0.6, chosen on 200 SciFact train claims
# asked of the library: gold abstract used 147 -> 153 at 0.5 and 0.6, 151 at 0.7.
UNCUED_WORTHINESS = 0.6


class WorthinessModel(NamedTuple):
    """The fitted claim-worthiness logistic regression (data/extract/claim_worthiness.json)."""

    model: str
    weights: np.ndarray
    intercept: float


@functools.lru_cache(maxsize=1)
def load_worthiness_model() -> WorthinessModel:
    """The shipped claim-worthiness weights, read once."""
    raw = json.loads(data_file("extract", "claim_worthiness.json").read_text())
    weights = np.asarray(raw["weights"], dtype=np.float64)
    return WorthinessModel(str(raw["model"]), weights, float(raw["intercept"]))


def score_worthiness(vecs: np.ndarray, texts: Sequence[str], model: WorthinessModel) -> np.ndarray:
    """P(finding) per sentence from its embedding and capped cue counts."""
    if not len(texts):
        return np.zeros(0)
    cues = np.array([worthiness_features(t) for t in texts], dtype=np.float64)
    x = np.hstack([np.asarray(vecs, dtype=np.float64), cues])
    prob: np.ndarray = 1.0 / (1.0 + np.exp(-(x @ model.weights + model.intercept)))
    return prob


def gate_on(embedder: Embedder, settings: ExtractSettings) -> bool:
    """Whether the claim-worthiness gate applies: it is on and the embedder is its model's."""
    return settings.min_claim_worthiness > 0 and embedder.name == load_worthiness_model().model


def worthiness_scores(vecs: np.ndarray, texts: list[str], embedder: Embedder) -> np.ndarray:
    """P(finding) per sentence, or 1 for every sentence when the embedder is not the model's."""
    model = load_worthiness_model()
    if (
        embedder.name != model.model
        or vecs.shape[1] + len(WORTHINESS_FEATURES) != model.weights.size
    ):
        # The weights read one embedding space; under another model the gate is off.
        logger.info(
            "claim-worthiness gate off: fitted on %s, embedder is %s", model.model, embedder.name
        )
        return np.ones(len(texts))
    return score_worthiness(vecs, texts, model)
