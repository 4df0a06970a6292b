"""How a claim's quantities line up with an evidence passage's: agreeing, in conflict, unstated.

Quantities are read by :func:`synth.quantities.parse_quantities`; :class:`Quantity`,
``Kind``, ``Hedge`` and ``parse_quantities`` are re-exported here, so callers need one module.
Each quantity stands for the values it is consistent with, as written:

* an unhedged value covers what rounds to it at the precision written: "10" is [9.5, 10.5],
  "91.6" is [91.55, 91.65], "1.5M" is [1.45M, 1.55M]; ties count (rounding conventions differ);
* "about", "approximately", "around", "roughly", "~" widen that to ±``APPROX_TOLERANCE`` of the
  value where this is wider; "nearly", "almost", "close to" widen it downwards only (a rate in
  words, "one in five", is read as approximate);
* "more than", "over", "above", ">" are open lower bounds; "at least", "≥" closed ones; "less
  than", "under", "below", "<" and "at most", "up to", "≤" the upper ones;
* a range covers its ends, each widened by the precision; a ± value is its central value, and
  its spread is compared on its own.

A claim quantity *agrees* with an evidence quantity when all the evidence states lies in the
claim's values: "10 times" agrees with "10.4 times" and "more than 80%" with "85%", but "85%"
does not agree with "more than 80%", which does not state it. An evidence range is the one
exception: a single claim value anywhere in it agrees ("7%" with "5-10%"). Two bounds on the
same side are a restatement, compared on value at the claim's precision: "more than 80%" agrees
with "more than 80.2%" and conflicts with "more than 90%" (implied by it, but a changed number:
"over 1,100 trials" written from "over 11000 trials"). Units must match,
except that counts and bare numbers agree on value alone ("12 mice", "n = 12"), and so do a
metric's score and a bare number ("28.4 BLEU", "28.4"). *Comparable*
quantities (same kind and unit, so a p-value never meets an effect size; bare numbers never)
*conflict* when their values cannot coincide, or meet only at a rounding tie ("91.6%" against
"91.7%"); ones that overlap without agreeing ("85%" against "over 80%") do neither.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from synth.quantities import SCORE_UNITS, Hedge, Kind, Quantity, parse_quantities

__all__ = [
    "APPROX_TOLERANCE",
    "Alignment",
    "Hedge",
    "Kind",
    "Quantity",
    "QuantityAlignment",
    "Status",
    "agrees",
    "align",
    "align_quantities",
    "comparable",
    "conflicts",
    "parse_quantities",
]

Status = Literal["matched", "conflict", "unstated"]

# "about 50%" covers 47.5-52.5%: room for a paraphrase, while a changed number (the
# perturbations the pair model is trained on) still falls outside.
APPROX_TOLERANCE = 0.05
# The units of a metric's scores ("BLEU", "ROUGE-L"), which a bare number may state.
_METRICS = frozenset(SCORE_UNITS.values())


@dataclass(frozen=True)
class QuantityAlignment:
    """One claim quantity against an evidence text: matched, in conflict, or unstated."""

    claim: Quantity
    status: Status
    evidence: Quantity | None = None

    @property
    def evidence_span(self) -> tuple[int, int] | None:
        """Where the evidence states the matching or conflicting quantity, if anywhere."""
        return self.evidence.span if self.evidence else None


@dataclass(frozen=True)
class Alignment:
    """Every quantity of a claim against one evidence text, in claim order."""

    items: tuple[QuantityAlignment, ...] = ()

    @property
    def claim_has_quantities(self) -> bool:
        """True when the claim states any quantity at all."""
        return bool(self.items)

    @property
    def all_stated(self) -> bool:
        """True when the evidence states every claim quantity (vacuously true without any)."""
        return all(item.status == "matched" for item in self.items)

    @property
    def has_conflict(self) -> bool:
        """True when the evidence gives a different value for some claim quantity."""
        return any(item.status == "conflict" for item in self.items)


# A set of values as closed bounds; an open bound ("more than 80%") is nudged to the next float.
_Interval = tuple[float, float]


def _half_step(q: Quantity, slack: bool = True) -> float:
    # Half the last written digit, plus float slack so that ties ("91.65" for "91.6") agree.
    return 0.5 * 10.0**-q.decimals + (1e-9 * max(1.0, abs(q.value)) if slack else 0.0)


def _range(q: Quantity) -> _Interval | None:
    return (
        (q.low, q.high) if q.low is not None and q.high is not None and q.spread is None else None
    )


def _extent(q: Quantity, slack: bool = True) -> _Interval:
    """Every true value the quantity, as written, is consistent with."""
    h, v, inf = _half_step(q, slack), q.value, math.inf
    if (ends := _range(q)) is not None:
        return ends[0] - h, ends[1] + h
    t = max(h, APPROX_TOLERANCE * abs(v))
    return {
        "exact": (v - h, v + h),
        "approx": (v - t, v + t),
        "nearly": (v - t, v + h),
        "above": (math.nextafter(v, inf), inf),
        "atleast": (v, inf),
        "below": (-inf, math.nextafter(v, -inf)),
        "atmost": (-inf, v),
    }[q.hedge]


def _stated(q: Quantity) -> _Interval:
    """What an evidence quantity says outright: its value, its range, or its bound."""
    if (ends := _range(q)) is not None:
        return ends
    return _extent(q) if q.hedge in ("above", "atleast", "below", "atmost") else (q.value, q.value)


def _overlap(a: _Interval, b: _Interval) -> float:
    return min(a[1], b[1]) - max(a[0], b[0])


_LOWER, _UPPER = frozenset({"above", "atleast"}), frozenset({"below", "atmost"})


def _same_bound(a: Quantity, b: Quantity) -> bool:
    """Whether both are bounds on the same side ("over 1,100" and "more than 11000")."""
    if a.is_range or b.is_range:
        return False
    return (a.hedge in _LOWER and b.hedge in _LOWER) or (a.hedge in _UPPER and b.hedge in _UPPER)


def comparable(claim_q: Quantity, evidence_q: Quantity) -> bool:
    """True when both measure the same kind of thing in the same unit, so values can clash."""
    # A bare number may be anything (a score, a dose, a day): it never clashes with another.
    same = (claim_q.kind, claim_q.unit) == (evidence_q.kind, evidence_q.unit)
    return same and claim_q.kind != "plain"


def agrees(claim_q: Quantity, evidence_q: Quantity) -> bool:
    """True when the evidence states the claim's quantity, within the precision the claim gives."""
    # Counts name their noun freely ("12 mice", "n = 12", "12 animals"): the value decides.
    # So does a metric's score against a bare number: tables and results sentences write
    # "28.4" under or after the metric's name ("BLEU ... 28.4").
    kinds = {claim_q.kind, evidence_q.kind}
    loose = kinds <= {"count", "plain"} or (
        kinds == {"measure", "plain"} and not _METRICS.isdisjoint((claim_q.unit, evidence_q.unit))
    )
    if not (loose or comparable(claim_q, evidence_q)):
        return False
    cs, es = claim_q.spread, evidence_q.spread
    if cs is not None and (es is None or abs(cs - es) > _half_step(claim_q)):
        return False
    if _same_bound(claim_q, evidence_q):
        # "over 1,100 trials" is implied by "over 11000 trials" but is not what it says: a
        # bound restated is the same bound, its value agreeing at the claim's precision.
        h = _half_step(claim_q)
        return claim_q.value - h <= evidence_q.value <= claim_q.value + h
    claimed, stated = _extent(claim_q), _stated(evidence_q)
    point = not claim_q.is_range and claim_q.hedge in ("exact", "approx", "nearly")
    if evidence_q.is_range and point:
        return _overlap(claimed, stated) >= 0  # a claim value anywhere in the range
    return claimed[0] <= stated[0] and stated[1] <= claimed[1]


def conflicts(claim_q: Quantity, evidence_q: Quantity) -> bool:
    """True when the evidence gives a comparable quantity whose value the claim rules out."""
    if not comparable(claim_q, evidence_q) or agrees(claim_q, evidence_q):
        return False
    if _same_bound(claim_q, evidence_q):
        return True  # the same bound with another value: a changed number
    # Neighbours at one precision ("91.6%", "91.7%") share only a tie point: still a clash.
    scale = max(1.0, abs(claim_q.value), abs(evidence_q.value))
    if _overlap(_extent(claim_q, False), _extent(evidence_q, False)) <= 1e-9 * scale:
        return True
    cs, es = claim_q.spread, evidence_q.spread
    return (
        cs is not None
        and es is not None
        and abs(cs - es) > _half_step(claim_q) + _half_step(evidence_q)
    )


def _align_one(q: Quantity, found: Sequence[Quantity]) -> QuantityAlignment:
    # Agreement anywhere wins: evidence often gives several values (groups, time points).
    for e in found:
        if agrees(q, e):
            return QuantityAlignment(q, "matched", e)
    for e in found:
        if conflicts(q, e):
            return QuantityAlignment(q, "conflict", e)
    return QuantityAlignment(q, "unstated")


def align_quantities(claim_qs: Sequence[Quantity], evidence_qs: Sequence[Quantity]) -> Alignment:
    """Align parsed quantities (parse a claim once, align it against many passages)."""
    return Alignment(tuple(_align_one(q, evidence_qs) for q in claim_qs))


def align(claim: str, evidence: str) -> Alignment:
    """Each claim quantity as matched by, in conflict with, or unstated in the evidence text."""
    return align_quantities(parse_quantities(claim), parse_quantities(evidence))
