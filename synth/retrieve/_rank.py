"""Lexical relevance of candidate works to a question, and the junk filter (pure functions).

The score is the idf-weighted share of the question's content words that a work's title and
abstract cover, in [0, 1]: a title match counts fully, abstract mentions partly (saturating), so
a paper about the question's topic scores high and a paper sharing one generic word scores low.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from synth.records import Work

_TOKEN = re.compile(r"[\w][\w@\-.]*[\w]|[\w]", re.UNICODE)

# Function words and the question's own scaffolding words: they never identify a topic.
STOPWORDS = frozenset(
    """a about above across after again against all also am an and any are as at be because been
    before being between both but by can could did do does doing done during each either else
    extent few for from further had has have having how however i if in into is it its itself
    just least less many may might more most much must no nor not of off on once only or other
    our out over own per rather same shall should so some such than that the their them then
    there these they this those through to too under until up upon us use used using very via
    was we were what when where whether which while who whom why will with within would you your
    affect affects compare compared comparison current does effect effects evidence extent
    impact improve improves improved improvement influence known measure measured measures role
    relative respect state study studies way ways well""".split()  # noqa: SIM905 - reads as text
)
# Titles of records that are notices or front matter, not papers.
_JUNK_TITLE = re.compile(
    r"^(correction|corrigendum|erratum|retraction|retracted|withdrawn|expression of concern|"
    r"editorial board|front matter|back matter|table of contents|contents|index|issue information|"
    r"cover|masthead|reviewer acknowledg\w*|in this issue)\b",
    re.IGNORECASE,
)


def stem(token: str) -> str:
    """A light plural fold (models -> model, studies -> study) so forms match."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; keeps forms like ``pass@k`` and ``ds-1000`` whole."""
    return [t.strip(".-") for t in _TOKEN.findall(text.lower()) if t.strip(".-")]


def content_terms(text: str) -> list[str]:
    """Content words of a text in order of first appearance (stopwords dropped, stemmed)."""
    seen: dict[str, None] = {}
    for token in tokens(text):
        if token in STOPWORDS or (len(token) < 2 and not token.isdigit()):
            continue
        seen.setdefault(stem(token), None)
    return list(seen)


def is_junk(work: Work) -> bool:
    """Records that are notices, front matter or too short to be a paper's title."""
    words = work.title.split()
    return len(words) < 2 or bool(_JUNK_TITLE.match(work.title.strip()))


def _term_weights(terms: Sequence[str], docs: Sequence[set[str]]) -> dict[str, float]:
    # Smoothed idf over the candidate pool: words in every candidate still count a little.
    n = len(docs)
    return {term: 1.0 + math.log(1.0 + n / (1.0 + sum(term in d for d in docs))) for term in terms}


def score_works(question: str, works: Sequence[Work]) -> list[float]:
    """Relevance of each work to the question, in [0, 1]."""
    terms = content_terms(question)
    if not terms:
        return [0.0 for _ in works]
    titles = [Counter(stem(t) for t in tokens(w.title)) for w in works]
    bodies = [Counter(stem(t) for t in tokens(w.abstract or "")) for w in works]
    weights = _term_weights(terms, [set(t) | set(b) for t, b in zip(titles, bodies, strict=True)])
    total = sum(weights.values())
    scores = []
    for title, body in zip(titles, bodies, strict=True):
        covered = 0.0
        for term in terms:
            if title[term]:
                credit = 1.0
            else:
                # Saturating credit for abstract mentions: 1 -> 0.4, 2 -> 0.57, many -> 0.8.
                count = body[term]
                credit = 0.8 * count / (count + 1.0) if count else 0.0
            covered += weights[term] * credit
        scores.append(round(covered / total, 4))
    return scores
