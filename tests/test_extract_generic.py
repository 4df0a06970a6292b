"""Issue 9: generic sentences and method descriptions that are not claims."""

from __future__ import annotations

import pytest

from synth.extract.cues import count_cues, is_candidate
from synth.settings import ExtractSettings
from tests.doc_factory import always_prose, make_passage


@pytest.mark.parametrize(
    "text",
    [
        "It is routine in medicine now for classifiers to exceed expert accuracy on many tasks.",
        "Although these methods are shown to help, interpretation by counterfactuals still "
        "remains unexplored compared to other post-hoc methods.",
        "Segmenting words into subtokens poses a particularly hard challenge for models that "
        "improve with scale.",
        "Effective training requires large amounts of labelled search data to achieve good results.",
        "Saliency maps have become a useful tool for chemists, as they are able to reveal "
        "spurious correlations.",
        "To improve distillation, the most important factors include the architectures of the "
        "teacher and the student.",
        "Other therapies, including bupropion, have also been tested for effectiveness.",
        "Because the student layer is smaller, extra weights are introduced to map it onto the "
        "teacher's layer, improving the fit.",
        "The training can be seen as composed of two stages, which enables easier optimisation.",
    ],
)
def test_generic_statements_and_method_descriptions_are_not_claims(text: str) -> None:
    cues = count_cues(text)
    assert cues["result"] + cues["comparison"] + cues["conclusion"] > 0  # a cue alone admits it
    assert not is_candidate(make_passage(text), ExtractSettings(), always_prose)


@pytest.mark.parametrize(
    "text",
    [
        "Distilled students require 40% less memory than their teachers at the same accuracy.",
        "Hinted students can be seen as outperforming their teachers by 1.2 points on CIFAR-10.",
    ],
)
def test_a_measured_result_in_generic_words_stays_a_candidate(text: str) -> None:
    assert is_candidate(make_passage(text), ExtractSettings(), always_prose)
