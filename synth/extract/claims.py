"""Pick claim sentences: whole, clean sentences that state a finding relevant to the question.

A passage becomes a claim candidate when it

1. lies in a section that may hold claims (not title, front matter, references, appendix,
   acknowledgements),
2. passes the parser's prose test (``prose_filter``: a complete sentence, not table or figure
   debris) and is between ``min_claim_chars`` and ``max_claim_chars`` long,
3. carries at least one *finding cue*: a measured result (a percentage, a factor such as
   "12 times fewer", a number next to a metric word such as "errors" or "accuracy"), a
   comparison ("outperforms", "higher than"), or a stated conclusion ("we show that"); or,
   as biomedical abstracts state findings, an *effect or dependence*: "caspase-11 promoted
   the fusion ...", "was required for", "necessary and sufficient", "these findings reveal"
   (``_FINDING``; admission only, it earns no ranking bonus),
4. does not cite other work (``[12]``, "Hinton et al. (2015)", "Grabocka et al. have ...",
   "their results"): such a sentence reports someone else's finding second-hand, so it is
   dropped, not down-ranked; unless the authors state, in their own voice, what they found
   with the work they cite (``_OWN_RESULT``: "we also experimented with learned positional
   embeddings [9] instead, and found that the two versions produced nearly identical
   results") or a result they measured on a cited benchmark (``_OWN_MEASURE``: "we achieve
   a 90.2% score on HumanEval (Chen et al., 2021)"), which admits the sentence as a finding
   in its own right,
5. is not background, a definition or a method description by the rules: background truisms
   ("Deep neural networks have achieved remarkable success", "X plays an important role",
   "teachers are usually much larger than students", "X provides an effective way to ...",
   "... are still challenging problems", "It is routine in chemistry now ...", "... remains
   unexplored", "X poses a particular challenge"; unless the sentence sets its own finding
   against it: "... is often assumed ..., our experiments show ..."), definitions ("X refers
   to ...", "X is a technique that ...", "As a representative type of ...", "The main idea
   is ..."),
   a structured abstract's BACKGROUND / METHODS ... part, and sentences that present the
   paper, its set-up or its system ("In this paper we propose ...", "We train ...", "We
   submit the query to ...", "The network utilizes ...", "additional parameters are introduced
   to map ...", "The curriculum can be seen as ...") or a generic statement ("Effective
   training requires ...", "X have become a useful tool for ...", "the most important factors
   include ...", "Other therapies have also been tested ...") unless they also state a measured
   result, a comparison or what the authors found ("We also tried ..., and found that ..."),
   and the authors' procedure ("we mask 15% of all tokens", "we replace the chosen token with
   ... 80% of the time", "each model is trained from scratch on ...", "the ensemble is 7x
   systems which use ...") unless it states an outcome in words (a comparison or conclusion
   cue, "we found", "suggests that"): a procedure's numbers are its settings, not results,
6. is **claim-worthy**: P(finding) ≥ ``min_claim_worthiness`` (default 0.5) under a logistic
   regression over the sentence embedding and ``worthiness_features`` (the cue counts above,
   discourse cues such as the present perfect, "we", the past passive or a purpose clause, and
   the background / definition / set-up flags of rule 5), shipped in
   ``data/extract/claim_worthiness.json``. It was fitted by ``benchmarks/train_claim_worthiness.py``
   on SciFact's structured abstracts (RESULTS / CONCLUSIONS sentences are findings; BACKGROUND,
   OBJECTIVE, METHODS ... sentences are not; label words stripped) and claims_train rationale
   sentences: held-out AUROC 0.86. The authors' own conclusion in their own voice ("We have
   shown that distilling works very well for ...", ``states_own_conclusion``) counts as
   P(finding) ≥ 0.7 whatever the weights say: they read the present perfect as background
   ("Studies have shown that ..."), so such sentences scored 0.04–0.11; on 200 SciFact train
   claims asked over the library this lifts the gold abstract used from 141 to 147. The gate
   catches method descriptions, benchmark definitions
   and cited background that no cue list names; the rules of 5 stay because the model, fitted
   on biomedical abstracts, still rates some machine-learning truisms ("... achieved remarkable
   success") as findings, and removing them lets BACKGROUND sentences through on SciFact. The
   gate applies only under the embedding model the weights were fitted on.

**Lead source.** The report's most relevant source (the first document handed in: the
pipeline orders them by relevance) is not left unused only because its abstract states its
finding in words no cue of rule 3 names ("Pol V transcription requires the chromatin-remodeling
protein DRD1"): when none of its cued sentences is a claim, its best abstract sentence without
a cue, passing rules 1, 2, 4 and 5 with P(finding) ≥ ``UNCUED_WORTHINESS`` (0.6) and the
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

**Result allowance.** When the question asks for an amount ("to what extent", "how much",
"how long", ...; ``asks_for_extent``), a measured result of an on-topic paper answers it even
though its cosine to the question is low: "More than 80% of the improvement in frame
classification accuracy ... is transferred to the distilled model" names numbers and the
experiment, not the method and task the question names (relevance 0.39 for the README
question). So each used source (one whose best claim passed) whose *reach*, the relevance of
its closest candidate sentence, claim-worthy or not, lies within ``further_claim_margin`` of the
report's highest reach (the paper itself addresses the question) may add up to
``result_claims_per_source`` (2) further claims, best score first, that

* state a measured result (a ``_RESULT`` cue) in an abstract, results, discussion or
  conclusion section, with P(finding) ≥ ``further_claim_worthiness``,
* name at least ``result_claim_terms`` (2) distinct content words of the question (folded:
  "distilled" meets "distillation", "transferred" meets "transfer", "larger" meets "large"),
* can be read alone: they do not lean on context ("This ..."), point at a figure or table
  ("in Figure 2(b), ...") or back at something named before ("the very same network"),
* and reach ``min_result_claim_relevance`` (0.25).

Reach, not the used source's rank, decides "on-topic": a source used for a neighbouring
question (an LLM distillation framework for a question on teacher accuracy) has no sentence as
close to the question as the papers that study it. Other questions keep the margins alone.

Claims are ranked across all sources together, with no per-source quota, by

    question relevance
    + 0.07 per measured result (at most 3) + 0.02 per other number (at most 2)
    + 0.04 per comparison (at most 3) + 0.03 per conclusion cue (at most 2)
    + 0.05 in an abstract, results, discussion or conclusion section
    − 0.08 when it describes the paper rather than a result ("In this paper we present ...")
      or looks ahead ("should be further investigated")
    − 0.05 when it leans on context ("This shows ...", "As argued in Section 6")
    − 0.05 when it describes set-up rather than outcome ("We trained ...", "We use ...")

Near-duplicates (cosine ≥ 0.92) are dropped and at most ``max_claims`` per report are kept.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from synth.embed import Embedder
from synth.lexical import QUERY, light_stem, tokens
from synth.records import NON_CLAIM_SECTIONS, Claim, Document, Passage
from synth.resources import data_file
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
    r"\[\d+(?:[,–-]\s?\d+)*\]|\(\w[^()]*(?:et al\.|,)\s*(?:19|20)\d\d[a-z]?\)"
    r"|\bet al\.?,?\s*\(?\d{4}|\b(?:their|they) (?:\w+ )?(?:paper|work|show|demonstrate)"
    r"|\btheir (?:best|results?|method|model)\b"
    # "Grabocka et al. have developed ...": authors named without a year are still others.
    r"|\bet al\.",
    re.IGNORECASE,
)
# The authors' own result about a cited method: "we" then, directly or after ", and", a verb of
# finding that states an outcome ("found that", "observe nearly identical results"). Someone
# else's finding retold ("we follow [12], who found that ...") has no "and" before its verb.
_OWN_RESULT = re.compile(
    r"\bwe (?:also |further |then )?(?:found|find|observed?|show(?:ed)?|noticed?)\b"
    r"|\bwe\b[^.;]*?,? and (?:also |then )?(?:found|find|observed?|noticed?)\b",
    re.IGNORECASE,
)
_OWN_RESULT_STATED = re.compile(
    r"\b(?:found|find|observed?|show(?:ed)?|noticed?) (?:that\b|(?:[\w-]+ ){0,3}?"
    r"(?:results?|improvements?|gains?|differences?|drops?|performance)\b)",
    re.IGNORECASE,
)
_META = re.compile(
    r"^(?:In this (?:paper|work|section|survey)|(?:The focus|The goal|The aim) of this)\b"
    r"|\bwe (?:report|present|describe|introduce|evaluate|propose|study|review|discuss|"
    r"summari[sz]e|provide|explore)\b|\b(?:(?:should|needs? to|remains? to) be (?:further )?"
    r"(?:investigated|studied|explored|addressed)|future work|remains? (?:open|unclear)|"
    r"(?:received|attracted|gained) (?:increasing|growing|much|considerable) attention)\b",
    re.IGNORECASE,
)
_BACKGROUND = re.compile(
    r"\b(?:has|have)(?: recently)? (?:\w+ )?(?:achieved|shown|demonstrated|gained|attracted|"
    r"received|become|seen|made) (?:\w+ )?(?:remarkable|great|tremendous|impressive|significant|"
    r"considerable|widespread|increasing|growing|much|substantial|rapid|huge) (?:\w+ )?(?:success|"
    r"progress|attention|popularity|interest|advances?|breakthroughs?)"
    r"|\b(?:in|over) (?:the )?(?:recent|past|last) (?:few )?(?:years|decades?)\b"
    r"|\bplays? (?:an? )?(?:important|crucial|key|vital|central|essential) role"
    r"|\b(?:is|are|has been|have been) (?:widely|commonly|increasingly) (?:used|adopted|applied|"
    r"studied|recogni[sz]ed)\b|\bis (?:one of )?the leading\b|\bremains? (?:a|an) (?:\w+ )?"
    r"(?:challenge|problem)\b|\b(?:it )?(?:has|have) long been (?:known|established|observed)\b"
    r"|\bit is (?:well|widely|commonly) (?:known|accepted|established)\b",
    re.IGNORECASE,
)
# Truisms of a field: what its objects usually are, what remains hard or unexplored or poses a
# challenge, what is routine in it ("It is routine in chemistry now for DL to exceed ..."),
# what a technique is good for in general ("... provides an effective way to preserve
# knowledge"), and definitions by kind ("As a representative type of model compression, ...")
# or by idea ("The main idea is ..."). Not flagged when the sentence sets its own finding
# against the truism ("... is often assumed to improve reasoning, our experiments show ...").
# Kept apart from ``_BACKGROUND``, a feature the claim-worthiness weights were fitted on.
_TRUISM = re.compile(
    r"\b(?:is|are) (?:usually|typically|generally|commonly|often) \w+"
    r"|\b(?:is|are|remains?) still (?:\w+ )?(?:challenging|open|difficult)\b"
    r"|\b(?:is|are|provides?|offers?) an? (?:\w+ ){0,3}?(?:effective|efficient|powerful|"
    r"promising|useful) (?:\w+ )?(?:tool|technique|way|means|method|approach|solution)s?\b"
    r"|^As an? (?:\w+ ){0,2}(?:type|kind|form|example|branch|class|family) of\b"
    r"|^The (?:main|key|basic|core|general|central) idea\b"
    r"|\bit is (?:now )?(?:routine|commonplace|common practice|standard practice|customary)\b"
    r"|\bremains? (?:\w+ )?(?:unexplored|under-?explored|under-?studied)\b"
    r"|\b(?:poses?|presents?|raises?) (?:a|an) (?:\w+ ){0,2}?(?:challenge|problem|difficulty)\b"
    # "The statin drugs are increasingly being recognized as having ...": what a field now holds.
    r"|\b(?:is|are) (?:increasingly|widely|now) being (?:recogni[sz]ed|used|adopted|studied)\b",
    re.IGNORECASE,
)
# What a study set out to do ("Our objective was to systematically review if ...", "This study
# aimed to ...") and what is not known ("it is not clear whether this strategy decreases the
# risk"): never a finding, whatever comparison the sentence names.
_OBJECTIVE = re.compile(
    r"^(?:(?:Our|The) (?:main |primary |overall )?(?:objectives?|aims?|goals?|purposes?)"
    r"(?: of (?:this|the|our) (?:study|review|paper|work|trial|analysis|article))? (?:was|were|is|"
    r"are) to\b|(?:We|This (?:study|review|trial|analysis|paper)) (?:aimed|aims|sought|seeks|set "
    r"out) to\b)"
    r"|\bit (?:is|remains) (?:still )?(?:not (?:yet )?(?:clear|known)|unclear|unknown) "
    r"(?:whether|if|how|why|what)\b",
    re.IGNORECASE,
)
_OWN_FINDING = re.compile(
    r"\b(?:we|our (?:results|experiments|analysis)) (?:show|find|found|demonstrate|observe)"
    r"|\b(?:results|experiments) (?:show|indicate|demonstrate|reveal)",
    re.IGNORECASE,
)
_DEFINITION = re.compile(
    r"\b(?:refers? to|is defined as|are defined as|is known as|is called)\b"
    r"|^(?:[A-Z][\w()-]*(?:\s[\w()-]+){0,5})\s(?:is|are)\s(?:a|an)\s(?:[\w-]+\s){0,3}"
    r"(?:technique|method|approach|framework|process|branch|family|class|type|kind|way|form|"
    r"set|strategy|paradigm|field|package|packages)s?\b",
)
# How a system or a procedure is built or run ("We submit the query to ...", "The network
# utilizes the attention maps ..."): set-up, not an outcome, unless the sentence also states a
# result. Kept apart from ``_SETUP``, a feature the claim-worthiness weights were fitted on.
_DESCRIPTION = re.compile(
    r"^We (?:\w+ )?(?:submit|submitted|compare|collect|collected|construct|constructed|build|"
    r"built|apply|applied|conduct|conducted|select|selected|sample|sampled|run|ran)\b"
    r"|^[A-Z][\w-]*(?: [\w-]+){0,3} (?:instead )?(?:uses|utili[sz]es|employs|consists of|"
    r"comprises)\b"
)
# Generic statements that no cue list names: what a field requires, what has become a useful
# tool, what the important factors are, what others have tested, and how a method is put
# together ("... are introduced to map ...", "The curriculum can be seen as ..."). Read like
# ``_DESCRIPTION``: background unless the sentence also states a result. Kept apart from the
# patterns the claim-worthiness weights were fitted on.
_GENERIC = re.compile(
    r"^[A-Z][\w-]*(?: [\w-]+)? requires?\b"
    r"|\b(?:has|have) become (?:an? )?(?:\w+ )?(?:useful|popular|standard|important|common|"
    r"valuable|powerful) (?:tool|method|approach|technique|means)s?\b"
    r"|\bthe (?:most )?important (?:factors?|aspects?|issues?) (?:include|are)\b"
    r"|\b(?:has|have) (?:also )?been (?:tested|studied|investigated|examined|explored|proposed)\b"
    r"|\b(?:is|are) introduced to\b"
    r"|\bcan be (?:seen|viewed|regarded|thought of|interpreted) as\b",
    re.IGNORECASE,
)
# How the authors ran their procedure ("we mask 15% of all tokens", "we replace the i-th token
# with ...", "X is trained with ...", "The ensemble is 7x systems which use ..."): its numbers are
# settings, not outcomes, so only an outcome stated in words (a comparison or conclusion cue,
# "we found") makes such a sentence a claim. Kept apart from ``_SETUP``, a feature the
# claim-worthiness weights were fitted on.
_PROCEDURE = re.compile(
    r"\bwe (?:\w+ )?(?:mask|masked|replace|replaced|sample|choose|pick|picked|feed|fed|"
    r"set(?! (?:a )?new\b)|draw|drew|concatenate|concatenated|truncate|truncated|shuffle|"
    r"shuffled|freeze|froze|initiali[sz]e|initiali[sz]ed|randomly \w+)\b"
    r"|\b(?:is|are|was|were) (?:\w+ )?(?:trained|initiali[sz]ed|pre-trained|fine-tuned|"
    r"optimi[sz]ed) (?:with|using|by|from|for)\b"
    r"|\b(?:systems?|models?|networks?|runs?) (?:which|that) (?:use|used|differ)\b",
    re.IGNORECASE,
)
# "Our experiment ... strongly suggests that ...": a procedure told as the ground of a finding.
_OUTCOME_STATED = re.compile(
    r"\b(?:suggest|show|indicate|demonstrate|reveal|confirm|imply|implie)s? that\b", re.IGNORECASE
)
_BAD_START = re.compile(r"^(Table|Figure|Fig\.|Algorithm|Listing|Eq\.|Equation)\b")
# Structured abstracts label their parts; these parts hold background or set-up, not findings.
_SETUP_LABEL = re.compile(
    r"^(?:BACKGROUND|CONTEXT|INTRODUCTION|OBJECTIVES?|PURPOSE(?: OF REVIEW)?|AIMS?|METHODS?|"
    r"DESIGN|SETTING|PARTICIPANTS|PATIENTS|MATERIALS? AND METHODS|DATA SOURCES?|"
    r"STUDY SELECTION|INTERVENTIONS?|MAIN OUTCOME MEASURES?)\b"
)
# A comparison that reports an outcome ("outperforms", "better than"), not the words "larger"
# or "improve" that method descriptions use as well.
_OWN_COMPARISON = re.compile(
    r"\b(outperform\w*|better than|worse than|surpass\w*|exceed\w*|compared (?:to|with)|"
    r"comparable to|on par with|higher than|lower than)\b",
    re.IGNORECASE,
)
# Findings stated as an effect or a dependence, the way biomedical abstracts state them
# ("X promoted Y", "X was dispensable for Y", "we also determined that ..."), which none of the
# cues above name. Only the candidate test reads it: the claim-worthiness weights were fitted
# on the cue counts of ``count_cues``, so it is kept apart from them.
_FINDING = re.compile(
    r"\b(?:these|our|the|this) (?:findings|results|data|observations|study|analys[ie]s) "
    r"(?:\w+ ){0,3}?(?:show|reveal|indicate|suggest|identify|demonstrate|establish|support|"
    r"uncover|highlight|confirm|provide)\w*"
    r"|\bwe (?:\w+ )?(?:have |also )?(?:shown?|demonstrated?|found|reveal(?:ed)?|identif(?:y|ied)|"
    r"determined?|establish(?:ed)?|report|observed?|discovered?|provide) (?:that|evidence)\b"
    r"|\b(?:was|were|is|are|be) (?:\w+ ){0,2}?(?:required|necessary|sufficient|dispensable|"
    r"essential|associated|correlated|linked|critical)\b"
    r"|\b(?:promot|inhibit|induc|suppress|abolish|attenuat|enhanc|impair|block|prevent|restor|"
    r"amplif|confirm|prov|abrogat|rescu)(?:e|es|ed|ied|ies|ing|y|ifies|ified)?\b",
    re.IGNORECASE,
)
logger = logging.getLogger(__name__)
_BONUS_KINDS = frozenset({"abstract", "results", "discussion", "conclusion"})
DUPLICATE_COSINE = 0.92
# Share of a claim's question cosine that comes from the sentence read after its paper's title.
CONTEXT_WEIGHT = 0.5
# The same rescaling of cosine as the dense part of source relevance (relevance.py).
RELEVANCE_FLOOR = 0.15
RELEVANCE_SPAN = 0.50


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


# Discourse cues the claim-worthiness model weighs (their weights are fitted, not chosen):
# background tends to the present perfect ("has been shown"), set-up to "we" and purpose
# clauses ("to assess"), methods to the past passive ("were treated").
_DISCOURSE = {
    "perfect": re.compile(r"\b(?:has|have)\s+(?:\w+ly\s+)?(?:been\s+)?\w+(?:ed|en|wn|ne)\b", re.I),
    "we": re.compile(r"\b(?:we|our)\b", re.I),
    "past_passive": re.compile(r"\b(?:was|were)\s+(?:\w+ly\s+)?\w+(?:ed|en)\b", re.I),
    "modal": re.compile(r"\b(?:may|might|could|should|can|will)\b", re.I),
    "purpose": re.compile(
        r"\bto (?:investigate|examine|assess|determine|evaluate|compare|study|test|explore|"
        r"identify)\b",
        re.I,
    ),
    "present": re.compile(r"\b(?:is|are)\b", re.I),
}
CUE_FEATURES = ("result", "number", "comparison", "conclusion")
FLAG_FEATURES = ("background", "definition", "setup")
WORTHINESS_FEATURES = (*CUE_FEATURES, *_DISCOURSE, *FLAG_FEATURES)
CUE_CAP = 3


def worthiness_features(text: str) -> list[float]:
    """The non-embedding features of the claim-worthiness model (counts capped at ``CUE_CAP``)."""
    cues = count_cues(text)
    counts = [cues[name] for name in CUE_FEATURES]
    counts += [len(pattern.findall(text)) for pattern in _DISCOURSE.values()]
    flags = [_BACKGROUND.search(text), _DEFINITION.search(text), _SETUP.match(text)]
    return [float(min(n, CUE_CAP)) for n in counts] + [float(f is not None) for f in flags]


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


def has_finding_cue(text: str) -> bool:
    """Whether a sentence carries a finding cue of rule 3 (a result, comparison, conclusion,
    the authors' own result, or an effect or dependence)."""
    cues = count_cues(text)
    cued = cues["result"] + cues["comparison"] + cues["conclusion"] > 0
    return cued or states_own_result(text) or _FINDING.search(text) is not None


def is_candidate(
    passage: Passage,
    settings: ExtractSettings,
    prose_filter: Callable[[str], bool],
    uncued_abstract: bool = False,
) -> bool:
    """Whether a passage may be a claim at all (section, length, prose, cue).

    ``uncued_abstract``: an abstract sentence needs no finding cue (``_candidates`` then asks
    more of its claim-worthiness, ``UNCUED_WORTHINESS``).
    """
    text = passage.text
    if passage.section_kind in NON_CLAIM_SECTIONS:
        return False
    if not settings.min_claim_chars <= len(text) <= settings.max_claim_chars:
        return False
    if _BAD_START.match(text) or text.endswith("?") or not prose_filter(text):
        return False
    own = states_own_result(text)
    if _CITES_OTHERS.search(text) and not own:
        return False
    # A background or related-work section tells others' work, even where the parser lost
    # the citation marks ("X connects to prior work on ..."); only the authors' own result
    # stated there is a claim.
    if passage.section_kind == "background" and not own:
        return False
    exempt = uncued_abstract and passage.section_kind == "abstract"
    if not (exempt or has_finding_cue(text)):
        return False
    return not is_background(text, count_cues(text))


# "We have shown that distilling works very well for ...": the authors' own conclusion. The
# claim-worthiness weights read the present perfect as background ("Studies have shown that ..."
# is the typical BACKGROUND sentence of a structured abstract), so such a sentence scores
# 0.04-0.11 although it states what the paper found.
_OWN_CONCLUSION = re.compile(
    r"^(?:(?:here|thus|overall|together|taken together|in summary|in conclusion|in this "
    r"(?:paper|study|work|article)|finally),?\s+)?(?:we|our (?:results|data|findings|study|"
    r"experiments|analyses))\s+(?:have\s+)?(?:now\s+|thus\s+|also\s+|further\s+)?(?:shown|"
    r"demonstrated|found|established|identified|revealed|show|demonstrate|find)\s+that\b",
    re.IGNORECASE,
)
OWN_CONCLUSION_WORTHINESS = 0.7
# The lead source's abstract sentence without a finding cue may be its claim when P(finding)
# reaches this (above 1: never; see "Lead source" in the module docstring). The cue lists
# miss how abstracts state findings ("Pol V transcription requires the chromatin-remodeling
# protein DRD1", "Soluble CCL21 functionally resembles the second CCR7 ligand, CCL19"), which
# the weights, fitted on abstracts, rate as findings. 0.6, chosen on 200 SciFact train claims
# asked of the library: gold abstract used 147 -> 153 at 0.5 and 0.6, 151 at 0.7.
UNCUED_WORTHINESS = 0.6


def states_own_conclusion(text: str) -> bool:
    """Whether a sentence states, in the authors' own voice, what they showed or found."""
    return bool(_OWN_CONCLUSION.search(text.strip())) and not _CITES_OTHERS.search(text)


# "Notably, we achieve a 90.2% score on HumanEval (Chen et al., 2021)": the authors' own measured
# result, the citation naming the benchmark.
_OWN_MEASURE = re.compile(
    r"\bwe (?:\w+ )?(?:achieve|achieved|obtain|obtained|reach|reached|attain|attained)\b",
    re.IGNORECASE,
)


def states_own_result(text: str) -> bool:
    """Whether the authors say, in their own voice, what they found or measured (rule 4's
    exception)."""
    if _OWN_MEASURE.search(text) and _RESULT.search(_CITES_OTHERS.sub(" ", text)):
        return True
    return bool(_OWN_RESULT.search(text) and _OWN_RESULT_STATED.search(text))


def is_background(text: str, cues: dict[str, int]) -> bool:
    """Background truism, definition, or a presentation of the paper or its set-up."""
    if _BACKGROUND.search(text) or _DEFINITION.search(text) or _SETUP_LABEL.match(text):
        return True
    if _OBJECTIVE.search(text.strip()):
        return True
    if _TRUISM.search(text) and not _OWN_FINDING.search(text):
        return True
    states_result = (
        cues["result"] > 0 or _OWN_COMPARISON.search(text) is not None or states_own_result(text)
    )
    describes = (
        _META.search(text)
        or _SETUP.match(text)
        or _DESCRIPTION.search(text)
        or _GENERIC.search(text)
    )
    # A procedure's numbers are its settings ("we mask 15% of all tokens"): only an outcome
    # stated in words keeps it.
    if _PROCEDURE.search(text) and not (
        cues["comparison"] + cues["conclusion"] > 0
        or _OWN_FINDING.search(text)
        or _OUTCOME_STATED.search(text)
        or states_own_result(text)
    ):
        return True
    return bool(describes) and not states_result


def adjustment(passage: Passage) -> float:
    """Section bonus minus the penalties of the module docstring."""
    value = 0.05 if passage.section_kind in _BONUS_KINDS else 0.0
    if _META.search(passage.text):
        value -= 0.08
    if _LEANS_ON_CONTEXT.search(passage.text):
        value -= 0.05
    if _SETUP.match(passage.text) and not _COMPARISON.search(passage.text):
        value -= 0.05
    return value


def question_relevance(cosine: float) -> float:
    """A sentence's cosine to the question rescaled to [0, 1] (see the module docstring)."""
    return min(1.0, max(0.0, (cosine - RELEVANCE_FLOOR) / RELEVANCE_SPAN))


class WorthinessModel(NamedTuple):
    """The fitted claim-worthiness logistic regression (data/extract/claim_worthiness.json)."""

    model: str
    weights: np.ndarray
    intercept: float


@functools.lru_cache(maxsize=1)
def load_worthiness_model() -> WorthinessModel:
    """The shipped claim-worthiness weights, read once."""
    raw = json.loads(data_file("extract", "claim_worthiness.json").read_text())
    weights = np.asarray(raw["weights"], dtype=np.float64)
    return WorthinessModel(str(raw["model"]), weights, float(raw["intercept"]))


def score_worthiness(vecs: np.ndarray, texts: Sequence[str], model: WorthinessModel) -> np.ndarray:
    """P(finding) per sentence from its embedding and capped cue counts."""
    if not len(texts):
        return np.zeros(0)
    cues = np.array([worthiness_features(t) for t in texts], dtype=np.float64)
    x = np.hstack([np.asarray(vecs, dtype=np.float64), cues])
    prob: np.ndarray = 1.0 / (1.0 + np.exp(-(x @ model.weights + model.intercept)))
    return prob


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
    uncued = lead and _gate_on(embedder, settings) and UNCUED_WORTHINESS <= 1
    passages = [p for p in doc.passages if is_candidate(p, settings, prose_filter, uncued)]
    if not passages:
        return []
    texts = [p.text for p in passages]
    vecs = embedder.encode(texts)
    worth = _worthiness(vecs, texts, embedder)
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


def _gate_on(embedder: Embedder, settings: ExtractSettings) -> bool:
    """Whether the claim-worthiness gate applies: it is on and the embedder is its model's."""
    return settings.min_claim_worthiness > 0 and embedder.name == load_worthiness_model().model


def _worthiness(vecs: np.ndarray, texts: list[str], embedder: Embedder) -> np.ndarray:
    model = load_worthiness_model()
    if (
        embedder.name != model.model
        or vecs.shape[1] + len(WORTHINESS_FEATURES) != model.weights.size
    ):
        # The weights read one embedding space; under another model the gate is off.
        logger.info(
            "claim-worthiness gate off: fitted on %s, embedder is %s", model.model, embedder.name
        )
        return np.ones(len(texts))
    return score_worthiness(vecs, texts, model)


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


# Comparatives a question and a result use for the same thing ("a smaller student", "the
# small student"); light_stem leaves them whole.
_COMPARATIVE_BASE = {
    "smaller": "small",
    "larger": "large",
    "bigger": "big",
    "deeper": "deep",
    "wider": "wide",
    "shallower": "shallow",
    "faster": "fast",
    "slower": "slow",
    "higher": "high",
    "lower": "low",
    "longer": "long",
    "shorter": "short",
}


def term_stem(word: str) -> str:
    """A word folded so that a question's noun meets a result's verb form.

    "distillation" and "distilled" give "distill", "transferred" and "transfer" give
    "transfer", "smaller" gives "small".
    """
    low = word.lower()
    stem = light_stem(_COMPARATIVE_BASE.get(low, low))
    if stem.endswith("ation") and len(stem) > 8:
        stem = stem[:-5]
    if len(stem) > 4 and stem[-1] == stem[-2] and stem[-1] in "bdgmnprt":
        stem = stem[:-1]  # "transferr" (from "transferred"), "controll"
    return stem[:-1] if stem.endswith("e") and len(stem) > 5 else stem


# Questions that ask for an amount: a measured result answers them even when it names
# neither the method nor the task ("More than 80% of the improvement ... is transferred").
_ASKS_EXTENT = re.compile(
    r"\b(?:to what (?:extent|degree)|by how much|how (?:much|many|far|long|large|big|well|"
    r"strongly|often)|what (?:fraction|share|proportion|percentage|amount|is the (?:size|"
    r"magnitude)))\b"
    # "What pass@1 does DeepSeek-Coder-V2 reach on HumanEval?": a score asked for by its verb.
    r"|\bwhat\b[^?,;]*?\b(?:does|do|did|can|could)\b[^?,;]*?\b(?:reach|achieve|attain|obtain|"
    r"score)\b",
    re.IGNORECASE,
)


def asks_for_extent(question: str) -> bool:
    """Whether a question asks how much, how far or to what extent (an amount answers it)."""
    return _ASKS_EXTENT.search(question) is not None


def question_terms(question: str) -> frozenset[str]:
    """The question's content words (its scaffolding and function words dropped), folded."""
    return frozenset(term_stem(w) for w in tokens(question, QUERY) if not w.isdigit())


def shared_terms(text: str, terms: frozenset[str]) -> int:
    """How many distinct question terms a sentence names."""
    return len(terms & {term_stem(w) for w in tokens(text, QUERY)})


# A result read off a figure or table ("in Figure 2(b), the 7-layers network ... obtains a +0.7%
# gain"): what was measured is in the display, not in the sentence.
_POINTS_AT_DISPLAY = re.compile(r"\b(?:Figure|Fig\.|Table|Tab\.)\s?\d", re.IGNORECASE)
# A result about something named earlier ("the very same network achieves 0.65%"): what it
# measures is not in the sentence either.
_POINTS_BACK = re.compile(
    r"\b(?:the (?:very )?same (?:network|model|system|method|architecture)|the (?:above|former|"
    r"latter)\b|(?:above|afore)-?mentioned)",
    re.IGNORECASE,
)


def is_result_claim(
    passage: Passage,
    relevance: float,
    worthiness: float,
    terms: frozenset[str],
    settings: ExtractSettings,
) -> bool:
    """Whether a used source's sentence is a measured result that names the question's terms.

    Such a sentence states the extent ("More than 80% of the improvement ... is transferred to
    the distilled model") but its cosine to the question is low: the numbers and the
    experiment's particulars outweigh the method and task it shares with the question.
    """
    text = passage.text
    gate_on = settings.min_claim_worthiness > 0
    return (
        passage.section_kind in _BONUS_KINDS
        and count_cues(text)["result"] > 0
        and relevance >= settings.min_result_claim_relevance
        and (not gate_on or worthiness >= settings.further_claim_worthiness)
        and not _LEANS_ON_CONTEXT.search(text)
        and not _POINTS_AT_DISPLAY.search(text)
        and not _POINTS_BACK.search(text)
        and shared_terms(text, terms) >= settings.result_claim_terms
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
) -> list[Claim]:
    """Claims bearing on the question from the given (passing) documents, in relevance order.

    ``documents`` come most relevant first (the pipeline's order): the first is the report's
    lead source, which may take an uncued abstract sentence as its claim when it has no other.
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
