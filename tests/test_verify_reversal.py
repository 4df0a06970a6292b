"""The lexical reversal rule: swapped comparands, opposites in place, one-sided negation."""

from __future__ import annotations

import pytest

from synth.quantities import parse_quantities
from synth.verify.numbers import align
from synth.verify.reversal import (
    closeness,
    compares,
    reversed_restatement,
    same_order,
    swapped_comparands,
)

REVERSED = [
    # comparands exchanged around "than", same comparative
    (
        "Under a fixed compute budget, narrow networks score better than wide ones.",
        "Our experiments show that wide networks score better than narrow ones under a "
        "fixed compute budget.",
    ),
    # "instead of" against a fronted "rather than"
    (
        "The service caches the rendered pages instead of the raw templates.",
        "Rather than the rendered pages, the service caches raw templates to save memory.",
    ),
    # a comparative verb with its sides exchanged
    (
        "Sparse retrieval outperforms dense retrieval on long queries.",
        "Dense retrieval outperforms sparse retrieval on long queries, and it is cheaper.",
    ),
    # two clauses in contrast with their predicates exchanged
    (
        "The encoder needs a quadratic number of steps, whereas the decoder runs in a "
        "constant number of steps.",
        "The encoder runs in a constant number of steps, whereas the decoder needs a "
        "quadratic number of steps.",
    ),
    # a direction word's opposite beside the same word
    (
        "At low learning rates the optimiser pays more attention to rare tokens.",
        "At low learning rates the optimiser pays less attention to rare tokens.",
    ),
    # a negation only the passage has, on the word the claim states plainly
    (
        "The compressed model already matches the accuracy of the full model.",
        "The compressed model still struggles to match the accuracy of the full model.",
    ),
    (
        "The new schedule gives a large benefit on average.",
        "The new schedule gives no benefit on average.",
    ),
    ("Drug X doesn't reduce pain in adults.", "Drug X reduces pain in adults."),
    # one side says "with" where the other says "without"
    (
        "Students trained with dropout reach a lower error than their teachers.",
        "Students trained without dropout reach a lower error than their teachers.",
    ),
]

KEPT = [
    # the same comparison, reworded
    (
        "Under a fixed compute budget, wide networks do better than narrow ones.",
        "Our experiments show that wide networks score better than narrow ones under a "
        "fixed compute budget.",
    ),
    # sides exchanged and the comparative reversed: the same statement
    (
        "Narrow networks score worse than wide ones under a fixed compute budget.",
        "Our experiments show that wide networks score better than narrow ones under a "
        "fixed compute budget.",
    ),
    # a fronted "rather than" that says what the passage says
    (
        "Rather than raw templates, the service caches the rendered pages.",
        "The service caches the rendered pages instead of the raw templates.",
    ),
    (
        "Sparse retrieval beats dense retrieval on long queries.",
        "Sparse retrieval outperforms dense retrieval on long queries.",
    ),
    (
        "Dense retrieval underperforms sparse retrieval.",
        "Sparse retrieval outperforms dense retrieval.",
    ),
    # "while" joining two facts, not a contrast; a modifier that moves ("on long queries")
    (
        "The student beats its teacher by one point while running four times faster.",
        "On long queries, a student with fewer layers beats a larger teacher network.",
    ),
    # two negations of different words that say the same
    (
        "The drug lowered blood pressure in mice but not in rats.",
        "The drug lowered blood pressure in mice, whereas it had no effect in rats.",
    ),
    # a plain paraphrase
    (
        "A higher temperature gives a softer distribution over classes.",
        "Using a higher temperature produces a softer distribution over the classes.",
    ),
    # two opposites in place cancel out
    (
        "Higher doses cause fewer side effects.",
        "Lower doses cause more side effects.",
    ),
    # the passage's 'without' is the claim's own second 'without', not the opposite of 'with'
    (
        "A smaller model with Skills can exceed a larger model without Skills.",
        "Finding 7: Smaller model + Skills can exceed larger model without Skills.",
    ),
    # two 'while' clauses sharing three words are no restatement, so no order to reverse
    (
        "Experiments on two machine translation tasks show these models to be superior in "
        "quality while being more parallelizable and requiring significantly less time to train.",
        "While parameter scaling is often assumed to improve reasoning capacity, our experiments "
        "show that it is not always sufficient to ensure reasoning in word-replacement tasks.",
    ),
]


@pytest.mark.parametrize(("claim", "passage"), REVERSED)
def test_reversed_restatements_are_found_with_a_note(claim: str, passage: str) -> None:
    note = reversed_restatement(claim, passage)
    assert note, (claim, passage)
    assert "\n" not in note


@pytest.mark.parametrize(("claim", "passage"), KEPT)
def test_same_sense_restatements_are_not_reversed(claim: str, passage: str) -> None:
    assert reversed_restatement(claim, passage) is None, (claim, passage)


def test_swapped_comparison_note_quotes_the_passage() -> None:
    claim, passage = REVERSED[0]
    note = swapped_comparands(claim, passage)
    assert note is not None
    quoted = note.split("'")[1].strip("…")
    assert quoted in passage


def test_same_order_and_compares() -> None:
    passage = "Sparse retrieval outperforms dense retrieval on long queries."
    assert compares("Sparse retrieval beats dense retrieval.")
    assert not compares("Sparse retrieval is fast.")
    assert same_order("Sparse retrieval beats dense retrieval.", passage)
    assert not same_order("Dense retrieval beats sparse retrieval.", passage)


def test_closeness_prefers_the_close_restatement_over_a_long_passage() -> None:
    claim = "The new schedule gives a large benefit on average."
    close = "The new schedule gives no benefit on average."
    long = (
        "Across twelve datasets and three model sizes, under the old, the new and a random "
        "schedule, the new schedule gives a benefit on average for large models only."
    )
    assert closeness(claim, close) > closeness(claim, long)


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("trained on 10.2T tokens", 10.2e12, "count"),
        ("faster by a factor of 4.64", 4.64, "ratio"),
        ("faster by a strong 4.64 factor", 4.64, "ratio"),
    ],
)
def test_trillions_and_factors_are_read(text: str, value: float, kind: str) -> None:
    (q,) = parse_quantities(text)
    assert q.value == pytest.approx(value)
    assert q.kind == kind


def test_rounded_trillions_and_factors_agree() -> None:
    assert [i.status for i in align("roughly 10 trillion tokens", "10.2T tokens").items] == [
        "matched"
    ]
    assert [
        i.status for i in align("about 4.6 times faster", "faster by a factor of 4.64").items
    ] == ["matched"]
    assert [
        i.status for i in align("about 4.6 times faster", "faster by a factor of 9.3").items
    ] == ["conflict"]


def test_final_calibration_keeps_each_verdict_on_its_side_of_the_threshold() -> None:
    import dataclasses

    from synth.verify.stack import load_stack

    shipped = load_stack()
    assert shipped.final_platt is not None  # the shipped stack carries the final step
    plain = dataclasses.replace(shipped, final_platt=None)
    # Without the step: unchanged, and a withheld claim is capped below the threshold.
    assert plain.final_confidence(0.7, True, 0.5) == pytest.approx(0.7)
    assert plain.final_confidence(0.7, False, 0.5) == pytest.approx(0.49)
    # With it: monotonic, and never across the threshold the verdict was decided on.
    a = shipped.final_confidence(0.6, True, 0.5)
    b = shipped.final_confidence(0.8, True, 0.5)
    assert 0.5 <= a < b <= 1.0
    assert shipped.final_confidence(0.49, False, 0.5) <= 0.49
    assert shipped.final_confidence(0.1, False, 0.5) < shipped.final_confidence(0.3, False, 0.5)
