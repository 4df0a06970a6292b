"""The extractive answer: a few sentences built only from findings, every one of them cited.

Each sentence is a fixed frame ("The sources quantify the extent: ...") around clauses taken
verbatim from findings' statements. A clause is one sentence of a statement with its framing ("We
show that", "Moreover,"), its author-year or bracket citations, its pointers into the paper ("(see
Table 3 row (E))"), a figure's colour key ("(beige)"), a numbering label ("Finding 7:"), a
structured abstract's part label ("CONCLUSION") and its final stop removed; nothing else is changed,
so every number in the answer is written as a claim wrote it. A finding whose statement opens by
pointing back ("It also exceeds ...", ``leans_back``) is read through the first of its claims that
states the same result on its own, when one does (the finding and its verdict stay). A clause
embedded after "that" or a colon loses its initial capital unless its first word is a name: an
acronym or a word with inner capitals or digits ("BERT", "FitNets", "GPT-4"), a word the claims
also capitalise mid-sentence ("Hinton"), or the start of a capitalised phrase ("Knowledge
Distillation (KD) has ..."). A clause that ends in a stop loses it before the frame's own.

Sentences, in order (at most ``max_answer_sentences``, the coverage sentence not counted):

1. The lead, shaped by the question. Its first finding is taken from the supported findings
   whose relevance is within ``LEAD_MARGIN`` of the most relevant one (``EXTENT_MARGIN`` for
   "To what extent / how much" questions; a finding whose clause opens by pointing back to a
   sentence the answer does not show, "It also exceeds ...", ``leans_back``, only when no
   other is supported): for those, one whose statement carries a quantity if any does (a
   percentage, factor, measure or score; a count such as "the larger 33B model" names a size or
   a setting, not how far); then
   one that speaks to a part of the question (``speaks_to_question``, its
   statement read with the passages that support it); for extent questions, then one that
   states a measured or compared result (its claim's kind is "number" or "comparison": "works
   significantly better than a model of the same size"), since a factor that "influences the
   performance" says nothing of how far; then one that two or more sources state, then the
   first in report order. It is joined by a second supported finding, from another source
   where possible, chosen to bring a quantity when the first has none. The lead rests on
   supported findings only: when none of them carries a quantity, an extent question's lead
   says so ("No verified finding quantifies the extent; ..."), and when their figures name
   none of the question's named things it says that too ("No verified finding quantifies the
   extent for FP8; ..."). A "How many / How much X ..." question asks the amount of X
   (``coverage.measured_aspects``): a figure naming X leads, and when no supported figure
   does, the lead says so and offers the closest findings as not its answer ("No verified
   finding gives a figure for attention heads; the closest verified finding reports, instead,
   that ... 28.4 BLEU"). A count ("128K tokens") is no extent figure but where the question
   counts its thing or asks a degree of one ("how long a context window", ``asks_degree``).
   Yes/no questions ("Does",
   "Can", "Is" ...) lead with the direction the two top supported findings point to
   (negations decide), but only when the statement of one of them names what the question
   asks the effect on (``outcome_aspects``: "overfitting" in "does X reduce overfitting ...";
   a supporting passage that names it does not count) and, when the question names one, what
   it asks the effect of (``subject_aspects``: "X"); otherwise the lead names those outcomes
   as unaddressed ("No verified finding speaks to ...", or "... links X to ..." when a finding
   names an outcome of something else) and reports the findings without a direction.
   Other questions lead with the two top supported findings.
2. For an extent question whose lead carries no quantity: the first unverified finding that
   does (and the first of another source, if any), as a sentence of its own that says it is
   not verified ("A figure on the extent is reported but not verified: ..."); a reader asking
   how far should see the numbers the sources give, but not as the answer. Likewise for a
   yes/no question whose lead names its outcomes as unaddressed by verified findings (or an
   extent question's lead its named things or what it asks the amount of, those first): the
   most relevant unverified finding that speaks
   to them ("A finding on task pass rates is
   reported but not verified: curated Skills raise average pass rate by 16.2 percentage
   points ...").
3. Agreement: supported findings reported or corroborated by two or more sources.
4. Difference: the most relevant finding with contrasting claims or passages, or one the
   evidence contradicts.
5. Further supported findings, two to a sentence when both are short (``SHORT_CLAUSE_WORDS``);
   not those that point back (``leans_back``): they stay in the findings table.
6. Coverage: the question's aspects no used source mentions; those the sources mention but no
   supported finding speaks to, a finding read with the passages that support it and the title
   and abstract of the sources that report it ("distilling ... from a large highly regularized
   model into a smaller, distilled model", in "Distilling the Knowledge in a Neural Network",
   speaks to "smaller student network"); and, for an extent question, that no verified finding
   carries a number, when none does and the lead has not said so already. Outcomes that a
   yes/no lead has already named as unaddressed are not named again (and the sentence is left
   out when nothing else remains to say).

A sentence is ``verified`` only when it cites findings and every one of them is supported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from synth.extract.result_allowance import asks_for_extent
from synth.quantities import drop_numbering_label, parse_quantities
from synth.records import Answer, AnswerSentence, Claim, Document, Finding, Verdict
from synth.settings import SynthesizeSettings
from synth.synthesize.coverage import (
    COMPARATIVES,
    asks_degree,
    aspects_named,
    made_property,
    measured_aspects,
    named_aspects,
    outcome_aspects,
    question_aspects,
    speaks_to_any,
    speaks_to_question,
    subject_aspects,
    uncovered_aspects,
)
from synth.synthesize.premise import premise_conflicts

__all__ = [
    "EXTENT_MARGIN",
    "LEAD_MARGIN",
    "SHORT_CLAUSE_WORDS",
    "UNQUANTIFIED_LEAD",
    "QuestionForm",
    "extractive_answer",
    "leans_back",
    "question_form",
    "readable_statement",
    "to_clause",
    "unnamed_by",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


QuestionForm = Literal["extent", "yesno", "open"]

LEAD_MARGIN = 0.05
# An extent question is answered by a result, which reads less like the question than a survey's
# generality about the same topic does: its lead looks further down.
EXTENT_MARGIN = 0.15
# Two clauses of at most this many words read well in one sentence; longer ones stand alone.
SHORT_CLAUSE_WORDS = 20
# How an extent question's lead begins when no supported finding it rests on has a number.
UNQUANTIFIED_LEAD = "No verified finding quantifies the extent; "

_YESNO = re.compile(
    r"^\s*(?:does|do|did|can|could|is|are|was|were|will|would|should|has|have|had|may|might)\b",
    re.IGNORECASE,
)
_CONNECTIVE = re.compile(
    r"^(?:however|moreover|furthermore|in addition|additionally|overall|importantly|notably|"
    r"finally|thus|therefore|hence|also|indeed|in fact|in particular|for example|for instance|"
    r"specifically|surprisingly|interestingly|in summary|in conclusion|to summarize|"
    r"first|second|third|firstly|secondly|thirdly|lastly|as a result|consequently|in short|"
    r"in practice|besides|in general),\s+",
    re.IGNORECASE,
)
_FRAMING = re.compile(
    r"^(?:in (?:this|our) (?:paper|work|study|article),?\s+)?"
    r"(?:we|our (?:results|experiments|findings|analyses|analysis)|(?:the |these )?results|"
    r"(?:the |these |our )?experiments|this|it)\s+"
    r"(?:have |has |also |further |clearly |empirically )*"
    r"(?:shows?|shown|showed|find|found|demonstrates?|demonstrated|observe[ds]?|reports?|"
    r"reported|confirms?|confirmed|argue|conclude[ds]?|suggests?|suggested|reveals?|revealed|"
    r"indicates?|indicated)\s+that\s+"
    r"|^it (?:can|could) be (?:easily |clearly )?(?:concluded|seen|shown|observed) that\s+"
    r"|^(?:we|our (?:results|experiments)) (?:have )?(?:provide[ds]?|present(?:ed)?|give|gave|"
    r"offer(?:ed)?) (?:\w+ )?evidence that\s+",
    re.IGNORECASE,
)
# A paper's own voice, retold: "the strategy that we propose in this paper" -> "the strategy
# the authors propose"; "our method" -> "the authors' method".
_OWN_WORK = re.compile(
    r"\b(?:that|which) we (propose|introduce|present|describe|use|study)d?"
    r"(?: in this (?:paper|work|study))?\b",
    re.IGNORECASE,
)
_WE = re.compile(r"\bwe\b", re.IGNORECASE)
_OUR = re.compile(r"\bour\b", re.IGNORECASE)
# "(Hinton et al., 2015)", "(Ba & Caruana, 2014; Li, 2020a)", "[12]", "[3, 4]".
_CITATION = re.compile(
    r"\s*\((?:[^()]*?(?:19|20)\d{2}[a-z]?\s*;?\s*)+\)|\s*\[\s*\d+(?:\s*[,;–-]\s*\d+)*\s*\]"
)
# "(see Table 3 row (E))", "(Figure 2)": a pointer into the paper, which the answer does not show.
_POINTER = re.compile(
    r"\s*\((?:see |cf\.? )?(?:Table|Tab\.|Figure|Fig\.|Section|Sec\.|Appendix|Eq\.)\s"
    r"[^()]*(?:\([^()]*\)[^()]*)*\)"
)
# "Curated Skills (beige) improve ...": a figure's colour key, which the answer does not show.
_LEGEND = re.compile(
    r"\s*\((?:in )?(?:beige|amber|red|blue|green|orange|purple|gr[ae]y|black|yellow|pink|brown|"
    r"cyan|magenta|teal|dashed|dotted|solid)(?: (?:lines?|bars?|curves?|dots?|markers?))?\)",
    re.IGNORECASE,
)
# "It also exceeds ...", "These results show ...", "both errors originate ...": a clause that
# points back to a sentence the answer does not show cannot open it ("both X and Y ..." names
# what it is about).
_LEANS_BACK = re.compile(
    r"^(?:it|this|these|that|those|they|such|the (?:two|former|latter)|both(?! \S+ and\b))\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_NOT_AN_END = re.compile(r"(?:\b(?:e\.g|i\.e|et al|cf|vs|Fig|Eq|Tab|Sec|approx)|\b[A-Z])\.$")
_NEGATION = re.compile(
    r"\b(?:not|no|cannot|never|neither|nor|fails?|failed|worse|degrades?|degraded|hurts?)\b",
    re.IGNORECASE,
)
_FUNCTION_WORDS = _words(
    """a an the this that these those it its we our in on at for with by from to of as when
    while although though if using compared unlike both each all most many some such there
    their they after before during under over across among between"""
)


def question_form(question: str) -> QuestionForm:
    """Whether the question asks how far ("extent"), yes or no ("yesno"), or something else."""
    if asks_for_extent(question):  # one reading of "how far" for extraction and the answer
        return "extent"
    return "yesno" if _YESNO.match(question) else "open"


def _split(text: str) -> list[str]:
    """Sentences of a statement (a claim is one or two sentences)."""
    parts: list[str] = []
    for piece in _SENTENCE_END.split(text.strip()):
        if parts and _NOT_AN_END.search(parts[-1]):
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return [p for p in parts if p]


# A structured abstract's part label before its sentence ("CONCLUSION In patients ..."): a
# heading, not a word of the finding.
_PART_LABEL = re.compile(
    r"^(?:RESULTS?|CONCLUSIONS?|FINDINGS|INTERPRETATION|MAIN RESULTS)\b[:.]?\s+(?=[A-Z])"
)


def to_clause(sentence: str) -> str:
    """A sentence as a clause: framing, citations and the final stop removed, words kept."""
    clause = _LEGEND.sub("", _POINTER.sub("", _CITATION.sub("", sentence.strip())))
    clause = _PART_LABEL.sub("", clause, count=1)
    while True:
        shorter = _FRAMING.sub(
            "", _CONNECTIVE.sub("", drop_numbering_label(clause), count=1), count=1
        )
        if shorter == clause:
            break
        clause = shorter
    clause = _OWN_WORK.sub(lambda m: f"the authors {m.group(1).lower()}", clause)
    clause = _WE.sub("the authors", clause)
    # "the improvement we observed in our experiments": once the authors are named, "their".
    clause = _OUR.sub(
        lambda m: "their" if "the authors" in clause[: m.start()] else "the authors'", clause
    )
    return clause.rstrip(" .;:,")


def leans_back(statement: str) -> bool:
    """Whether a statement, as a clause, opens by pointing back to a sentence not shown."""
    return bool(_LEANS_BACK.match(to_clause(statement)))


def _is_named(word: str) -> bool:
    return any(ch.isdigit() for ch in word) or any(ch.isupper() for ch in word[1:])


def _capitalised_names(claims: Sequence[Claim]) -> frozenset[str]:
    """Capitalised words the claims write mid-sentence: names ("Hinton", "Transformer")."""
    names: set[str] = set()
    for claim in claims:
        for sentence in _split(claim.text):
            names.update(re.findall(r"(?<=\s)[A-Z][a-z]+\b", sentence))
    return frozenset(names)


def _embedded(clause: str, names: frozenset[str]) -> str:
    """The clause as it reads inside another sentence, initial capital dropped if safe."""
    words = clause.split(" ", 2)
    first = words[0]
    second = words[1] if len(words) > 1 else ""
    if not first[:1].isupper() or _is_named(first) or first == "I":
        return clause
    if second[:1].isupper() and first.lower() not in _FUNCTION_WORDS:
        # A capitalised name of two or more words ("Knowledge Distillation (KD)"); not a
        # function word before a name ("Although DeepSeek-Coder-V2 achieves ...").
        return clause
    if first.strip(",;:") in names and first.lower() not in _FUNCTION_WORDS:
        return clause
    return first.lower() + clause[len(first) :]


def _has_quantity(finding: Finding, counted: Sequence[str] = ()) -> bool:
    """Whether the finding's statement puts a number on an extent: a key quantity of its own
    that is not a mere count ("the larger 33B model", "2.4B active parameters", "10.2T tokens"
    name a size or a setting; a percentage, a factor, a measure or a score says how far). A
    count is the figure, though, in a statement naming what a "How many / How much" question
    asks the amount of (``counted``: "from 86 to 338 programming languages"), and any count
    is when the question asks a degree (``_DEGREE``: "how long a context window" is answered
    by "128K tokens")."""
    own = [q for q in finding.quantities if q.claim_id == finding.representative]
    if any(not _is_count(q.raw) for q in own):
        return True
    if _DEGREE in counted:
        return bool(own)
    return bool(own) and bool(counted) and bool(aspects_named(counted, finding.statement))


# In ``counted``: the question asks a degree ("how long a ..."), so any count is a figure.
_DEGREE = ""


@lru_cache(maxsize=1024)
def _is_count(raw: str) -> bool:
    # A key quantity keeps its text, not its kind; reading the text again gives the kind.
    kinds = {q.kind for q in parse_quantities(raw)}
    return kinds == {"count"}


def _clause_of(finding: Finding, quantity_first: bool) -> str:
    """The statement's sentence that carries a quantity (if asked and any does), as a clause."""
    sentences = _split(finding.statement) or [finding.statement]
    if quantity_first:
        for sentence in sentences:
            if any(q.unit for q in parse_quantities(sentence)):
                return to_clause(sentence)
    return to_clause(sentences[0])


def _sources(finding: Finding) -> set[str]:
    return set(finding.reported_by) | set(finding.corroborated_by)


def _verified(cited: Sequence[Finding]) -> bool:
    return bool(cited) and all(f.verdict == "supported" for f in cited)


def _sentence(
    text: str, cited: Sequence[Finding], extra: Sequence[str] = (), note: str = ""
) -> AnswerSentence:
    ok = _verified(cited)
    if not ok and not note:
        note = "cites a finding the verifier does not support"
    return AnswerSentence(
        text=text, citations=[f.finding_id for f in cited] + list(extra), verified=ok, note=note
    )


@dataclass
class _Writer:
    """What the answer has used so far, and how clauses are embedded."""

    form: QuestionForm
    names: frozenset[str]
    used: set[str]
    counted: tuple[str, ...] = ()  # what a "How many" question counts (``_has_quantity``)
    # The things an extent question names ("BLEU", "HumanEval"): a lead figure naming one
    # answers that part of the question, even when it is not of what the question counts.
    named: tuple[str, ...] = ()

    def clause(self, finding: Finding, quantity_first: bool = False) -> str:
        self.used.add(finding.finding_id)
        return _embedded(_clause_of(finding, quantity_first), self.names)


def _readable(findings: Sequence[Finding], texts: dict[str, str]) -> list[Finding]:
    """The findings as the answer reads them: a statement that points back to a sentence the
    answer does not show ("It also exceeds PaSa-GPT-4o by 30.36% ...") is replaced by the first
    of the finding's claims that states the same result on its own ("PaSa-7b surpasses
    PaSa-GPT-4o by 30.36% ..."), when one does; the finding, its verdict and citation stay."""
    out = []
    for f in findings:
        statement = readable_statement(f.statement, [texts[c] for c in f.claims if c in texts])
        out.append(f if statement == f.statement else f.model_copy(update={"statement": statement}))
    return out


def readable_statement(statement: str, members: Sequence[str]) -> str:
    """The statement, or, when it points back and a member claim does not, that member."""
    if not leans_back(statement):
        return statement
    return next((m for m in members if not leans_back(m)), statement)


def _lead_picks(
    form: QuestionForm,
    findings: Sequence[Finding],
    kinds: dict[str, str],
    on_question: set[str],
    named: Sequence[str] = (),
    counted: Sequence[str] = (),
    aspects: Sequence[str] = (),
    made: Sequence[str] = (),
) -> list[Finding]:
    """The one or two findings the first sentence rests on; ``named``: the things an extent
    question names ("HumanEval"), which a lead figure should measure; ``aspects``: all the
    question's aspects, of which a general statement after a lead figure must name about as
    many as the figure does; ``made``: what a "How can X be made P?" question asks (P), which
    a lead finding names before one that does not, and a second one must name."""
    supported = [f for f in findings if f.verdict == "supported"]
    readable = [f for f in supported if not leans_back(f.statement)]
    supported = readable or supported
    if not supported:
        return []
    want_q = form == "extent"
    margin = EXTENT_MARGIN if want_q else LEAD_MARGIN
    top = max(f.relevance for f in supported)
    # Near the top, a result several sources state answers better than one paper's.
    close = [f for f in supported if f.relevance >= top - margin]
    if made:
        # What the question asks X to become decides before closeness to the question does.
        close = [f for f in supported if speaks_to_any(list(made), f.statement)] or close

    def names(f: Finding) -> int:
        """How many of the named things a finding names (none counted but for an extent lead)."""
        return len(aspects_named(named, f.statement)) if want_q else 0

    def lead_key(f: Finding) -> tuple[bool, bool, int, bool, bool, bool, int]:
        result = kinds.get(f.representative) in ("number", "comparison")
        return (
            # "How can distillation be made faster to train?": KDFlow's speedup answers it,
            # Hinton et al.'s "works significantly better than a model of the same size" not.
            bool(made) and not speaks_to_any(list(made), f.statement),
            want_q and not _has_quantity(f, counted),
            # "How much does DeepSeek-Coder-V2 improve on HumanEval and MBPP?": a figure on
            # HumanEval and MBPP before one on the make-up of its pre-training data.
            -names(f),
            f.finding_id not in on_question,
            want_q and not result,
            len(_sources(f)) < 2,
            findings.index(f),
        )

    first = min(close, key=lead_key)
    # The answer's first sentence rests on supported findings only; a number the verifier does
    # not bear out is shown in a sentence of its own (``_unverified_figure``), never as the lead.
    pool = [f for f in supported if f is not first]

    said = set(aspects_named(named, first.statement)) if want_q else set()

    def rank(f: Finding) -> tuple[bool, int, bool, int]:
        # The second figure names what the first leaves out ("LiveCodeBench" after a figure
        # on MATH that names GPT-4o).
        new = len(set(aspects_named(named, f.statement)) - said) if want_q else 0
        overlap = bool(_sources(f) & _sources(first))
        return want_q and not _has_quantity(f, counted), -new, overlap, findings.index(f)

    ranked = sorted(pool, key=rank)
    if made:
        ranked = [f for f in ranked if speaks_to_any(list(made), f.statement)]
    if (
        want_q
        and ranked
        and _has_quantity(first, counted)
        and not _has_quantity(ranked[0], counted)
    ):
        # "How much faster can a framework make LLM distillation?": after KDFlow's speedup,
        # "more generally, distilling an ensemble works better than a model of the same size"
        # speaks to distillation alone, not to what the figure measures; a general statement
        # must name nearly as much of the question as the figure it follows.
        bar = len(aspects_named(aspects, first.statement)) - 1
        ranked = [f for f in ranked if len(aspects_named(aspects, f.statement)) >= bar]
    return [first, ranked[0]] if ranked else [first]


def _report(clauses: Sequence[str], instead: bool = False) -> str:
    """ "the verified finding(s) report(s) that ..." for the lead's clauses; with ``instead``
    "the closest verified finding(s) report(s), instead, that ...": after a lead that says the
    question is not answered, they must not read as its answer."""
    one = len(clauses) == 1
    head = f"the {'closest ' if instead else ''}verified finding{'' if one else 's'}"
    verb = "reports" if one else "report"
    return f"{head} {verb}{', instead,' if instead else ''} that " + ", and that ".join(clauses)


def _unnamed(question: str, findings: Sequence[Finding]) -> list[str]:
    """The question's named things (FP8, GPT-4, HumanEval) that no supported quantified
    finding's statement names: a figure that names none of what the question names does not
    measure it, and the lead says so only when no verified figure anywhere does."""
    return unnamed_by(named_aspects(question), _figures(findings))


def _figures(findings: Sequence[Finding], counted: Sequence[str] = ()) -> list[Finding]:
    """The supported findings whose statement carries a quantity (``_has_quantity``)."""
    return [f for f in findings if f.verdict == "supported" and _has_quantity(f, counted)]


def unnamed_by(named: Sequence[str], findings: Sequence[Finding]) -> list[str]:
    """The named things that no finding's statement names."""
    said = {a for f in findings for a in aspects_named(named, f.statement)}
    return [a for a in named if a not in said]


def _lead(
    w: _Writer,
    picks: list[Finding],
    unanswered: Sequence[str] = (),
    premise: tuple[list[str], list[str]] = ([], []),
    unlinked: Sequence[str] = (),
    unmeasured: Sequence[str] = (),
) -> AnswerSentence:
    """The first sentence; ``unanswered`` are a yes/no question's outcomes that no pick states
    of the question's subject (no direction is then given), or an extent question's named
    things that no pick names (its figures then measure something else), ``unlinked`` that
    subject when a
    pick names an outcome without it; ``premise`` the question's configuration words that the
    picks name the opposite of, and those opposites (``premise_conflicts``); ``unmeasured``
    what a "How many / How much" question asks the amount of, when no verified figure is of
    it (the picks then answer something else)."""
    quantified = [_has_quantity(f, w.counted) for f in picks]
    clauses = [w.clause(f, quantity_first=w.form == "extent") for f in picks]
    asked, instead = premise
    if asked:
        # The findings are about the other design: neither a yes nor a figure answers it.
        verdict = ", so they give no yes or no" if w.form == "yesno" else ""
        text = (
            f"The verified findings describe a {_join(instead, 'and')} configuration, not the "
            f"{_join(asked, 'and')} one the question asks about{verdict}: " + ", and ".join(clauses)
        )
        return _sentence(text + ".", picks)
    every = set().union(*(_sources(f) for f in picks))
    who = (
        "The sources agree"
        if len(_sources(picks[0])) >= 2
        else "One source reports"
        if len(every) == 1
        else "The sources report"
    )
    quantify = (
        "One source quantifies the extent" if len(every) == 1 else "The sources quantify the extent"
    )
    if w.form == "extent" and unmeasured:
        # "How many attention heads work best?" answered by a 28.4 BLEU score: a figure, but
        # not of heads; it must not read as the answer.
        others = [a for a in unanswered if a not in unmeasured]
        names = f", or one that names {_join(others, 'or')}" if others else ""
        # "How much cheaper is it to train, and how does its BLEU compare?": a BLEU figure
        # answers the second part, so it is no stand-in for an answer ("instead").
        other_part = any(
            a not in unmeasured and aspects_named([a], f.statement) for a in w.named for f in picks
        )
        amounts = [_as_asked(a) for a in unmeasured]
        text = f"No verified finding gives a figure for {_join(amounts, 'or')}{names}; " + _report(
            clauses, instead=not other_part
        )
    elif w.form == "extent" and unanswered and any(quantified):
        # "How much memory does FP8 teacher inference save?" answered by a framework's overall
        # speedup: a figure, but not of what the question names.
        # Not "instead": the figure may answer another part of the question ("how much faster
        # does KDFlow train, and does FP8 hurt the loss?").
        text = (
            f"No verified finding quantifies the extent for {_join(list(unanswered), 'or')}; "
            + _report(clauses)
        )
    elif w.form == "extent":
        if all(quantified):
            text = f"{quantify}: " + "; ".join(clauses)
        elif quantified[0]:
            text = f"{quantify}: {clauses[0]}; more generally, {clauses[1]}"
        elif len(clauses) > 1 and quantified[1]:  # a lone pick has no second clause
            # The figure answers "how far": it comes first, the general statement after it.
            picks = [picks[1], picks[0]]
            text = f"{quantify}: {clauses[1]}; more generally, {clauses[0]}"
        else:
            said = "one source reports that " if len(every) == 1 else "the sources report that "
            text = UNQUANTIFIED_LEAD + said + ", and that ".join(clauses)
    elif w.form == "yesno" and unanswered:
        # "Does X reduce overfitting?" answered by findings that never mention overfitting has
        # no direction to give; saying "yes" would rest on findings about something else.
        # "Does X reduce Y?" answered by "Z raises Y" and "X lowers W" has no direction either.
        missing = f"links {_join(list(unlinked), 'or')} to" if unlinked else "speaks to"
        text = (
            f"No verified finding {missing} {_join(list(unanswered), 'or')}, so the sources "
            "give no yes or no; " + _report(clauses, instead=True)
        )
    elif w.form == "yesno":
        negative = [bool(_NEGATION.search(c)) for c in clauses]
        direction = "yes" if not any(negative) else "no" if all(negative) else "mixed"
        head = (
            "The evidence is mixed"
            if direction == "mixed"
            else f"The evidence points to {direction}"
        )
        text = f"{head}: " + ("; but " if direction == "mixed" else "; ").join(clauses)
    elif unanswered:
        # "How can distillation be made faster?" answered by findings that never speak of
        # speed: they are the nearest verified word, not a way to make it faster.
        text = f"No verified finding says what makes it {_join(list(unanswered), 'or')}; " + (
            _report(clauses, instead=True)
        )
    else:
        text = f"{who} that " + ", and that ".join(clauses)
    return _sentence(text + ".", picks)


def _as_asked(aspect: str) -> str:
    """An aspect as the answer names it: a comparative as the amount asked ("how much
    cheaper"), not as a thing ("a figure for cheaper")."""
    return f"how much {aspect}" if aspect.lower() in COMPARATIVES else aspect


def _unquantified(
    form: QuestionForm, picks: Sequence[Finding], counted: Sequence[str] = ()
) -> bool:
    """Whether an extent question's lead carries no quantity (it then says so itself)."""
    return form == "extent" and bool(picks) and not any(_has_quantity(f, counted) for f in picks)


def _unverified_figure(
    w: _Writer, findings: Sequence[Finding], picks: Sequence[Finding]
) -> AnswerSentence | None:
    """The first unverified quantified finding, flagged, when the lead has no number."""
    if not _unquantified(w.form, picks, w.counted):
        return None
    figures = [
        f
        for f in findings
        if f.verdict == "unverified" and _has_quantity(f, w.counted) and not leans_back(f.statement)
    ]
    if not figures:
        return None
    # A second figure from another source, when one is reported, shows how far the sources go.
    cited = figures[:1] + [f for f in figures[1:] if not _sources(f) & _sources(figures[0])][:1]
    clauses = "; ".join(w.clause(f, True) for f in cited)
    head = "Figures on the extent are" if len(cited) > 1 else "A figure on the extent is"
    return _sentence(f"{head} reported but not verified: {clauses}.", cited)


def _answers(statement: str, outcomes: Sequence[str], subjects: Sequence[str]) -> bool:
    """Whether a statement names one of a yes/no question's outcomes and, when the question
    names a subject, one of its subjects too (what the question asks the effect of)."""
    return speaks_to_any(list(outcomes), statement) and (
        not subjects or speaks_to_any(list(subjects), statement)
    )


def _unverified_outcome(
    w: _Writer,
    findings: Sequence[Finding],
    unanswered: Sequence[str],
    subjects: Sequence[str] = (),
    unmeasured: Sequence[str] = (),
) -> AnswerSentence | None:
    """For a yes/no question whose lead found no verified word on its outcomes (or an extent
    question whose lead names none of its named things): the most relevant unverified finding
    that states them (of its subject), flagged as not verified."""
    if not unanswered:
        return None
    # What a "How many" question counts comes first ("attention heads" before "BERT").
    wanted = [list(unmeasured)] if unmeasured else []
    target = next(
        (
            f
            for aspects in [*wanted, list(unanswered)]
            for f in findings
            if f.verdict == "unverified"
            and not leans_back(f.statement)
            and _answers(f.statement, aspects, subjects)
        ),
        None,
    )
    if target is None:
        return None
    named = [_as_asked(a) for a in aspects_named(unanswered, target.statement)]
    text = f"A finding on {_join(named, 'and')} is reported but not verified: {w.clause(target)}."
    return _sentence(text, [target])


def _agreement(w: _Writer, findings: Sequence[Finding]) -> AnswerSentence | None:
    shared = [
        f for f in findings
        if f.verdict == "supported" and len(_sources(f)) >= 2 and f.finding_id not in w.used
    ][:2]  # fmt: skip
    if not shared:
        return None
    text = "Independent sources agree that " + ", and that ".join(w.clause(f) for f in shared)
    return _sentence(text + ".", shared)


def _disputed(f: Finding) -> bool:
    return f.verdict == "contradicted" or bool(f.contrasting_claims or f.contrasted_by)


def _difference(
    w: _Writer, findings: Sequence[Finding], claims: dict[str, Claim]
) -> AnswerSentence | None:
    target = next((f for f in findings if _disputed(f)), None)
    if target is None:
        return None
    statement = w.clause(target)
    if target.verdict == "contradicted":
        text = f"The evidence does not bear out one reported result: {statement}."
        return _sentence(text, [target], note="the verifier reads the evidence as contradicting it")
    others = [claims[c] for c in target.contrasting_claims if c in claims]
    if others:
        other = _embedded(to_clause(_split(others[0].text)[0]), w.names)
        homes = [f for f in findings if others[0].claim_id in f.claims]
        text = f"The sources differ on one point: {statement}, whereas {other}."
        return _sentence(text, [target, *homes], extra=[] if homes else [others[0].claim_id])
    same = set(target.contrasted_by) <= set(target.reported_by)
    where = "the same source" if same else "another source"
    text = (
        f"One result is disputed: {statement}, though the verifier read a passage of {where} "
        "as contradicting it."
    )
    return _sentence(text, [target], note="a passage the verifier read contradicts it")


def _further(w: _Writer, findings: Sequence[Finding], room: int) -> list[AnswerSentence]:
    """Supported findings not yet used; two short ones share a sentence, long ones do not."""
    rest = [
        f
        for f in findings
        if f.verdict == "supported" and f.finding_id not in w.used and not leans_back(f.statement)
    ]
    one = len(set().union(*(_sources(f) for f in findings))) == 1
    frames = (
        ("The source also reports that ", "It further finds that ")
        if one
        else ("The sources also report that ", "They further find that ")
    )
    out: list[AnswerSentence] = []
    while rest and len(out) < room:
        take = 2 if len(rest) > 1 and all(_short(f) for f in rest[:2]) else 1
        cited, rest = rest[:take], rest[take:]
        clauses = [w.clause(f) for f in cited]
        frame = frames[len(out) % 2]
        if frame == frames[0] and any(_ALSO.search(c) for c in clauses):
            frame = frames[1]  # "The sources also report that X also performs ..." says it twice
        if len(clauses) == 1 and _REPORTS.search(clauses[0]):
            # "They further find that ..., the authors find that ..." says it twice as well.
            text = "Further, " + clauses[0]
        else:
            text = frame + ", and that ".join(clauses)
        out.append(_sentence(text + ".", cited))
    return out


_ALSO = re.compile(r"\balso\b", re.IGNORECASE)
# A clause that carries its own reporting verb ("the authors find that ...").
_REPORTS = re.compile(
    r"\bthe authors (?:\w+ )?(?:find|found|show|showed|demonstrate|observe|report|note)s? that\b"
)


def _short(finding: Finding) -> bool:
    return len(_clause_of(finding, False).split()) <= SHORT_CLAUSE_WORDS


def _join(items: Sequence[str], last: str) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


def _contexts(
    findings: Sequence[Finding], verdicts: Sequence[Verdict], sources: Sequence[Document]
) -> list[str]:
    """Each supported finding as a reader meets it: statement, support, its sources' heads."""
    by_claim = {v.claim_id: v for v in verdicts}
    heads = {d.doc_id: f"{d.work.title}. {d.work.abstract or ''}" for d in sources}
    return [
        " ".join([f.statement, *_support(f, by_claim), *(heads.get(d, "") for d in f.reported_by)])
        for f in findings
        if f.verdict == "supported"
    ]


def _support(finding: Finding, by_claim: dict[str, Verdict]) -> list[str]:
    """The passages the verifier read as supporting the finding's claims."""
    return [
        ev.text
        for c in finding.claims
        for ev in (by_claim[c].evidence if c in by_claim else [])
        if ev.stance == "supports"
    ]


def _coverage(
    question: str,
    form: QuestionForm,
    findings: Sequence[Finding],
    uncovered: list[str],
    contexts: list[str],
    lead_said_it: bool = False,
    named: Sequence[str] = (),
    counted: Sequence[str] = (),
) -> AnswerSentence | None:
    """The coverage sentence; None when all it would say is what the lead has said (``named``:
    the outcomes a yes/no lead names as unaddressed by verified findings; ``counted``: what a
    "How many" question counts)."""
    # With no supported finding the answer has already said that nothing is verified; naming
    # every part of the question again as unspoken-to would only repeat it at length.
    none_supported = not any(f.verdict == "supported" for f in findings)
    unquantified = (
        form == "extent"
        and not lead_said_it
        and not none_supported
        and not any(f.verdict == "supported" and _has_quantity(f, counted) for f in findings)
    )
    # Parts the sources mention but no finding states anything about: a reader should know the
    # answer is silent there even though the papers are not.
    silent = (
        []
        if none_supported
        else [a for a in uncovered_aspects(question, contexts) if a not in uncovered]
    )
    silent = [a for a in silent if a not in named]
    parts = []
    if uncovered:
        parts.append(f"the used sources do not address {_join(uncovered, 'or')}")
    if silent:
        parts.append(f"no verified finding speaks to {_join(silent, 'or')}")
    if unquantified:
        parts.append("no verified finding puts a number on the extent")
    if parts:
        text = "; ".join(parts)
        text = text[0].upper() + text[1:] + "."
    elif named:
        # The lead named parts as unanswered: saying so again adds nothing, and "every part is
        # addressed" (read with the sources' abstracts) would contradict it.
        return None
    elif none_supported:
        text = "The used sources mention every part of the question."
    else:
        text = "Every part of the question is addressed by at least one verified finding."
    return AnswerSentence(
        text=text, citations=[], verified=False, note="coverage of the question, not a finding"
    )


def _no_support(w: _Writer, findings: Sequence[Finding]) -> list[AnswerSentence]:
    head = AnswerSentence(
        text="No finding drawn from the sources is supported by the evidence the verifier found, "
        "so they give no verified answer to this question.",
        citations=[],
        verified=False,
        note="no supported finding",
    )
    unverified = [f for f in findings if f.verdict == "unverified"]
    candidate = next((f for f in unverified if not leans_back(f.statement)), None)
    if candidate is None:
        return [head]
    text = f"The most relevant statement, not verified, is that {w.clause(candidate)}."
    return [head, _sentence(text, [candidate])]


def extractive_answer(
    question: str,
    findings: list[Finding],
    claims: list[Claim],
    uncovered: list[str],
    settings: SynthesizeSettings,
    verdicts: Sequence[Verdict] = (),
    sources: Sequence[Document] = (),
) -> Answer:
    """The direct answer to the question, built only from the findings' own words.

    ``verdicts`` and ``sources`` (the used documents) let the coverage sentence read each
    supported finding with its support and its sources' titles and abstracts.
    """
    form = question_form(question)
    # "How many attention heads ...": a figure must be of the heads; then of what it names.
    measured = measured_aspects(question) if form == "extent" else []
    degree = (_DEGREE,) if form == "extent" and asks_degree(question) else ()
    counted = tuple(measured) or degree
    w = _Writer(
        form=form,
        names=_capitalised_names(claims),
        used=set(),
        counted=counted,
        named=tuple(named_aspects(question)) if form == "extent" else (),
    )
    findings = _readable(findings, {c.claim_id: c.text for c in claims})
    by_claim = {v.claim_id: v for v in verdicts}

    def read(f: Finding) -> str:  # a finding's statement read with the passages supporting it
        return " ".join([f.statement, *_support(f, by_claim)])

    on_question = {f.finding_id for f in findings if speaks_to_question(question, read(f))}
    asked = list(dict.fromkeys(measured + named_aspects(question))) if form == "extent" else []
    kinds = {c.claim_id: c.kind for c in claims}
    made = made_property(question)
    picks = _lead_picks(
        form, findings, kinds, on_question, asked, counted, question_aspects(question), made
    )
    unanswered: list[str] = []
    unmeasured: list[str] = []
    if not picks:
        body = _no_support(w, findings)
    else:
        outcomes = outcome_aspects(question) if form == "yesno" else []
        subjects = subject_aspects(question) if form == "yesno" else []
        # The finding itself must name what the question asks the effect on, and of what: a
        # supporting passage that mentions "older adults" does not make "vitamin D intakes ...
        # may be associated with better health outcomes" a finding about fractures in older
        # adults, and "even moderately elevated cholesterol increased dementia risk" says
        # nothing of statins and dementia.
        if form == "extent":
            unmeasured = unnamed_by(measured, _figures(findings, counted))
            # "GPU" is named inside the unmeasured "GPU memory": said once, as part of it.
            inside = {w for a in unmeasured for w in a.split()}
            unnamed = [a for a in _unnamed(question, findings) if a not in inside]
            unanswered = list(dict.fromkeys(unmeasured + unnamed))
        elif form == "yesno" and not any(_answers(f.statement, outcomes, subjects) for f in picks):
            unanswered = outcomes
        elif made and not any(speaks_to_any(made, f.statement) for f in picks):
            unanswered = made
        named = any(speaks_to_any(outcomes, f.statement) for f in picks)
        unlinked = subjects if unanswered and named else []
        premise = premise_conflicts(question, " ".join(f.statement for f in picks))
        body = [_lead(w, picks, unanswered, premise, unlinked, unmeasured)]
        by_id = {c.claim_id: c for c in claims}
        for extra in (
            _unverified_figure(w, findings, picks),
            _unverified_outcome(w, findings, unanswered, subjects, unmeasured),
            _agreement(w, findings),
            _difference(w, findings, by_id),
        ):
            if extra is not None:
                body.append(extra)
        body += _further(w, findings, settings.max_answer_sentences - len(body))
    contexts = _contexts(findings, verdicts, sources)
    lead_said_it = _unquantified(form, picks, counted)
    coverage = _coverage(
        question, form, findings, uncovered, contexts, lead_said_it, unanswered, counted
    )
    sentences = [*body[: settings.max_answer_sentences], *([coverage] if coverage else [])]
    return Answer(
        text=" ".join(s.text for s in sentences),
        sentences=sentences,
        writer="extractive",
        uncovered=list(uncovered),
        note="" if picks else "No finding is supported by the evidence.",
    )
