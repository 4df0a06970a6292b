"""Train the verifier's pair model (LoRA + head over the packaged MiniLM) on SciFact train.

    python benchmarks/train_verifier.py --scifact ../shared/realdata/scifact \\
        --out data/verifier/pair

Builds the training pairs (``synth.verify.training.pairs``: SciFact train claims with their
rationales and hard negatives, plus synthetic perturbations of SciFact corpus sentences from
abstracts no dev/test claim cites), holds out one claim/abstract group in five, fine-tunes with
fixed seeds and early stopping on held-out macro-F1, and writes the adapter, its sha256, its
config and ``training.json`` (data counts, hyper-parameters, learning curve). About 45 minutes
on two CPU cores with the defaults. The real PDFs are never used.
"""

from __future__ import annotations

import argparse
import collections
import logging
from pathlib import Path

from synth.verify.calibrate import utc_now, write_json_atomic
from synth.verify.scifact import load_corpus
from synth.verify.training.pairs import build_training_pairs
from synth.verify.training.trainer import TrainConfig, train_pair_model

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SCIFACT = ROOT.parent / "shared" / "realdata" / "scifact"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scifact", type=Path, default=DEFAULT_SCIFACT, help="SciFact folder")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "verifier" / "pair")
    for name, field in TrainConfig.model_fields.items():
        parser.add_argument(
            f"--{name.replace('_', '-')}",
            type=type(field.default),
            default=field.default,
            help=field.description,
        )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    config = TrainConfig(**{k: getattr(args, k) for k in TrainConfig.model_fields})
    corpus = load_corpus(args.scifact)
    train, held = build_training_pairs(
        args.scifact,
        corpus,
        config.n_synthetic,
        config.seed,
        config.reword,
        config.n_titles,
        config.n_omissions,
    )
    counts = {
        "train": dict(sorted(collections.Counter(p.origin for p in train).items())),
        "held_out": dict(sorted(collections.Counter(p.origin for p in held).items())),
        "train_pairs": len(train),
        "held_out_pairs": len(held),
    }
    print(f"{len(train)} training pairs, {len(held)} held out")
    record = train_pair_model(config, train, held, args.out)
    record["data"] = counts
    record["trained_at"] = utc_now()
    write_json_atomic(args.out / "training.json", record)
    print(
        f"wrote {args.out}: best held-out macro-F1 {record['best_held_out_macro_f1']:.3f} at "
        f"step {record['best_step']} ({record['stopped']}, {record['train_minutes']} min, "
        f"{record['pairs_per_second']} pairs/s)"
    )


if __name__ == "__main__":
    main()
