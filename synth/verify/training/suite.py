"""The perturbation suite: SciFact dev claims that their gold rationale supports, edited.

Each supported dev claim yields its original (should stay supported), a rounding paraphrase
where it has a decimal number (should stay supported), and perturbations that its source no
longer supports: a number changed, the sense negated, a direction or comparison word swapped,
an entity swapped for one from another sentence of the same abstract. The suite is for
evaluation only; training data never comes from dev claims or the abstracts they cite.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from synth.verify.scifact import SUPPORT, Abstract, ClaimPair
from synth.verify.training import perturb

KEEPING = ("original", "rounded")
BREAKING = ("number", "negation", "antonym", "entity")


@dataclass(frozen=True)
class SuiteItem:
    """One (possibly edited) dev claim, the abstract it is checked against, and its kind."""

    claim_id: str
    kind: str  # one of KEEPING or BREAKING
    claim: str
    doc_id: str

    @property
    def should_support(self) -> bool:
        """True for originals and rounding paraphrases."""
        return self.kind in KEEPING


def build_suite(
    pairs: list[ClaimPair], corpus: dict[str, Abstract], seed: int = 7
) -> list[SuiteItem]:
    """Suite items for every dev claim its cited abstract's gold rationale supports."""
    rng = random.Random(seed)
    out: list[SuiteItem] = []
    for p in pairs:
        if p.label != SUPPORT:
            continue
        others = " ".join(
            s for i, s in enumerate(corpus[p.doc_id].sentences) if i not in p.rationale
        )
        edits = {
            "original": p.claim,
            "rounded": perturb.round_number(p.claim, rng),
            "number": perturb.change_number(p.claim, rng),
            "negation": perturb.negate(p.claim),
            "antonym": perturb.swap_antonym(p.claim, rng),
            "entity": perturb.swap_entity(p.claim, others, rng),
        }
        for kind, text in edits.items():
            if text and (kind == "original" or text != p.claim):
                out.append(SuiteItem(p.claim_id, kind, text, p.doc_id))
    return out
