"""Which kind of outcome a sentence measures: how well a model does, or what it costs.

A finding says that something improves, falls or matches; the pair model reads the direction
and the shared nouns, not *what* moves. KDFlow's "the inference-heavy teacher model and the
training-heavy student model run on their respectively optimized backends, significantly
improving hardware utilization" reads as support (0.63) for the survey's "The performance of
the lightweight deep models (student) can be easily improved by the knowledge transfer from the
high-capacity teacher models": both name a teacher, a student and an improvement, but the one
improves hardware use and the other the student's performance. So a passage that names only
outcomes of one kind (cost: speed, time, memory, utilization, ...) is no support for a claim
that names only outcomes of the other (quality: performance, accuracy, error, generalization,
...). A sentence that names both kinds, or neither, is not judged: "train very deep student
models with less parameters, which can generalize better and/or run faster" speaks to both.
"""

from __future__ import annotations

import re

_QUALITY = re.compile(
    r"\b(?:performance|performs?|performed|accura\w*|errors?|generali[sz]\w*|scores?|F1|BLEU|"
    r"precision|recall|perplexity|WER|pass(?:@\d+| rates?)|quality|results?)\b",
    re.IGNORECASE,
)
_COST = re.compile(
    # "time" only as a cost ("training time"): "each time", "10.4 times less" are no outcome.
    r"\b(?:speed\w*|faster|slower|(?:training|inference|decoding|running|run|wall-clock|"
    r"compute) times?|latency|throughput|utili[sz]ation|memory|costs?|efficien\w*|FLOPs|"
    r"compute|hardware|GPUs?|runtime|seconds?|hours?)\b",
    re.IGNORECASE,
)


def outcome_kinds(text: str) -> frozenset[str]:
    """The kinds of outcome a sentence names: "quality", "cost", both or none."""
    kinds = set()
    if _QUALITY.search(text):
        kinds.add("quality")
    if _COST.search(text):
        kinds.add("cost")
    return frozenset(kinds)


_WORDS = {"quality": "how well a model does", "cost": "what it costs (time, memory, hardware)"}


def other_outcome(claim: str, passage: str) -> str | None:
    """What a passage measures when it speaks only of another kind of outcome than the claim
    (each names one kind and they differ), as a note for the reader; None otherwise (see the
    module docstring)."""
    wanted, given = outcome_kinds(claim), outcome_kinds(passage)
    if len(wanted) == 1 and len(given) == 1 and wanted != given:
        (kind,) = given
        (asked,) = wanted
        return f"measures {_WORDS[kind]}, where the claim measures {_WORDS[asked]}"
    return None
