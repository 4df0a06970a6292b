"""Lexical retrieval: BM25 over passages with the ``bm25s`` package."""

from __future__ import annotations

import logging

import bm25s
import numpy as np

from synth.lexical import EVIDENCE, EVIDENCE_UNSTEMMED, light_stem, tokens

# bm25s sets its own logger to DEBUG on import; keep it as quiet as the root logger asks,
# so its chatter shows only with -vv.
_ROOT_LEVEL = logging.getLogger().getEffectiveLevel()
logging.getLogger("bm25s").setLevel(
    _ROOT_LEVEL if _ROOT_LEVEL <= logging.DEBUG else logging.WARNING
)

__all__ = ["LexicalIndex", "light_stem", "to_tokens"]


def to_tokens(text: str, stem: bool = True) -> list[str]:
    """Lower-cased content tokens of a text (stopwords dropped, optionally lightly stemmed)."""
    return tokens(text, EVIDENCE if stem else EVIDENCE_UNSTEMMED)


class LexicalIndex:
    """BM25 over a fixed list of texts; scores for every text or the top k."""

    def __init__(
        self, texts: list[str], k1: float = 0.9, b: float = 0.4, stem: bool = True
    ) -> None:
        self._stem = stem
        self._size = len(texts)
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        # An all-empty corpus trips bm25s' vocabulary build, so index a placeholder token.
        corpus = [to_tokens(t, stem) or ["\x00"] for t in texts]
        if corpus:
            self._bm25.index(corpus, show_progress=False)

    def __len__(self) -> int:
        return self._size

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every indexed text for the query (zeros when nothing matches)."""
        query_tokens = to_tokens(query, self._stem)
        if not query_tokens or not self._size:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(query_tokens), dtype=np.float32)

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Indices and scores of the top k texts, best first, dropping zero scores."""
        scores = self.scores(query)
        k = min(k, self._size)
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        keep = scores[top] > 0
        return top[keep].astype(np.int64), scores[top][keep]
