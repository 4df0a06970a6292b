"""Content-word tokenization shared by source relevance and claim scoring."""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z][a-z0-9\-]+|\d+(?:\.\d+)?")

# Function words and question scaffolding that carry no topic ("to what extent can ...").
STOPWORDS: frozenset[str] = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either else few
    for from further had has have having he her here hers herself him himself his how however i if
    in into is it its itself just may me might more most much must my myself no nor not now of off
    on once only or other our ours ourselves out over own same shall she should so some such than
    that the their theirs them themselves then there these they this those through to too under
    until up upon very via was we were what when where whether which while who whom why will with
    within without would yet you your yours yourself yourselves extent measured degree whose
    well many one two using used use based new show shows shown paper study approach
    """.split()  # noqa: SIM905 - a block of words reads better than a 200-item list
)


def _stem(word: str) -> str:
    # A deliberately light stemmer: enough to match "networks"/"network", "distilled"/"distill".
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content_terms(text: str) -> list[str]:
    """Lower-cased, lightly stemmed content words of a text, in order (duplicates kept)."""
    words = _WORD.findall(text.lower().replace("\u2010", "-"))
    out: list[str] = []
    for word in words:
        for part in word.split("-"):
            if len(part) > 2 and part not in STOPWORDS and not part.isdigit():
                out.append(_stem(part))
    return out
