"""How often the lexical reversal rule fires on SciFact: claim against every sentence of its
cited abstract, by the pair's gold label.

    python benchmarks/reversal_rule.py [--split train|dev] [--examples N] [--rule NAME]

The rules (`synth.verify.reversal.reversed_restatement`, and `--rule exclusivity` for
`synth.verify.exclusivity.exclusivity_reversal`; `--rule both` for either, as the verifier runs
them) should fire on contradicted claims and never on supported ones; their thresholds were
chosen on train with this script. Prints, per label, the pairs, how many fire on a rationale
sentence and how many on any sentence.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from synth.verify.exclusivity import exclusivity_reversal
from synth.verify.reversal import reversed_restatement
from synth.verify.scifact import CONTRADICT, NEI, SUPPORT, load_claim_pairs, load_corpus

DEFAULT_SCIFACT = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "scifact"


def _both(claim: str, sentence: str) -> str | None:
    return reversed_restatement(claim, sentence) or exclusivity_reversal(claim, sentence)


RULES: dict[str, Callable[[str, str], str | None]] = {
    "restatement": reversed_restatement,
    "exclusivity": exclusivity_reversal,
    "both": _both,
}


def main() -> None:
    """Print the fire counts table (and a few examples with --examples)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scifact", type=Path, default=DEFAULT_SCIFACT, help="SciFact folder")
    parser.add_argument("--split", default="train", choices=("train", "dev"), help="claims split")
    parser.add_argument("--examples", type=int, default=0, help="print this many firings")
    parser.add_argument(
        "--rule", default="restatement", choices=tuple(RULES), help="which lexical rule to count"
    )
    args = parser.parse_args()
    rule = RULES[args.rule]
    corpus = load_corpus(args.scifact)
    counts: Counter[tuple[str, str]] = Counter()
    shown: list[str] = []
    calls, spent = 0, 0.0
    for pair in load_claim_pairs(args.scifact, args.split):
        abstract = corpus.get(pair.doc_id)
        if abstract is None:
            continue
        on_rationale = on_any = False
        for i, sentence in enumerate(abstract.sentences):
            start = time.perf_counter()
            note = rule(pair.claim, sentence)
            spent += time.perf_counter() - start
            calls += 1
            if note:
                on_any = True
                on_rationale |= i in pair.rationale
                if len(shown) < args.examples:
                    shown.append(f"- [{pair.label}] {pair.claim}\n    {sentence}\n    -> {note}")
        counts[(pair.label, "n")] += 1
        counts[(pair.label, "rationale")] += on_rationale
        counts[(pair.label, "any")] += on_any
    print(
        f"Reversal rule {args.rule!r} on SciFact {args.split} "
        "(claim x each sentence of its cited abstract)"
    )
    print("| gold label | pairs | fires on a rationale sentence | fires on any sentence |")
    print("|---|---:|---:|---:|")
    for label in (SUPPORT, CONTRADICT, NEI):
        n = counts[(label, "n")]
        print(f"| {label} | {n} | {counts[(label, 'rationale')]} | {counts[(label, 'any')]} |")
    print(
        f"\nrule time: {calls} claim-sentence checks in {spent:.2f} s, "
        f"{1000 * spent / max(calls, 1):.2f} ms each (tokenizing cached per text)"
    )
    print("\n".join(shown))


if __name__ == "__main__":
    main()
