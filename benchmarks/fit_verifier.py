"""Refit the verifier's parameters on SciFact train and measure them on SciFact dev.

    python benchmarks/fit_verifier.py --scifact ../shared/realdata/scifact

Writes ``data/verifier/params.json`` (coefficients, calibration, thresholds, fit date, data
used, dev metrics). The SciFact data itself is never copied into the repository. Embeddings are
cached under SYNTH_HOME, so a second run takes seconds.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from pathlib import Path

import numpy as np

from synth.embed import build_embedder
from synth.resources import data_file
from synth.settings import load_settings
from synth.verify.calibrate import fit_verifier, label_metrics, utc_now, write_json_atomic
from synth.verify.scifact import (
    LABEL_INDEX,
    load_claim_pairs,
    load_corpus,
    pair_features_rows,
    verify_pairs,
)
from synth.verify.score import FEATURE_NAMES, PARAMS_FILE, load_model

DEFAULT_SCIFACT = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "scifact"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scifact", type=Path, default=DEFAULT_SCIFACT, help="SciFact folder")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    settings = load_settings()
    vs = settings.verify
    embedder = build_embedder(settings)
    corpus = load_corpus(args.scifact)
    train = load_claim_pairs(args.scifact, "train")
    rows = pair_features_rows(train, corpus, embedder)
    x = np.array([[r[n] for n in FEATURE_NAMES] for r in rows])
    y = np.array([LABEL_INDEX[p.label] for p in train])
    params = fit_verifier(x, y, [p.claim_id for p in train], FEATURE_NAMES, vs.support_threshold)
    params["fitted_at"] = utc_now()
    params["embedder"] = vs.model
    params["data"] = {
        "source": "SciFact (Wadden et al. 2020), claims_train.jsonl with cited abstracts",
        "train_pairs": len(train),
        "train_claims": len({p.claim_id for p in train}),
        "labels": {k: int((y == v).sum()) for k, v in LABEL_INDEX.items()},
    }
    out = data_file(*PARAMS_FILE)
    write_json_atomic(out, params)
    load_model.cache_clear()
    dev = load_claim_pairs(args.scifact, "dev")
    params["metrics"] = {"dev": evaluate_dev(dev, corpus, embedder, settings.verify)}
    params["metrics"]["dev"]["source"] = (
        "SciFact claims_dev.jsonl, each claim vs its cited abstract"
    )
    write_json_atomic(out, params)
    load_model.cache_clear()
    dev_m = params["metrics"]["dev"]
    print(f"wrote {out}")
    print(f"train OOF: {params['train_oof']}")
    print(
        f"dev: AUROC(supported) {dev_m['auroc_supported']:.3f}  AUROC(evidence) "
        f"{dev_m['auroc_evidence']:.3f}  macro-F1 {dev_m['macro_f1']:.3f}  ECE {dev_m['ece']:.3f}"
    )


def evaluate_dev(dev, corpus, embedder, settings) -> dict:  # type: ignore[no-untyped-def]
    """Metrics of the real verifier on SciFact dev pairs."""
    with tempfile.TemporaryDirectory() as tmp:
        verdicts = verify_pairs(dev, corpus, embedder, settings, Path(tmp))
    conf = np.array([v.confidence for v in verdicts])
    p_evidence = np.array([1.0 - v.features["p_unverified"] for v in verdicts])
    y = np.array([LABEL_INDEX[p.label] for p in dev])
    return label_metrics(conf, p_evidence, [v.label for v in verdicts], y)


if __name__ == "__main__":
    main()
