"""The perturbation suite: SciFact dev claims that their gold rationale supports, edited.

Each supported dev claim yields its original (should stay supported), rounding paraphrases
where it has a decimal number ("10.4 times" -> "about 10 times") or an integer that rounds to
fewer significant figures within what "about" allows ("7489" -> "about 7,500"; both should
stay supported), and perturbations that its source no
longer supports: a number changed, the sense negated, a direction or comparison word swapped,
an entity swapped for a whole name from another sentence of the same abstract (never a
fragment, a heading word or a variant of the same name). The suite is for
evaluation only; training data never comes from dev claims or the abstracts they cite.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from synth.verify.numbers import APPROX_TOLERANCE
from synth.verify.scifact import SUPPORT, Abstract, ClaimPair
from synth.verify.training import perturb

KEEPING = ("original", "rounded", "rounded_integer")
ROUNDINGS = ("rounded", "rounded_integer")
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


# An integer of two or more digits (thousands may be comma-grouped) that is not part of a name
# ("CD44", "IL-10"), a decimal, a currency amount or a year.
_INTEGER = re.compile(r"(?<![\w.\-/,$£€])(\d{1,3}(?:,\d{3})+|\d{2,})(?![\w\-/]|[.,]\d)")
_YEAR = re.compile(r"^(1[89]\d\d|20[0-3]\d)$")
# A number already hedged or bounded is not rounded again ("more than about 500").
_HEDGED = re.compile(
    r"(?:\b(?:about|approximately|around|roughly|nearly|almost|than|over|under|above|below|"
    r"least|most|up to)|[~<>≤≥±=])\s*$",
    re.IGNORECASE,
)
# A number after these words (or a capitalised one) is usually a name or an index, not a
# quantity: "growth factor 21", "T-helper 17", "type 2", "day 28".
_NAMING = frozenset(
    [
        "factor",
        "type",
        "receptor",
        "protein",
        "chromosome",
        "domain",
        "group",
        "phase",
        "class",
        "stage",
        "grade",
        "day",
        "week",
        "month",
        "year",
        "step",
        "figure",
        "table",
        "site",
        "exon",
        "intron",
        "codon",
        "residue",
        "position",
        "helper",
        "subunit",
        "isoform",
        "member",
        "family",
        "clade",
        "strain",
        "model",
        "version",
        "layer",
    ]
)
_LAST_WORD = re.compile(r"([A-Za-z][\w\-]*)\s+$")


def round_integer(claim: str) -> str | None:
    """The claim with its first roundable integer as "about N", N at the fewest significant
    figures that still cover the value within "about"'s tolerance ("7489" -> "about 7,500");
    None when no integer rounds so (deterministic: the suite's random edits stay as they were).
    """
    for m in _INTEGER.finditer(claim):
        raw = m.group(1)
        before = claim[: m.start()]
        word = _LAST_WORD.search(before)
        if word and (word.group(1)[0].isupper() or word.group(1).lower().split("-")[-1] in _NAMING):
            continue
        if _YEAR.match(raw) or _HEDGED.search(before):
            continue
        value = int(raw.replace(",", ""))
        digits = len(str(value))
        for keep in range(1, digits):  # coarsest rounding first
            step = 10 ** (digits - keep)
            rounded = (value + step // 2) // step * step
            if rounded != value and abs(value - rounded) <= APPROX_TOLERANCE * rounded:
                text = f"{rounded:,}" if rounded >= 1000 else str(rounded)
                return claim[: m.start()] + "about " + text + claim[m.end() :]
    return None


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
            "rounded_integer": round_integer(p.claim),
            "number": perturb.change_number(p.claim, rng),
            "negation": perturb.negate(p.claim),
            "antonym": perturb.swap_antonym(p.claim, rng),
            "entity": perturb.swap_entity(p.claim, others, rng, whole=True),
        }
        for kind, text in edits.items():
            if text and (kind == "original" or text != p.claim):
                out.append(SuiteItem(p.claim_id, kind, text, p.doc_id))
    return out
