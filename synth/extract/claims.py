"""Pick claim sentences: whole, clean sentences that state a finding relevant to the question.

A passage becomes a claim candidate when it

1. lies in a section that may hold claims (not title, front matter, references, appendix,
   acknowledgements),
2. passes the parser's prose test (``prose_filter``: a complete sentence, not table or figure
   debris) and is between ``min_claim_chars`` and ``max_claim_chars`` long,
3. carries at least one *finding cue*: a measured result (a percentage, a factor such as
   "12 times fewer", a number next to a metric word such as "errors" or "accuracy"), a
   comparison ("outperforms", "higher than"), or a stated conclusion ("we show that"),
4. has cosine similarity to the question of at least ``min_claim_relevance``.

Candidates are ranked by

    cosine to the question
    + 0.07 per measured result (at most 3) + 0.02 per other number (at most 2)
    + 0.04 per comparison (at most 3) + 0.03 per conclusion cue (at most 2)
    + 0.05 in an abstract, results, discussion or conclusion section
    − 0.20 when the sentence cites other work (it reports someone else's finding)
    − 0.08 when it describes the paper rather than a result ("In this paper we present ...")
      or looks ahead ("should be further investigated")
    − 0.05 when it leans on context ("This shows ...", "As argued in Section 6")
    − 0.05 when it describes set-up rather than outcome ("We trained ...", "We use ...")

Near-duplicates (cosine ≥ 0.92) are dropped, and at most ``max_claims_per_source`` per source
and ``max_claims`` per report are kept, taking sources in relevance order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from synth.embed import Embedder
from synth.records import NON_CLAIM_SECTIONS, Claim, Document, Passage
from synth.settings import ExtractSettings

_METRIC_WORDS = (
    r"errors?|accuracy|error rate|points?|BLEU|F1|WER|perplexity|pass@\d+|speed-?up|faster|"
    r"slower|fewer|less|more|parameters|latency|throughput|score|gap|improvement"
)
_RESULT = re.compile(
    r"(?<![\w.\[])\d+(?:\.\d+)?\s?(?:%|percent|×|x\b|times\b|-?fold\b|pp\b)"
    r"|(?<![\w.\[])\d+(?:\.\d+)?\s+(?:\w+\s+){0,2}?(?:" + _METRIC_WORDS + r")\b"
    r"|\b(?:" + _METRIC_WORDS + r")\s+(?:of\s+|by\s+|to\s+|from\s+)?\d+(?:\.\d+)?",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<![\w.\[])(?:\d+\.\d+|\d{1,3}(?:,\d{3})+|\d+)(?![\w\]])(?!\.\d)")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_COMPARISON = re.compile(
    r"\b(outperform\w*|better than|worse than|more than|less than|fewer than|compared (?:to|with)"
    r"|improv\w*|reduc\w*|increas\w*|decreas\w*|higher|lower|faster|slower|surpass\w*|exceed\w*"
    r"|comparable|competitive|on par|gains?|drops?|matches|state[- ]of[- ]the[- ]art|smaller"
    r"|larger)\b",
    re.IGNORECASE,
)
_CONCLUSION = re.compile(
    r"\b(we (?:show|find|found|demonstrate|observe|conclude)|(?:results|experiments) "
    r"(?:show|indicate|suggest|demonstrate|confirm)|(?:this|which) (?:shows|suggests|demonstrates)"
    r"|is able to|are able to|can be (?:transferred|distilled|compressed)|achiev\w*|enabl\w*"
    r"|significantly|effective\w*|successful\w*|works? (?:well|better))\b",
    re.IGNORECASE,
)
_LEANS_ON_CONTEXT = re.compile(
    r"^(This|These|That|Those|It|They|Such|Here|Thus|Hence)\b|\b(?:as (?:argued|discussed|shown|"
    r"described|illustrated) in|see) (?:Section|Sec\.|Table|Figure|Fig\.|Appendix)",
    re.IGNORECASE,
)
_SETUP = re.compile(
    r"^(?:We|Each|To train|For (?:the|our) \w+,? we) (?:\w+ )?(?:use|used|train|trained|designed|"
    r"employ|employed|follow|followed|set|chose|choose|tried|adopt|adopted|initiali[sz]e)\b"
)
_CITES_OTHERS = re.compile(
    r"\[\d+(?:[,–-]\s?\d+)*\]|\(\w[^()]*(?:et al\.|,)\s*\d{4}[a-z]?\)"
    r"|\bet al\.?,?\s*\(?\d{4}|\b(?:their|they) (?:\w+ )?(?:paper|work|show|demonstrate)"
    r"|\btheir (?:best|results?|method|model)\b",
    re.IGNORECASE,
)
_META = re.compile(
    r"^(?:In this (?:paper|work|section|survey)|(?:The focus|The goal|The aim) of this)\b"
    r"|\bwe (?:report|present|describe|introduce|evaluate|propose|study|review|discuss|"
    r"summari[sz]e|provide|explore)\b|\b(?:should be (?:further )?(?:investigated|studied|"
    r"explored)|future work|remains? (?:open|unclear)|(?:received|attracted|gained) (?:increasing|"
    r"growing|much|considerable) attention)\b",
    re.IGNORECASE,
)
_BAD_START = re.compile(r"^(Table|Figure|Fig\.|Algorithm|Listing|Eq\.|Equation)\b")
_BONUS_KINDS = frozenset({"abstract", "results", "discussion", "conclusion"})
DUPLICATE_COSINE = 0.92


def count_cues(text: str) -> dict[str, int]:
    """How many result, number, comparison and conclusion cues a sentence carries."""
    bare = _CITES_OTHERS.sub(" ", text)
    results = len(_RESULT.findall(bare))
    numbers = [n for n in _NUMBER.findall(bare) if not _YEAR.match(n)]
    return {
        "result": results,
        "number": max(0, len(numbers) - results),
        "comparison": len(_COMPARISON.findall(bare)),
        "conclusion": len(_CONCLUSION.findall(bare)),
    }


def cue_bonus(cues: dict[str, int]) -> float:
    """The ranking bonus the cues earn (see the module docstring)."""
    return (
        0.07 * min(cues["result"], 3)
        + 0.02 * min(cues["number"], 2)
        + 0.04 * min(cues["comparison"], 3)
        + 0.03 * min(cues["conclusion"], 2)
    )


def claim_kind(cues: dict[str, int]) -> str:
    """The dominant kind of finding: number, comparison, conclusion or finding."""
    if cues["result"]:
        return "number"
    for kind in ("comparison", "conclusion"):
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
    cues = count_cues(text)
    return cues["result"] + cues["comparison"] + cues["conclusion"] > 0


def adjustment(passage: Passage) -> float:
    """Section bonus minus the penalties of the module docstring."""
    value = 0.05 if passage.section_kind in _BONUS_KINDS else 0.0
    if _CITES_OTHERS.search(passage.text):
        value -= 0.20
    if _META.search(passage.text):
        value -= 0.08
    if _LEANS_ON_CONTEXT.search(passage.text):
        value -= 0.05
    if _SETUP.match(passage.text) and not _COMPARISON.search(passage.text):
        value -= 0.05
    return value


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
    for passage, vec, sim in zip(candidates, vecs, sims, strict=True):
        if sim < settings.min_claim_relevance:
            continue
        score = float(sim) + cue_bonus(count_cues(passage.text)) + adjustment(passage)
        ranked.append((score, passage, vec, float(sim)))
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
