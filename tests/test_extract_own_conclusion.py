"""The authors' own conclusion is claim-worthy, whatever the present perfect suggests."""

from __future__ import annotations

import pytest

from synth.embed import Embedder
from synth.extract.claims import extract_claims
from synth.extract.cues import states_own_conclusion
from synth.extract.worthiness import (
    OWN_CONCLUSION_WORTHINESS,
    load_worthiness_model,
    score_worthiness,
)
from synth.settings import ExtractSettings
from tests.doc_factory import make_document

CONCLUSION = (
    "We have shown that distilling works very well for transferring knowledge from an ensemble "
    "into a smaller, distilled model."
)


@pytest.mark.parametrize(
    ("text", "own"),
    [
        (CONCLUSION, True),
        ("Here, we have demonstrated that drug X lowers blood pressure in adults.", True),
        ("Our results show that the student keeps most of the accuracy.", True),
        ("Studies have shown that distillation transfers knowledge.", False),  # background
        ("We have shown that X helps (Smith et al., 2010).", False),  # someone else's, cited
        ("We show the architecture in Figure 2.", False),  # no "that": no conclusion
    ],
)
def test_own_conclusions(text: str, own: bool) -> None:
    assert states_own_conclusion(text) is own


@pytest.mark.model
def test_an_own_conclusion_the_weights_underrate_becomes_a_claim(embedder: Embedder) -> None:
    model = load_worthiness_model()
    if embedder.name != model.model:
        pytest.skip("the claim-worthiness weights read another embedding space")
    vec = embedder.encode([CONCLUSION])
    # What the rule is for: the fitted weights read this conclusion as background.
    assert score_worthiness(vec, [CONCLUSION], model)[0] < OWN_CONCLUSION_WORTHINESS
    doc = make_document(
        "Distilling the knowledge in a neural network", [("conclusion", [CONCLUSION])]
    )
    question = "Can the knowledge of an ensemble be transferred into a smaller distilled model?"
    claims = extract_claims(question, [doc], embedder, ExtractSettings(), lambda _t: True)
    assert [c.text for c in claims] == [CONCLUSION]
