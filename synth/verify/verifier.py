"""The verifier's public API: claims and documents in, one calibrated Verdict per claim out.

``verify.method = "pair"`` (the default) decides with the trained pair model and the number and
negation rules (``pair_judge.py``); ``"features"`` with the older similarity-feature model
(``feature_judge.py``), kept so both can be measured side by side.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from synth.embed import Embedder
from synth.quantities import drop_numbering_label
from synth.records import Claim, Document, Verdict
from synth.settings import VerifySettings
from synth.verify.evidence import EvidencePool
from synth.verify.feature_judge import FeatureJudge
from synth.verify.pair_judge import PairJudge
from synth.verify.pair_model import load_pair_model
from synth.verify.score import FittedModel, load_model
from synth.verify.stack import load_stack

log = logging.getLogger(__name__)

__all__ = ["describe_confidence", "verify_claims"]

# Passed as ``stack`` to skip the stack: what the stack's own fit needs.
NO_STACK = "none"


def verify_claims(
    claims: list[Claim],
    documents: list[Document],
    embedder: Embedder,
    settings: VerifySettings,
    cache_dir: Path,
    stack: FittedModel | str | None = None,
) -> list[Verdict]:
    """One Verdict per claim, in order, judged on evidence from all documents but its own text."""
    if not claims:
        return []
    pool = EvidencePool(documents, embedder, settings, cache_dir)
    log.info("verifying %d claims against %d passages", len(claims), len(pool))
    # "Finding 7: X" is checked as X: the label is a place in the paper, and read as content it
    # matched "Finding 5: ..." passages (verdicts carry the claim id, not its text).
    claims = [
        c
        if (text := drop_numbering_label(c.text)) == c.text
        else c.model_copy(update={"text": text})
        for c in claims
    ]
    vectors = embedder.encode([c.text for c in claims])
    features = FeatureJudge(pool, load_model(), settings)
    if settings.method == "features":
        return [features.verdict(c, v) for c, v in zip(claims, vectors, strict=True)]
    model = load_pair_model(settings.pair_model)
    fitted = (
        None if stack == NO_STACK else stack if isinstance(stack, FittedModel) else load_stack()
    )
    return PairJudge(pool, features, model, fitted, settings).verdicts(claims, vectors)


def describe_confidence(settings: VerifySettings | None = None) -> str:
    """What a verdict's confidence means and how it was calibrated, for the report (plain words)."""
    if settings is not None and settings.method == "features":
        return _describe_features()
    raw: dict[str, Any] = load_stack().raw
    dev = raw.get("metrics", {}).get("dev", {})
    held = raw.get("data", {})
    return (
        "Confidence is the estimated probability that a claim is supported by evidence other "
        "than its own sentence (0.7 means about 7 in 10 claims scored so held up). A pair "
        "model (MiniLM fine-tuned here to read a claim and a passage together: supports, "
        "contradicts or neither) reads the claim against its top retrieved passages; a "
        "logistic model combines those readings, and "
        f"{raw.get('calibration', {}).get('method', 'Platt scaling')} on "
        f"{held.get('claims', '?')} held-out SciFact training claims calibrates it"
        f"{_final_step(raw)}. On "
        f"{dev.get('pairs', '?')} SciFact dev pairs never used in training its expected "
        f"calibration error is {dev.get('ece', float('nan')):.3f} (AUROC "
        f"{dev.get('auroc_supported', float('nan')):.2f}). Rules sit on top: a claim with a "
        "number is supported only by a passage that states that number (rounding within the "
        "claim's precision agrees), and a restatement with another value, or with the sense "
        f"reversed, contradicts it{_names_rule(settings)}. Each passage's label (supports, "
        "contradicts, neutral) is the pair model's reading of that passage; its score is the "
        "model's P(supports)."
    )


def _names_rule(settings: VerifySettings | None) -> str:
    mode = (settings or VerifySettings()).name_rule
    if mode == "substituted":
        return (
            "; a passage that names another gene, drug or model in the place of one the claim "
            "names does not support it"
        )
    if mode == "abstracts":
        return (
            "; a passage that names another gene, drug or model in the place of one the claim "
            "names does not support it, nor does a passage of an abstract that lacks a name the "
            "claim gives and the abstract gives elsewhere"
        )
    if mode in ("elsewhere", "strict"):
        return "; a passage that does not name what the claim names does not support it"
    return ""


def _final_step(raw: dict[str, Any]) -> str:
    final = raw.get("final_calibration")
    if not final:
        return ""
    return (
        ", and a second Platt scaling, fitted on the same claims, recalibrates the confidence "
        "after the rules below have withheld or reversed support"
    )


def _describe_features() -> str:
    raw = load_model().raw
    train, dev = raw.get("data", {}), raw.get("metrics", {}).get("dev", {})
    method = raw.get("calibration", {}).get("method", "Platt scaling")
    return (
        "Confidence is the estimated probability that a claim is supported by evidence other "
        "than its own sentence, from a logistic model over similarity, word-overlap, number, "
        "negation and entity features. "
        f"It was fitted on {train.get('train_pairs', '?')} SciFact training claim-abstract pairs "
        f"and calibrated by {method}; on {dev.get('pairs', '?')} held-out SciFact dev pairs its "
        f"expected calibration error is {dev.get('ece', float('nan')):.3f} "
        f"(AUROC {dev.get('auroc_supported', float('nan')):.2f})."
    )
