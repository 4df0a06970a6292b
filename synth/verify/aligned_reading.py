"""The claim and passage as the pair model reads them: agreeing figures, same-sense words.

Numbers belong to the rules (``synth.verify.numbers``), not to the model: trained on number
edits, the model reads any difference of figures as a contradiction. "about 10 times fewer
parameters" against "almost 10.4 times less parameters" read 0.97 contradicts, although the
numbers rule finds the two figures agree. So before the model reads a pair, the claim is
written in the passage's terms where the two say the same thing:

* each figure of the claim that agrees with a figure of the passage (``numbers.agrees``: same
  kind and unit, within the claim's precision and hedge; a range only when both ends agree) is
  written as the passage writes it, hedge words included ("about 10 times" → "almost 10.4
  times"); a figure that does not agree stays as the claim wrote it, so the model still sees a
  changed number, and the numbers rule decides it on the original texts;
* "fewer" before a plural noun that the passage counts with "less" (or the reverse) takes the
  passage's word: "10.4 times less parameters" is the same count as "10.4 times fewer
  parameters", but the model, trained on "fewer"/"more" swaps, read the difference as one;
* so does a verb of the same relation, in the same form ("beats", "surpasses", "exceeds",
  "outperforms"): "its student beats the teacher" against "outperforms" read 0.50 contradicts.

Only what the model reads changes: verdicts, evidence and notes quote the texts as written.
"""

from __future__ import annotations

import functools
import re

from synth.quantities import Quantity, parse_quantities
from synth.verify.numbers import agrees, comparable

__all__ = ["as_read"]

# Verbs that state one relation ("A beats B", "A outperforms B"), by form; the trainer's
# comparison swaps taught the model that a changed verb here reverses the claim. Each word with
# its pattern, compiled once: the reading runs for every claim and passage the model reads.
_SAME_RELATION = tuple(
    tuple((w, re.compile(rf"\b{w}\b", re.IGNORECASE)) for w in group)
    for group in (
        ("outperforms", "beats", "surpasses", "exceeds"),
        ("outperform", "beat", "surpass", "exceed"),
        ("outperformed", "surpassed", "exceeded"),
    )
)
_COUNTED = re.compile(r"\b(less|fewer)\s+([a-z][a-z-]*s)\b", re.IGNORECASE)


def _same_range(q: Quantity, e: Quantity) -> bool:
    # Ranges agree in numbers.agrees when they overlap ("1.44x to 9.36x" and "1.44x to 6.36x");
    # read as the same figure only when each end agrees within the claim's precision.
    if q.low is None and e.low is None:
        return True
    if q.low is None or e.low is None or q.high is None or e.high is None:
        return False
    step = 0.5 * 10.0**-q.decimals + 1e-9
    return abs(q.low - e.low) <= step and abs(q.high - e.high) <= step


@functools.lru_cache(maxsize=4096)
def _quantities(text: str) -> tuple[Quantity, ...]:
    # A passage is read against many claims, and a claim against many passages.
    return tuple(parse_quantities(text))


def _figures_as_passage(claim: str, passage: str) -> str:
    found = _quantities(passage)
    if not found:
        return claim
    out = claim
    for q in sorted(_quantities(claim), key=lambda q: -q.start):
        match = next(
            (e for e in found if comparable(q, e) and agrees(q, e) and _same_range(q, e)), None
        )
        if match is not None:
            out = out[: q.start] + passage[match.start : match.end] + out[q.end :]
    return out


def _counted_as_passage(claim: str, passage: str) -> str:
    words = {m.group(2).lower(): m.group(1) for m in _COUNTED.finditer(passage)}
    if not words:
        return claim

    def fold(m: re.Match[str]) -> str:
        word = words.get(m.group(2).lower())
        if word is None or word.lower() == m.group(1).lower():
            return m.group(0)
        return f"{word.lower()} {m.group(2)}"

    return _COUNTED.sub(fold, claim)


def _verbs_as_passage(claim: str, passage: str) -> str:
    for group in _SAME_RELATION:
        used = [w for w, pattern in group if pattern.search(passage)]
        if len(used) != 1:
            continue
        for w, pattern in group:
            if w != used[0]:
                claim = pattern.sub(used[0], claim)
    return claim


def as_read(claim: str, passage: str) -> tuple[str, str]:
    """(claim, passage) as the pair model reads them (the module docstring's alignments)."""
    claim = _verbs_as_passage(_counted_as_passage(claim, passage), passage)
    return _figures_as_passage(claim, passage), passage
