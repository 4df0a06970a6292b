"""The result allowance: measured results that answer a question asking for an amount.

When the question asks for an amount ("to what extent", "how much", "how long", ...;
``asks_for_extent``), a measured result of an on-topic paper answers it even
though its cosine to the question is low: "More than 80% of the improvement in frame
classification accuracy ... is transferred to the distilled model" names numbers and the
experiment, not the method and task the question names (relevance 0.39 for the README
question). So each used source (one whose best claim passed) whose *reach*, the relevance of
its closest candidate sentence, claim-worthy or not, lies within ``further_claim_margin`` of the
report's highest reach (the paper itself addresses the question) may add up to
``result_claims_per_source`` (2) further claims, best score first, that

* state a measured result (a result cue of ``cues.count_cues``) in an abstract, results,
  discussion or conclusion section, with P(finding) ≥ ``further_claim_worthiness``,
* name at least ``result_claim_terms`` (2) distinct content words of the question (folded:
  "distilled" meets "distillation", "transferred" meets "transfer", "larger" meets "large"),
* can be read alone: they do not lean on context ("This ..."), point at a figure or table
  ("in Figure 2(b), ...") or back at something named before ("the very same network"),
* and reach ``min_result_claim_relevance`` (0.25).

Reach, not the used source's rank, decides "on-topic": a source used for a neighbouring
question (an LLM distillation framework for a question on teacher accuracy) has no sentence as
close to the question as the papers that study it. Other questions keep the margins alone.
"""

from __future__ import annotations

import re

from synth.extract.cues import BONUS_KINDS, LEANS_ON_CONTEXT, count_cues
from synth.lexical import QUERY, light_stem, tokens
from synth.records import Passage
from synth.settings import ExtractSettings

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
        passage.section_kind in BONUS_KINDS
        and count_cues(text)["result"] > 0
        and relevance >= settings.min_result_claim_relevance
        and (not gate_on or worthiness >= settings.further_claim_worthiness)
        and not LEANS_ON_CONTEXT.search(text)
        and not _POINTS_AT_DISPLAY.search(text)
        and not _POINTS_BACK.search(text)
        and shared_terms(text, terms) >= settings.result_claim_terms
    )
