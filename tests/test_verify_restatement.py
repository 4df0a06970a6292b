"""The restatement rule's lexical test: the claim's words and names in the passage."""

from __future__ import annotations

from synth.verify.restatement import restated_share, restates

CLAIM = "All of the KDFlow experiments were run on a single server with 8 NVIDIA H20 GPUs."
PASSAGE = "All experiments are conducted on a single server equipped with 8 NVIDIA H20 GPUs."
TITLE = "KDFlow: A User-Friendly and Efficient Knowledge Distillation Framework"


def test_the_title_s_words_are_left_to_the_title() -> None:
    # "KDFlow" is the paper's own name: its passages leave it unsaid.
    assert restated_share(CLAIM, PASSAGE, TITLE) > restated_share(CLAIM, PASSAGE)
    assert restates(CLAIM, PASSAGE, TITLE, 0.5)
    assert not restates(CLAIM, PASSAGE, TITLE, 0.0)  # 0 turns the rule off


def test_a_name_the_passage_and_title_lack_is_no_restatement() -> None:
    other = CLAIM.replace("NVIDIA H20", "NVIDIA A100")
    assert not restates(other, PASSAGE, TITLE, 0.5)


def test_a_passage_saying_other_things_is_no_restatement() -> None:
    assert not restates("KDFlow experiments need many servers and cost a lot.", PASSAGE, TITLE, 0.5)
    # Words shared over the words of both: three of the claim's five in a longer passage on
    # other things ("mild" where the claim says "severe") are a third, not a restatement.
    claim = "Adverse events were severe in the placebo group."
    source = "Adverse events were mild and occurred at similar rates in both groups."
    assert restated_share(claim, source) < 0.5 and not restates(claim, source, "", 0.5)
    assert restated_share("", PASSAGE) == 0.0
