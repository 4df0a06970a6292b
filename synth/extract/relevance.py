"""Rank documents by relevance to the research question (dense + lexical, fused).

Rule (also in the README):

* ``dense``   = 0.5 × mean of the 3 best cosines between the question and the document's *head*
  (title and abstract sentences) + 0.5 × mean of the 10 best cosines over its body sentences
  (references, front matter and appendix excluded). Cosines come from the sentence embedder.
* ``lexical`` = the question's content words (stop words removed, light stemming) found in the
  document's title and abstract, each weighted by how rare it is among the heads of the
  candidate sources (``log((N + 1) / (df + 1))``), as a share of the total weight. A word every
  candidate has ("model", "risk") tells the candidates apart less than one that few have
  ("bladder", "tokenizer"). A single document is weighted plainly (every word counts 1).
* ``score``   = 0.5 × clip((dense − 0.15) / 0.50, 0, 1) + 0.5 × lexical, in [0, 1].
  The rescaling maps the cosine range seen for unrelated (≈0.15) to on-topic (≥0.65) text.
* A source *passes* when its score is at least ``relevance_threshold`` (an absolute floor,
  default 0.30) **and** within ``relevance_margin`` (default 0.35) of the best source's score
  for the same question: relevance is judged against the question's own score distribution,
  so a corpus where every paper is on topic keeps them all and one where a single paper is
  on topic keeps that one, without one fixed cut serving both.
* A passing source must also speak to the question's **key aspect**. The question's aspects
  (its named things and terms, ``synthesize.coverage.question_aspects``, handed in by the
  pipeline) are each taken out of the question in turn; a head sentence *engages* an aspect by
  how much closer it is to the whole question than to the question without that aspect
  (cosine difference), a source by its best head sentence. The key aspect is the one the
  passing sources engage most; a source that engages it less than ``aspect_engagement_ratio``
  (default 0.2) × the best source's engagement does not pass: a bladder-cancer question's
  smoking-and-lung-cancer paper speaks to "cigarette smoking" but not to "bladder cancer".
* A passing source is *used* only when it also contributes a claim
  (``mark_sources_without_claims``, after extraction). Every unused source keeps a one-line
  reason with the numbers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from synth.embed import Embedder
from synth.lexical import RELEVANCE, tokens
from synth.records import NON_CLAIM_SECTIONS, Claim, Document, Passage, Relevance
from synth.settings import ExtractSettings

DENSE_FLOOR = 0.15
DENSE_SPAN = 0.50
DENSE_WEIGHT = 0.5
HEAD_K = 3
BODY_K = 10
_HEAD_KINDS = frozenset({"abstract"})
NO_CLAIM_REASON = "no sentence states a finding relevant to the question"


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


def head_terms(doc: Document) -> set[str]:
    """Content words of the title and abstract."""
    head_text = " ".join([doc.work.title, *(p.text for p in head_passages(doc))])
    if doc.work.abstract and not any(p.section_kind == "abstract" for p in doc.passages):
        head_text += " " + doc.work.abstract
    return set(tokens(head_text, RELEVANCE))


def build_term_weights(question: str, heads: list[set[str]]) -> dict[str, float]:
    """Weight of each question word: its rarity among the candidates' heads (1 each when N ≤ 1)."""
    wanted = set(tokens(question, RELEVANCE))
    n = len(heads)
    if n <= 1:
        return dict.fromkeys(wanted, 1.0)
    return {t: math.log((n + 1) / (1 + sum(t in h for h in heads))) for t in wanted}


def score_lexical(question: str, doc: Document, weights: dict[str, float] | None = None) -> float:
    """Weighted share of the question's content words found in the title and abstract."""
    weights = weights if weights is not None else build_term_weights(question, [head_terms(doc)])
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    found = head_terms(doc)
    return sum(w for t, w in weights.items() if t in found) / total


def fuse(dense: float, lexical: float) -> float:
    """Combine the dense cosine and lexical coverage into a [0, 1] relevance score."""
    dense_scaled = min(1.0, max(0.0, (dense - DENSE_FLOOR) / DENSE_SPAN))
    return round(DENSE_WEIGHT * dense_scaled + (1 - DENSE_WEIGHT) * lexical, 4)


def _head_vectors(doc: Document, embedder: Embedder) -> np.ndarray:
    head_texts = [doc.work.title] + [p.text for p in head_passages(doc)]
    if doc.work.abstract and len(head_texts) == 1:
        head_texts.append(doc.work.abstract)
    return embedder.encode(head_texts)


def _dense_score(
    question_vec: np.ndarray, head_vecs: np.ndarray, doc: Document, embedder: Embedder
) -> float:
    body_texts = [p.text for p in body_passages(doc)]
    head = head_vecs @ question_vec
    body = embedder.encode(body_texts) @ question_vec if body_texts else head
    return 0.5 * _top_mean(head, HEAD_K) + 0.5 * _top_mean(body, BODY_K)


def without_aspect(question: str, aspect: str) -> str:
    """The question with one aspect's words taken out (a possessive "'s" between them allowed)."""
    joint = r"(?:['\u2019]s)?\s+"
    pattern = r"\b" + joint.join(re.escape(w) for w in aspect.split()) + r"(?:['\u2019]s)?\b"
    return re.sub(pattern, " ", question, count=1, flags=re.IGNORECASE)


def aspect_engagement(
    question_vec: np.ndarray, ablated_vecs: np.ndarray, head_vecs: np.ndarray
) -> np.ndarray:
    """Per aspect, how much closer the best head sentence is to the question than to the
    question without that aspect."""
    if not len(ablated_vecs) or not len(head_vecs):
        return np.zeros(len(ablated_vecs))
    gain = (head_vecs @ question_vec)[:, None] - head_vecs @ ablated_vecs.T
    engaged: np.ndarray = gain.max(axis=0)
    return engaged


def key_aspect_reasons(
    aspects: Sequence[str], engagement: list[np.ndarray], passing: list[bool], ratio: float
) -> list[str]:
    """Per source, why it misses the key aspect (empty when it does not, or is not passing)."""
    out = [""] * len(engagement)
    pool = [e for e, ok in zip(engagement, passing, strict=True) if ok]
    if not aspects or ratio <= 0 or not pool:
        return out
    best = np.max(np.stack(pool), axis=0)
    key = int(np.argmax(best))
    if best[key] <= 0:
        return out
    for i, (e, ok) in enumerate(zip(engagement, passing, strict=True)):
        if ok and e[key] < ratio * best[key]:
            out[i] = (
                f"it does not address '{aspects[key]}' as the best sources do (engagement "
                f"{e[key]:.2f} < {ratio:.2f} × {best[key]:.2f})"
            )
    return out


def passing_reason(score: float, best: float, settings: ExtractSettings) -> str:
    """Empty when a score passes the relative rule, else why not (one line, with numbers)."""
    if score < settings.relevance_threshold:
        return f"relevance {score:.2f} is below the floor {settings.relevance_threshold:.2f}"
    if score < best - settings.relevance_margin:
        return (
            f"relevance {score:.2f} is more than {settings.relevance_margin:.2f} below the "
            f"best source's {best:.2f}"
        )
    return ""


def score_relevance(
    question: str,
    documents: list[Document],
    embedder: Embedder,
    settings: ExtractSettings,
    aspects: Sequence[str] = (),
) -> list[Relevance]:
    """One Relevance per document, in the documents' order, passing by the relative rules."""
    question_vec = embedder.encode([question])[0]
    weights = build_term_weights(question, [head_terms(d) for d in documents])
    heads = [_head_vectors(doc, embedder) for doc in documents]
    parts = [
        (_dense_score(question_vec, head, doc, embedder), score_lexical(question, doc, weights))
        for doc, head in zip(documents, heads, strict=True)
    ]
    scores = [fuse(dense, lexical) for dense, lexical in parts]
    best = max(scores, default=0.0)
    reasons = [passing_reason(score, best, settings) for score in scores]
    ablated = (
        embedder.encode([without_aspect(question, a) for a in aspects])
        if aspects
        else np.zeros((0, question_vec.size))
    )
    engagement = [aspect_engagement(question_vec, ablated, h) for h in heads]
    missed = key_aspect_reasons(
        aspects, engagement, [not r for r in reasons], settings.aspect_engagement_ratio
    )
    out: list[Relevance] = []
    for doc, (dense, lexical), score, first, miss in zip(
        documents, parts, scores, reasons, missed, strict=True
    ):
        reason = first or miss
        out.append(
            Relevance(
                doc_id=doc.doc_id,
                score=score,
                dense=round(dense, 4),
                lexical=round(lexical, 4),
                used=not reason,
                reason=reason,
            )
        )
    return out


def mark_sources_without_claims(relevance: list[Relevance], claims: list[Claim]) -> list[Relevance]:
    """Passing sources that gave no claim become unused, with the reason."""
    with_claims = {c.doc_id for c in claims}
    return [
        r.model_copy(
            update={"used": False, "reason": f"{NO_CLAIM_REASON} (relevance {r.score:.2f})"}
        )
        if r.used and r.doc_id not in with_claims
        else r
        for r in relevance
    ]
