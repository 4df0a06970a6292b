"""Section headings: recognize heading lines and map heading titles to section kinds."""

from __future__ import annotations

import re
from dataclasses import dataclass

from synth.parse.layout import Line
from synth.records import SectionKind

# Checked in order: the first pattern found in a heading title decides its kind.
_KIND_PATTERNS: list[tuple[re.Pattern[str], SectionKind]] = [
    (re.compile(r"\babstract\b"), "abstract"),
    (re.compile(r"\backnowledge?ments?\b|\backnowledge?ment\b"), "acknowledgements"),
    (re.compile(r"\breferences\b|\bbibliography\b|\bliterature cited\b"), "references"),
    (re.compile(r"\bappendi(x|ces)\b|\bsupplementa"), "appendix"),
    (re.compile(r"\bintroduction\b|\bmotivation\b"), "introduction"),
    (re.compile(r"\blimitations?\b|\bbroader impact|\bethic"), "limitations"),
    (re.compile(r"\bconclu|\bsummary\b|\bfuture (work|directions)\b|\bclosing\b"), "conclusion"),
    (re.compile(r"\bdiscussion\b|\boutlook\b"), "discussion"),
    # "Preliminary experiments on MNIST" reports results; "Preliminaries" is background.
    (re.compile(r"\bpreliminary (?:experiment|result|stud|evaluation|analys)"), "results"),
    (
        re.compile(r"\brelated\b|\bbackground\b|\bpreliminar|\bprior work\b|\bliterature\b"),
        "background",
    ),
    (
        re.compile(
            r"\bexperiment|\bresults?\b|\bevaluation|\bempirical|\bablation|\bbenchmark"
            r"|\bperformance\b|\bfindings\b|\banalys[ie]s\b|\bcase stud"
        ),
        "results",
    ),
    (
        re.compile(
            r"\bmethod|\bapproach\b|\bmodel\b|\barchitecture|\bframework\b|\balgorithm"
            r"|\bdesign\b|\bformulation\b|\bproposed\b|\bsetup\b|\bsetting\b|\bimplementation"
            r"|\btraining\b|\bdata\b|\bdatasets?\b|\bpre-?training\b"
        ),
        "method",
    ),
]
# Stand-alone words that are headings whatever their font.
_BARE = re.compile(
    r"^(abstract|references|bibliography|acknowledge?ments?|appendix|appendices|"
    r"introduction|conclusions?|related work|limitations|discussion)$",
    re.IGNORECASE,
)
_NUMBERED = re.compile(
    r"^(?P<num>(?:\d{1,2}|[A-H])(?:\.\d{1,2}){0,3})\.?\s+(?P<title>[A-Z][^\s].{0,90})$"
)
_APPENDIX_NUMBERED = re.compile(r"^appendix\s+[A-Z0-9]{1,2}\b", re.IGNORECASE)
RUN_IN_ABSTRACT = re.compile(r"^(Abstract|ABSTRACT)(?:\s*[.:—–-]\s*|\s+)(?=[A-Z])")


@dataclass(frozen=True)
class Heading:
    """A recognized heading line."""

    title: str
    kind: SectionKind
    number: str


# A subsection that says it holds results is results inside any method or body section
# ("5.5 Results" inside "5 Training ensembles of specialists").
_RESULTS_TITLE = re.compile(r"\bresults?\b|\bfindings\b", re.IGNORECASE)


def states_results(title: str) -> bool:
    """Whether a heading title says its section holds results ("5.5 Results", "Main findings")."""
    return bool(_RESULTS_TITLE.search(title))


def kind_of(title: str) -> SectionKind:
    """Section kind named by a heading title ('Related Work' -> background); 'body' if none."""
    low = title.lower()
    for pattern, kind in _KIND_PATTERNS:
        if pattern.search(low):
            return kind
    return "body"


def _looks_like_title(text: str) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    words = text.split()
    return (
        letters >= 0.6 * len(text.replace(" ", ""))
        and len(words) <= 14
        and not re.search(r"[,;:\-]$|\.$|[;|=@]|\.\s+[A-Z]|\bet al\b|https?:", text)
        and text.count(",") <= 1
    )


def _title_cased(text: str) -> bool:
    words = [w for w in text.split() if len(w) > 3 and w[0].isalpha()]
    if text.isupper():
        return True
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def heading_of(line: Line, body: float) -> Heading | None:
    """The heading this line may be (a candidate; ``filter_headings`` checks the sequence)."""
    text = line.text.strip()
    if not text or len(text) > 100:
        return None
    bare = text.rstrip(":").strip()
    if _BARE.match(bare):
        return Heading(bare, kind_of(bare), "")
    emphasized = line.bold or line.size > body * 1.08
    match = _NUMBERED.match(text)
    if match and _looks_like_title(match.group("title")):
        # Plain-print headings must be digit-numbered and title-cased ("3.1 Response-Based
        # Knowledge"); a lettered plain line is usually a reference entry ("E. Smith ...").
        plain_ok = match.group("num")[0].isdigit() and _title_cased(match.group("title"))
        if not (emphasized or plain_ok):
            return None
        number, title = match.group("num"), match.group("title").strip()
        kind = kind_of(title)
        if number[0].isalpha() and kind == "body":
            kind = "appendix"
        return Heading(text, kind, number)
    if _APPENDIX_NUMBERED.match(text) and emphasized:
        return Heading(text, "appendix", "")
    if (
        emphasized
        and line.size >= body * 0.98
        and _looks_like_title(text)
        and len(text.split()) <= 8
    ):
        return Heading(text, kind_of(text), "")
    return None


def _fits(number: str, state: dict[str, str]) -> bool:
    """Whether a heading number continues the numbering seen so far (and record it)."""
    parts = number.split(".")
    top = parts[0]
    last = state.get("top", "")
    if top.isdigit():
        if len(parts) > 1:
            return top == last
        ok = (not last and int(top) <= 3) or (last.isdigit() and 0 < int(top) - int(last) <= 2)
    else:
        if not state.get("late"):
            return False  # lettered headings only in the appendix, after the references
        if len(parts) > 1:
            return top == last
        ok = not last.isalpha() or 0 < ord(top) - ord(last) <= 2
    if ok:
        state["top"] = top
    return ok


def filter_headings(candidates: list[Heading | None]) -> list[Heading | None]:
    """Keep headings whose numbers run in sequence; unnumbered ones only in unnumbered papers."""
    numbered = sum(1 for h in candidates if h is not None and h.number[:1].isdigit())
    state: dict[str, str] = {}
    out: list[Heading | None] = []
    for head in candidates:
        if head is None:
            out.append(None)
            continue
        if head.kind in ("references", "appendix") and not head.number:
            state["late"] = "1"
        if head.number:
            keep = _fits(head.number, state)
        else:
            keep = bool(_BARE.match(head.title)) or numbered < 3 or head.kind == "appendix"
        out.append(head if keep else None)
    return out
