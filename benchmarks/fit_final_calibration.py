"""Refit the verdict confidence's last calibration step: Platt scaling after the rules.

    python benchmarks/fit_final_calibration.py [--scifact DIR] [--dry-run]

The stack's own Platt scaling (benchmarks/fit_pair_stack.py) calibrates the model readings;
the rules on top (numbers, sense contrast, reversal) then withhold support or contradict, which
that calibration never saw. This step runs the shipped verifier (rules on, the final step off)
on the held-out SciFact *train* claims the stack was fitted on, fits Platt scaling of the
resulting confidences against "the gold label is SUPPORT", and writes it into stack.json as
``final_calibration``. SciFact dev is never read. Prints the held-out ECE before and after.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import tempfile
from pathlib import Path

import numpy as np

from synth.embed import build_embedder
from synth.resources import data_file
from synth.settings import load_settings
from synth.verify.calibrate import (
    apply_platt,
    expected_calibration_error,
    fit_platt,
    utc_now,
    write_json_atomic,
)
from synth.verify.scifact import SUPPORT, load_claim_pairs, load_corpus, verify_pairs
from synth.verify.stack import STACK_FILE, load_stack
from synth.verify.training.pairs import is_held_out

DEFAULT_SCIFACT = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "scifact"


def main() -> None:
    """Fit, print and (unless --dry-run) write the final calibration."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scifact", type=Path, default=DEFAULT_SCIFACT, help="SciFact folder")
    parser.add_argument("--dry-run", action="store_true", help="print, do not write stack.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    settings = load_settings()
    shipped = load_stack()
    raw = {k: v for k, v in shipped.raw.items() if k != "final_calibration"}
    stack = dataclasses.replace(shipped, final_platt=None, raw=raw)
    corpus = load_corpus(args.scifact)
    held = [p for p in load_claim_pairs(args.scifact, "train") if is_held_out(p.claim_id)]
    with tempfile.TemporaryDirectory() as tmp:
        verdicts = verify_pairs(
            held, corpus, build_embedder(settings), settings.verify, Path(tmp), stack
        )
    p = np.array([v.confidence for v in verdicts])
    y = np.array([pair.label == SUPPORT for pair in held], dtype=np.float64)
    a, b = fit_platt(p, y)
    before = expected_calibration_error(p, y)
    after = expected_calibration_error(apply_platt(p, a, b), y)
    print(f"held-out SciFact train pairs: {len(held)} ({int(y.sum())} SUPPORT)")
    print(f"| step | ECE (held-out train) |\n|---|---:|\n| rules, no final step | {before:.4f} |")
    print(f"| + Platt a={a:.4f} b={b:.4f} | {after:.4f} |")
    if args.dry_run:
        return
    raw["final_calibration"] = {
        "method": "Platt scaling of the confidence after the rules",
        "a": a,
        "b": b,
        "pairs": len(held),
        "ece_before": before,
        "ece_after": after,
        "fitted_at": utc_now(),
        "source": "SciFact claims_train.jsonl, the held-out fifth the stack was fitted on",
    }
    write_json_atomic(data_file(*STACK_FILE), raw)
    print(f"wrote final_calibration into {data_file(*STACK_FILE)}")


if __name__ == "__main__":
    main()
