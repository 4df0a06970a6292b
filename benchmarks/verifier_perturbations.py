"""The perturbation suite on SciFact dev: edited claims must stop being supported.

    python benchmarks/verifier_perturbations.py --scifact ../shared/realdata/scifact

Built by ``synth.verify.training.suite`` from the dev claims that their gold rationale
supports (decimal and integer rounding paraphrases are also reported together as "roundings"). Each item is verified against its cited abstract through ``verify_claims``, for the
feature model and the pair model side by side. Prints, per kind, how many items are supported;
the goal is >= 95 % of perturbed claims not supported and >= 85 % of originals and rounding
paraphrases supported.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from pathlib import Path

from synth.embed import build_embedder
from synth.records import Verdict
from synth.settings import VerifySettings, load_settings
from synth.verify.scifact import ClaimPair, load_claim_pairs, load_corpus, verify_pairs
from synth.verify.stack import load_stack
from synth.verify.training.suite import BREAKING, KEEPING, ROUNDINGS, SuiteItem, build_suite

DEFAULT_SCIFACT = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "scifact"


def run(items: list[SuiteItem], corpus, embedder, vs: VerifySettings, stack=None) -> list[Verdict]:  # type: ignore[no-untyped-def]
    """Verdicts for suite items, each against its cited abstract."""
    pairs = [ClaimPair(f"{i.claim_id}-{i.kind}", i.claim, i.doc_id, "SUPPORT", ()) for i in items]
    with tempfile.TemporaryDirectory() as tmp:
        return verify_pairs(pairs, corpus, embedder, vs, Path(tmp), stack)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scifact", type=Path, default=DEFAULT_SCIFACT, help="SciFact folder")
    parser.add_argument("--verbose", action="store_true", help="list perturbed claims supported")
    parser.add_argument(
        "--split",
        choices=("dev", "train"),
        default="dev",
        help="claims to build the suite from: dev (the acceptance figure) or train (to study "
        "failures without reading dev)",
    )
    parser.add_argument(
        "--only", choices=("features", "pair"), help="run one model instead of both side by side"
    )
    parser.add_argument(
        "--rules",
        action="store_true",
        help="also run the pair model with its name rule and sense contrast switched off one at "
        "a time and together, to show what each adds",
    )
    parser.add_argument(
        "--names",
        nargs="+",
        choices=("off", "substituted", "abstracts", "elsewhere", "strict"),
        default=(),
        help="also run the pair model with verify.name_rule set to each of these modes",
    )
    parser.add_argument(
        "--windows",
        nargs="+",
        choices=("next", "previous", "both"),
        default=(),
        help="also run the pair model with these verify.evidence_window settings, side by side",
    )
    parser.add_argument(
        "--stack",
        type=Path,
        action="append",
        default=[],
        metavar="[WINDOW=]PATH",
        help="a stack.json to use instead of the shipped one (for the pair variants whose "
        "evidence window is WINDOW, or for all of them); repeatable",
    )
    parser.add_argument(
        "--thresholds",
        nargs="+",
        type=float,
        default=(),
        help="also run the pair model at these verify.support_threshold values (the control for "
        "a variant that only moves the operating point)",
    )
    parser.add_argument(
        "--no-plain",
        action="store_true",
        help="with --windows or --thresholds, skip the plain pair run (when its figures are known)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    settings = load_settings()
    embedder = build_embedder(settings)
    corpus = load_corpus(args.scifact)
    items = build_suite(load_claim_pairs(args.scifact, args.split), corpus)
    variants: dict[str, dict[str, object]] = {
        "features": {"method": "features"},
        "pair": {"method": "pair"},
    }
    if args.rules:
        off = {"method": "pair", "name_rule": "off", "sense_contrast": False}
        variants |= {
            "pair, no rules": off,
            "pair + names": {**off, "name_rule": "strict"},
            "pair + contrast": {**off, "sense_contrast": True},
        }
    if args.only:
        variants = {args.only: variants[args.only]}
    for mode in args.names:
        variants[f"pair, names {mode}"] = {"method": "pair", "name_rule": mode}
    if args.no_plain and (args.windows or args.thresholds):
        variants.pop("pair", None)
    for t in args.thresholds:
        variants[f"pair, threshold {t:g}"] = {"method": "pair", "support_threshold": t}
    for window in args.windows:
        variants[f"pair, window {window}"] = {"method": "pair", "evidence_window": window}
    stacks = {}
    for spec in args.stack:
        window, _, path = str(spec).rpartition("=")
        stacks[window or "*"] = load_stack(Path(path))
    results = {}
    for name, update in variants.items():
        window = str(update.get("evidence_window", "off"))
        stack = stacks.get(window, stacks.get("*")) if update["method"] == "pair" else None
        results[name] = run(
            items, corpus, embedder, settings.verify.model_copy(update=update), stack
        )
    names = list(variants)
    print(f"\nPerturbation suite: {len(items)} items from SciFact {args.split} supported claims")
    print("| kind | n | " + " | ".join(f"supported ({m})" for m in names) + " |")
    print("|---|---|" + "---|" * len(names))
    for kind in (*KEEPING, *BREAKING):
        idx = [i for i, it in enumerate(items) if it.kind == kind]
        cells = [
            f"{sum(results[m][i].label == 'supported' for i in idx) / max(len(idx), 1):.1%}"
            for m in names
        ]
        print(f"| {kind} | {len(idx)} | " + " | ".join(cells) + " |")
    for label, kinds in (
        ("roundings (should be supported)", ROUNDINGS),
        ("kept (should be supported)", KEEPING),
        ("perturbed (should not)", BREAKING),
    ):
        idx = [i for i, it in enumerate(items) if it.kind in kinds]
        cells = [
            f"{sum(results[m][i].label == 'supported' for i in idx) / max(len(idx), 1):.1%}"
            for m in names
        ]
        print(f"| all {label} | {len(idx)} | " + " | ".join(cells) + " |")
    if args.verbose:
        shown = "pair" if "pair" in results else names[0]
        for it, v in zip(items, results[shown], strict=True):
            if it.kind in BREAKING and v.label == "supported":
                print(f"- {it.kind} [{it.claim_id}]: {it.claim} ({v.confidence:.2f})")


if __name__ == "__main__":
    main()
