"""Rank documents by relevance to the research question (dense + lexical, fused).

Rule (also in the README):

* ``dense``   = 0.5 × mean of the 3 best cosines between the question and the document's *head*
  (title and abstract sentences) + 0.5 × mean of the 10 best cosines over its body sentences
  (references, front matter and appendix excluded). Cosines come from the sentence embedder.
* ``lexical`` = share of the question's content words (stop words removed, light stemming) that
  occur in the document's title and abstract.
* ``score``   = 0.75 × clip((dense − 0.15) / 0.50, 0, 1) + 0.25 × lexical, in [0, 1].
  The rescaling maps the cosine range seen for unrelated (≈0.15) to on-topic (≥0.65) text.
* A source is *used* when ``score ≥ ExtractSettings.relevance_threshold`` (default 0.45).
"""

from __future__ import annotations

import numpy as np

from synth.embed import Embedder
from synth.lexical import RELEVANCE, tokens
from synth.records import NON_CLAIM_SECTIONS, Document, Passage, Relevance
from synth.settings import ExtractSettings

DENSE_FLOOR = 0.15
DENSE_SPAN = 0.50
DENSE_WEIGHT = 0.75
HEAD_K = 3
BODY_K = 10
_HEAD_KINDS = frozenset({"abstract"})


def head_passages(doc: Document) -> list[Passage]:
    """The abstract sentences (or, lacking an abstract, the first body sentences)."""
    head = [p for p in doc.passages if p.section_kind in _HEAD_KINDS]
    if head:
        return head
    return [p for p in doc.passages if p.section_kind not in NON_CLAIM_SECTIONS][:8]


def body_passages(doc: Document) -> list[Passage]:
    """Sentences that can bear on the question (no references, front matter or appendix)."""
    return [p for p in doc.passages if p.section_kind not in NON_CLAIM_SECTIONS]


def _top_mean(values: np.ndarray, k: int) -> float:
    if values.size == 0:
        return 0.0
    top = np.sort(values)[::-1][:k]
    return float(top.mean())


def score_lexical(question: str, doc: Document) -> float:
    """Share of the question's content words found in the title and abstract."""
    wanted = set(tokens(question, RELEVANCE))
    if not wanted:
        return 0.0
    head_text = " ".join([doc.work.title, *(p.text for p in head_passages(doc))])
    if doc.work.abstract and not any(p.section_kind == "abstract" for p in doc.passages):
        head_text += " " + doc.work.abstract
    found = wanted & set(tokens(head_text, RELEVANCE))
    return len(found) / len(wanted)


def fuse(dense: float, lexical: float) -> float:
    """Combine the dense cosine and lexical coverage into a [0, 1] relevance score."""
    dense_scaled = min(1.0, max(0.0, (dense - DENSE_FLOOR) / DENSE_SPAN))
    return round(DENSE_WEIGHT * dense_scaled + (1 - DENSE_WEIGHT) * lexical, 4)


def _dense_score(question_vec: np.ndarray, doc: Document, embedder: Embedder) -> float:
    head_texts = [doc.work.title] + [p.text for p in head_passages(doc)]
    if doc.work.abstract and len(head_texts) == 1:
        head_texts.append(doc.work.abstract)
    body_texts = [p.text for p in body_passages(doc)]
    head = embedder.encode(head_texts) @ question_vec
    body = embedder.encode(body_texts) @ question_vec if body_texts else head
    return 0.5 * _top_mean(head, HEAD_K) + 0.5 * _top_mean(body, BODY_K)


def score_relevance(
    question: str, documents: list[Document], embedder: Embedder, settings: ExtractSettings
) -> list[Relevance]:
    """One Relevance per document, in the documents' order."""
    question_vec = embedder.encode([question])[0]
    out: list[Relevance] = []
    for doc in documents:
        dense = _dense_score(question_vec, doc, embedder)
        lexical = score_lexical(question, doc)
        score = fuse(dense, lexical)
        used = score >= settings.relevance_threshold
        reason = (
            ""
            if used
            else f"relevance {score:.2f} is below the threshold {settings.relevance_threshold:.2f}"
        )
        out.append(
            Relevance(
                doc_id=doc.doc_id,
                score=score,
                dense=round(dense, 4),
                lexical=round(lexical, 4),
                used=used,
                reason=reason,
            )
        )
    return out
