"""The library-level index: BM25 over each document's text and one vector per document in FAISS.

Built from the entries of one corpus and stored in a folder named by the library digest (the
sorted document keys, the model and the index settings), so the same set of documents, however
it is spread over files, loads the same index and a changed set builds a new one.

Flat or HNSW, by size. Up to ``LibrarySettings.exact_index_max`` documents (50,000 by default)
the index is ``IndexFlatIP``: exact, nothing to build and nothing to tune, and one query over
50,000 × 384 float32 (77 MB) is a matrix-vector product of a few milliseconds on one core, far
below the rest of a report. Past that, brute force grows linearly with the library while HNSW
stays logarithmic, so the index becomes ``IndexHNSWFlat`` (M = 32, efConstruction = 200,
efSearch = 128): approximate, with recall@100 close to 1 at these settings, at the price of a
slower build and about M × 2 × 4 bytes of graph per vector. The passage index of the verifier
(``synth/verify/index.py``) makes the same choice at its own threshold.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import bm25s
import faiss
import numpy as np

from synth.lexical import EVIDENCE, tokens
from synth.library.entries import LIBRARY_VERSION, LibraryEntry
from synth.vector_index import build_faiss

log = logging.getLogger(__name__)

INDEX_FORMAT = 1
# BM25 parameters of the verifier's passage index (fitted on SciFact).
_BM25_K1 = 0.9
_BM25_B = 0.4


def library_digest(keys: list[str], model: str, exact_max: int) -> str:
    """Short sha256 naming one library's index: its document keys, model and index settings."""
    h = hashlib.sha256(f"{LIBRARY_VERSION}\x00{INDEX_FORMAT}\x00{model}\x00{exact_max}".encode())
    for key in sorted(keys):
        h.update(key.encode())
        h.update(b"\x00")
    return h.hexdigest()[:20]


def lexical_tokens(text: str) -> list[str]:
    """The tokens BM25 indexes and queries with (the verifier's evidence configuration)."""
    return tokens(text, EVIDENCE)


@dataclass
class LibraryIndex:
    """One library's first-stage structures, in the order of ``keys``."""

    digest: str
    model: str
    keys: list[str]
    vectors: np.ndarray
    dense: faiss.Index
    bm25: bm25s.BM25

    @property
    def kind(self) -> str:
        """ "flat" or "hnsw"."""
        return "hnsw" if isinstance(self.dense, faiss.IndexHNSWFlat) else "flat"

    def __len__(self) -> int:
        return len(self.keys)


def build_index(
    entries: list[LibraryEntry], vectors: np.ndarray, model: str, exact_max: int
) -> LibraryIndex:
    """Index entries (sorted by key) with their vectors (one row each, same order)."""
    keys = [e.key for e in entries]
    bm25 = bm25s.BM25(k1=_BM25_K1, b=_BM25_B)
    # An all-empty corpus trips bm25s' vocabulary build, so a document without words gets a
    # placeholder token no query produces.
    bm25.index([lexical_tokens(e.lexical_text) or ["\x00"] for e in entries], show_progress=False)
    return LibraryIndex(
        digest=library_digest(keys, model, exact_max),
        model=model,
        keys=keys,
        vectors=np.ascontiguousarray(vectors, dtype=np.float32),
        dense=build_faiss(vectors, exact_max),
        bm25=bm25,
    )


def save_index(index: LibraryIndex, folder: Path) -> None:
    """Write the index's files into a (temporary) folder."""
    folder.mkdir(parents=True, exist_ok=True)
    meta = {"format": INDEX_FORMAT, "digest": index.digest, "model": index.model}
    (folder / "meta.json").write_text(json.dumps({**meta, "keys": index.keys}), encoding="utf-8")
    np.save(folder / "vectors.npy", index.vectors, allow_pickle=False)
    faiss.write_index(index.dense, str(folder / "dense.faiss"))
    index.bm25.save(str(folder / "bm25"), show_progress=False)


def load_index(folder: Path, digest: str) -> LibraryIndex | None:
    """A stored index, or None when it is missing, of another format or unreadable."""
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != INDEX_FORMAT or meta.get("digest") != digest:
            return None
        vectors = np.load(folder / "vectors.npy", allow_pickle=False)
        dense = faiss.read_index(str(folder / "dense.faiss"))
        bm25 = bm25s.BM25.load(str(folder / "bm25"), show_progress=False)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RuntimeError) as exc:
        log.warning("library index %s is unusable (%s); building it again", folder.name, exc)
        return None
    return LibraryIndex(digest, str(meta["model"]), list(meta["keys"]), vectors, dense, bm25)
