"""Text features of a claim against one passage: numbers, negation, direction, entities.

Semantic similarity comes from the embedder (see ``score.py``); everything here is lexical and
cheap, so it can be computed for every candidate passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from synth.verify.lexical import light_stem, to_tokens


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A number not glued to a word on its left ("CD4", "IL-6", "H1N1" are names, not quantities).
_NUMBER = re.compile(
    r"(?<![\w.\-/])(?P<val>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\d'\u2019])"
    r"(?P<tail>\s*(?:%|percent\b|per\s?cent\b|-?fold\b|[-\s]?[a-zA-Zµμ/]+)?)"
)
_UNIT_ALIASES = {"percent": "%", "per cent": "%", "percentage": "%", "x": "fold"}
# Words after a number that name the counted thing rather than a unit worth comparing.
_NOT_UNITS = _wordset(
    "and or to of in the a an with for by vs versus than at on from as compared patients"
)
# Letters glued to a number that make it a name ("4-PBA", "3D", "5'") rather than a quantity.
_NAME_TAIL = re.compile(r"^-?[A-Z]{2,}|^[A-Z]$|^'")

NEGATIONS: frozenset[str] = _wordset(
    """not no never without neither nor none cannot unable fail fails failed failure lack lacks
    lacking lacked absence absent nothing non unaffected insignificant"""
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


@dataclass(frozen=True)
class Quantity:
    """A number in text with the unit (or counted noun) right after it."""

    value: float
    decimals: int
    unit: str


_SMALL_NUMBERS = {
    w: str(i)
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
}
_NUMBER_WORD = "|".join(_SMALL_NUMBERS)
# Rates written in words ("one in five trials"): the only word numbers worth reading, since
# "one" alone is as often a pronoun as a count.
_WORD_RATE = re.compile(
    rf"\b({_NUMBER_WORD})\s+(in|of|out of)\s+({_NUMBER_WORD}|\d+)\b", re.IGNORECASE
)


def _digits_for_rates(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        first = _SMALL_NUMBERS[m.group(1).lower()]
        second = _SMALL_NUMBERS.get(m.group(3).lower(), m.group(3))
        return f"{first} {m.group(2)} {second}"

    return _WORD_RATE.sub(repl, text)


def parse_quantities(text: str) -> list[Quantity]:
    """Numbers with their units, skipping numbers that are parts of names ("IL-6", "4-PBA")."""
    out: list[Quantity] = []
    for m in _NUMBER.finditer(_digits_for_rates(text)):
        raw, tail = m.group("val"), m.group("tail") or ""
        if _NAME_TAIL.match(tail.lstrip(" ")) and not tail.startswith(" "):
            continue
        unit = tail.strip(" -").lower()
        unit = _UNIT_ALIASES.get(unit, unit)
        if unit in _NOT_UNITS:
            unit = ""
        clean = raw.replace(",", "")
        decimals = len(clean.split(".")[1]) if "." in clean else 0
        out.append(Quantity(float(clean), decimals, unit))
    return out


def _same_value(claim: Quantity, other: Quantity) -> bool:
    # The claim may round the source ("32%" for "31.7%"), so compare at the claim's precision.
    return abs(round(other.value, claim.decimals) - claim.value) < 1e-9


def number_agreement(claim: str, evidence: str) -> tuple[float, float]:
    """(share of the claim's numbers found in the evidence, share that conflict with it).

    A claim number conflicts when the evidence gives a different number with the same unit
    and never the claim's own value: the same quantity, measured differently.
    """
    cq = parse_quantities(claim)
    if not cq:
        return 0.0, 0.0
    eq = parse_quantities(evidence)
    matched = conflicted = 0
    for q in cq:
        if any(_same_value(q, e) for e in eq):
            matched += 1
        elif q.unit and any(e.unit == q.unit for e in eq):
            conflicted += 1
    return matched / len(cq), conflicted / len(cq)


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text.replace("n't", " not"))]


def negation_count(text: str) -> int:
    """How many negation cues a text holds ("not", "no", "without", "failed to", ...)."""
    return sum(1 for w in _words(text) if w in NEGATIONS)


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
    words = _words(text)
    good = sum(1 for w in words if w in GOOD_WORDS)
    bad = sum(1 for w in words if w in BAD_WORDS)
    return (good > bad) - (bad > good)


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


def entities(text: str) -> set[str]:
    """Name-like tokens (gene and drug names, acronyms, alphanumerics), lower-cased."""
    return {m.group(0).lower().strip("-") for m in _ENTITY.finditer(text)}


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
