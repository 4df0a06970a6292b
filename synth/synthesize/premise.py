"""Whether a finding describes the opposite configuration of the one a question asks about.

"Does a *shallow and wide* student network trained with hints outperform its teacher?" is not
answered by FitNets' "hinting the inner layers of a *thin and deep* network ... generalizes
better": that finding is about the other design. An answer that says "yes" from it misleads.

A question word of :data:`CONFIGURATION_OPPOSITES` conflicts with a finding when the finding's
text names one of the word's opposites and never the word itself (comparatives fold onto their
base: "deeper" is "deep", "thinner" is "thin"). Only configuration words are listed (how a
model, network or setting is built), not direction words ("increases", "better"), which a
question uses to ask and a finding to answer.
"""

from __future__ import annotations

import re

from synth.synthesize.coverage import COMPARATIVES

__all__ = ["CONFIGURATION_OPPOSITES", "premise_conflicts"]

_PAIRS = """
shallow deep|wide thin|wide narrow|dense sparse|online offline|supervised unsupervised
labelled unlabelled|labeled unlabeled|frozen fine-tuned
"""

CONFIGURATION_OPPOSITES: dict[str, frozenset[str]] = {}
for _pair in _PAIRS.replace("\n", "|").split("|"):
    if _pair.strip():
        _a, _b = _pair.split()
        CONFIGURATION_OPPOSITES[_a] = CONFIGURATION_OPPOSITES.get(_a, frozenset()) | {_b}
        CONFIGURATION_OPPOSITES[_b] = CONFIGURATION_OPPOSITES.get(_b, frozenset()) | {_a}

_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")


def _configuration_words(text: str) -> list[str]:
    """The configuration words of a text, folded, in order of first mention."""
    out: list[str] = []
    for raw in _WORD.findall(text):
        low = raw.lower()
        word = COMPARATIVES.get(low, low)
        if word in CONFIGURATION_OPPOSITES and word not in out:
            out.append(word)
    return out


def premise_conflicts(question: str, text: str) -> tuple[list[str], list[str]]:
    """(question words, opposites the text names instead), both in order; empty when none.

    "shallow and wide" against "a thin and deep network" gives (["shallow", "wide"],
    ["thin", "deep"]); a text that also names "wide" leaves "wide" out of the conflict.
    """
    asked = _configuration_words(question)
    named = _configuration_words(text)
    clash = [w for w in asked if w not in named and CONFIGURATION_OPPOSITES[w] & set(named)]
    instead = [w for w in named if any(w in CONFIGURATION_OPPOSITES[a] for a in clash)]
    return clash, instead
