"""The view a template renders: every sentence and number of the report, derived from a Manifest.

Templates only lay this out; they never compute. Every printed number has a meaning stated in
``READING_NOTES`` (the report's "How to read this report" section).
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from synth.ids import to_link_arxiv_id, to_link_doi, to_link_url
from synth.report._models import (
    Manifest,
    ManifestAnswerSentence,
    ManifestClaim,
    ManifestFinding,
    ManifestSource,
)
from synth.report.figures import build_figures
from synth.report.synthesis import (
    arxiv_url,
    build_abstract,
    doi_url,
    reference_entry,
    year_text,
)
from synth.rubric import Rubric, dimension_rule, load_rubric, rubric_digest, tier_rules

VERDICT_LABELS = {
    "supported": ("\u2713", "Supported"),
    "contradicted": ("\u2717", "Contradicted"),
    "unverified": ("?", "Unverified"),
}
DIMENSION_NAMES = {
    "evidence_strength": "Evidence strength",
    "citation_grounding": "Citation grounding",
    "uncertainty_disclosure": "Uncertainty disclosure",
    "reproducibility_status": "Reproducibility status",
}
TEXT_LEVELS = {"fulltext": "full text", "abstract": "abstract only", "metadata": "metadata only"}
READING_NOTES: list[tuple[str, str]] = [
    (
        "Answer",
        "Written only from the findings below; each sentence ends with the sources and finding ids "
        "it rests on. A sentence marked 'not verified' cites findings the verifier does not "
        "support. 'Not addressed' names parts of the question that no used source mentions.",
    ),
    (
        "Finding",
        "Claims of one or more sources that state the same result (close in meaning and not "
        "differing in their numbers). 'Reported by' are the sources that state it; "
        "'corroborated by' other sources whose passages the verifier reads as support; "
        "'contrasted by' sources with a claim or passage read as contradicting it.",
    ),
    ("Strength", "__strength__"),
    (
        "Claim relevance",
        "How closely a claim bears on the research question, from 0 to 1: its cosine similarity "
        "to the question (averaged with that of the sentence read after its paper's title), "
        "rescaled so that 0 is no closer than unrelated text and 1 is as close as a paraphrase "
        "of the question.",
    ),
    (
        "Relevance",
        "How well a source bears on the research question, from 0 (unrelated) to 1, fusing the "
        "cosine similarity of its text to the question (dense) with a lexical keyword match. "
        "Sources below the configured threshold are listed but not used. A long paper whose "
        "abstract and 64 sentences closest in words to the question leave it clearly below the "
        "cut is scored on those sentences only; every used source is scored on its whole text.",
    ),
    (
        "Verdict",
        "Supported: evidence outside the claim's own sentence backs it. Contradicted: on-topic "
        "evidence conflicts with it. Unverified: neither could be established. Finding a claim in "
        "the paper it was copied from never counts as support.",
    ),
    ("Confidence", "__confidence__"),
    (
        "Evidence score",
        "The pair model's probability, from 0 to 1, that this one passage supports the claim. "
        "Its stance is the model's reading of the passage (supports, contradicts, or neutral when "
        "it reads the passage as neither), overruled only by the number rule, whose reason is "
        "printed beside it; 'own source' marks passages from the claim's own paper, 'other "
        "source' independent ones. At most three passages are shown, the strongest for the "
        "verdict first.",
    ),
    (
        "Review score",
        "The mean of six automated reviewers, each scoring 0 to 10 by fixed rules stated in each "
        "rationale; the spread is the highest minus the lowest reviewer score.",
    ),
    ("Tier", "__tier__"),
    (
        "Quality dimensions",
        "LOW, MEDIUM or HIGH by the rule printed beside each dimension.",
    ),
]
BENCH_NOTE = (
    "Benchmark values",
    "Measured by synth bench, not taken from the literature: pass@k is the unbiased estimate of "
    "the chance that at least one of k generated samples passes a task's tests (0 to 1); "
    "latencies are wall-clock times on the hardware recorded in the results file.",
)
# The rule of synth/synthesize/findings.py, in words (the report stage does not import it).
STRENGTH_NOTE = (
    "How well a finding is backed, from 0 to 1: c × (1 − 0.5^n) / (1 + k), where c is the best "
    "confidence among its claims (a quarter of it for an unverified claim, a tenth for a "
    "contradicted one), n the number of distinct sources that report or corroborate it and k the "
    "number that contrast it. One source gives at most half of c, two three quarters: a paper "
    "repeating itself counts once."
)
# The tier rules themselves are quoted from the rubric at the end of the reading guide.
TIER_NOTE = (
    "DOI-grade or Watchlist by the first of the tier rules below that the report meets (quoted "
    "from the review rubric, which the command synth rubric prints); the basis states each of "
    "the report's numbers beside its threshold."
)
_DEFAULT_CONFIDENCE = (
    "The verifier's estimated probability, from 0 to 1, that the claim is supported by the "
    "evidence found; it is not a measure of the claim's truth."
)


def fmt(value: float, digits: int = 2) -> str:
    """A score printed with fixed decimals."""
    return f"{value:.{digits}f}"


def _cell(value: object) -> str:
    if value is None:
        return "\u2014"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 1000 else f"{value:.1f}"
    return str(value)


def _bench(m: Manifest) -> dict[str, Any] | None:
    block = m.bench
    if not block:
        return None
    rows = block.get("rows")
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        rows = []
    columns = list(dict.fromkeys(str(k) for r in rows for k in r))
    return {
        "path": str(block.get("path", "")),
        "columns": columns,
        "rows": [[_cell(r.get(c)) for c in columns] for r in rows],
    }


def _source_row(s: ManifestSource) -> dict[str, Any]:
    return {
        "key": s.key,
        "citation": s.citation,
        "title": s.title,
        "year": year_text(s.year),
        "relevance": fmt(s.relevance),
        "dense": fmt(s.relevance_detail.dense) if s.relevance_detail else "",
        "lexical": fmt(s.relevance_detail.lexical) if s.relevance_detail else "",
        "used": "yes" if s.used else "no",
        "text_level": TEXT_LEVELS[s.text_level],
        "why_not": s.unused_reason or "",
        "retracted": s.is_retracted,
        "service": s.retrieval.service,
    }


def _claim_row(
    c: ManifestClaim, sources: dict[str, ManifestSource], corrected: dict[str, list[int]]
) -> dict[str, Any]:
    cites = {k: s.citation for k, s in sources.items()}
    symbol, label = VERDICT_LABELS[c.verdict]
    return {
        "id": c.id,
        "text": " ".join(c.text.split()),
        "source": c.source,
        "citation": cites[c.source],
        "page": c.page,
        "section": c.section,
        "verdict": c.verdict,
        "symbol": symbol,
        "label": label,
        "confidence": fmt(c.confidence),
        "relevance": fmt(c.relevance) if c.relevance is not None else "",
        "independent": c.independent,
        "retracted": sources[c.source].is_retracted,
        "corrections": corrected.get(c.id, []),
        "evidence": [
            {
                "source": e.source,
                "citation": cites[e.source],
                "page": e.page,
                "score": fmt(e.score),
                "stance": e.stance,
                "origin": "own source" if e.same_document else "other source",
                "note": e.note,
                "text": " ".join(e.text.split()),
            }
            for e in c.evidence
        ],
    }


def _cites(keys: list[str], sources: dict[str, ManifestSource]) -> str:
    return "; ".join(sources[k].citation for k in keys if k in sources)


def _answer_row(s: ManifestAnswerSentence, sources: dict[str, ManifestSource]) -> dict[str, Any]:
    return {
        "text": s.text,
        "citation": _cites(s.sources, sources),
        "ids": ", ".join(s.citations),
        # A sentence that cites nothing (the coverage sentence) states no finding to verify.
        "verified": s.verified or not s.citations,
        "note": s.note,
    }


def _answer(m: Manifest, sources: dict[str, ManifestSource]) -> dict[str, Any] | None:
    a = m.answer
    if a is None:
        return None
    return {
        "sentences": [_answer_row(s, sources) for s in a.sentences],
        "dropped": [_answer_row(s, sources) for s in a.dropped],
        "uncovered": ", ".join(a.uncovered),
        "writer": a.writer,
        "note": a.note,
    }


def _finding_row(f: ManifestFinding, sources: dict[str, ManifestSource]) -> dict[str, Any]:
    symbol, label = VERDICT_LABELS[f.verdict]
    return {
        "id": f.id,
        "statement": " ".join(f.statement.split()),
        "claims": ", ".join(f.claims),
        "reported_by": _cites(f.reported_by, sources),
        "reported_keys": ", ".join(f.reported_by),
        "corroborated_by": _cites(f.corroborated_by, sources),
        "contrasted_by": _cites(f.contrasted_by, sources),
        "contrasting_claims": ", ".join(f.contrasting_claims),
        "quantities": ", ".join(dict.fromkeys(q.raw for q in f.quantities)),
        "relevance": fmt(f.relevance),
        "strength": fmt(f.strength),
        "symbol": symbol,
        "label": label,
    }


def _limitations(m: Manifest) -> list[str]:
    out = [
        "Every step (search, reading, claim extraction, verification and grading) was automated; "
        "no person has checked the claims against the papers."
    ]
    used = [s for s in m.sources if s.used]
    shallow = [f"{s.key} ({s.citation})" for s in used if s.text_level != "fulltext"]
    if shallow:
        out.append(
            f"{len(shallow)} of {len(used)} used sources could not be read in full text: "
            f"{'; '.join(shallow)}. Claims from {'it' if len(shallow) == 1 else 'them'} "
            f"rest on abstracts or metadata only."
        )
    open_claims = [c.id for c in m.claims if c.verdict == "unverified"]
    if open_claims:
        one = len(open_claims) == 1
        out.append(
            f"{len(open_claims)} of {len(m.claims)} claims {'remains' if one else 'remain'} "
            f"unverified ({', '.join(open_claims)}); treat {'it' if one else 'them'} as "
            f"reported, not confirmed."
        )
    against = [c.id for c in m.claims if c.verdict == "contradicted"]
    if against:
        out.append(
            f"Evidence contradicts {', '.join(against)}; the sources disagree on "
            f"{'this point' if len(against) == 1 else 'these points'}."
        )
    v = m.verification
    if v.claims_verified and v.independently_supported < v.claims_verified:
        alone = v.claims_verified - v.independently_supported
        out.append(
            f"{alone} of {v.claims_verified} supported claims {'is' if alone == 1 else 'are'} "
            f"supported only by other passages of {'its' if alone == 1 else 'their'} own source."
        )
    for f in m.source_failures:
        out.append(f"Input {f.input} could not be used ({f.stage}): {f.reason.rstrip('.')}.")
    for s in used:
        if s.is_retracted:
            out.append(f"{s.key} ({s.citation}) is retracted; claims drawn from it are unreliable.")
    if not any("limitations" in s.sections_read for s in used if s.text_level == "fulltext"):
        out.append(
            "No used source has a detected limitations section, so the authors' own caveats "
            "may be missing."
        )
    return out


def _links(s: ManifestSource) -> tuple[list[str], list[str]]:
    """A source's hyperlinks, and the values that failed their grammar (printed as text)."""
    links: list[str] = []
    rejected: list[str] = []
    # Every value is checked against its grammar here, before any template sees it: a DOI like
    # 10.1234/x"><script>... would otherwise break out of a Markdown autolink or an href.
    doi = to_link_doi(s.doi) if s.doi else None
    if doi:
        links.append(doi_url(doi))
    arxiv = to_link_arxiv_id(s.arxiv_id) if s.arxiv_id else None
    if arxiv:
        links.append(arxiv_url(arxiv))
    if not links and s.url:
        # Only web links become hyperlinks: a source's URL field could hold any scheme, and
        # other schemes (file:// paths of local corpora) are left out, as before.
        url = to_link_url(s.url)
        if url:
            links.append(url)
        elif s.url.strip().lower().startswith(("https://", "http://")):
            rejected.append(s.url)
    return links, rejected


def _references(m: Manifest, used: bool = True) -> list[dict[str, Any]]:
    refs = []
    for s in m.sources:
        if s.used != used:
            continue
        links, rejected = _links(s)
        # The entry already names the DOI and arXiv id as text; a rejected URL joins it there,
        # where the templates escape it.
        entry = " ".join([reference_entry(s), *rejected])
        refs.append({"key": s.key, "citation": s.citation, "entry": entry, "links": links})
    return refs


def _corrections(m: Manifest) -> tuple[list[dict[str, Any]], dict[str, list[int]]]:
    rows: list[dict[str, Any]] = []
    by_claim: dict[str, list[int]] = {}
    for number, r in enumerate(m.corrections.records, start=1):
        rows.append(
            {
                "number": number,
                "date": r.date.strftime("%Y-%m-%d %H:%M UTC"),
                "kind": r.kind,
                "status_after": r.status_after,
                "claims": ", ".join(r.affected_claims)
                or ("\u2014" if r.kind.startswith("source-") else "whole report"),
                "reason": r.reason,
            }
        )
        for cid in r.affected_claims:
            by_claim.setdefault(cid, []).append(number)
    return rows, by_claim


def _corrected_claims(m: Manifest) -> list[dict[str, Any]]:
    """The claims a correction or withdrawal names, each with the records that name it."""
    numbered = [
        (n, r)
        for n, r in enumerate(m.corrections.records, start=1)
        if r.kind in ("correction", "withdrawal")
    ]
    out = []
    for c in m.claims:
        records = [(n, r) for n, r in numbered if c.id in r.affected_claims]
        if records:
            out.append(
                {
                    "id": c.id,
                    "text": " ".join(c.text.split()),
                    "numbers": ", ".join(str(n) for n, _ in records),
                    "reasons": [
                        f"#{n} ({r.kind}, {r.date:%Y-%m-%d}): {r.reason}" for n, r in records
                    ],
                }
            )
    return out


def _rubric(m: Manifest, rubric: Rubric) -> dict[str, Any]:
    """The rubric the reading guide quotes, and a note when the report was graded by another."""
    digest = rubric_digest(rubric)
    note = ""
    if m.rubric_digest is None:
        note = f"This report's manifest names no rubric; the rules quoted are {rubric.version}'s."
    elif m.rubric_digest != digest:
        note = (
            f"This report was graded under rubric {m.rubric_version} (digest "
            f"{m.rubric_digest[:12]}), not the one quoted here ({rubric.version}, digest "
            f"{digest[:12]})."
        )
    return {"version": rubric.version, "digest": digest, "tiers": tier_rules(rubric), "note": note}


def build_view(m: Manifest, max_findings: int = 3) -> dict[str, Any]:
    """Everything the templates print, as strings and lists (no template arithmetic)."""
    rubric = load_rubric()
    sources = {s.key: s for s in m.sources}
    corrections, by_claim = _corrections(m)
    corrected = _corrected_claims(m)
    rows = m.bench.get("rows") if m.bench else None
    figures = build_figures(
        m.claims,
        m.sources,
        m.findings,
        rows if isinstance(rows, list) and all(isinstance(r, dict) for r in rows) else [],
        corrected=[c["id"] for c in corrected],
    )
    special = {
        "__confidence__": m.verification.confidence_note or _DEFAULT_CONFIDENCE,
        "__strength__": STRENGTH_NOTE,
        "__tier__": TIER_NOTE,
    }
    notes = [(term, special.get(text, text)) for term, text in READING_NOTES]
    return {
        "m": m,
        "created": m.created_at.strftime("%Y-%m-%d"),
        "updated": m.updated_at.strftime("%Y-%m-%d"),
        "abstract": build_abstract(m, max_findings),
        "review_score": fmt(m.review.score, 1),
        "review_spread": fmt(m.review.spread, 1),
        "reviewers": [
            {
                "name": r.name[:1].upper() + r.name[1:],
                "score": fmt(r.score, 1),
                "rationale": r.rationale,
            }
            for r in m.review.reviewers
        ],
        "dimensions": [
            {
                "name": DIMENSION_NAMES[k],
                "level": getattr(m.quality.dimensions, k),
                "rule": dimension_rule(rubric, k),
            }
            for k in DIMENSION_NAMES
        ],
        "corrections": corrections,
        "sources": [_source_row(s) for s in m.sources],
        "used_count": sum(s.used for s in m.sources),
        "claims": [_claim_row(c, sources, by_claim) for c in m.claims],
        "limitations": _limitations(m),
        "references": _references(m),
        "left_out": _references(m, used=False),
        "answer": _answer(m, sources),
        "findings": [_finding_row(f, sources) for f in m.findings],
        "notes": notes + ([BENCH_NOTE] if m.bench else []),
        "bench": _bench(m),
        # The SVG is built and escaped by figures.py; Markup tells autoescaping to leave it.
        "figures": {k: {**f.model_dump(), "svg": Markup(f.svg)} for k, f in figures.items()},
        "corrected_claims": corrected,
        "withdrawn": m.corrections.status == "WITHDRAWN",
        "rubric": _rubric(m, rubric),
    }
