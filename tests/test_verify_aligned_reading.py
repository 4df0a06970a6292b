"""The claim as the pair model reads it: agreeing figures and same-sense words in the passage's terms."""

from __future__ import annotations

from synth.verify.aligned_reading import as_read

FITNETS = (
    "For example, on CIFAR-10, a deep student network with almost 10.4 times less parameters "
    "outperforms a larger, state-of-the-art teacher network."
)


def test_an_agreeing_rounded_figure_is_read_as_the_passage_writes_it() -> None:
    claim = "On CIFAR-10 a deep student has about 10 times less parameters than its teacher."
    read, passage = as_read(claim, FITNETS)
    assert "almost 10.4 times less parameters" in read
    assert "about 10" not in read
    assert passage == FITNETS  # the passage is read as written


def test_a_changed_figure_stays_as_the_claim_wrote_it() -> None:
    claim = "On CIFAR-10 a deep student has about 4 times less parameters than its teacher."
    read, _ = as_read(claim, FITNETS)
    assert "about 4 times" in read and "10.4" not in read


def test_a_range_is_aligned_only_when_both_ends_agree() -> None:
    passage = "KDFlow can achieve 1.44x to 6.36x speedup compared to current KD frameworks."
    altered, _ = as_read("KDFlow achieves a 1.44x to 9.36x speedup over KD frameworks.", passage)
    assert "9.36x" in altered
    rounded, _ = as_read("KDFlow is roughly 1.4x to 6.4x faster than KD frameworks.", passage)
    assert "1.44x to 6.36x" in rounded


def test_fewer_takes_the_passages_less_before_the_same_noun_only() -> None:
    read, _ = as_read("The student needs 10.4 times fewer parameters and fewer layers.", FITNETS)
    assert "times less parameters" in read
    assert "fewer layers" in read  # the passage counts no layers
    more, _ = as_read("The student needs 10.4 times more parameters.", FITNETS)
    assert "more parameters" in more  # an opposite is never folded


def test_a_verb_of_the_same_relation_takes_the_passages_form() -> None:
    read, _ = as_read("On CIFAR-10 the deep student beats a larger teacher.", FITNETS)
    assert "outperforms a larger teacher" in read
    worse, _ = as_read("On CIFAR-10 the deep student underperforms a larger teacher.", FITNETS)
    assert "underperforms" in worse


def test_a_pair_without_figures_or_such_words_is_read_unchanged() -> None:
    claim = "Distillation transfers knowledge from an ensemble into a single model."
    passage = "We distill an ensemble of models into a single small model."
    assert as_read(claim, passage) == (claim, passage)
