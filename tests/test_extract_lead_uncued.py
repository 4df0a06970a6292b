"""The lead source's abstract sentence without a finding cue may be its one claim."""

from __future__ import annotations

import pytest

from synth.embed import Embedder
from synth.extract.claims import extract_claims
from synth.extract.cues import has_finding_cue, is_candidate
from synth.extract.worthiness import UNCUED_WORTHINESS, load_worthiness_model, score_worthiness
from synth.settings import ExtractSettings
from tests.doc_factory import always_prose, make_document, make_passage

# A finding stated with a verb no cue list names (invented, after the SciFact abstracts).
UNCUED = (
    "Both soluble receptor ligands triggered chemotactic movement of dendritic cells, but not "
    "surface adhesion."
)
QUESTION = "Do soluble receptor ligands trigger chemotactic movement of dendritic cells?"


def test_an_uncued_sentence_has_no_finding_cue() -> None:
    assert not has_finding_cue(UNCUED)
    assert has_finding_cue("Ligand A increased chemotactic movement by 40%.")


def test_only_an_abstract_sentence_is_exempt_from_the_cue() -> None:
    settings = ExtractSettings()
    abstract = make_passage(UNCUED, "abstract")
    assert not is_candidate(abstract, settings, always_prose)
    assert is_candidate(abstract, settings, always_prose, uncued_abstract=True)
    body = make_passage(UNCUED, "results")
    assert not is_candidate(body, settings, always_prose, uncued_abstract=True)


def test_the_exemption_keeps_the_other_rules() -> None:
    settings = ExtractSettings()
    background = "Dendritic cells play an important role in adaptive immunity to pathogens."
    cited = "Dendritic cells migrate toward lymph nodes (Smith et al., 2010)."
    for text in (background, cited):
        assert not is_candidate(make_passage(text, "abstract"), settings, always_prose, True)


@pytest.mark.model
def test_only_the_lead_source_takes_an_uncued_claim(embedder: Embedder) -> None:
    model = load_worthiness_model()
    if embedder.name != model.model:
        pytest.skip("the claim-worthiness weights read another embedding space")
    assert score_worthiness(embedder.encode([UNCUED]), [UNCUED], model)[0] >= UNCUED_WORTHINESS
    lead = make_document(
        "Chemokine fields shape dendritic cell migration", [("abstract", [UNCUED])]
    )
    other = make_document("Chemokine gradients and dendritic cells", [("abstract", [UNCUED])])
    settings = ExtractSettings()
    claims = extract_claims(QUESTION, [lead, other], embedder, settings, always_prose)
    assert [(c.doc_id, c.text) for c in claims] == [(lead.doc_id, UNCUED)]
    # With the gate off the uncued sentence is no candidate at all.
    off = settings.model_copy(update={"min_claim_worthiness": 0.0})
    assert extract_claims(QUESTION, [lead], embedder, off, always_prose) == []


@pytest.mark.model
def test_a_cued_claim_of_the_lead_leaves_no_room_for_an_uncued_one(embedder: Embedder) -> None:
    if embedder.name != load_worthiness_model().model:
        pytest.skip("the claim-worthiness weights read another embedding space")
    cued = "Soluble receptor ligands increased chemotactic movement of dendritic cells by 40%."
    lead = make_document(
        "Chemokine fields shape dendritic cell migration", [("abstract", [UNCUED, cued])]
    )
    claims = extract_claims(QUESTION, [lead], embedder, ExtractSettings(), always_prose)
    assert [c.text for c in claims] == [cued]
