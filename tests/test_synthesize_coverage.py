"""Coverage: the parts of a question that no used source mentions."""

from __future__ import annotations

import pytest

from synth.synthesize.coverage import (
    aspects_named,
    made_property,
    outcome_aspects,
    question_aspects,
    speaks_to_question,
    subject_aspects,
    uncovered_aspects,
)

DESIGN_QUESTION = (
    "To what extent can knowledge distillation from large language models improve the inference "
    "efficiency of small language models in code generation, as measured by latency and pass@k "
    "on HumanEval and DS-1000?"
)
README_QUESTION = (
    "To what extent can knowledge distillation transfer the generalization of a large teacher "
    "network to a smaller student network?"
)


def test_aspects_of_the_design_question() -> None:
    assert question_aspects(DESIGN_QUESTION) == [
        "knowledge distillation", "large language models", "inference efficiency",
        "small language models", "code generation", "latency", "pass@k", "HumanEval", "DS-1000",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("question", "aspects"),
    [
        # A verb before a determiner ("transfer the generalization") is no part of an aspect.
        (README_QUESTION, [
            "knowledge distillation", "generalization", "large teacher network",
            "smaller student network",
        ]),
        ("Does aspirin reduce the risk of stroke?", ["aspirin", "stroke"]),
        # A closing comparative stands alone (was "distillation faster", which no text says)
        # and a light verb left by its particle is none (was "give", of "give up").
        (
            "Is a student network trained by distillation faster at inference than its "
            "teacher, and how much accuracy does it give up?",
            ["student network", "distillation", "faster", "inference", "teacher", "accuracy"],
        ),
        # Named tokens stand alone and repeats are dropped.
        (
            "What is the effect of dropout on BERT and on BERT fine-tuning?",
            ["dropout", "BERT", "fine-tuning"],
        ),
        # "beat" joins subject and object (was "masked language model objective beat
        # left-to-right pre-training", one aspect no text can say).
        (
            "Does pre-training a bidirectional Transformer with a masked language model "
            "objective beat left-to-right pre-training on downstream tasks?",
            [
                "pre-training", "bidirectional Transformer", "masked language model objective",
                "left-to-right pre-training", "downstream tasks",
            ],
        ),
    ],
    ids=["verb-before-determiner", "plain", "closing-comparative", "named-tokens", "beat"],
)  # fmt: skip
def test_question_aspects(question: str, aspects: list[str]) -> None:
    assert question_aspects(question) == aspects


def test_uncovered_aspects_in_question_order() -> None:
    texts = [
        "We distill LLMs for code generation and report pass@1 on HumanEval.",
        "Knowledge distillation helps smaller language models.",
    ]
    # "LLMs" covers large language models, "pass@1" covers pass@k, "smaller" meets "small".
    assert uncovered_aspects(DESIGN_QUESTION, texts) == [
        "inference efficiency",
        "latency",
        "DS-1000",
    ]


def test_a_property_asked_by_degree_is_no_gap() -> None:
    question = "Does the Transformer train faster than recurrent models, and is it more accurate?"
    texts = ["The Transformer trains faster than recurrent models and reaches 28.4 BLEU."]
    assert "accurate" in question_aspects(question)
    assert uncovered_aspects(question, texts) == []
    # A noun after "more" is a thing asked about, and its absence is a gap.
    assert "data" in uncovered_aspects("Does the student need more data?", ["A small student."])


def test_subjects_are_what_a_yes_no_question_asks_the_effect_of() -> None:
    question = "Does regular aspirin use lower the risk of colorectal cancer?"
    assert subject_aspects(question) == ["regular aspirin"]
    assert outcome_aspects(question) == ["colorectal cancer"]
    assert subject_aspects("What does aspirin do?") == []


def test_all_words_of_an_aspect_must_meet_in_one_text() -> None:
    split = ["The teacher is patient.", "The network is deep."]
    assert "large teacher network" in uncovered_aspects(README_QUESTION, split)
    together = ["A larger teacher network guides the student."]
    assert "large teacher network" not in uncovered_aspects(README_QUESTION, together)


def test_plural_and_inflected_forms_cover_an_aspect() -> None:
    texts = ["Distilling knowledge generalizes; knowledge distillations of student networks."]
    assert uncovered_aspects("Does knowledge distillation help student networks?", texts) == []


def test_no_texts_leave_every_aspect_uncovered() -> None:
    assert uncovered_aspects(README_QUESTION, []) == question_aspects(README_QUESTION)


def test_a_past_tense_verb_between_nouns_splits_an_aspect() -> None:
    aspects = question_aspects(
        "Which attention-based architecture replaced recurrent networks for machine translation?"
    )
    assert aspects[:3] == [
        "attention-based architecture",
        "recurrent networks",
        "machine translation",
    ]
    # A hyphenated or leading participle qualifies its noun and stays with it.
    assert question_aspects("Do pre-trained models help distilled students?")[:2] == [
        "pre-trained models",
        "distilled students",
    ]


def test_a_possessive_ends_the_possessor_and_keep_is_a_verb() -> None:
    assert question_aspects(
        "Does knowledge distillation keep a large teacher network's accuracy in a smaller student?"
    ) == ["knowledge distillation", "large teacher network", "accuracy", "smaller student"]
    assert question_aspects(
        "How does the Transformer's self-attention compare with recurrent layers in training cost?"
    ) == ["Transformer", "self-attention", "recurrent layers", "training cost"]
    assert question_aspects("Does distillation keep accuracy?") == ["distillation", "accuracy"]


def test_outcomes_stop_where_the_question_names_its_setting() -> None:
    question = "Does metformin lower the risk of cancer in people with type 2 diabetes?"
    assert outcome_aspects(question) == ["cancer"]
    assert subject_aspects(question) == ["metformin"]  # "people" and "diabetes" are the setting


def test_a_question_verb_opening_a_run_is_dropped() -> None:
    assert question_aspects("Which medicines help smokers quit, and how much do they raise quit "
                            "rates?")[-1] == "quit rates"  # fmt: skip
    assert "teacher inference" in question_aspects(
        "How much memory does FP8 teacher inference save in LLM distillation?"
    )


def test_a_short_name_is_covered_by_its_plural() -> None:
    assert uncovered_aspects("How much GPU memory does it save?", ["8 GPUs use less memory."]) == []


def test_an_eponym_s_possessive_names_one_thing() -> None:
    question = "Do statins reduce the risk of dementia or Alzheimer's disease?"
    assert question_aspects(question) == ["statins", "dementia", "Alzheimer's disease"]
    assert outcome_aspects(question) == ["dementia", "Alzheimer's disease"]
    assert not uncovered_aspects(question, ["Statins and Alzheimer's disease: dementia risk."])
    assert uncovered_aspects(question, ["Statins and Parkinson's disease."]) == [
        "dementia", "Alzheimer's disease",
    ]  # fmt: skip


def test_a_question_verb_alone_is_no_aspect() -> None:
    assert question_aspects("To what extent does it work?") == []
    assert question_aspects("Does statin use lower the risk of gallstone disease?") == [
        "statin",
        "gallstone disease",
    ]  # a measure word before "of" frames the outcome; it is not one


def test_an_ation_noun_meets_its_verb() -> None:
    texts = ["Hinting the inner layers generalizes better; the student distilled from it too."]
    assert uncovered_aspects(README_QUESTION, texts) == [
        "knowledge distillation",
        "large teacher network",
        "smaller student network",
    ]


def test_speaks_to_question_needs_one_aspect() -> None:
    assert speaks_to_question(README_QUESTION, "A larger teacher network guides the student.")
    assert not speaks_to_question(README_QUESTION, "FP8 and BF16 loss curves overlap.")
    assert speaks_to_question("To what extent does it work?", "Anything at all.")


def test_a_light_verb_and_the_pronoun_one_are_not_part_of_an_aspect() -> None:
    question = (
        "How can knowledge distillation from a large language model into a smaller one be made "
        "faster to train?"
    )
    # "train" is a question verb ("let the Transformer *train* faster"): no aspect of its own.
    # "a smaller one" names the model again (see the comparative test below).
    assert question_aspects(question) == [
        "knowledge distillation", "large language model", "faster",
    ]  # fmt: skip
    assert question_aspects("Does one model outperform the other?") == ["one model"]


def test_a_predicate_adjective_alone_is_no_aspect() -> None:
    aspects = question_aspects("Do soft targets help when little training data is available?")
    assert aspects == ["soft targets", "little training data"]


def test_outcome_aspects_are_those_first_named_after_the_question_verb() -> None:
    question = (
        "Does training a student network on a teacher's soft targets reduce overfitting when "
        "little training data is available?"
    )
    # "training" is named before "reduce" (the subject); "little training data" only after it.
    assert outcome_aspects(question) == ["overfitting", "little training data"]
    assert outcome_aspects("Is a larger teacher always a better teacher?") == []
    assert outcome_aspects("Does it work?") == []


def test_fail_is_a_question_verb() -> None:
    question = "Which tokenization choices make large language models fail at counting letters?"
    assert question_aspects(question) == [
        "tokenization choices",
        "large language models",
        "counting letters",
    ]


def test_a_bare_number_inside_a_name_belongs_to_it() -> None:
    question = "Does metformin lower the risk of cancer in people with type 2 diabetes?"
    assert "type 2 diabetes" in question_aspects(question)
    assert question_aspects("Is a phase 3 trial needed?") == ["phase 3 trial"]
    # A number after a break word is still no aspect of its own.
    assert question_aspects("Do people over 65 benefit from the vaccine?") == ["people", "vaccine"]


def test_umbrella_words_are_covered_by_their_kinds() -> None:
    question = "Does metformin lower the risk of cancer in people with type 2 diabetes?"
    trial = "Metformin might influence tumourigenesis in patients with type 2 diabetes."
    assert uncovered_aspects(question, [trial]) == []
    rats = "Metformin lowers blood glucose in rats with type 2 diabetes."
    assert uncovered_aspects(question, [rats]) == ["cancer", "people"]
    # "faster" is met by the speedup a paper reports.
    speed = "KDFlow achieves a 1.44x to 6.36x speedup over current frameworks."
    assert "faster" not in uncovered_aspects("How much faster does KDFlow run?", [speed])
    # Only the umbrella word widens: "tumour" in a question is not met by "cancer".
    assert uncovered_aspects("Does aspirin shrink a tumour?", ["Aspirin and cancer."]) == ["tumour"]


def test_aspects_named_keeps_the_given_order_and_reads_their_forms() -> None:
    from synth.synthesize.coverage import aspects_named

    text = "Pre-training on 2T tokens raised HumanEval scores; GPUs ran it."
    assert aspects_named(["MBPP", "HumanEval", "GPU"], text) == ["HumanEval", "GPU"]
    assert aspects_named([], text) == []


def test_a_name_inside_a_hyphenated_compound_is_named() -> None:
    text = "PaSa-7b surpasses PaSa-GPT-4o by 30.36% in recall."
    assert aspects_named(["PaSa", "GPT-4o", "GPT-4", "Google"], text) == ["PaSa", "GPT-4o"]
    # Only a name: a plain word inside a compound is another word ("self" in "self-attention").
    assert aspects_named(["self"], "Self-attention layers") == []


def test_a_size_variant_glued_to_a_name_names_it() -> None:
    # The BERT paper's subscripts come out of the PDF glued: "BERTLARGE", "BERTBASE".
    text = "We find that BERTLARGE significantly outperforms BERTBASE across all tasks."
    assert aspects_named(["BERT", "GPT"], text) == ["BERT"]
    assert aspects_named(["BERT"], "BERTology studies what BERT-like models learn.") == ["BERT"]
    assert aspects_named(["BERT"], "BERTology is a field.") == []


def test_a_closing_adjective_is_an_aspect_of_its_own() -> None:
    question = "What makes distillation of large language models slow, and how can it be faster?"
    aspects = question_aspects(question)
    assert "large language models" in aspects and "slow" in aspects
    assert "large language models slow" not in aspects
    # A comparative closing a run qualifies its verb and stays: "translate better".
    assert "translate better" in question_aspects("Does it translate better than RNNs?")
    # A modifier before its noun is part of the name.
    assert question_aspects("Are slow learners helped?") == ["slow learners"]


def test_a_number_in_words_is_no_aspect() -> None:
    question = "Do language models fail when a word splits into tokens in more than one way?"
    assert "one" not in question_aspects(question)


def test_a_cost_comparative_is_met_by_the_cost_a_paper_states() -> None:
    question = "How much cheaper is it to train the Transformer?"
    cost = "The Transformer trains at less than 1/4 the training cost of the previous model."
    assert uncovered_aspects(question, [cost]) == []
    assert uncovered_aspects(question, ["The Transformer reaches 28.4 BLEU."]) == ["cheaper"]


def test_the_degree_asked_of_a_thing_is_no_aspect() -> None:
    question = "How long a context window does the code model support?"
    assert question_aspects(question) == ["context window", "code model support"]
    # With no thing after it the adjective is the property asked, and stays.
    assert "fast" in question_aspects("How fast can PaSa answer a query?")


def test_the_writers_and_their_reporting_verb_are_no_aspects() -> None:
    question = "Which explanation methods do the authors recommend for molecular property models?"
    assert question_aspects(question) == ["explanation methods", "molecular property models"]
    # A reporting verb is no question verb: the effect asked about stays the one after "lowers".
    from synth.synthesize.coverage import outcome_aspects, subject_aspects

    asked = "Does the study suggest that aspirin lowers cancer risk?"
    assert subject_aspects(asked) == ["aspirin"] and outcome_aspects(asked) == ["cancer risk"]


def test_ability_verbs_are_question_verbs_and_during_names_a_setting() -> None:
    # "recognise" had joined "soft targets recognise classes" into one aspect, and the question
    # had no outcome, so any finding about teachers could answer it with a yes.
    question = (
        "Can a student network trained on a teacher's soft targets recognise classes it never "
        "saw during training?"
    )
    assert question_aspects(question) == [
        "student network", "teacher", "soft targets", "classes", "never saw", "training",
    ]  # fmt: skip
    assert outcome_aspects(question) == ["classes", "never saw"]
    assert subject_aspects(question) == ["student network", "teacher", "soft targets"]


def test_made_property_is_the_comparative_a_how_can_question_asks_for() -> None:
    question = (
        "How can knowledge distillation from a large language model into a smaller one be "
        "made faster to train?"
    )
    assert made_property(question) == ["faster"]
    assert made_property("How can attention become cheaper?") == ["cheaper"]
    # A bare adjective is met in the sources as a noun ("accuracy"): not read as the property.
    assert made_property("How can a student be made more accurate?") == []
    assert made_property("Does distillation make students faster?") == []


def test_like_and_still_are_no_part_of_an_aspect() -> None:
    # "molecular properties, *like* solubility" gave the aspect "like solubility", which no
    # source says; "does it *still* find information" gave "still find information".
    q = "Can explanations make predictions of molecular properties, like solubility, clear?"
    assert "solubility" in question_aspects(q) and "like solubility" not in question_aspects(q)
    q = "Does the model still find information placed in long inputs?"
    assert "find information" in question_aspects(q)


def test_a_name_written_without_its_hyphen_names_it() -> None:
    # DeepSeek-Coder-V2's abstract compares it with "GPT4-Turbo": that names "GPT-4".
    q = "Can an open-source model match closed-source models such as GPT-4?"
    text = "It achieves performance comparable to GPT4-Turbo in code-specific tasks."
    assert "GPT-4" not in uncovered_aspects(q, [text])
    assert "GPT-4" in uncovered_aspects(q, ["It achieves performance comparable to GPT-3."])
    assert "GPT-4" in uncovered_aspects(q, ["It achieves performance comparable to GPT40."])


def test_a_comparative_before_one_is_no_aspect() -> None:
    # "into a smaller one" names the model again; the answer had closed "No verified finding
    # speaks to smaller" beside KDFlow's speedup for distilling a large model into a small one.
    assert "larger" not in question_aspects("Can a smaller model match a larger one on math?")
    # Before a noun the comparative stays part of the thing asked about.
    assert "smaller model" in question_aspects("Can a smaller model match a larger one on math?")


def test_a_comparative_before_a_name_is_no_aspect() -> None:
    q = "Does the Transformer reach a higher BLEU score than recurrent models, and at what cost?"
    aspects = question_aspects(q)
    assert "higher" not in aspects
    assert "BLEU" in aspects and "recurrent models" in aspects
    # Before a plain noun the comparative stays part of the thing asked about.
    assert "higher accuracy" in question_aspects("Does a smaller model reach higher accuracy?")
