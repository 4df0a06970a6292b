"""The key-aspect rule drops a source only below a more relevant source that engages the aspect."""

from __future__ import annotations

import numpy as np

from synth.embed import Embedder
from synth.extract.relevance import key_aspect_reasons, score_relevance
from synth.settings import ExtractSettings
from synth.synthesize.coverage import question_aspects
from tests.doc_factory import make_document

ASPECTS = ["caspase-11", "pyroptosis"]
# Source 0 engages "caspase-11" only, 1 and 2 "pyroptosis" (the key aspect: 0.35 > 0.30).
ENGAGEMENT = [np.array([0.30, 0.03]), np.array([0.07, 0.35]), np.array([0.02, 0.01])]


def test_the_most_relevant_source_is_not_dropped_for_the_key_aspect() -> None:
    reasons = key_aspect_reasons(ASPECTS, ENGAGEMENT, [True] * 3, 0.2, [0.58, 0.50, 0.40])
    assert reasons[0] == ""  # misses "pyroptosis", but no source engaging it ranks above
    assert reasons[1] == ""
    assert "does not address 'pyroptosis'" in reasons[2]
    assert "0.01 < 0.20 × 0.35" in reasons[2]
    assert "a more relevant source (relevance 0.50) does" in reasons[2]


def test_a_source_below_an_engaging_one_is_dropped_and_ties_keep_their_place() -> None:
    below = key_aspect_reasons(ASPECTS, ENGAGEMENT, [True] * 3, 0.2, [0.45, 0.50, 0.40])
    assert below[0] and below[1] == "" and below[2]
    tied = key_aspect_reasons(ASPECTS, ENGAGEMENT, [True] * 3, 0.2, [0.50, 0.50, 0.40])
    assert tied[0] == "" and tied[2]


def test_only_passing_sources_set_the_bar() -> None:
    # The engaging source 1 does not pass (another rule left it out): it cannot outrank anyone,
    # and the key aspect comes from the passing sources alone ("caspase-11", which 2 misses).
    reasons = key_aspect_reasons(ASPECTS, ENGAGEMENT, [True, False, True], 0.2, [0.4, 0.9, 0.3])
    assert reasons[0] == "" and reasons[1] == ""
    assert "does not address 'caspase-11'" in reasons[2]


def test_without_scores_every_source_missing_the_key_aspect_is_dropped() -> None:
    reasons = key_aspect_reasons(ASPECTS, ENGAGEMENT, [True] * 3, 0.2)
    assert reasons[0] and reasons[1] == "" and reasons[2]
    assert "more relevant" not in reasons[0]


def test_best_source_on_the_other_aspect_of_a_near_tie_is_used(embedder: Embedder) -> None:
    question = "Does active caspase-11 promote pyroptosis?"
    caspase = make_document(
        "Caspase-11 restricts bacterial growth in infected macrophages",
        [
            (
                "abstract",
                [
                    "Active caspase-11 was required to restrict bacterial replication in "
                    "infected macrophages.",
                    "Macrophages lacking caspase-11 failed to deliver the bacteria to lysosomes.",
                ],
            )
        ],
    )
    gasdermin = make_document(
        "Gasdermin cleavage determines pyroptotic cell death",
        [
            (
                "abstract",
                [
                    "Cleavage of gasdermin D by inflammatory caspases triggered pyroptosis.",
                    "Cells without gasdermin D resisted pyroptotic death after inflammasome "
                    "activation.",
                ],
            )
        ],
    )
    tumour = make_document(
        "Macrophage polarization in tumours",
        [
            (
                "abstract",
                ["Tumour-associated macrophages shifted towards an anti-inflammatory state."],
            )
        ],
    )
    wide = ExtractSettings(relevance_margin=1.0, relevance_threshold=0.0)
    aspects = question_aspects(question)
    docs = [caspase, gasdermin, tumour]
    rows = score_relevance(question, docs, embedder, wide, aspects)
    # The caspase-11 paper scores best on the whole question though it engages "pyroptosis"
    # (the key aspect) little: it stays; the off-topic paper below the gasdermin one does not.
    assert rows[0].score > rows[1].score > rows[2].score
    assert rows[0].used and rows[1].used
    assert not rows[2].used and "a more relevant source" in rows[2].reason
