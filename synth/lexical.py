"""Word tokens of a text, the one place synth's tokenizers, stopword lists and stemmers live.

A :class:`TokenConfig` names every choice a caller makes: the word pattern, case folding,
hyphen handling, which stopwords and short or numeric tokens to drop, and which suffix rules
stem what is left. :func:`tokens` applies one; the stages pick a named configuration:

====================  ====================================================================
configuration         used for
====================  ====================================================================
``WORDS``             every lower-case word; ``pass@k``, ``ds-1000``, ``gpt-3.5`` stay whole
                      (question phrases in retrieval)
``CASED_WORDS``       the same words of 2+ characters with case kept (names and acronyms)
``QUERY``             ``WORDS`` minus question stopwords and single characters (search queries)
``RETRIEVAL``         ``QUERY`` with single digits kept and plurals folded (the question terms
                      candidate works are ranked by)
``RETRIEVAL_TEXT``    ``WORDS`` with plurals folded, stopwords kept (the title and abstract that
                      ``RETRIEVAL`` terms are counted in)
``RELEVANCE``         hyphenated words split, 3+ letters, numbers and stopwords dropped,
                      inflections stripped (question words found in a document's head)
``EVIDENCE``          letters and digits only (hyphens, ``@``, ``.`` split), a small stopword
                      list that drops negations, light stemming: BM25 over evidence passages,
                      tuned on SciFact (nDCG@10 0.739); change it only with a new measurement
``EVIDENCE_UNSTEMMED``  ``EVIDENCE`` without stemming (passage length, surface forms)
``REVIEW``            words of 4+ characters minus function words, unstemmed (the question
                      terms a report must cover); ``PLURAL_S`` decides coverage
====================  ====================================================================

Stopwords are dropped before stemming, so a list names surface forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

__all__ = [
    "CASED_WORDS",
    "EVIDENCE",
    "EVIDENCE_STOPWORDS",
    "EVIDENCE_UNSTEMMED",
    "INFLECTIONS",
    "LIGHT",
    "PLURAL_FOLD",
    "PLURAL_S",
    "QUERY",
    "QUESTION_STOPWORDS",
    "RELEVANCE",
    "RELEVANCE_STOPWORDS",
    "RETRIEVAL",
    "RETRIEVAL_TEXT",
    "REVIEW",
    "REVIEW_STOPWORDS",
    "WORDS",
    "Suffix",
    "TokenConfig",
    "light_stem",
    "stem",
    "terms",
    "tokens",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words and the question's own scaffolding words: they never identify a topic.
QUESTION_STOPWORDS = _words(
    """a about above across after again against all also am an and any are as at be because been
    before being between both but by can could did do does doing done during each either else
    extent few for from further had has have having how however i if in into is it its itself
    just least less many may might more most much must no nor not of off on once only or other
    our out over own per rather same shall should so some such than that the their them then
    there these they this those through to too under until up upon us use used using very via
    was we were what when where whether which while who whom why will with within would you your
    affect affects compare compared comparison current does effect effects evidence extent
    impact improve improves improved improvement influence known measure measured measures role
    relative respect state study studies way ways well"""
)

# Function words and question scaffolding ("to what extent can ...") for document relevance.
RELEVANCE_STOPWORDS = _words(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either else few
    for from further had has have having he her here hers herself him himself his how however i if
    in into is it its itself just may me might more most much must my myself no nor not now of off
    on once only or other our ours ourselves out over own same shall she should so some such than
    that the their theirs them themselves then there these they this those through to too under
    until up upon very via was we were what when where whether which while who whom why will with
    within without would yet you your yours yourself yourselves extent measured degree whose
    well many one two using used use based new show shows shown paper study approach"""
)

# Kept small on purpose: negations ("not", "no") are removed only for BM25 ranking, while the
# verifier's features look at them separately.
EVIDENCE_STOPWORDS = _words(
    """a an and are as at be been being but by for from has have had he her his i if in into is
    it its of on or our she such that the their then there these they this those to was we
    were which while who will with within would can could may might should than also both
    each other only very not no"""
)

# Function words never counted as question terms (content words are what a report must cover).
REVIEW_STOPWORDS = _words(
    """what which with from that this these those there their does doing into onto extent
    measured measure using than have been when where were about over under between among
    such some many much more most also they them then each other whether would could should
    will shall well very your ours how why who whom its it's can"""
)


@dataclass(frozen=True)
class Suffix:
    """A stemming rule: ``ending`` becomes ``replacement`` when ``min_stem`` characters remain.

    The rule does not apply to words ending in one of ``unless`` ("ss" keeps "class" whole).
    """

    ending: str
    replacement: str = ""
    min_stem: int = 4
    unless: tuple[str, ...] = ()


# Plural folding for retrieval: "models" -> "model", "studies" -> "study"; "status" stays.
PLURAL_FOLD: tuple[Suffix, ...] = (
    Suffix("ies", "y", min_stem=2),
    Suffix("s", min_stem=3, unless=("ss", "us", "is")),
)
# A plural review term ("models") counts as covered by its singular ("model").
PLURAL_S: tuple[Suffix, ...] = (Suffix("s", unless=("ss",)),)
# Inflection stripping for relevance: "networks" -> "network", "distilled" -> "distill".
INFLECTIONS: tuple[Suffix, ...] = tuple(
    Suffix(ending) for ending in ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s")
)
# Light stemming for evidence retrieval, so plural and verb forms meet ("cells" -> "cell").
LIGHT: tuple[Suffix, ...] = (
    Suffix("ies", "y"),
    Suffix("sses", "ss"),
    Suffix("ing"),
    Suffix("ed"),
    Suffix("es", "e"),
    Suffix("s", unless=("ss", "us", "is")),
)


# Verification re-tokenizes the same passages for every claim; vocabularies are small, so a
# cache makes stemming nearly free (it was a sixth of `synth verify`'s time).
@lru_cache(maxsize=1 << 17)
def stem(word: str, suffixes: tuple[Suffix, ...]) -> str:
    """Apply the first suffix rule that fits the word (the word itself when none does)."""
    for rule in suffixes:
        cut = len(word) - len(rule.ending)
        if cut >= rule.min_stem and word.endswith(rule.ending) and not word.endswith(rule.unless):
            return word[:cut] + rule.replacement
    return word


def light_stem(word: str) -> str:
    """The evidence stemmer (``LIGHT``) on one word: "cells" -> "cell", "dividing" -> "divid"."""
    return stem(word, LIGHT)


@dataclass(frozen=True)
class TokenConfig:
    """How a text becomes tokens: match, split, filter, stem (in that order).

    ``numbers`` says what happens to all-digit tokens: ``"word"`` treats them like any other
    token, ``"keep"`` keeps them whatever their length, ``"drop"`` removes them.
    """

    pattern: re.Pattern[str]
    lowercase: bool = True
    fold_hyphens: bool = False  # read U+2010 HYPHEN as "-" before matching
    split_hyphens: bool = False  # "tnf-alpha" -> "tnf", "alpha" after matching
    stopwords: frozenset[str] = frozenset()
    min_length: int = 1
    numbers: Literal["word", "keep", "drop"] = "word"
    suffixes: tuple[Suffix, ...] = ()


def _keep(config: TokenConfig, words: list[str]) -> list[str]:
    stop, shortest = config.stopwords, config.min_length
    if config.numbers == "keep":
        return [w for w in words if (len(w) >= shortest or w.isdigit()) and w not in stop]
    if config.numbers == "drop":
        return [w for w in words if len(w) >= shortest and w not in stop and not w.isdigit()]
    return [w for w in words if len(w) >= shortest and w not in stop]


def tokens(text: str, config: TokenConfig) -> list[str]:
    """The tokens of a text under a configuration, in order, duplicates kept."""
    return list(_cached_tokens(text, config))


# The verifier's features read each candidate passage under several configurations for every
# claim it is a candidate of; caching by (text, config) makes the repeats free.
@lru_cache(maxsize=1 << 15)
def _cached_tokens(text: str, config: TokenConfig) -> tuple[str, ...]:
    return tuple(_tokenize(text, config))


def _tokenize(text: str, config: TokenConfig) -> list[str]:
    if config.lowercase:
        text = text.lower()
    if config.fold_hyphens:
        text = text.replace("\u2010", "-")
    words = config.pattern.findall(text)
    if config.split_hyphens:
        words = [part for word in words for part in word.split("-")]
    kept = _keep(config, words)
    if config.suffixes:
        return [stem(w, config.suffixes) for w in kept]
    return kept


def terms(text: str, config: TokenConfig) -> list[str]:
    """The distinct tokens of a text under a configuration, in order of first appearance."""
    return list(dict.fromkeys(tokens(text, config)))


# Words with inner "@", "-" or "." kept whole: "pass@k", "ds-1000", "gpt-3.5".
_WORD = re.compile(r"[\w][\w@\-.]*[\w]|[\w]")

WORDS = TokenConfig(_WORD)
CASED_WORDS = TokenConfig(_WORD, lowercase=False, min_length=2)
QUERY = TokenConfig(_WORD, stopwords=QUESTION_STOPWORDS, min_length=2)
RETRIEVAL = TokenConfig(
    _WORD, stopwords=QUESTION_STOPWORDS, min_length=2, numbers="keep", suffixes=PLURAL_FOLD
)
RETRIEVAL_TEXT = TokenConfig(_WORD, suffixes=PLURAL_FOLD)
RELEVANCE = TokenConfig(
    re.compile(r"[a-z][a-z0-9\-]+|\d+(?:\.\d+)?"),
    fold_hyphens=True,
    split_hyphens=True,
    stopwords=RELEVANCE_STOPWORDS,
    min_length=3,
    numbers="drop",
    suffixes=INFLECTIONS,
)
# Hyphens split words ("TNF-alpha" -> "tnf", "alpha"): measured better on SciFact than keeping them.
EVIDENCE_UNSTEMMED = TokenConfig(re.compile(r"[^\W_]+"), stopwords=EVIDENCE_STOPWORDS, min_length=2)
EVIDENCE = TokenConfig(
    EVIDENCE_UNSTEMMED.pattern, stopwords=EVIDENCE_STOPWORDS, min_length=2, suffixes=LIGHT
)
REVIEW = TokenConfig(re.compile(r"[a-z0-9][a-z0-9@\-]*"), stopwords=REVIEW_STOPWORDS, min_length=4)
