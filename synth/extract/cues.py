"""Sentence cues: which sentences of a paper may be claims at all, and how cues rank them.

A passage becomes a claim candidate (``is_candidate``) when it

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
   include ...", "Other therapies have also been tested ...", a method's reach: "X can be
   simply realized on different deep models") unless they also state a measured
   result, a comparison or what the authors found ("We also tried ..., and found that ..."),
   and the authors' procedure ("we mask 15% of all tokens", "we replace the chosen token with
   ... 80% of the time", "each model is trained from scratch on ...", "the ensemble is 7x
   systems which use ...") unless it states an outcome in words (a comparison or conclusion
   cue, "we found", "suggests that"): a procedure's numbers are its settings, not results.

Claim-worthiness (:mod:`synth.extract.worthiness`) reads ``worthiness_features``: the cue
counts, discourse cues and the flags of rule 5.

Candidates are ranked (:mod:`synth.extract.claims`) by question relevance plus ``cue_bonus``
and ``adjustment``:

    question relevance
    + 0.07 per measured result (at most 3) + 0.02 per other number (at most 2)
    + 0.04 per comparison (at most 3) + 0.03 per conclusion cue (at most 2)
    + 0.05 in an abstract, results, discussion or conclusion section
    − 0.08 when it describes the paper rather than a result ("In this paper we present ...")
      or looks ahead ("should be further investigated")
    − 0.05 when it leans on context ("This shows ...", "As argued in Section 6")
    − 0.05 when it describes set-up rather than outcome ("We trained ...", "We use ...")
"""

from __future__ import annotations

import re
from collections.abc import Callable

from synth.records import NON_CLAIM_SECTIONS, Passage
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
LEANS_ON_CONTEXT = re.compile(
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
# What a technique is easy to apply to, across many of something ("Knowledge distillation can be
# simply realized on different deep models", "... can easily and effectively solve many
# multilingual tasks"): a review's summary of a method's reach, not a finding, unless the
# sentence also states a measured result or a comparison. Both parts are needed: "can be
# easily improved" alone states an outcome, and "many tasks" alone is a finding's scope.
_EASE = re.compile(r"\b(?:can|could)\b[^.;]{0,60}?\b(?:easily|simply|readily)\b", re.IGNORECASE)
_BREADTH = re.compile(
    r"\b(?:a (?:wide )?(?:variety|range) of|various|many|different|diverse|numerous) "
    r"(?:different )?(?:[\w-]+ ){0,2}?(?:tasks|applications|domains|problems|models|networks)\b",
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
    # "Finding 3: Self-generated Skills provide negligible or negative benefit.": the authors
    # label the sentence a finding themselves.
    r"^(?:Key )?(?:Findings?|Observations?|Takeaways?|Results?) \d+[a-z]?:\s"
    r"|\b(?:these|our|the|this) (?:findings|results|data|observations|study|analys[ie]s) "
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
# Sections whose sentences earn the ranking bonus (and may give a result allowance claim).
BONUS_KINDS = frozenset({"abstract", "results", "discussion", "conclusion"})


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


# Words that also describe how a thing works ("Tokenizers exploit morphological regularities
# ..., enabling compositional word construction"; "the tokenizer often prefers a single entry
# that fully matches the word"): alone they cue no finding.
_MECHANISM = re.compile(r"\b(?:enabl\w*|matches)\b", re.IGNORECASE)
# "As we show in Figure 1, C is used for next sentence prediction": a pointer to a figure, not
# a conclusion ("we show *that* ..."); what follows it is judged on its own words.
_POINTER = re.compile(
    r"\bas (?:we )?(?:show|shown|illustrate|illustrated|see) in (?:Figure|Fig\.|Table|Section)"
    r"\s*[\w.]*",
    re.IGNORECASE,
)


def has_finding_cue(text: str) -> bool:
    """Whether a sentence carries a finding cue of rule 3 (a result, comparison, conclusion,
    the authors' own result, or an effect or dependence); a mechanism word alone, or a pointer
    to a figure, is none."""
    text = _POINTER.sub(" ", text)
    cues = count_cues(_MECHANISM.sub(" ", text))
    cued = cues["result"] + cues["comparison"] + cues["conclusion"] > 0
    return cued or states_own_result(text) or _FINDING.search(text) is not None


def is_candidate(
    passage: Passage,
    settings: ExtractSettings,
    prose_filter: Callable[[str], bool],
    uncued_abstract: bool = False,
) -> bool:
    """Whether a passage may be a claim at all (section, length, prose, cue).

    ``uncued_abstract``: an abstract sentence needs no finding cue (the claim picker then asks
    more of its claim-worthiness, ``worthiness.UNCUED_WORTHINESS``).
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
    if _EASE.search(text) and _BREADTH.search(text) and not states_result:
        return True
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
    value = 0.05 if passage.section_kind in BONUS_KINDS else 0.0
    if _META.search(passage.text):
        value -= 0.08
    if LEANS_ON_CONTEXT.search(passage.text):
        value -= 0.05
    if _SETUP.match(passage.text) and not _COMPARISON.search(passage.text):
        value -= 0.05
    return value
