"""Direction and comparison words and their opposites ("increases"/"decreases", "with"/"without").

Two readers: the trainer's perturbations swap a word for its one opposite
(:data:`SWAP_OPPOSITES`), and the reversal rule (:mod:`synth.verify.reversal`) asks whether a
passage uses a word's opposite where the claim uses the word (:func:`opposites`).
"""

from __future__ import annotations

# The trainer's table: the shipped pair model's training data was built from exactly these
# pairs, so a change here changes what `benchmarks/train_verifier.py` rebuilds.
_SWAP_PAIRS = """
increase decrease|increases decreases|increased decreased|increasing decreasing
reduces increases|reduce increase|reduced increased|reducing increasing|reduction increase
higher lower|highest lowest|more fewer|greater smaller|larger smaller|longer shorter
outperforms underperforms|outperform underperform|outperformed underperformed
better worse|best worst|improves worsens|improve worsen|improved worsened|improving worsening
enhances reduces|enhance reduce|enhanced reduced|promotes inhibits|promote inhibit
promoted inhibited|upregulates downregulates|upregulated downregulated|upregulation downregulation
activates suppresses|activate suppress|activated suppressed|activation suppression
induces prevents|induce prevent|induced prevented|raises lowers|raise lower|raised lowered
before after|with without|above below|positive negative|positively negatively
rise fall|rises falls|gain loss|gains losses|beneficial harmful|benefit harm
elevated reduced|faster slower|stronger weaker|high low|early late|earlier later
accelerates slows|accelerate slow|accelerated slowed|strengthens weakens|stabilizes destabilizes
sufficient insufficient|effective ineffective|significant insignificant|likely unlikely
associated unassociated|efficient inefficient|protects predisposes|protective detrimental
successful unsuccessful|correct incorrect|consistent inconsistent|common rare|maximum minimum
"""
# Opposites the reversal rule also knows; kept apart so the trainer's data stays reproducible.
_RULE_PAIRS = """
more less|deeper shallower|deep shallow|wider narrower|bigger smaller
diverge converge|diverges converges|diverged converged|simpler harder|easier harder
slower quicker|lowest highest|least most|worst best|increase drop|increases drops
"""


def _pairs(table: str) -> list[tuple[str, str]]:
    out = []
    for pair in table.replace("\n", "|").split("|"):
        if pair.strip():
            a, b = pair.split()
            out.append((a, b))
    return out


SWAP_OPPOSITES: dict[str, str] = {}
for _a, _b in _pairs(_SWAP_PAIRS):
    SWAP_OPPOSITES.setdefault(_a, _b)
    SWAP_OPPOSITES.setdefault(_b, _a)
# "less" has two opposites ("more", "fewer"); the swap maps it one way only.
SWAP_OPPOSITES["less"] = "more"

_ALL: dict[str, set[str]] = {}
for _a, _b in _pairs(_SWAP_PAIRS) + _pairs(_RULE_PAIRS):
    _ALL.setdefault(_a, set()).add(_b)
    _ALL.setdefault(_b, set()).add(_a)
# "more" and "fewer" are opposites, "less" and "fewer" are not: they say the same thing.
_ALL["less"].discard("fewer")
_ALL["fewer"].discard("less")
OPPOSITES: dict[str, frozenset[str]] = {w: frozenset(o) for w, o in _ALL.items()}


def opposites(word: str) -> frozenset[str]:
    """The opposites of a lower-case direction or comparison word (empty when it has none)."""
    return OPPOSITES.get(word, frozenset())
