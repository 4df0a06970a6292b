"""Pick claim sentences: whole, clean sentences that state a finding relevant to the question.

A passage is a claim candidate when it passes the sentence rules of :mod:`synth.extract.cues`
(section, length, prose, a finding cue, no citation of others, not background, a definition or
a set-up) and is claim-worthy by :mod:`synth.extract.worthiness` (P(finding) ≥
``min_claim_worthiness``). Among candidates:

**Lead source.** The report's most relevant source (the first document handed in: the
pipeline orders them by relevance) is not left unused only because its abstract states its
finding in words no finding cue names ("Pol V transcription requires the chromatin-remodeling
protein DRD1"): when none of its cued sentences is a claim, its best abstract sentence without
a cue, passing the other sentence rules with P(finding) ≥ ``UNCUED_WORTHINESS`` (0.6) and the
claim rule below, is its one claim. Such a sentence never sets the report's best relevance
and adds no further claims. Over 200 SciFact train claims asked of the library (5,183
abstracts and the real PDFs; ``benchmarks/library_recall.py``) the gold abstract used rose
from 147 to 153 and the used sources per question from 3.67 to 3.74; the labelled questions
of ``benchmarks/report_relevance.py`` kept every used source and claim. Admitting uncued
sentences of every passing source instead used 155 gold abstracts, but 4.17 sources a
question: of its 100 added claims 8 came from a gold abstract and most of the rest from
sources the missing claim had rightly kept out ("RecQ helicases are highly conserved from
bacteria to man.").

**Question relevance** (``Claim.relevance``, in [0, 1]) is the sentence's cosine similarity to
the question, averaged (``CONTEXT_WEIGHT`` = 0.5) with the cosine of the sentence read after its
paper's title, and rescaled like the dense part of source relevance:
``clip((cos − 0.15) / 0.50, 0, 1)``, so 0 means "no closer than unrelated text" (cos ≤ 0.15)
and 1 means "as close as an on-topic paraphrase" (cos ≥ 0.65). A candidate is a claim only when
its relevance is at least ``min_claim_relevance`` **and** within ``claim_relevance_margin`` of
the most relevant candidate of the report: a sentence far less related to the question than the
best one bears on something else. That loose margin decides only a source's *best* claim (so
whether a source is used does not hinge on the tighter rule); every further claim of the source
must lie within ``further_claim_margin`` (0.15) of the report's most relevant candidate and reach
P(finding) ≥ ``further_claim_worthiness`` (0.7). On the labelled questions
(``benchmarks/report_relevance.py``) a long paper's lesser sentences, read after its title, stay
within the loose margin though most of them do not answer the question; the two numbers were
chosen on the ``tune`` and ``check`` questions, not on the ``holdout`` ones.

**Result allowance** (:mod:`synth.extract.result_allowance`): a question asking for an amount
lets each on-topic used source add up to ``result_claims_per_source`` measured results that name
the question's terms though their cosine to the question is low.

**Focus.** A question that asks how its subject can be made something ("How can distillation
of a large language model be made *faster* to train?", ``synthesize.coverage.made_property``,
handed in by the pipeline) is answered only by sentences that speak of that property: when any
candidate does, the others are not claims. Hinton et al.'s "distilling works very well for
transferring knowledge from an ensemble ... into a smaller, distilled model" names the
question's subject in its own words and reads as close to the question as KDFlow's "1.44× to
6.36× speedup", but says nothing of speed. When no candidate speaks of the property, the
claims are chosen as for any question (and the answer says that no finding names it).
A question that asks what each of several parts of its subject does ("Do the masked language
model and next sentence prediction objectives *each* add to BERT's accuracy?",
``synthesize.coverage.each_parts``) is focused on sentences that name a part in full or by its
acronym ("removing NSP hurts performance ..."): BERT's sentences on its overall results
("BERT is the first fine-tuning based representation model that achieves state-of-the-art
performance ...") read closer to the question than its ablations but say nothing of either
objective. A "How does X change Y?" question (``synthesize.coverage.cause_aspects``) is
focused on sentences that speak of X, and a question about one kind of outcome only, quality
or cost (:mod:`synth.outcomes`), on sentences that do not measure only the other kind.
``synthesize.coverage.question_focus`` gives the focus of every kind.

Claims are ranked across all sources together, with no per-source quota, by question relevance
plus the cue bonus and section adjustment of :mod:`synth.extract.cues`.

Near-duplicates (cosine ≥ 0.92) are dropped and at most ``max_claims`` per report are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from synth.embed import Embedder
from synth.extract.cues import (
    adjustment,
    claim_kind,
    count_cues,
    cue_bonus,
    has_finding_cue,
    is_candidate,
    states_own_conclusion,
)
from synth.extract.result_allowance import asks_for_extent, is_result_claim, question_terms
from synth.extract.worthiness import (
    OWN_CONCLUSION_WORTHINESS,
    UNCUED_WORTHINESS,
    gate_on,
    worthiness_scores,
)
from synth.records import Claim, Document, Passage
from synth.settings import ExtractSettings

DUPLICATE_COSINE = 0.92
# Share of a claim's question cosine that comes from the sentence read after its paper's title.
CONTEXT_WEIGHT = 0.5
# The same rescaling of cosine as the dense part of source relevance (relevance.py).
RELEVANCE_FLOOR = 0.15
RELEVANCE_SPAN = 0.50


def question_relevance(cosine: float) -> float:
    """A sentence's cosine to the question rescaled to [0, 1] (see the module docstring)."""
    return min(1.0, max(0.0, (cosine - RELEVANCE_FLOOR) / RELEVANCE_SPAN))


class _Candidate(NamedTuple):
    score: float
    relevance: float
    worthiness: float
    doc: Document
    passage: Passage
    vec: np.ndarray
    # The question relevance of the source's closest candidate sentence, claim-worthy or not:
    # how squarely the paper itself addresses the question.
    reach: float = 0.0
    # False for an abstract sentence admitted without a finding cue (``UNCUED_WORTHINESS``):
    # it can only be the claim of a source that has no other.
    cued: bool = True


def _candidates(
    question_vec: np.ndarray,
    doc: Document,
    embedder: Embedder,
    settings: ExtractSettings,
    prose_filter: Callable[[str], bool],
    with_reach: bool = False,
    lead: bool = False,
) -> list[_Candidate]:
    # Only the report's most relevant source (``lead``) may offer uncued abstract sentences.
    uncued = lead and gate_on(embedder, settings) and UNCUED_WORTHINESS <= 1
    passages = [p for p in doc.passages if is_candidate(p, settings, prose_filter, uncued)]
    if not passages:
        return []
    texts = [p.text for p in passages]
    vecs = embedder.encode(texts)
    worth = worthiness_scores(vecs, texts, embedder)
    own = np.array([states_own_conclusion(t) for t in texts], dtype=bool)
    worth = np.where(own, np.maximum(worth, OWN_CONCLUSION_WORTHINESS), worth)
    cued = [has_finding_cue(t) for t in texts]
    bar = max(settings.min_claim_worthiness, UNCUED_WORTHINESS)
    keep = [
        i for i, p in enumerate(worth) if p >= (settings.min_claim_worthiness if cued[i] else bar)
    ]
    if not keep:
        return []
    # A result sentence often names neither the method nor the task ("More than 80% of the
    # improvement ... is transferred to the distilled model"): read in its paper's context
    # (the title before it) it bears on the question as its reader would see it. With
    # ``with_reach`` every candidate is read so, claim-worthy or not, for the paper's reach
    # (``_Candidate.reach``, which only the result allowance reads).
    # Reach reads the cued sentences only, so that the allowance sees what it saw before.
    read = sorted({i for i, c in enumerate(cued) if c} | set(keep)) if with_reach else keep
    contextual = embedder.encode([f"{doc.work.title}. {texts[i]}" for i in read]) @ question_vec
    cosine = (1 - CONTEXT_WEIGHT) * (vecs[read] @ question_vec) + CONTEXT_WEIGHT * contextual
    rels = {i: question_relevance(float(c)) for i, c in zip(read, cosine, strict=True)}
    reach = max((r for i, r in rels.items() if cued[i]), default=0.0)
    out = []
    for i in keep:
        passage, rel = passages[i], rels[i]
        score = rel + cue_bonus(count_cues(passage.text)) + adjustment(passage)
        out.append(_Candidate(score, rel, float(worth[i]), doc, passage, vecs[i], reach, cued[i]))
    return out


def bears_on_question(relevance: float, best: float, settings: ExtractSettings) -> bool:
    """The claim rule: above the absolute floor and within the margin of the best candidate."""
    return relevance >= settings.min_claim_relevance and (
        relevance >= best - settings.claim_relevance_margin
    )


def is_further_claim(
    relevance: float, worthiness: float, best: float, settings: ExtractSettings
) -> bool:
    """Whether a source's claim after its best one is close enough to the question to keep."""
    gate_on = settings.min_claim_worthiness > 0
    return relevance >= best - settings.further_claim_margin and (
        not gate_on or worthiness >= settings.further_claim_worthiness
    )


def _bearing(
    pool: list[_Candidate], settings: ExtractSettings, terms: frozenset[str] = frozenset()
) -> list[_Candidate]:
    # Claims are judged against the report's own best candidate (the rule of the module
    # docstring): a source's best claim by the loose margin, so that whether a source is used
    # does not hinge on the tight one; every further claim by the tight margin, or, up to
    # result_claims_per_source of them, by the result allowance. Uncued abstract sentences
    # (the lead source's only) neither set the best nor add claims: they only give the lead
    # source, when it has no claim, its one.
    uncued = [c for c in pool if not c.cued]
    pool = [c for c in pool if c.cued]
    chosen = _cued_bearing(pool, settings, terms)
    best = max((c.relevance for c in pool or uncued), default=0.0)
    with_claims = {c.doc.doc_id for c in chosen}
    for cand in sorted(uncued, key=lambda c: (-c.score, c.passage.idx)):
        doc_id = cand.doc.doc_id
        if doc_id not in with_claims and bears_on_question(cand.relevance, best, settings):
            chosen.append(cand)
            with_claims.add(doc_id)
    chosen.sort(key=lambda c: (-c.score, c.passage.idx))
    return chosen


def _cued_bearing(
    pool: list[_Candidate], settings: ExtractSettings, terms: frozenset[str]
) -> list[_Candidate]:
    best = max((c.relevance for c in pool), default=0.0)
    kept = [c for c in pool if bears_on_question(c.relevance, best, settings)]
    kept.sort(key=lambda c: (-c.score, c.passage.idx))
    firsts: dict[str, _Candidate] = {}
    for cand in kept:
        firsts.setdefault(cand.doc.doc_id, cand)
    chosen = [
        c
        for c in kept
        if firsts[c.doc.doc_id] is c or is_further_claim(c.relevance, c.worthiness, best, settings)
    ]
    if not terms:
        return chosen
    # The allowance is for on-topic papers: a source somewhere as close to the question as the
    # tight margin asks of a further claim.
    reach = max((c.reach for c in pool), default=0.0)
    on_topic = {c.doc.doc_id for c in pool if c.reach >= reach - settings.further_claim_margin}
    taken = {id(c) for c in chosen}
    allowance = {d: settings.result_claims_per_source for d in firsts if d in on_topic}
    for cand in sorted(pool, key=lambda c: (-c.score, c.passage.idx)):
        doc_id = cand.doc.doc_id
        if id(cand) in taken or allowance.get(doc_id, 0) <= 0:
            continue
        if is_result_claim(cand.passage, cand.relevance, cand.worthiness, terms, settings):
            chosen.append(cand)
            allowance[doc_id] -= 1
    chosen.sort(key=lambda c: (-c.score, c.passage.idx))
    return chosen


def _select(ranked: list[_Candidate], limit: int) -> list[_Candidate]:
    # Each source's best claim first, so that whether a source is used does not hinge on the
    # report-wide cap; then the rest by rank.
    firsts: dict[str, _Candidate] = {}
    for cand in ranked:
        firsts.setdefault(cand.doc.doc_id, cand)
    order = list(firsts.values()) + [c for c in ranked if firsts[c.doc.doc_id] is not c]
    chosen: list[_Candidate] = []
    for cand in order:
        if len(chosen) >= limit:
            break
        if any(float(cand.vec @ other.vec) >= DUPLICATE_COSINE for other in chosen):
            continue
        chosen.append(cand)
    return chosen


def extract_claims(
    question: str,
    documents: Sequence[Document],
    embedder: Embedder,
    settings: ExtractSettings,
    prose_filter: Callable[[str], bool],
    focus: Callable[[str], bool] | None = None,
) -> list[Claim]:
    """Claims bearing on the question from the given (passing) documents, in relevance order.

    ``documents`` come most relevant first (the pipeline's order): the first is the report's
    lead source, which may take an uncued abstract sentence as its claim when it has no other.
    ``focus``: whether a sentence speaks to what the question asks its subject to become (the
    rule of the module docstring); None for a question that asks no such thing.
    """
    question_vec = embedder.encode([question])[0]
    # The result allowance serves questions that ask for an amount; others keep the margins.
    extent = asks_for_extent(question) and settings.result_claims_per_source > 0
    terms = question_terms(question) if extent else frozenset()
    pool = [
        c
        for i, doc in enumerate(documents)
        for c in _candidates(question_vec, doc, embedder, settings, prose_filter, extent, i == 0)
    ]
    if focus is not None:
        pool = [c for c in pool if focus(c.passage.text)] or pool
    picked = _select(_bearing(pool, settings, terms), settings.max_claims)
    order = {doc.doc_id: i for i, doc in enumerate(documents)}
    picked.sort(key=lambda c: (order[c.doc.doc_id], c.passage.char_start))
    return [
        Claim(
            claim_id=f"C{n}",
            text=c.passage.text,
            doc_id=c.doc.doc_id,
            passage_idx=c.passage.idx,
            page=c.passage.page,
            section=c.passage.section,
            char_start=c.passage.char_start,
            char_end=c.passage.char_end,
            relevance=round(c.relevance, 4),
            kind=claim_kind(count_cues(c.passage.text)),
        )
        for n, c in enumerate(picked, start=1)
    ]
