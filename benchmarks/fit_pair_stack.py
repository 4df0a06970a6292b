"""Fit the pair model's stack (passage readings → calibrated claim verdict) and measure it.

    python benchmarks/fit_pair_stack.py --scifact ../shared/realdata/scifact

The stack is fitted on the held-out SciFact *train* claims (one in five, by a hash of the claim
id: claims the pair model never trained on), each against its cited abstract, through the same
``verify_claims`` the pipeline runs. L2 strength by 5-fold out-of-fold log loss, Platt scaling
and the contradiction threshold on out-of-fold predictions. Writes ``data/verifier/stack.json``
with SciFact dev metrics (dev is never used for fitting).
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
from synth.verify.scifact import LABEL_INDEX, load_claim_pairs, load_corpus, verify_pairs
from synth.verify.stack import STACK_FEATURES, STACK_FILE, load_stack
from synth.verify.training.pairs import is_held_out
from synth.verify.verifier import NO_STACK

DEFAULT_SCIFACT = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "scifact"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scifact", type=Path, default=DEFAULT_SCIFACT, help="SciFact folder")
    parser.add_argument(
        "--pair-candidates", type=int, default=None, help="passages the model reads per claim"
    )
    parser.add_argument(
        "--evidence-window",
        choices=("off", "next", "previous", "both"),
        default=None,
        help="verify.evidence_window to fit under (default: the setting's value)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="where to write the stack (default: the shipped one)"
    )
    parser.add_argument(
        "--no-dev",
        action="store_true",
        help="fit and report the held-out train figures only, without reading SciFact dev",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    settings = load_settings()
    vs = settings.verify
    if args.pair_candidates is not None:
        vs = vs.model_copy(update={"pair_candidates": args.pair_candidates})
    if args.evidence_window is not None:
        vs = vs.model_copy(update={"evidence_window": args.evidence_window})
    embedder = build_embedder(settings)
    corpus = load_corpus(args.scifact)
    held = [p for p in load_claim_pairs(args.scifact, "train") if is_held_out(p.claim_id)]
    with tempfile.TemporaryDirectory() as tmp:
        verdicts = verify_pairs(held, corpus, embedder, vs, Path(tmp), NO_STACK)
    x = np.array([[v.features[n] for n in STACK_FEATURES] for v in verdicts])
    y = np.array([LABEL_INDEX[p.label] for p in held])
    # The held-out claims all share one fold of the training split, so re-fold them by a salted
    # hash for the out-of-fold fit.
    groups = [f"stack:{p.claim_id}" for p in held]
    params = fit_verifier(x, y, groups, STACK_FEATURES, vs.support_threshold)
    params["calibration"]["method"] = "Platt scaling on 5-fold out-of-fold predictions"
    params["fitted_at"] = utc_now()
    params["data"] = {
        "source": "SciFact claims_train.jsonl, the held-out fifth of claims (pair model never "
        "trained on them), each against its cited abstract",
        "pairs": len(held),
        "claims": len({p.claim_id for p in held}),
        "labels": {k: int((y == v).sum()) for k, v in LABEL_INDEX.items()},
    }
    params["pair_candidates"] = vs.pair_candidates
    params["evidence_window"] = vs.evidence_window
    out = args.out or data_file(*STACK_FILE)
    write_json_atomic(out, params)
    load_stack.cache_clear()
    if args.no_dev:
        print(f"wrote {out} (no dev metrics)")
        print(f"held-out train OOF: {params['train_oof']}")
        return
    dev = load_claim_pairs(args.scifact, "dev")
    with tempfile.TemporaryDirectory() as tmp:
        dv = verify_pairs(dev, corpus, embedder, vs, Path(tmp), load_stack(out))
    yd = np.array([LABEL_INDEX[p.label] for p in dev])
    conf = np.array([v.confidence for v in dv])
    p_ev = np.array([1.0 - v.features["pair_n_min"] for v in dv])
    metrics = label_metrics(conf, p_ev, [v.label for v in dv], yd)
    metrics["source"] = "SciFact claims_dev.jsonl, each claim vs its cited abstract"
    params["metrics"] = {"dev": metrics}
    write_json_atomic(out, params)
    load_stack.cache_clear()
    print(f"wrote {out}")
    print(f"held-out train OOF: {params['train_oof']}")
    print(
        f"dev: AUROC(supported) {metrics['auroc_supported']:.3f}  macro-F1 "
        f"{metrics['macro_f1']:.3f}  accuracy {metrics['accuracy']:.3f}  ECE {metrics['ece']:.3f}"
    )


if __name__ == "__main__":
    main()
