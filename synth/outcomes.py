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
# Words that state what a model costs, by kind: one table for this module's test and for the
# question coverage (synth/synthesize/coverage.py), where a question's "faster" is met by a
# paper's "speedup" or "throughput".
FAST_WORDS = "fast faster quicker speedup speedups speed-up speed throughput accelerate accelerates"
SLOW_WORDS = "slow slower slowdown slowdowns latency bottleneck bottlenecks"
CHEAP_WORDS = "cheap cheaper cost costs costly expensive inexpensive price flops"


def _cost_pattern() -> re.Pattern[str]:
    # CHEAP_WORDS stay out: "... translate better than recurrent models, and is it cheaper to
    # train?" would read as a question on cost alone (its "translate better" names no outcome
    # word), and claims on translation quality would leave its report.
    words = sorted({re.escape(w) for w in f"{FAST_WORDS} {SLOW_WORDS}".split()})
    return re.compile(
        # "time" only as a cost ("training time"): "each time", "10.4 times less" are no outcome.
        r"\b(?:" + "|".join(words) + r"|speed\w*|accelerat\w*|(?:training|inference|decoding|"
        r"running|run|wall-clock|compute) times?|times? to (?:train|run|decode|converge)|"
        r"utili[sz]ation|memory|costs?|efficien\w*|FLOPs|compute|hardware|GPUs?|runtime|"
        r"seconds?|hours?)\b",
        re.IGNORECASE,
    )


_COST = _cost_pattern()


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
