"""A hashed bag-of-words embedder for tests that need real vectors without loading a model.

Texts with the same words have cosine 1, texts with no word in common 0; every text it is asked
to embed is kept in ``seen`` (so a test can tell what reached the embedding step).
"""

from __future__ import annotations

import re
import zlib

import numpy as np


class WordEmbedder:
    """Unit vectors of hashed word counts (picklable, so pool workers and Ray actors can use it)."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"words-{dim}"
        self.seen: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of hashed word counts, one row per text."""
        self.seen += texts
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]+", text.lower()):
                out[row, zlib.crc32(word.encode()) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)
