"""Findings: claims of one or more sources that state the same result, grouped by meaning.

Grouping. Two claims *state the same result* when either

* their embeddings' cosine is at least ``SynthesizeSettings.group_cosine`` and their quantities
  do not conflict (they conflict when some pair has the same kind and unit, e.g. both a
  percentage, and no such pair agrees within the precision written), or
* they state the same quantity of the same thing: a quantity with a unit agreeing within the
  precision written ("10.4 times" and "10.4 times") and a content word in common among the
  words that name what each measures (``quantities.measured_words``: three content words on
  either side, "fewer parameters", "less parameters").

Groups are complete-link: starting from single claims, the two groups whose least similar
pair of claims is the most similar are merged, as long as every claim of one states the same
result as every claim of the other; so no chain of near neighbours drifts from one result to
another. A group's representative, whose text is the statement, is its first claim in this
order: supported before unverified before contradicted, then claims that state the result on
their own before those that point back to a sentence not shown ("It also exceeds ..."), then
claims carrying a quantity with a unit before those without, then by relevance plus confidence
(highest first), then report order.
A contradicted claim therefore represents a finding only when no better claim states it.

Sources. ``reported_by`` are the distinct documents of the finding's claims; ``corroborated_by``
the other documents whose passages the verifier read as supporting one of those claims (stance
"supports", ``same_document`` false); ``contrasted_by`` the documents of passages read as
contradicting one of its claims, and of its ``contrasting_claims``: claims outside the finding
whose passage is such a contradicting passage, whose own verdict cites one of the finding's
claims as contradicting, or that come from another source, are this similar (cosine at least
``group_cosine``) and conflict in quantities.

Strength. With ``w`` = 1 for a supported claim, ``UNVERIFIED_WEIGHT`` for an unverified one and
``CONTRADICTED_WEIGHT`` for a contradicted one, ``c`` the highest ``w × confidence`` over the
finding's claims, ``n`` the number of distinct documents in ``reported_by`` plus
``corroborated_by`` and ``k`` the number in ``contrasted_by``::

    strength = c × (1 − 0.5 ** n) / (1 + k)

so one source gives at most half of ``c``, two three quarters, three seven eighths: a paper
repeating itself counts once, independent sources count more, and each contrasting source halves,
thirds, ... what is left. Rounded to three decimals.

Bearing. A finding *speaks to* an aspect of the question (``coverage.question_aspects``) when
its claims' text together with the passages the verifier read for them mentions it (the rule of
``coverage.uncovered_aspects``): FitNets' "a deep student network with 10.4 times less
parameters outperforms a larger teacher network" speaks to "large teacher network". A claim's
cosine to the question can be high for a sentence about something else in the same field (a
framework's FP8 loss curves, for a question on what a student learns from its teacher); one
that speaks to no part of the question is off it. An off-question finding the verifier does not
support is left out; a supported one is kept, after every finding that speaks to the question.

Order. Findings are sorted by whether they speak to the question (those that do first), then by
``relevance × (1 + strength)`` (highest first), then strength, then the report position of their
first claim; ids F1, F2, ... follow that order, and at most ``max_findings`` are kept. A
question asking how far ("To what extent ...", see :func:`synth.synthesize.answer.question_form`)
needs a number: when no kept finding's statement carries a quantity, the first one further down
whose statement does (and that the evidence does not contradict) takes the last place; so
does the first quantified one that names a thing the question names ("HumanEval", "FP8") when
no kept finding names any.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from synth.embed import Embedder
from synth.quantities import Quantity, measured_words, parse_quantities
from synth.records import Claim, Finding, FindingQuantity, Verdict
from synth.settings import SynthesizeSettings
from synth.synthesize.answer import leans_back, question_form, readable_statement, unnamed_by
from synth.synthesize.coverage import named_aspects, speaks_to_any, speaks_to_question

__all__ = [
    "CONTRADICTED_WEIGHT",
    "UNVERIFIED_WEIGHT",
    "group_findings",
    "key_quantities",
    "score_strength",
]

UNVERIFIED_WEIGHT = 0.25
CONTRADICTED_WEIGHT = 0.1
_WEIGHT = {"supported": 1.0, "unverified": UNVERIFIED_WEIGHT, "contradicted": CONTRADICTED_WEIGHT}
_AFTER_NAME = re.compile(r"\b[A-Z][\w-]*\s$")
_RANK = {"supported": 0, "unverified": 1, "contradicted": 2}


@dataclass(frozen=True)
class _Item:
    """One claim with its verdict, its key quantities and the words that name them."""

    index: int
    claim: Claim
    verdict: Verdict
    quantities: tuple[Quantity, ...]
    things: tuple[frozenset[str], ...]


def key_quantities(text: str) -> list[Quantity]:
    """The quantities of a text that carry a unit (years and references are never read)."""
    # A bare number says nothing a reader can compare; a count right after a name is a label
    # ("FitNet 1 cut the error" names a model, it does not count cuts).
    # A count spelled in words ("three main points", "two stages") structures a text; it is
    # not a measured result.
    return [
        q
        for q in parse_quantities(text)
        if q.unit
        and not (q.kind == "count" and _AFTER_NAME.search(text[: q.start]))
        and not (q.kind == "count" and not any(ch.isdigit() for ch in q.raw))
    ]


def _item(index: int, claim: Claim, verdict: Verdict | None) -> _Item:
    qs = tuple(key_quantities(claim.text))
    return _Item(
        index=index,
        claim=claim,
        verdict=verdict or Verdict(claim_id=claim.claim_id, label="unverified", confidence=0.0),
        quantities=qs,
        things=tuple(measured_words(claim.text, q) for q in qs),
    )


def _same_value(a: Quantity, b: Quantity) -> bool:
    if (a.kind, a.unit) != (b.kind, b.unit):
        return False
    # Agreement within the coarser of the two precisions written ("10" and "10.4" agree).
    step = 0.5 * 10.0 ** -min(a.decimals, b.decimals)
    return abs(a.value - b.value) <= step + 1e-9 * max(1.0, abs(a.value))


def _conflict(a: _Item, b: _Item) -> bool:
    pairs = [
        (x, y) for x in a.quantities for y in b.quantities if (x.kind, x.unit) == (y.kind, y.unit)
    ]
    return bool(pairs) and not any(_same_value(x, y) for x, y in pairs)


def _same_quantity(a: _Item, b: _Item) -> bool:
    return any(
        _same_value(x, y) and bool(tx & ty)
        for x, tx in zip(a.quantities, a.things, strict=True)
        for y, ty in zip(b.quantities, b.things, strict=True)
    )


def _priority(item: _Item) -> tuple[int, bool, bool, float, int]:
    score = item.claim.relevance + item.verdict.confidence
    # A statement that points back ("It also exceeds PaSa-GPT-4o by 30.36% ...") reads as
    # nothing in a table row of its own; a claim of the group that says the same result whole
    # states the finding.
    back = leans_back(item.claim.text)
    return _RANK[item.verdict.label], back, not item.quantities, -score, item.index


def _links(items: list[_Item], sim: np.ndarray, threshold: float) -> np.ndarray:
    """Which pairs of claims state the same result (the rule of the module docstring)."""
    n = len(items)
    linked = np.eye(n, dtype=bool)
    for a in items:
        for b in items[a.index + 1 :]:
            meaning = sim[a.index, b.index] >= threshold and not _conflict(a, b)
            linked[a.index, b.index] = linked[b.index, a.index] = meaning or _same_quantity(a, b)
    return linked


def _groups(items: list[_Item], sim: np.ndarray, threshold: float) -> list[list[_Item]]:
    """Complete-link groups: every two claims of a group state the same result."""
    linked = _links(items, sim, threshold)
    closest = np.where(linked, sim, -np.inf)  # the least similar pair between two groups
    np.fill_diagonal(closest, -np.inf)
    members: dict[int, list[int]] = {i: [i] for i in range(len(items))}
    while True:
        flat = int(np.argmax(closest))
        a, b = sorted(divmod(flat, len(items)))
        if not np.isfinite(closest[a, b]):
            break
        members[a] += members.pop(b)
        # Complete link: a merged group links only where both parts did, at their worse cosine.
        closest[a, :] = np.minimum(closest[a, :], closest[b, :])
        closest[:, a] = closest[a, :]
        closest[a, a] = -np.inf
        closest[b, :] = closest[:, b] = -np.inf
    return [sorted((items[i] for i in group), key=_priority) for group in members.values()]


def _contrasts(items: list[_Item], sim: np.ndarray, threshold: float) -> set[tuple[int, int]]:
    """Symmetric pairs of claims that contradict or contrast with each other."""
    at = {(it.claim.doc_id, it.claim.passage_idx): it.index for it in items}
    pairs: set[tuple[int, int]] = set()
    for it in items:
        for ev in it.verdict.evidence:
            other = at.get((ev.doc_id, ev.passage_idx))
            if ev.stance == "contradicts" and other is not None and other != it.index:
                pairs |= {(it.index, other), (other, it.index)}
    for a in items:
        for b in items:
            if (
                a.claim.doc_id != b.claim.doc_id
                and sim[a.index, b.index] >= threshold
                and _conflict(a, b)
            ):
                pairs.add((a.index, b.index))
    return pairs


def score_strength(confidence: float, sources: int, contrasting: int) -> float:
    """The strength rule of the module docstring, from c, n and k."""
    return round(confidence * (1.0 - 0.5**sources) / (1 + contrasting), 3)


def _quantities(group: list[_Item]) -> list[FindingQuantity]:
    seen: set[tuple[str, float]] = set()
    out: list[FindingQuantity] = []
    for it in group:
        for q in it.quantities:
            if (q.unit, q.value) not in seen:
                seen.add((q.unit, q.value))
                out.append(
                    FindingQuantity(
                        raw=q.raw, value=q.value, unit=q.unit, claim_id=it.claim.claim_id
                    )
                )
    return out


def _finding(group: list[_Item], items: list[_Item], pairs: set[tuple[int, int]]) -> Finding:
    """One finding (id left blank) from its group, representative first."""
    rep = group[0]
    members = {it.index for it in group}
    reported = list(dict.fromkeys(it.claim.doc_id for it in group))
    evidence = [ev for it in group for ev in it.verdict.evidence]
    corroborated = list(
        dict.fromkeys(
            ev.doc_id
            for ev in evidence
            if ev.stance == "supports" and not ev.same_document and ev.doc_id not in reported
        )
    )
    contrasting = sorted({j for i, j in pairs if i in members and j not in members})
    contrasted = list(
        dict.fromkeys(
            [ev.doc_id for ev in evidence if ev.stance == "contradicts"]
            + [items[j].claim.doc_id for j in contrasting]
        )
    )
    best = max(_WEIGHT[it.verdict.label] * it.verdict.confidence for it in group)
    return Finding(
        finding_id="",
        # A supported "It also exceeds ... by 30.36%" keeps the verdict; a member saying the
        # same result whole gives the words.
        statement=readable_statement(rep.claim.text, [it.claim.text for it in group]),
        representative=rep.claim.claim_id,
        claims=[it.claim.claim_id for it in sorted(group, key=lambda it: it.index)],
        reported_by=reported,
        corroborated_by=corroborated,
        contrasted_by=contrasted,
        contrasting_claims=[items[j].claim.claim_id for j in contrasting],
        quantities=_quantities(group),
        relevance=min(1.0, max(0.0, max(it.claim.relevance for it in group))),
        strength=score_strength(best, len(reported) + len(corroborated), len(contrasted)),
        verdict=rep.verdict.label,
    )


def _order_key(finding: Finding, first: int, on_question: bool) -> tuple[bool, float, float, int]:
    return not on_question, -finding.relevance * (1.0 + finding.strength), -finding.strength, first


def _speaks_to_question(question: str, group: list[_Item]) -> bool:
    """Whether the group's claims, read with their evidence, mention a part of the question."""
    # One text: the claim and the passages read for it are the finding as a reader meets it.
    text = " ".join(
        [it.claim.text for it in group] + [ev.text for it in group for ev in it.verdict.evidence]
    )
    return speaks_to_question(question, text)


def group_findings(
    question: str,
    claims: list[Claim],
    verdicts: list[Verdict],
    embedder: Embedder,
    settings: SynthesizeSettings,
) -> list[Finding]:
    """Group claims across sources into findings, strongest and most relevant first."""
    if not claims:
        return []
    by_claim = {v.claim_id: v for v in verdicts}
    items = [_item(i, c, by_claim.get(c.claim_id)) for i, c in enumerate(claims)]
    vectors = embedder.encode([c.text for c in claims])
    sim = np.asarray(vectors @ vectors.T, dtype=np.float64)
    pairs = _contrasts(items, sim, settings.group_cosine)
    groups = _groups(items, sim, settings.group_cosine)
    scored = [
        (_finding(g, items, pairs), min(it.index for it in g), _speaks_to_question(question, g))
        for g in groups
    ]
    ranked = sorted(
        (t for t in scored if t[2] or t[0].verdict == "supported"),
        key=lambda t: _order_key(*t),
    )
    kept = _keep(question, [f for f, _, _ in ranked], settings.max_findings)
    return [f.model_copy(update={"finding_id": f"F{n}"}) for n, f in enumerate(kept, start=1)]


def _keep(question: str, ranked: list[Finding], limit: int) -> list[Finding]:
    """The first ``limit`` findings, with a quantified one last if an extent question needs it:
    one that names what the question names ("HumanEval") when no kept finding does, else any
    quantified one when none is kept."""
    kept = ranked[:limit]
    if question_form(question) != "extent":
        return kept
    missing = unnamed_by(named_aspects(question), kept)
    rest = [f for f in ranked[limit:] if _quantified(f) and f.verdict != "contradicted"]
    extra = next((f for f in rest if missing and speaks_to_any(missing, f.statement)), None)
    if extra is None and not any(_quantified(f) for f in kept):
        extra = next(iter(rest), None)
    return kept if extra is None else [*kept[: limit - 1], extra]


def _quantified(finding: Finding) -> bool:
    return any(q.claim_id == finding.representative for q in finding.quantities)


# Why a source read, passed and quoted is still not used: nothing it says reaches the findings.
OFF_QUESTION_REASON = (
    "its only claims speak to no part of the question and are not verified, so no finding "
    "shows them"
)


def off_question_sources(
    question: str,
    claims: list[Claim],
    verdicts: list[Verdict],
    findings: list[Finding],
    keep: Collection[str] = (),
) -> set[str]:
    """doc_ids whose every claim is an off-question, unsupported one that no finding shows.

    A source another finding or claim still leans on (as reporter, corroboration, contrast or
    an evidence passage) is kept, so nothing the report shows points at a source it drops; so
    is every doc_id in ``keep`` (the report passes the source that bears most on the question:
    the aspect test reads words, and that source often states the question's claim in others).
    """
    by_claim = {v.claim_id: v for v in verdicts}
    shown = {cid for f in findings for cid in f.claims}
    off: set[str] = set()
    for claim in claims:
        verdict = by_claim.get(claim.claim_id)
        if claim.claim_id in shown or (verdict is not None and verdict.label == "supported"):
            continue
        evidence = verdict.evidence if verdict is not None else []
        if not speaks_to_question(question, " ".join([claim.text, *(e.text for e in evidence)])):
            off.add(claim.claim_id)
    candidates = {c.doc_id for c in claims} - {c.doc_id for c in claims if c.claim_id not in off}
    leaned_on = {
        d for f in findings for d in (*f.reported_by, *f.corroborated_by, *f.contrasted_by)
    }
    leaned_on |= {e.doc_id for v in verdicts if v.claim_id not in off for e in v.evidence}
    return candidates - leaned_on - set(keep)
