"""Citations, reference entries and the abstract paragraph, built only from manifest data.

Citations come from metadata (authors, year) and never from dates found in text: one author gives
"Hinton, 2015", two "Hinton and Vinyals, 2015", three or more "Hinton et al., 2015"; no year gives
"n.d."; no author gives the title's first words in quotes ('"Vitamin D and obesity …", n.d.',
as author-year styles cite an anonymous work), or "Anon." when there is no title either. Equal
citations of different sources get suffixes a, b, ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from synth.synthesize.answer import leans_back

if TYPE_CHECKING:
    from synth.report._models import Manifest, ManifestClaim, ManifestSource

_PARTICLES = frozenset(
    str.split("van von der den de del della di da du la le dos das ter ten bin ibn al st. saint")
)
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_MIN_YEAR, _MAX_YEAR = 1000, 2100


def surname(name: str) -> str:
    """Family name as cited: "Laurens van der Maaten" -> "van der Maaten"."""
    name = " ".join(name.split())
    if "," in name:  # "Hinton, Geoffrey E." lists the family name first
        head = name.split(",", 1)[0].strip()
        if head:
            return head
    tokens = [t for t in name.split(" ") if t.lower().strip(".") not in _SUFFIXES]
    if not tokens:
        return name
    start = len(tokens) - 1
    while start > 0 and tokens[start - 1].lower() in _PARTICLES:
        start -= 1
    return " ".join(tokens[start:])


def year_text(year: int | None) -> str:
    """The year as printed, or "n.d." when metadata gives none (or an implausible one)."""
    return str(year) if year is not None and _MIN_YEAR <= year <= _MAX_YEAR else "n.d."


# How many of an anonymous work's title words stand for its author in a citation.
TITLE_WORDS = 4


def _title_lead(title: str) -> str:
    words = title.split()
    if not words:
        return ""
    lead = " ".join(words[:TITLE_WORDS]).rstrip(".,:;")
    return f"\u201c{lead}{' …' if len(words) > TITLE_WORDS else ''}\u201d"


def cite(authors: list[str], year: int | None, title: str = "") -> str:
    """An author-year citation from metadata, e.g. "Hinton et al., 2015"."""
    names = [surname(a) for a in authors if a.strip()]
    if not names:
        who = _title_lead(title) or "Anon."
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who}, {year_text(year)}"


def disambiguate(citations: list[str]) -> list[str]:
    """Add a, b, ... to citations that would otherwise be equal (order of the list is kept)."""
    counts: dict[str, int] = {}
    for c in citations:
        counts[c] = counts.get(c, 0) + 1
    seen: dict[str, int] = {}
    out = []
    for c in citations:
        if counts[c] == 1:
            out.append(c)
            continue
        n = seen.get(c, 0)
        seen[c] = n + 1
        letter = chr(ord("a") + n) if n < 26 else str(n + 1)
        out.append(f"{c}-{letter}" if c.endswith("n.d.") else f"{c}{letter}")
    return out


def doi_url(doi: str) -> str:
    """Resolver link of a normalized DOI."""
    return f"https://doi.org/{doi}"


def arxiv_url(arxiv_id: str) -> str:
    """Abstract page of an arXiv id."""
    return f"https://arxiv.org/abs/{arxiv_id}"


def reference_entry(source: ManifestSource) -> str:
    """A full reference without links: authors (year). Title. Venue. doi:/arXiv: identifiers;
    without authors: Title. (year). Venue. ..."""
    authors = [a for a in source.authors if a.strip()]
    if not authors and source.title.strip():
        # An anonymous work leads with its title, as its citation does.
        parts = [f"{_end(source.title)} ({year_text(source.year)})."]
    else:
        who = (
            "Anonymous"
            if not authors
            else authors[0]
            if len(authors) == 1
            else ", ".join(authors[:-1]) + f" and {authors[-1]}"
        )
        parts = [f"{who} ({year_text(source.year)}).", _end(source.title)]
    if source.venue:
        parts.append(_end(source.venue))
    if source.doi:
        parts.append(f"doi:{source.doi}")
    if source.arxiv_id:
        parts.append(f"arXiv:{source.arxiv_id}")
    if source.is_retracted:
        parts.append("[RETRACTED]")
    return " ".join(parts)


def _end(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def quote(claim_text: str) -> str:
    """A claim as an inline quotation (one final full stop dropped so a citation can follow)."""
    text = " ".join(claim_text.split())
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    return f"\u201c{text}\u201d"


_KIND_RANK = {"number": 0, "comparison": 1, "conclusion": 1}


def _findings(m: Manifest, limit: int) -> list[ManifestClaim]:
    supported = [c for c in m.claims if c.verdict == "supported"]
    # Measured results first (background statements are what other papers repeat most, so
    # ranking by independence would favour them), then relevance, then confidence; one finding
    # per source before a second from any, so the abstract speaks for the literature.
    ranked = sorted(
        supported,
        key=lambda c: (_KIND_RANK.get(c.kind, 2), -(c.relevance or 0.0), -c.confidence, _num(c.id)),
    )
    # Claims of one finding state one result ("28.4 BLEU" in the abstract and the results
    # section): the abstract quotes it once, by its best-ranked claim.
    finding_of = {cid: f.id for f in m.findings for cid in f.claims}
    seen: set[str] = set()
    distinct = []
    for claim in ranked:
        key = finding_of.get(claim.id, claim.id)
        if key not in seen:
            seen.add(key)
            distinct.append(claim)
    picked: list[ManifestClaim] = []
    for claim in distinct:
        if claim.source not in {p.source for p in picked}:
            picked.append(claim)
    picked += [c for c in distinct if c not in picked]
    return sorted(picked[:limit], key=lambda c: _num(c.id))


def _num(claim_id: str) -> int:
    return int(claim_id[1:]) if claim_id[1:].isdigit() else 0


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _sources_sentence(m: Manifest) -> str:
    used = [s for s in m.sources if s.used]
    counts = [
        (sum(s.text_level == level for s in used), words)
        for level, words in (
            ("fulltext", "read in full text"),
            ("abstract", "from the abstract only"),
            ("metadata", "from metadata only"),
        )
    ]
    read = [f"{n} {words}" for n, words in counts if n]
    if len(read) == 1:
        # One kind of reading only: "all read in full text" rather than "6 ..., 0 ...".
        read = [("all " if len(used) > 1 else "") + read[0].split(" ", 1)[1]]
    return (
        f"Of {_plural(len(m.sources), 'candidate source', 'candidate sources')} found, "
        f"{len(used)} {'was' if len(used) == 1 else 'were'} relevant enough to use "
        f"({', '.join(read)})."
    )


def _claims_sentence(m: Manifest) -> str:
    v = m.verification
    if not m.claims:
        return "No claim bearing on the question could be extracted from them."
    counts = {k: sum(c.verdict == k for c in m.claims) for k in ("supported", "contradicted")}
    unverified = len(m.claims) - counts["supported"] - counts["contradicted"]
    return (
        f"{_plural(v.claims_extracted, 'claim was', 'claims were')} extracted and checked "
        f"against source text: {counts['supported']} supported by evidence outside "
        f"{'its' if counts['supported'] == 1 else 'their'} own sentence "
        f"({v.independently_supported} of them by another source), "
        f"{counts['contradicted']} contradicted and {unverified} unverified."
    )


def _findings_sentence(m: Manifest, limit: int) -> str:
    findings = _findings(m, limit)
    if not findings:
        return "None of the claims is supported by the evidence found." if m.claims else ""
    cites = {s.key: s.citation for s in m.sources}
    # "It also exceeds PaSa-GPT-4o by 30.36% ..." says nothing on its own: its finding's
    # statement, a sentence of the same source stating the same result whole, is quoted.
    statement = {cid: f.statement for f in m.findings for cid in f.claims}
    texts = [statement.get(c.id, c.text) if leans_back(c.text) else c.text for c in findings]
    quoted = "; ".join(
        f"{quote(t)} ({cites[c.source]})" for c, t in zip(findings, texts, strict=True)
    )
    lead = "The main supported finding is" if len(findings) == 1 else "Main supported findings:"
    return f"{lead} {quoted}."


def _caveat_sentences(m: Manifest) -> list[str]:
    out = []
    contradicted = [c.id for c in m.claims if c.verdict == "contradicted"]
    if contradicted:
        out.append(f"Evidence found contradicts {', '.join(contradicted)}; see the claims section.")
    retracted = [s.key for s in m.sources if s.used and s.is_retracted]
    if retracted:
        many = len(retracted) > 1
        out.append(
            f"Used source{'s' if many else ''} {', '.join(retracted)} "
            f"{'are' if many else 'is'} marked retracted."
        )
    if m.source_failures:
        out.append(f"{_plural(len(m.source_failures), 'input', 'inputs')} could not be used.")
    return out


def build_abstract(m: Manifest, max_findings: int = 3) -> str:
    """One synthesis paragraph; every number in it is a count or score taken from the manifest."""
    question = " ".join(m.research_question.split())
    stop = "" if question.endswith(("?", "!", ".")) else "."
    parts = [f"This report addresses the question \u201c{question}\u201d{stop}"]
    parts.append(_sources_sentence(m))
    parts.append(_claims_sentence(m))
    parts.append(_findings_sentence(m, max_findings))
    parts.extend(_caveat_sentences(m))
    parts.append(
        f"The automated review scored it {m.review.score:.1f} out of 10, "
        f"which places it on the {m.quality.tier} tier."
    )
    if m.corrections.status == "CORRECTED":
        parts.append("It has been corrected since first issue; see the correction record.")
    elif m.corrections.status == "WITHDRAWN":
        parts.append("It has been withdrawn; see the correction record.")
    return " ".join(p for p in parts if p)
