"""The sense contrast: a passage supports a claim only if it supports the reversed claim less.

A small pair model often reads a passage as support for a statement and for its opposite
alike (it weighs "increases" against "decreases", or an inserted "not", as one token among
many). Reading the claim's reversals against the passage that supports it tells the two apart:
when a reversal reads as support at least as strongly as the claim, the passage does not
support the claim's sense, and support is withheld (never turned into a contradiction: the
model's relative reading is not evidence a reader can point at).

Reversals are the claim with a negation added or removed and with each direction or comparison
word swapped for its opposite (:mod:`synth.verify.training.perturb`, the same edits the model
was trained to tell apart).
"""

from __future__ import annotations

import random

from synth.verify.training.perturb import negate, swap_antonym

# One reversal per claim: the second doubled the contrast's cost (synth verify 9.9 claims/s
# against 12.0 without the contrast) for no change on the perturbation suite.
MAX_REVERSALS = 1


def reversals(claim: str, limit: int = MAX_REVERSALS) -> list[str]:
    """Up to ``limit`` statements of the claim's opposite sense: direction words swapped first
    (the model already tells an added "not" apart; it confuses "increases" with "decreases"),
    then the negation."""
    out: list[str] = []
    # Each seed picks one direction word; a few seeds cover claims with several.
    for seed in range(4):
        swapped = swap_antonym(claim, random.Random(seed))
        if swapped and swapped != claim and swapped not in out:
            out.append(swapped)
    negated = negate(claim)
    if negated and negated != claim and negated not in out:
        out.append(negated)
    return out[:limit]
