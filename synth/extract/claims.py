"""Pick claim sentences: whole, clean sentences that state a finding relevant to the question.

A passage becomes a claim candidate when it

1. lies in a section that may hold claims (not title, front matter, references, appendix,
   acknowledgements),
2. passes the parser's prose test (``prose_filter``: a complete sentence, not table or figure
   debris) and is between ``min_claim_chars`` and ``max_claim_chars`` long,
3. carries at least one *finding cue*: a measured number, a comparison, or a stated conclusion,
4. has cosine similarity to the question of at least ``min_claim_relevance``.

Candidates are ranked by ``relevance + 0.05 × cues − penalties`` (penalties for sentences that
lean on context, like "This shows ...", and for background sentences that cite other work);
near-duplicates (cosine ≥ 0.92) are dropped, and at most ``max_claims_per_source`` per source
and ``max_claims`` per report are kept, taking sources in relevance order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from synth.embed import Embedder
from synth.records import NON_CLAIM_SECTIONS, Claim, Document, Passage
from synth.settings import ExtractSettings

_NUMBER = re.compile(
    r"(?<![\w.\[])(\d+(?:\.\d+)?\s?(?:%|percent|×|x\b|times|points?|pp\b|ms\b|s\b|[kKMB]\b)"
    r"|\d+\.\d+|\d{1,3}(?:,\d{3})+)"
)
_COMPARISON = re.compile(
    r"\b(outperform\w*|better than|worse than|more than|less than|fewer than|compared (?:to|with)"
    r"|improv\w*|reduc\w*|increas\w*|decreas\w*|higher|lower|faster|slower|surpass\w*|exceed\w*"
    r"|comparable|competitive|on par|gains?|drops?|matches|state[- ]of[- ]the[- ]art|smaller|larger)\b",
    re.IGNORECASE,
)
_CONCLUSION = re.compile(
    r"\b(we (?:show|find|found|demonstrate|observe|conclude|report)|(?:results|experiments) "
    r"(?:show|indicate|suggest|demonstrate|confirm)|(?:this|which) (?:shows|suggests|demonstrates)"
    r"|is able to|are able to|can be (?:transferred|distilled|compressed)|achiev\w*|enabl\w*"
    r"|significantly|effective\w*|successful\w*|works? (?:well|better))\b",
    re.IGNORECASE,
)
_LEANS_ON_CONTEXT = re.compile(r"^(This|These|That|Those|It|They|Such|Here|Thus|Hence)\b")
_CITES_OTHERS = re.compile(r"\[\d+(?:[,–-]\s?\d+)*\]|\(\w[^()]*(?:et al\.|,)\s*\d{4}[a-z]?\)")
_BAD_START = re.compile(r"^(Table|Figure|Fig\.|Algorithm|Listing|Eq\.|Equation)\b")
_BACKGROUND_KINDS = frozenset({"introduction", "background"})
DUPLICATE_COSINE = 0.92


def count_cues(text: str) -> dict[str, int]:
    """How many number, comparison and conclusion cues a sentence carries."""
    return {
        "number": len(_NUMBER.findall(text)),
        "comparison": len(_COMPARISON.findall(text)),
        "conclusion": len(_CONCLUSION.findall(text)),
    }


def claim_kind(cues: dict[str, int]) -> str:
    """The dominant kind of finding: number, comparison, conclusion or finding."""
    for kind in ("number", "comparison", "conclusion"):
        if cues[kind]:
            return kind
    return "finding"


def is_candidate(
    passage: Passage, settings: ExtractSettings, prose_filter: Callable[[str], bool]
) -> bool:
    """Whether a passage may be a claim at all (section, length, prose, cue)."""
    text = passage.text
    if passage.section_kind in NON_CLAIM_SECTIONS:
        return False
    if not settings.min_claim_chars <= len(text) <= settings.max_claim_chars:
        return False
    if _BAD_START.match(text) or text.endswith("?") or not prose_filter(text):
        return False
    return sum(count_cues(text).values()) > 0


def _penalty(passage: Passage) -> float:
    penalty = 0.0
    if _LEANS_ON_CONTEXT.match(passage.text):
        penalty += 0.05
    if passage.section_kind in _BACKGROUND_KINDS and _CITES_OTHERS.search(passage.text):
        penalty += 0.08
    return penalty


def _rank_document(
    question_vec: np.ndarray,
    doc: Document,
    embedder: Embedder,
    settings: ExtractSettings,
    prose_filter: Callable[[str], bool],
) -> list[tuple[float, Passage, np.ndarray, float]]:
    candidates = [p for p in doc.passages if is_candidate(p, settings, prose_filter)]
    if not candidates:
        return []
    vecs = embedder.encode([p.text for p in candidates])
    sims = vecs @ question_vec
    ranked = []
    for passage, vec, sim in zip(candidates, vecs, sims):
        if sim < settings.min_claim_relevance:
            continue
        cues = min(sum(count_cues(passage.text).values()), 4)
        ranked.append((float(sim) + 0.05 * cues - _penalty(passage), passage, vec, float(sim)))
    ranked.sort(key=lambda item: (-item[0], item[1].idx))
    return ranked


def _select(
    ranked: list[tuple[float, Passage, np.ndarray, float]],
    kept_vecs: list[np.ndarray],
    limit: int,
) -> list[tuple[Passage, float]]:
    chosen: list[tuple[Passage, float]] = []
    for _, passage, vec, sim in ranked:
        if len(chosen) >= limit:
            break
        if any(float(vec @ other) >= DUPLICATE_COSINE for other in kept_vecs):
            continue
        kept_vecs.append(vec)
        chosen.append((passage, sim))
    return chosen


def extract_claims(
    question: str,
    documents: Sequence[Document],
    embedder: Embedder,
    settings: ExtractSettings,
    prose_filter: Callable[[str], bool],
) -> list[Claim]:
    """Claims from the given (used) documents, which come in relevance order."""
    question_vec = embedder.encode([question])[0]
    kept_vecs: list[np.ndarray] = []
    picked: list[tuple[Document, Passage, float]] = []
    for doc in documents:
        ranked = _rank_document(question_vec, doc, embedder, settings, prose_filter)
        room = min(settings.max_claims_per_source, settings.max_claims - len(picked))
        if room <= 0:
            break
        picked.extend((doc, p, sim) for p, sim in _select(ranked, kept_vecs, room))
    order = {doc.doc_id: i for i, doc in enumerate(documents)}
    picked.sort(key=lambda item: (order[item[0].doc_id], item[1].char_start))
    return [
        Claim(
            claim_id=f"C{n}",
            text=passage.text,
            doc_id=doc.doc_id,
            passage_idx=passage.idx,
            page=passage.page,
            section=passage.section,
            char_start=passage.char_start,
            char_end=passage.char_end,
            relevance=round(sim, 4),
            kind=claim_kind(count_cues(passage.text)),
        )
        for n, (doc, passage, sim) in enumerate(picked, start=1)
    ]
