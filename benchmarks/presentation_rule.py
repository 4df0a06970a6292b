"""How often the presentation rule (synth/verify/presentation.py) fires on SciFact.

Counts, on SciFact train, the gold rationale sentences the rule would keep from being shown as
support, and the corpus sentences it matches, and prints a few of each.

    python benchmarks/presentation_rule.py [--split train] [--show 8]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from synth.verify.presentation import presents_only

SCIFACT = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "scifact"


def load_corpus(folder: Path) -> dict[int, list[str]]:
    """doc_id -> abstract sentences, from every corpus part."""
    corpus: dict[int, list[str]] = {}
    for part in sorted(folder.glob("corpus*.jsonl")):
        for line in part.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                corpus[int(row["doc_id"])] = list(row["abstract"])
    return corpus


def rationale_sentences(folder: Path, split: str, corpus: dict[int, list[str]]) -> list[str]:
    """Every gold rationale sentence of a split's claims (with repeats across claims)."""
    out = []
    for line in (folder / f"claims_{split}.jsonl").read_text(encoding="utf-8").splitlines():
        claim = json.loads(line) if line.strip() else {}
        for doc_id, sets in claim.get("evidence", {}).items():
            out += [corpus[int(doc_id)][i] for s in sets for i in s["sentences"]]
    return out


def main() -> None:
    """Print the counts table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="train", help="SciFact claims split (train, dev).")
    parser.add_argument("--show", type=int, default=8, help="Matching sentences to print.")
    args = parser.parse_args()
    if not SCIFACT.is_dir():
        raise SystemExit(f"{SCIFACT}: SciFact not found (see ../shared/realdata/PROVENANCE.md)")
    corpus = load_corpus(SCIFACT)
    rationales = rationale_sentences(SCIFACT, args.split, corpus)
    every = [s for sents in corpus.values() for s in sents]
    hit_r = [s for s in rationales if presents_only(s)]
    hit_c = [s for s in every if presents_only(s)]
    print("| sentences | n | presentation | share |\n|---|---:|---:|---:|")
    for name, pool, hits in (
        (f"gold rationales ({args.split})", rationales, hit_r),
        ("corpus", every, hit_c),
    ):
        print(f"| {name} | {len(pool)} | {len(hits)} | {len(hits) / max(1, len(pool)):.2%} |")
    for s in (hit_r + hit_c)[: args.show]:
        print("  -", s[:160])


if __name__ == "__main__":
    main()
