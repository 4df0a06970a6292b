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

from synth.lexical import RETRIEVAL, RETRIEVAL_TEXT, terms, tokens
from synth.records import Work

# Titles of records that are notices or front matter, not papers.
_JUNK_TITLE = re.compile(
    r"^(correction|corrigendum|erratum|retraction|retracted|withdrawn|expression of concern|"
    r"editorial board|front matter|back matter|table of contents|contents|index|issue information|"
    r"cover|masthead|reviewer acknowledg\w*|in this issue)\b",
    re.IGNORECASE,
)


def is_junk(work: Work) -> bool:
    """Records that are notices, front matter or too short to be a paper's title."""
    words = work.title.split()
    return len(words) < 2 or bool(_JUNK_TITLE.match(work.title.strip()))


def _term_weights(wanted: Sequence[str], docs: Sequence[set[str]]) -> dict[str, float]:
    # Smoothed idf over the candidate pool: words in every candidate still count a little.
    n = len(docs)
    return {term: 1.0 + math.log(1.0 + n / (1.0 + sum(term in d for d in docs))) for term in wanted}


def score_works(question: str, works: Sequence[Work]) -> list[float]:
    """Relevance of each work to the question, in [0, 1]."""
    wanted = terms(question, RETRIEVAL)
    if not wanted:
        return [0.0 for _ in works]
    titles = [Counter(tokens(w.title, RETRIEVAL_TEXT)) for w in works]
    bodies = [Counter(tokens(w.abstract or "", RETRIEVAL_TEXT)) for w in works]
    weights = _term_weights(wanted, [set(t) | set(b) for t, b in zip(titles, bodies, strict=True)])
    total = sum(weights.values())
    scores = []
    for title, body in zip(titles, bodies, strict=True):
        covered = 0.0
        for term in wanted:
            if title[term]:
                credit = 1.0
            else:
                # Saturating credit for abstract mentions: 1 -> 0.4, 2 -> 0.57, many -> 0.8.
                count = body[term]
                credit = 0.8 * count / (count + 1.0) if count else 0.0
            covered += weights[term] * credit
        scores.append(round(covered / total, 4))
    return scores
