"""Lexical retrieval: BM25 over passages with the ``bm25s`` package."""

from __future__ import annotations

import logging
import re

import bm25s
import numpy as np

# bm25s sets its own logger to DEBUG on import; keep it as quiet as the root logger asks,
# so its chatter shows only with -vv.
_ROOT_LEVEL = logging.getLogger().getEffectiveLevel()
logging.getLogger("bm25s").setLevel(
    _ROOT_LEVEL if _ROOT_LEVEL <= logging.DEBUG else logging.WARNING
)

# Words that carry no topic; kept small on purpose because negations ("not", "no") are removed
# here only for ranking, while the feature module looks at them separately.
_STOP_TEXT = """
a an and are as at be been being but by for from has have had he her his i if in into is
it its of on or our she such that the their then there these they this those to was we
were which while who will with within would can could may might should than also both
each other only very not no
"""
STOPWORDS: frozenset[str] = frozenset(_STOP_TEXT.split())

# Hyphens split words ("TNF-alpha" → "tnf", "alpha"): measured better on SciFact than keeping them.
_TOKEN = re.compile(r"[^\W_]+")


def light_stem(word: str) -> str:
    """Strip a few common English inflections so plural and verb forms meet ("cells" → "cell")."""
    if len(word) <= 4 or word[-1].isdigit():
        return word
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + repl
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def to_tokens(text: str, stem: bool = True) -> list[str]:
    """Lower-cased content tokens of a text (stopwords dropped, optionally lightly stemmed)."""
    words = [w for w in _TOKEN.findall(text.lower()) if w not in STOPWORDS and len(w) > 1]
    return [light_stem(w) for w in words] if stem else words


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
        tokens = to_tokens(query, self._stem)
        if not tokens or not self._size:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)

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
