"""The first stage: rank a library's documents for a question and shortlist the candidates.

score = w × z(BM25) + (1 − w) × z(cosine) over the union of the BM25 and FAISS top lists
(z-scores within that pool, w = ``LibrarySettings.lexical_weight``), the same fusion the
verifier uses for passages. The ``candidates`` best form the shortlist; of those, a document is
read in full only when its document cosine is within ``cosine_margin`` of the best one's, so a
small library of mixed topics reads only the papers near the question, or when it is among the
``always_read`` best by fused score: BM25 reads the full text, where a paper may answer what its
abstract never names ("Can a student trained on soft targets recognise classes it never saw?":
Hinton et al.'s abstract speaks of ensembles and MNIST, its body of the 3s the student never
saw, and its document cosine is 0.23 below the best).
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from synth.library.index import LibraryIndex, lexical_tokens
from synth.settings import LibrarySettings

# How far down each list the fusion pool reaches, as a multiple of the shortlist.
_POOL_FACTOR = 5
_MIN_POOL = 100


class Ranked(BaseModel):
    """One shortlisted document with the numbers that placed it."""

    model_config = ConfigDict(extra="forbid")

    key: str
    score: float = Field(description="Fused z-score (higher is better).")
    cosine: float = Field(description="Cosine of the document vector to the question.")
    bm25: float = Field(description="BM25 of the document's text for the question.")
    read: bool = Field(
        True,
        description="False when the cosine margin sets it aside (and it ranks below always_read).",
    )


def _z(values: np.ndarray) -> np.ndarray:
    std = float(values.std())
    return (values - values.mean()) / std if std > 1e-9 else np.zeros_like(values)


def _bm25_scores(index: LibraryIndex, question: str) -> np.ndarray:
    words = [w for w in lexical_tokens(question) if w in index.bm25.vocab_dict]
    if not words:
        return np.zeros(len(index), dtype=np.float32)
    return np.asarray(index.bm25.get_scores(words), dtype=np.float32)


def _pool(index: LibraryIndex, lexical: np.ndarray, question_vec: np.ndarray, n: int) -> np.ndarray:
    """Rows in the BM25 top n or the FAISS top n, sorted."""
    n = min(n, len(index))
    top_lexical = np.argpartition(-lexical, n - 1)[:n] if n < len(index) else np.arange(n)
    _, rows = index.dense.search(question_vec[None, :].astype(np.float32), n)
    dense_rows = rows[0][rows[0] >= 0]
    return np.unique(np.concatenate([top_lexical, dense_rows]).astype(np.int64))


def rank_documents(
    index: LibraryIndex, question: str, question_vec: np.ndarray, settings: LibrarySettings
) -> list[Ranked]:
    """The shortlist for a question, best first, each marked read or set aside."""
    if not len(index):
        return []
    lexical = _bm25_scores(index, question)
    rows = _pool(index, lexical, question_vec, max(_MIN_POOL, _POOL_FACTOR * settings.candidates))
    cosines = index.vectors[rows] @ question_vec.astype(np.float32)
    w = settings.lexical_weight
    fused = w * _z(lexical[rows]) + (1 - w) * _z(cosines)
    # Ties broken by key, so the same library gives the same shortlist on every machine.
    order = sorted(range(len(rows)), key=lambda i: (-float(fused[i]), index.keys[rows[i]]))
    order = order[: settings.candidates]
    best = max((float(cosines[i]) for i in order), default=0.0)
    return [
        Ranked(
            key=index.keys[rows[i]],
            score=round(float(fused[i]), 4),
            cosine=round(float(cosines[i]), 4),
            bm25=round(float(lexical[rows[i]]), 4),
            read=rank < settings.always_read or float(cosines[i]) >= best - settings.cosine_margin,
        )
        for rank, i in enumerate(order)
    ]
