"""The one FAISS index recipe: inner product over unit vectors, exact (flat) up to a size, HNSW
above it. The verifier's passage index and the library's document index both build it."""

from __future__ import annotations

import faiss
import numpy as np

HNSW_M = 32  # neighbours per HNSW node: FAISS' usual accuracy/memory balance
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 128


def build_faiss(vectors: np.ndarray, exact_max: int) -> faiss.Index:
    """Inner-product index over unit vectors: flat (exact) up to ``exact_max`` rows, else HNSW."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dim = int(vectors.shape[1])
    index: faiss.Index
    if len(vectors) <= exact_max:
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    index.add(vectors)
    return index
