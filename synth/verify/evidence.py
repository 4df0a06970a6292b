"""Hybrid evidence retrieval: dense (FAISS) and lexical (BM25) candidates, fused.

A claim's own passage (same document and passage index) and any passage whose text is the
claim's text are never candidates: a sentence cannot be evidence for itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from synth.embed import Embedder
from synth.records import Claim, Document, Evidence, Passage, Stance
from synth.settings import VerifySettings
from synth.verify.index import DenseIndex, load_or_build_index
from synth.verify.lexical import LexicalIndex, to_tokens
from synth.verify.tables import CAPTION_REACH, TableRow, is_caption, is_table_row

# Passages that are never evidence: bibliography entries, author blocks and titles.
NON_EVIDENCE_SECTIONS: frozenset[str] = frozenset({"references", "front", "title"})
MIN_EVIDENCE_TOKENS = 3
# A same-paper passage this close to the claim is the paper repeating itself, not a check.
DUP_COSINE = 0.95
DUP_JACCARD = 0.8

_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Lower-cased text with whitespace collapsed (to recognise a claim's own sentence)."""
    return _SPACE.sub(" ", text).strip().lower()


@dataclass(frozen=True)
class PassageRef:
    """A passage eligible as evidence, with the document it belongs to."""

    doc_id: str
    passage: Passage


@dataclass(frozen=True)
class Candidate:
    """One retrieved passage for one claim."""

    row: int
    cosine: float
    fused: float
    same_document: bool
    near_duplicate: bool


def eligible_passages(documents: list[Document]) -> list[PassageRef]:
    """Every passage that may serve as evidence, in document order."""
    refs = []
    for doc in documents:
        for passage in doc.passages:
            if passage.section_kind in NON_EVIDENCE_SECTIONS:
                continue
            if len(to_tokens(passage.text, stem=False)) < MIN_EVIDENCE_TOKENS:
                continue
            refs.append(PassageRef(doc.doc_id, passage))
    return refs


def rrf_fuse(rankings: list[tuple[np.ndarray, float]], k: int) -> dict[int, float]:
    """Weighted reciprocal rank fusion: sum of weight / (k + rank) over the rankings."""
    fused: dict[int, float] = {}
    for rows, weight in rankings:
        for rank, row in enumerate(rows.tolist(), start=1):
            if row >= 0:
                fused[row] = fused.get(row, 0.0) + weight / (k + rank)
    return fused


@dataclass(frozen=True)
class DenseStats:
    """Mean vector and covariance of the indexed vectors.

    They give the exact mean and standard deviation of a query's cosine over the whole pool
    in O(dim^2), so dense scores can be z-scored without scoring every passage.
    """

    mean: np.ndarray
    cov: np.ndarray

    @classmethod
    def of(cls, vectors: np.ndarray) -> DenseStats:
        """Statistics of a matrix of row vectors."""
        if len(vectors) == 0:
            dim = vectors.shape[1] if vectors.ndim == 2 else 0
            return cls(np.zeros(dim), np.zeros((dim, dim)))
        v = vectors.astype(np.float64)
        mean = v.mean(axis=0)
        centred = v - mean
        return cls(mean, centred.T @ centred / len(v))

    def moments(self, query: np.ndarray) -> tuple[float, float]:
        """(mean, std) of the query's cosine over the pool."""
        q = query.astype(np.float64)
        return float(q @ self.mean), float(np.sqrt(max(q @ self.cov @ q, 0.0)))


def zscore_fuse(
    dense: dict[int, float],
    dense_moments: tuple[float, float],
    lexical: np.ndarray,
    lexical_weight: float,
) -> dict[int, float]:
    """Weighted sum of z-scored cosine and z-scored BM25 for each candidate row.

    Z-scoring puts both scales on "how far above this query's typical passage", which on
    SciFact train beat rank fusion (nDCG@10 0.739 against 0.699 for RRF k=60).
    """
    mu_d, sd_d = dense_moments
    mu_l, sd_l = float(lexical.mean()), float(lexical.std())
    return {
        row: (1 - lexical_weight) * (cos - mu_d) / (sd_d or 1.0)
        + lexical_weight * (float(lexical[row]) - mu_l) / (sd_l or 1.0)
        for row, cos in dense.items()
    }


class EvidencePool:
    """Dense and lexical indexes over the eligible passages of a set of documents."""

    def __init__(
        self,
        documents: list[Document],
        embedder: Embedder,
        settings: VerifySettings,
        cache_dir: Path,
    ) -> None:
        self.settings = settings
        self.refs = eligible_passages(documents)
        self.texts = [r.passage.text for r in self.refs]
        self._titles = {doc.doc_id: doc.work.title for doc in documents}
        self._rows = {(r.doc_id, r.passage.idx): i for i, r in enumerate(self.refs)}
        self._norm = [normalize_text(t) for t in self.texts]
        self._documents: dict[str, str] = {}  # doc_id -> document_text, filled when asked
        self._tables: dict[str, list[TableRow]] = {}  # doc_id -> table_rows, filled when asked
        self._by_doc: dict[str, list[int]] = {}  # doc_id -> its rows, in document order
        for i, ref in enumerate(self.refs):
            self._by_doc.setdefault(ref.doc_id, []).append(i)
        self.dense: DenseIndex = load_or_build_index(
            self.texts, embedder, settings, cache_dir / "index"
        )
        self.vectors = self.dense.reconstruct_all()
        self.dense_stats = DenseStats.of(self.vectors)
        self.lexical = LexicalIndex(self.texts)

    def __len__(self) -> int:
        return len(self.refs)

    def title(self, row: int) -> str:
        """The title of the document a passage belongs to."""
        return self._titles.get(self.refs[row].doc_id, "")

    def document_text(self, row: int) -> str:
        """The title and every evidence passage of the document a passage belongs to."""
        doc_id = self.refs[row].doc_id
        if doc_id not in self._documents:
            texts = [self.texts[i] for i in self._by_doc[doc_id]]
            self._documents[doc_id] = " ".join([self.title(row), *texts])
        return self._documents[doc_id]

    def is_abstract(self, row: int) -> bool:
        """Whether the document a passage belongs to is only an abstract (a paper record
        without its full text): every one of its evidence passages lies in the abstract."""
        rows = self._by_doc[self.refs[row].doc_id]
        return all(self.refs[i].passage.section_kind == "abstract" for i in rows)

    def has_document(self, doc_id: str) -> bool:
        """Whether any passage of the document is in the pool."""
        return doc_id in self._by_doc

    def table_rows(self, doc_id: str) -> list[TableRow]:
        """The document's table rows (``tables.is_table_row``), each with its caption."""
        if doc_id not in self._tables:
            rows = self._by_doc.get(doc_id, [])
            captions = [i for i in rows if is_caption(self.texts[i])]
            out = []
            for i in rows:
                if not is_table_row(self.texts[i]):
                    continue
                idx = self.refs[i].passage.idx
                near = [c for c in captions if abs(self.refs[c].passage.idx - idx) <= CAPTION_REACH]
                caption = min(near, key=lambda c: abs(self.refs[c].passage.idx - idx), default=None)
                out.append(
                    TableRow(i, self.texts[i], "" if caption is None else self.texts[caption])
                )
            self._tables[doc_id] = out
        return self._tables[doc_id]

    def context(self, row: int, width: int = 1) -> str:
        """A passage with up to ``width`` passages of its document on each side."""
        ref = self.refs[row]
        rows = [self._rows.get((ref.doc_id, ref.passage.idx + d)) for d in range(-width, width + 1)]
        return " ".join(self.texts[r] for r in rows if r is not None)

    def window(self, row: int, before: int, after: int, claim: Claim | None = None) -> list[int]:
        """Rows of a passage with up to ``before``/``after`` adjacent evidence passages of its
        document, in document order. A neighbour that is not evidence (the title) or that is
        the claim's own sentence ends the window: a sentence is never evidence for itself."""
        ref = self.refs[row]
        out = [row]
        for step, count in ((-1, before), (1, after)):
            for d in range(1, count + 1):
                nb = self._rows.get((ref.doc_id, ref.passage.idx + step * d))
                if nb is None or (claim is not None and self._is_own(claim, nb)):
                    break
                out.append(nb)
        return sorted(out)

    def _is_own(self, claim: Claim, row: int) -> bool:
        ref = self.refs[row]
        if ref.doc_id == claim.doc_id and ref.passage.idx == claim.passage_idx:
            return True
        return self._norm[row] == normalize_text(claim.text)

    def _near_duplicate(self, claim: Claim, row: int, cosine: float) -> bool:
        if cosine >= DUP_COSINE:
            return True
        ct, pt = set(to_tokens(claim.text)), set(to_tokens(self.texts[row]))
        return bool(ct | pt) and len(ct & pt) / len(ct | pt) >= DUP_JACCARD

    def rank(self, text: str, vec: np.ndarray, n: int) -> list[tuple[int, float, float]]:
        """Fused ranking (row, fused score, cosine) of the union of dense and BM25 top-n."""
        if not self.refs:
            return []
        _, dense_rows = self.dense.search(vec[None, :], n)
        lexical = self.lexical.scores(text)
        top_lex = np.argsort(-lexical, kind="stable")[:n]
        rows = {int(r) for r in dense_rows[0] if r >= 0} | {int(r) for r in top_lex}
        cosines = {r: float(self.vectors[r] @ vec) for r in rows}
        if self.settings.fusion == "rrf":
            by_cos = np.array(sorted(rows, key=lambda r: -cosines[r]))
            fused = rrf_fuse(
                [
                    (by_cos, 1 - self.settings.lexical_weight),
                    (top_lex, self.settings.lexical_weight),
                ],
                self.settings.rrf_k,
            )
        else:
            moments = self.dense_stats.moments(vec)
            fused = zscore_fuse(cosines, moments, lexical, self.settings.lexical_weight)
        ranked = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(row, score, cosines[row]) for row, score in ranked if row in cosines]

    def evidence(
        self,
        cand: Candidate,
        score: float,
        stance: Stance,
        note: str | None = None,
        text: str | None = None,
    ) -> Evidence:
        """A candidate passage as the Evidence record a verdict carries (score clipped to 0..1);
        ``text`` replaces the passage's own when the reading was of a window around it."""
        ref = self.refs[cand.row]
        return Evidence(
            doc_id=ref.doc_id,
            passage_idx=ref.passage.idx,
            page=ref.passage.page,
            text=text if text is not None else ref.passage.text,
            score=round(float(np.clip(score, 0.0, 1.0)), 6),
            same_document=cand.same_document,
            stance=stance,
            note=note,
        )

    def candidates(self, claim: Claim, claim_vec: np.ndarray) -> list[Candidate]:
        """Fused candidates for a claim, best first, without its own passage."""
        want = self.settings.candidates + 2  # room for the claim's own sentence(s)
        out: list[Candidate] = []
        for row, score, cosine in self.rank(claim.text, claim_vec, want):
            if self._is_own(claim, row):
                continue
            same = self.refs[row].doc_id == claim.doc_id
            dup = self._near_duplicate(claim, row, cosine)
            out.append(Candidate(row, cosine, score, same, dup))
            if len(out) >= self.settings.candidates:
                break
        return out
