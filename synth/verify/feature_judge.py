"""The feature verifier: similarity, word, number and negation features into a fitted
logistic model (the method before the pair model; kept for comparison, ``verify.method =
"features"``, and as one input of the pair model's stack)."""

from __future__ import annotations

import numpy as np

from synth.records import Claim, Evidence, Stance, Verdict, VerdictLabel
from synth.settings import VerifySettings
from synth.verify.evidence import Candidate, EvidencePool
from synth.verify.features import pair_features
from synth.verify.score import (
    CONTRADICT_MIN_COS,
    NUMBER_CONTRADICTS_COS,
    ON_TOPIC_COS,
    FittedModel,
    build_claim_features,
    decide_label,
    has_conflict_cue,
    has_number_conflict,
    has_polarity_conflict,
)

STANCE: dict[str, Stance] = {
    "supported": "supports",
    "contradicted": "contradicts",
    "unverified": "neutral",
}


class FeatureJudge:
    """Scores one claim's candidates with the fitted model and decides its label."""

    def __init__(self, pool: EvidencePool, model: FittedModel, settings: VerifySettings) -> None:
        self.pool, self.model, self.settings = pool, model, settings
        threshold = settings.contradiction_threshold
        self.c_threshold = model.contradiction_threshold if threshold is None else threshold

    def feature_support(
        self, claim: str, cands: list[Candidate]
    ) -> tuple[float, list[dict[str, float]]]:
        """Calibrated P(supported) of the feature model and the per-passage features."""
        pairs = [pair_features(claim, self.pool.texts[c.row]) for c in cands]
        return self._probs(claim, cands, pairs)[0], pairs

    def _probs(
        self, claim: str, cands: list[Candidate], pairs: list[dict[str, float]]
    ) -> tuple[float, float, dict[str, float]]:
        texts = [self.pool.texts[c.row] for c in cands]
        cos = np.array([c.cosine for c in cands], dtype=np.float64)
        feats = build_claim_features(claim, cos, texts, pairs)
        probs = self.model.probabilities(self.model.rows([feats]))
        feats["p_unverified"] = float(probs[0, 2])
        return float(self.model.calibrated_support(probs)[0]), float(probs[0, 1]), feats

    def verdict(self, claim: Claim, vec: np.ndarray) -> Verdict:
        """Judge one claim."""
        cands = self.pool.candidates(claim, vec)
        pairs = [pair_features(claim.text, self.pool.texts[c.row]) for c in cands]
        p_s, p_c, feats = self._probs(claim.text, cands, pairs)
        cos = np.array([c.cosine for c in cands], dtype=np.float64)
        foreign = [not c.same_document for c in cands]
        label, blocked, numbers, polarity = self._label(p_s, p_c, cos, pairs, foreign)
        if blocked:
            # A rule overrides the model: keep the confidence below the support threshold.
            p_s = min(p_s, max(0.0, self.settings.support_threshold - 0.01))
        independent = [(c, p) for c, p in zip(cands, pairs, strict=True) if not c.near_duplicate]
        p_ind, _, _ = self._probs(
            claim.text, [c for c, _ in independent], [p for _, p in independent]
        )
        dups = [c.cosine for c in cands if c.same_document and c.near_duplicate]
        feats.update(
            p_contradicted=p_c,
            p_supported_independent=p_ind if independent else 0.0,
            # Supported on evidence that is not a near-copy of the claim: what the report may
            # call "independently verified".
            independent_supported=float(
                label == "supported" and p_ind >= self.settings.support_threshold
            ),
            max_same_doc_dup=max(dups, default=0.0),
            number_conflict=float(numbers),
            polarity_conflict_rule=float(polarity),
            n_candidates=float(len(cands)),
        )
        evidence = self._evidence(claim.text, cands, pairs, label)
        return Verdict(
            claim_id=claim.claim_id,
            label=label,
            confidence=float(np.clip(p_s, 0.0, 1.0)),
            evidence=evidence,
            features={k: round(float(v), 6) for k, v in feats.items()},
        )

    def _label(
        self,
        p_s: float,
        p_c: float,
        cos: np.ndarray,
        pairs: list[dict[str, float]],
        foreign: list[bool],
    ) -> tuple[VerdictLabel, bool, bool, bool]:
        """(label, support blocked by a rule, number conflict, polarity conflict).

        Only passages from other sources can give the model's contradiction a cue: inside one
        paper, different numbers and hedges usually describe different conditions, so a paper
        "contradicts" its own claim only through the hard rules (a near-restatement with another
        number or the opposite sense).
        """
        # The cue must be in a passage the report will show (the top_k by cosine), so that a
        # reader can see what contradicts the claim.
        shown = sorted(range(len(cos)), key=lambda i: -cos[i])[: self.settings.top_k]
        picked = [i for i in shown if foreign[i] and cos[i] >= ON_TOPIC_COS]
        cue = has_conflict_cue(cos[picked], [pairs[i] for i in picked])
        numbers = has_number_conflict(cos, pairs)
        polarity = has_polarity_conflict(cos, pairs)
        hard = polarity or has_number_conflict(cos, pairs, NUMBER_CONTRADICTS_COS)
        on_topic = bool(len(cos)) and float(cos.max()) >= CONTRADICT_MIN_COS
        label = decide_label(
            p_s,
            p_c,
            hard,
            self.settings.support_threshold,
            self.c_threshold,
            on_topic,
            numbers,
            cue,
        )
        return label, numbers or polarity, numbers, polarity

    def _evidence(
        self,
        claim: str,
        cands: list[Candidate],
        pairs: list[dict[str, float]],
        label: VerdictLabel,
    ) -> list[Evidence]:
        order = sorted(range(len(cands)), key=lambda i: -cands[i].cosine)[: self.settings.top_k]
        out = []
        for i in order:
            cand = cands[i]
            p_s, p_c, _ = self._probs(claim, [cand], [pairs[i]])
            passage_label, blocked, _, _ = self._label(
                p_s, p_c, np.array([cand.cosine]), [pairs[i]], [not cand.same_document]
            )
            if blocked:
                p_s = min(p_s, max(0.0, self.settings.support_threshold - 0.01))
            out.append(self.pool.evidence(cand, p_s, STANCE[passage_label]))
        # Passages whose stance matches the verdict lead (what supports a supported claim, what
        # contradicts a contradicted one); otherwise the closest passages come first.
        if label != "unverified":
            out.sort(key=lambda e: e.stance != STANCE[label])
        return out
