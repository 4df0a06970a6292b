"""The named token configurations of synth.lexical, and the callers' tokens kept as they were.

``EXPECTED`` was captured from the four tokenizers that ``synth.lexical`` replaced
(``retrieve/_rank.py``, ``extract/_terms.py``, ``verify/lexical.py`` and ``review.py``) before
they were removed: any change to a configuration that alters a caller's tokens fails here.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from synth import lexical
from synth.lexical import (
    CASED_WORDS,
    EVIDENCE,
    EVIDENCE_UNSTEMMED,
    INFLECTIONS,
    LIGHT,
    PLURAL_FOLD,
    PLURAL_S,
    QUERY,
    RELEVANCE,
    RETRIEVAL,
    RETRIEVAL_TEXT,
    REVIEW,
    WORDS,
    Suffix,
    stem,
    terms,
    tokens,
)
from synth.records import Work
from synth.retrieve import search
from synth.retrieve._rank import score_works
from synth.review import question_terms
from synth.verify.lexical import light_stem, to_tokens

SAMPLES = [
    "To what extent can knowledge distillation from large language models improve the inference "
    "efficiency of small language models in code generation, as measured by latency and pass@k "
    "on HumanEval and DS-1000?",
    "The models and a model of theories",
    "TNF-alpha levels were not increased in 12 patients (p < 0.05), and no cells died.",
    "State-of-the-art GPT-3.5 distillation reaches 71.3% pass@k on DS\u20101000 without fine-tuning.",
    "Studies of analyses: classes, statuses, viruses and diseases; running, trained networks, "
    "evaluations and findings.",
    "Na\u00efve caf\u00e9 r\u00e9sum\u00e9: \u03b2-cells in IL_6 knock-outs don't proliferate; "
    "neither mice nor rats.",
    "To what extent can the networks be distilled?",
    "Effects of GPU uses on 3 small LLMs: it's improving, measured 2x faster than CodeT5+ in 2023.",
]

CALLERS: dict[str, Callable[[str], object]] = {
    "retrieve.search._phrases": search._phrases,
    "retrieve.search._specific": search._specific,
    "retrieve.search.build_queries": search.build_queries,
    "retrieve._rank question terms": lambda s: terms(s, RETRIEVAL),
    "retrieve._rank work text": lambda s: tokens(s, RETRIEVAL_TEXT),
    "extract.relevance terms": lambda s: tokens(s, RELEVANCE),
    "verify.lexical.to_tokens": to_tokens,
    "verify.lexical.to_tokens unstemmed": lambda s: to_tokens(s, stem=False),
    "review.question_terms": question_terms,
    "review coverage stems": lambda s: [stem(t, PLURAL_S) for t in question_terms(s)],
}

# One list per caller, one entry per sample, captured from the old tokenizers.
# fmt: off
EXPECTED: dict[str, list[object]] = {
    "retrieve.search._phrases": [
        [["knowledge", "distillation"], ["large", "language", "models"], ["inference", "efficiency"], ["small", "language", "models"], ["code", "generation"]],
        [],
        [["tnf-alpha", "levels"], ["12", "patients"], ["p", "0.05"], ["cells", "died"]],
        [["state-of-the-art", "gpt-3.5", "distillation", "reaches", "71.3", "pass@k"], ["ds", "1000", "without", "fine-tuning"]],
        [["trained", "networks"]],
        [["naïve", "café", "résumé"], ["il_6", "knock-outs", "don", "t", "proliferate"], ["neither", "mice"]],
        [],
        [["gpu", "uses"], ["3", "small", "llms"], ["s", "improving"], ["2x", "faster"]],
    ],
    "retrieve.search._specific": [
        ["pass@k", "humaneval", "ds-1000"],
        [],
        ["tnf-alpha", "12", "0.05"],
        ["state-of-the-art", "gpt-3.5", "71.3", "pass@k", "ds", "1000", "fine-tuning"],
        [],
        ["β-cells", "il_6", "knock-outs"],
        [],
        ["gpu", "llms", "2x", "codet5", "2023"],
    ],
    "retrieve.search.build_queries": [
        ["knowledge distillation large language models inference efficiency small", "knowledge distillation code generation", "knowledge distillation pass@k humaneval ds-1000"],
        ["models model theories"],
        ["tnf-alpha levels increased 12 patients 0.05 cells died", "tnf-alpha levels cells died", "tnf-alpha levels 12 0.05"],
        ["state-of-the-art gpt-3.5 distillation reaches 71.3 pass@k ds 1000", "state-of-the-art gpt-3.5 distillation reaches 71.3 pass@k"],
        ["analyses classes statuses viruses diseases running trained networks", "trained networks"],
        ["naïve café résumé β-cells il_6 knock-outs don proliferate", "naïve café résumé neither mice", "naïve café résumé β-cells il_6 knock-outs"],
        ["networks distilled"],
        ["gpu uses small llms improving 2x faster codet5", "gpu uses 2x faster", "gpu uses llms 2x codet5 2023"],
    ],
    "retrieve._rank question terms": [
        ["knowledge", "distillation", "large", "language", "model", "inference", "efficiency", "small", "code", "generation", "latency", "pass@k", "humaneval", "ds-1000"],
        ["model", "theory"],
        ["tnf-alpha", "level", "increased", "12", "patient", "0.05", "cell", "died"],
        ["state-of-the-art", "gpt-3.5", "distillation", "reache", "71.3", "pass@k", "ds", "1000", "without", "fine-tuning"],
        ["analyse", "classe", "statuse", "viruse", "disease", "running", "trained", "network", "evaluation", "finding"],
        ["naïve", "café", "résumé", "β-cell", "il_6", "knock-out", "don", "proliferate", "neither", "mice", "rat"],
        ["network", "distilled"],
        ["gpu", "use", "3", "small", "llm", "improving", "2x", "faster", "codet5", "2023"],
    ],
    "retrieve._rank work text": [
        ["to", "what", "extent", "can", "knowledge", "distillation", "from", "large", "language", "model", "improve", "the", "inference", "efficiency", "of", "small", "language", "model", "in", "code", "generation", "as", "measured", "by", "latency", "and", "pass@k", "on", "humaneval", "and", "ds-1000"],
        ["the", "model", "and", "a", "model", "of", "theory"],
        ["tnf-alpha", "level", "were", "not", "increased", "in", "12", "patient", "p", "0.05", "and", "no", "cell", "died"],
        ["state-of-the-art", "gpt-3.5", "distillation", "reache", "71.3", "pass@k", "on", "ds", "1000", "without", "fine-tuning"],
        ["study", "of", "analyse", "classe", "statuse", "viruse", "and", "disease", "running", "trained", "network", "evaluation", "and", "finding"],
        ["naïve", "café", "résumé", "β-cell", "in", "il_6", "knock-out", "don", "t", "proliferate", "neither", "mice", "nor", "rat"],
        ["to", "what", "extent", "can", "the", "network", "be", "distilled"],
        ["effect", "of", "gpu", "use", "on", "3", "small", "llm", "it", "s", "improving", "measured", "2x", "faster", "than", "codet5", "in", "2023"],
    ],
    "extract.relevance terms": [
        ["knowledge", "distill", "large", "language", "model", "improve", "inference", "efficiency", "small", "language", "model", "code", "gener", "latency", "pass", "humaneval"],
        ["model", "model", "theor"],
        ["tnf", "alpha", "level", "increas", "patient", "0.05", "cell", "died"],
        ["state", "art", "gpt", "distill", "reach", "71.3", "pass", "fine", "tuning"],
        ["stud", "analys", "class", "status", "virus", "diseas", "runn", "train", "network", "evalu", "find"],
        ["caf", "sum", "cell", "knock", "outs", "don", "proliferate", "neither", "mice", "rats"],
        ["network", "distill"],
        ["effect", "gpu", "uses", "small", "llms", "improv", "faster", "codet5"],
    ],
    "verify.lexical.to_tokens": [
        ["what", "extent", "knowledge", "distillation", "large", "language", "model", "improve", "inference", "efficiency", "small", "language", "model", "code", "generation", "measur", "latency", "pass", "humaneval", "ds", "1000"],
        ["model", "model", "theory"],
        ["tnf", "alpha", "level", "increas", "12", "patient", "05", "cell", "died"],
        ["state", "art", "gpt", "distillation", "reache", "71", "pass", "ds", "1000", "without", "fine", "tuning"],
        ["study", "analyse", "classe", "statuse", "viruse", "disease", "runn", "train", "network", "evaluation", "finding"],
        ["naïve", "café", "résumé", "cell", "il", "knock", "outs", "don", "proliferate", "neither", "mice", "nor", "rats"],
        ["what", "extent", "network", "distill"],
        ["effect", "gpu", "uses", "small", "llms", "improv", "measur", "2x", "faster", "codet5", "2023"],
    ],
    "verify.lexical.to_tokens unstemmed": [
        ["what", "extent", "knowledge", "distillation", "large", "language", "models", "improve", "inference", "efficiency", "small", "language", "models", "code", "generation", "measured", "latency", "pass", "humaneval", "ds", "1000"],
        ["models", "model", "theories"],
        ["tnf", "alpha", "levels", "increased", "12", "patients", "05", "cells", "died"],
        ["state", "art", "gpt", "distillation", "reaches", "71", "pass", "ds", "1000", "without", "fine", "tuning"],
        ["studies", "analyses", "classes", "statuses", "viruses", "diseases", "running", "trained", "networks", "evaluations", "findings"],
        ["naïve", "café", "résumé", "cells", "il", "knock", "outs", "don", "proliferate", "neither", "mice", "nor", "rats"],
        ["what", "extent", "networks", "distilled"],
        ["effects", "gpu", "uses", "small", "llms", "improving", "measured", "2x", "faster", "codet5", "2023"],
    ],
    "review.question_terms": [
        ["code", "distillation", "ds-1000", "efficiency", "generation", "humaneval", "improve", "inference", "knowledge", "language", "large", "latency", "models", "pass@k", "small"],
        ["model", "models", "theories"],
        ["cells", "died", "increased", "levels", "patients", "tnf-alpha"],
        ["1000", "distillation", "fine-tuning", "gpt-3", "pass@k", "reaches", "state-of-the-art", "without"],
        ["analyses", "classes", "diseases", "evaluations", "findings", "networks", "running", "statuses", "studies", "trained", "viruses"],
        ["cells", "knock-outs", "mice", "neither", "proliferate", "rats"],
        ["distilled", "networks"],
        ["2023", "codet5", "effects", "faster", "improving", "llms", "small", "uses"],
    ],
    "review coverage stems": [
        ["code", "distillation", "ds-1000", "efficiency", "generation", "humaneval", "improve", "inference", "knowledge", "language", "large", "latency", "model", "pass@k", "small"],
        ["model", "model", "theorie"],
        ["cell", "died", "increased", "level", "patient", "tnf-alpha"],
        ["1000", "distillation", "fine-tuning", "gpt-3", "pass@k", "reache", "state-of-the-art", "without"],
        ["analyse", "classe", "disease", "evaluation", "finding", "network", "running", "statuse", "studie", "trained", "viruse"],
        ["cell", "knock-out", "mice", "neither", "proliferate", "rats"],
        ["distilled", "network"],
        ["2023", "codet5", "effect", "faster", "improving", "llms", "small", "uses"],
    ],
}
# fmt: on


@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_callers_tokenize_as_before(caller: str) -> None:
    assert [CALLERS[caller](s) for s in SAMPLES] == EXPECTED[caller]


def test_work_scores_are_as_before() -> None:
    works = [
        Work(
            title="Distilling large language models for code generation",
            abstract="We distill models; uses of latency and pass@k on HumanEval.",
        ),
        Work(title="A survey of convolutional networks", abstract="Image models."),
        Work(title="Efficient inference of small language models"),
    ]
    assert score_works(SAMPLES[0], works) == [0.4018, 0.0222, 0.2519]


# word -> (PLURAL_FOLD, INFLECTIONS, LIGHT, PLURAL_S), as the four old stemmers gave them.
STEMS = {
    "models": ("model", "model", "model", "model"),
    "studies": ("study", "stud", "study", "studie"),
    "status": ("status", "statu", "status", "statu"),
    "analysis": ("analysis", "analysi", "analysis", "analysi"),
    "gpus": ("gpus", "gpus", "gpus", "gpus"),
    "classes": ("classe", "class", "classe", "classe"),
    "running": ("running", "runn", "runn", "running"),
    "trained": ("trained", "train", "train", "trained"),
    "flies": ("fly", "flie", "flie", "flie"),
    "pies": ("pie", "pies", "pies", "pies"),
    "evaluations": ("evaluation", "evalu", "evaluation", "evaluation"),
    "uses": ("use", "uses", "uses", "uses"),
    "h2s": ("h2s", "h2s", "h2s", "h2s"),
}


@pytest.mark.parametrize("word", sorted(STEMS))
def test_suffix_tables(word: str) -> None:
    tables = (PLURAL_FOLD, INFLECTIONS, LIGHT, PLURAL_S)
    assert tuple(stem(word, table) for table in tables) == STEMS[word]


def test_suffix_rule_needs_its_stem_and_respects_unless() -> None:
    assert stem("cats", (Suffix("s", min_stem=3),)) == "cat"
    assert stem("cats", (Suffix("s", min_stem=4),)) == "cats"
    assert stem("class", (Suffix("s", min_stem=1, unless=("ss",)),)) == "class"
    assert light_stem("cells") == "cell"


def test_stemming_per_configuration() -> None:
    text = "networks distilled"
    assert tokens(text, RETRIEVAL) == ["network", "distilled"]
    assert tokens(text, RELEVANCE) == ["network", "distill"]
    assert tokens(text, EVIDENCE) == ["network", "distill"]
    assert tokens(text, EVIDENCE_UNSTEMMED) == ["networks", "distilled"]
    assert tokens(text, REVIEW) == ["networks", "distilled"]
    assert tokens(text, QUERY) == ["networks", "distilled"]


def test_question_scaffolding_is_dropped_except_for_evidence() -> None:
    text = "To what extent can the model improve"
    assert tokens(text, RETRIEVAL) == ["model"]
    assert tokens(text, RELEVANCE) == ["model", "improve"]
    assert tokens(text, REVIEW) == ["model", "improve"]
    assert tokens(text, EVIDENCE) == ["what", "extent", "model", "improve"]
    assert tokens(text, WORDS) == ["to", "what", "extent", "can", "the", "model", "improve"]


def test_hyphens_kept_whole_or_split() -> None:
    text = "TNF-alpha and DS\u20101000"
    assert tokens(text, RETRIEVAL) == ["tnf-alpha", "ds", "1000"]
    assert tokens(text, REVIEW) == ["tnf-alpha", "1000"]
    assert tokens(text, EVIDENCE) == ["tnf", "alpha", "ds", "1000"]
    # Relevance reads U+2010 as "-" and splits both; "ds" is too short, "1000" a number.
    assert tokens(text, RELEVANCE) == ["tnf", "alpha"]


def test_digits_per_configuration() -> None:
    text = "3 runs took 0.05 s in 2023"
    assert tokens(text, RETRIEVAL) == ["3", "run", "took", "0.05", "2023"]
    assert tokens(text, QUERY) == ["runs", "took", "0.05", "2023"]
    assert tokens(text, RELEVANCE) == ["runs", "took", "0.05"]
    assert tokens(text, EVIDENCE) == ["runs", "took", "05", "2023"]
    # Review has no "." in its pattern: "0.05" falls apart into pieces too short to count.
    assert tokens(text, REVIEW) == ["runs", "took", "2023"]


def test_negations_kept_or_dropped() -> None:
    text = "not no without nor never"
    assert tokens(text, EVIDENCE) == ["without", "nor", "never"]
    assert tokens(text, RETRIEVAL) == ["without", "never"]
    assert tokens(text, RELEVANCE) == ["never"]
    assert tokens(text, REVIEW) == ["without", "never"]


def test_cased_words_keep_case_and_drop_single_characters() -> None:
    assert tokens("A CodeT5+ on GPT-3.5 x", CASED_WORDS) == ["CodeT5", "on", "GPT-3.5"]


def test_terms_are_distinct_in_order_of_first_appearance() -> None:
    assert terms("models model theories models", RETRIEVAL) == ["model", "theory"]
    assert tokens("models model", RETRIEVAL) == ["model", "model"]


def test_every_configuration_is_exported() -> None:
    configs = {n for n, v in vars(lexical).items() if isinstance(v, lexical.TokenConfig)}
    assert configs <= set(lexical.__all__)
