"""Text features of a claim against one passage: numbers, negation, direction, entities.

Semantic similarity comes from the embedder (see ``score.py``); everything here is lexical and
cheap, so it can be computed for every candidate passage.
"""

from __future__ import annotations

import re

from synth.verify.lexical import light_stem, to_tokens
from synth.verify.numbers import align


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


NEGATIONS: frozenset[str] = _wordset(
    """not no never without neither nor none cannot unable fail fails failed failure lack lacks
    lacking lacked absence absent nothing non unaffected insignificant struggle struggles
    struggled"""
)
UP_WORDS: frozenset[str] = _wordset(
    """increase increases increased increasing increment higher high highest elevated elevate
    elevates elevation enhance enhances enhanced enhancement upregulate upregulates upregulated
    upregulation promote promotes promoted induce induces induced raise raises raised improve
    improves improved improvement greater more gain gains activate activates activated activation
    stimulate stimulates stimulated accelerate accelerates accelerated augment augments augmented
    positive positively exacerbate exacerbates exacerbated worsen worsens worsened larger longer
    rise rises rose"""
)
DOWN_WORDS: frozenset[str] = _wordset(
    """decrease decreases decreased decreasing decrement lower low lowest reduce reduces reduced
    reducing reduction diminish diminishes diminished downregulate downregulates downregulated
    downregulation inhibit inhibits inhibited inhibition suppress suppresses suppressed suppression
    impair impairs impaired less fewer loss lose loses attenuate attenuates attenuated decline
    declines declined block blocks blocked prevent prevents prevented negative negatively
    smaller shorter fall falls fell alleviate alleviates alleviated protect protects
    protective"""
)
# A second axis of sense: good versus bad outcome ("milder course" against "more severe").
GOOD_WORDS: frozenset[str] = _wordset(
    """better best improved favorable favourable beneficial benefit benefits mild milder good
    protective protection resistant resistance benign safe safer effective efficacious
    tolerated survival"""
)
BAD_WORDS: frozenset[str] = _wordset(
    """worse worst poor poorer unfavorable unfavourable harmful detrimental severe adverse
    susceptible susceptibility vulnerable malignant toxic unsafe ineffective mortality death
    deleterious"""
)
_NEGATING_PREFIXES = ("de", "un", "in", "im", "dis", "non", "anti")
# Compared by stem, so "lowered", "lowers" and "lowering" all count.
_UP_STEMS = frozenset(light_stem(w) for w in UP_WORDS)
_DOWN_STEMS = frozenset(light_stem(w) for w in DOWN_WORDS)
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_ENTITY = re.compile(
    r"\b(?:[A-Za-z]*[A-Z][A-Za-z]*\d[\w\-]*|[A-Z][A-Z0-9\-]{1,}[a-z]?|[a-z]+\d+\w*)\b"
)


def number_agreement(claim: str, evidence: str) -> tuple[float, float]:
    """(share of the claim's quantities the evidence states, share it gives another value for).

    Quantities, units, rounding and hedges are read by :mod:`synth.verify.numbers`, the one
    copy of those rules.
    """
    items = align(claim, evidence).items
    if not items:
        return 0.0, 0.0
    matched = sum(i.status == "matched" for i in items)
    conflicted = sum(i.status == "conflict" for i in items)
    return matched / len(items), conflicted / len(items)


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text.replace("n't", " not"))]


def negation_count(text: str) -> int:
    """How many negation cues a text holds ("not", "no", "without", "failed to", ...)."""
    return sum(1 for w in _words(text) if w in NEGATIONS)


def pointable_conflict(claim: str, evidence: str, cues: dict[str, float]) -> bool:
    """Whether a pair's conflict cues (``pair_features``) hold one a reader can point at.

    "without" counts as a negation among the features the models were fitted on, but "a larger
    model without Skills" names a condition, not a denial: a negation cue that only "without"
    raises is no evidence of contradiction (a with/without swap is the reversal rule's).
    """
    if cues.get("num_conflict", 0.0) > 0 or cues.get("dir_mismatch", 0.0) > 0:
        return True
    negated = cues.get("neg_mismatch", 0.0) > 0 or cues.get("neg_scoped_mismatch", 0.0) > 0
    if not (negated or cues.get("polarity_conflict", 0.0) > 0):
        return False
    if not negated and not outcome_reversed(claim, evidence):
        # The polarity cue read bad-outcome words alone: "reduced the risk of mortality" is a
        # good outcome, not the reverse of "statins are beneficial".
        return False
    words_c, words_e = _words(claim), _words(evidence)
    if "without" not in words_c and "without" not in words_e:
        return True
    strict = NEGATIONS - {"without"}
    return any(w in strict for w in words_c) != any(w in strict for w in words_e)


def scoped_negations(text: str, other: set[str], window: int = 5) -> int:
    """Negation cues followed, within ``window`` words, by a content word of the other text.

    A "not" in an unrelated clause ("investigators were not contactable") says nothing about
    the shared statement; one right before shared words ("did not reduce blood pressure") does.
    """
    words = _words(text)
    count = 0
    for i, word in enumerate(words):
        if word in NEGATIONS or (word.startswith("non-") and len(word) > 4):
            following = {light_stem(w) for w in words[i + 1 : i + 1 + window]}
            count += bool(following & other)
    return count


def direction(text: str) -> int:
    """+1 when a text speaks of increase, -1 of decrease, 0 when neither or both."""
    stems = [light_stem(w) for w in _words(text)]
    up = sum(1 for w in stems if w in _UP_STEMS)
    down = sum(1 for w in stems if w in _DOWN_STEMS)
    return (up > down) - (down > up)


def valence(text: str) -> int:
    """+1 when a text speaks of good outcomes, -1 of bad ones, 0 when neither or both."""
    return _valence(text, 0)


# A decrease word turns the outcome words after it around ("reduced mortality" is good news).
OUTCOME_SCOPE = 8


def outcome_valence(text: str) -> int:
    """Like :func:`valence`, but an outcome word within ``OUTCOME_SCOPE`` words after a
    decrease word ("reduced the risk of all cause mortality") counts as its opposite."""
    return _valence(text, OUTCOME_SCOPE)


def _valence(text: str, scope: int) -> int:
    # ``scope`` 0 reads each outcome word alone (the fitted features' ``valence``).
    words = _words(text)
    score = 0
    for i, word in enumerate(words):
        sign = 1 if word in GOOD_WORDS else -1 if word in BAD_WORDS else 0
        if (
            sign
            and scope
            and any(light_stem(w) in _DOWN_STEMS for w in words[max(0, i - scope) : i])
        ):
            sign = -sign
        score += sign
    return (score > 0) - (score < 0)


def outcome_reversed(claim: str, evidence: str) -> bool:
    """Whether two texts speak of opposite outcomes once decreases are read (or antonyms)."""
    return outcome_valence(claim) * outcome_valence(evidence) < 0 or prefix_antonym(claim, evidence)


def prefix_antonym(claim: str, evidence: str) -> bool:
    """True when one text has a word the other has with a negating prefix ("stabilizes" and
    "destabilizes", "active" and "inactive")."""
    cw = {light_stem(w) for w in _words(claim) if len(w) > 4}
    ew = {light_stem(w) for w in _words(evidence) if len(w) > 4}
    for a, b in ((cw, ew), (ew, cw)):
        for word in a:
            if any(word.startswith(p) and word[len(p) :] in b for p in _NEGATING_PREFIXES):
                return True
    return False


def name_tokens(text: str) -> list[str]:
    """Name-like tokens (gene and drug names, acronyms, alphanumerics) as written."""
    return [m.group(0).strip("-") for m in _ENTITY.finditer(text)]


def entities(text: str) -> set[str]:
    """Name-like tokens (gene and drug names, acronyms, alphanumerics), lower-cased."""
    return {t.lower() for t in name_tokens(text)}


def pair_features(claim: str, evidence: str) -> dict[str, float]:
    """Lexical features of one claim against one evidence text (all in [0, 1] or {-1, 0, 1})."""
    ct, et = set(to_tokens(claim)), set(to_tokens(evidence))
    coverage = len(ct & et) / len(ct) if ct else 0.0
    jaccard = len(ct & et) / len(ct | et) if ct | et else 0.0
    num_match, num_conflict = number_agreement(claim, evidence)
    neg_c, neg_e = negation_count(claim) > 0, negation_count(evidence) > 0
    scoped = (scoped_negations(claim, et) > 0) != (scoped_negations(evidence, ct) > 0)
    dir_c, dir_e = direction(claim), direction(evidence)
    flipped = dir_c * dir_e < 0
    reversed_sense = (
        flipped or valence(claim) * valence(evidence) < 0 or prefix_antonym(claim, evidence)
    )
    ents = entities(claim)
    ent_cov = len(ents & entities(evidence)) / len(ents) if ents else 1.0
    return {
        "coverage": coverage,
        "jaccard": jaccard,
        "num_match": num_match,
        "num_conflict": num_conflict,
        "neg_mismatch": float(neg_c != neg_e),
        "claim_negated": float(neg_c),
        "neg_scoped_mismatch": float(scoped),
        # One flip (negation or direction) reverses the statement; two cancel out.
        "polarity_conflict": float(scoped != reversed_sense),
        "dir_mismatch": float(flipped),
        "dir_agree": float(dir_c * dir_e > 0),
        "entity_coverage": ent_cov,
    }
