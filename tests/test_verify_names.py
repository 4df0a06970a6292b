"""The name rule's matching: case, hyphens, plurals, numbers split off, acronyms spelled out."""

from __future__ import annotations

from synth.verify.contrast import reversals
from synth.verify.names import missing_names, shares_content, substituted_names


def test_a_swapped_gene_name_is_missing() -> None:
    assert missing_names(
        "CD150 is required for HSC homing.", "CD44 is required for HSC homing."
    ) == ["cd150"]


def test_spelling_variants_of_one_name_are_stated() -> None:
    assert (
        missing_names("IL-6 rises in ILCs.", "Serum IL6 rose in innate lymphoid cells (ILC).") == []
    )
    assert missing_names("IL-6 rises.", "IL 6 rose.") == []


def test_an_acronym_spelled_out_by_the_passage_is_stated() -> None:
    assert missing_names("HSC numbers fall.", "Hematopoietic stem cell numbers fell.") == []
    # A name whose letters begin no run of the passage's words is not spelled out.
    assert missing_names("GC content rose.", "Guanine levels rose.") == ["gc"]


def test_the_document_title_names_the_system_its_sentences_call_our_model() -> None:
    evidence = "Our model pushes the GLUE score to 80.5%."
    assert missing_names("BERT reaches 80.5% on GLUE.", evidence) == ["bert"]
    assert missing_names("BERT reaches 80.5% on GLUE.", evidence, "BERT: Pre-training") == []


def test_names_the_claim_spells_out_itself_or_single_letters_are_not_required() -> None:
    evidence = "Epigenetic modulating agents modulate the antitumor immune response."
    assert missing_names("Epigenetic modulating agents (EMAs) modulate it.", evidence) == []
    assert missing_names("C-type lectins bind it.", "Lectins of this type bind it.") == []
    # Only the name-like part of a compound is required, and a plural DCs names DC.
    assert missing_names("IP3R-mediated release of DCs.", "IP3R drives DC release.") == []
    assert missing_names("KRAS mutant tumours.", "KRA tumours.") == ["kras"]


def test_a_claim_without_names_has_none_missing() -> None:
    assert missing_names("Smaller students learn faster.", "Nothing alike.") == []


def test_a_name_the_passage_replaces_in_the_same_place_is_substituted() -> None:
    claim = "The Prdm14 gene is a key determinant of primordial germ cells."
    passage = "Blimp1 is a key determinant of primordial germ cell specification in mice."
    assert substituted_names(claim, passage) == [("Prdm14", "Blimp1")]
    assert substituted_names("RAD52 drives break-induced replication.", passage) == []
    # The claim writer's own word, with no other name in its place, is no substitution.
    assert (
        substituted_names(
            "Th2 cells drive the allergic response.", "T helper cells drive the allergic response."
        )
        == []
    )
    # A name the passage gives as well is no substitution, whatever else it names.
    assert substituted_names("Blimp1 is a key determinant of germ cells.", passage) == []


def test_reversals_swap_direction_words_first_then_negate() -> None:
    out = reversals("Distillation improves the accuracy of small students.", limit=2)
    assert "worsens" in out[0]
    assert out[1] == "Distillation does not improve the accuracy of small students."
    assert reversals("The student does not outperform the teacher.", limit=2) == [
        "The student does not underperform the teacher.",
        "The student outperforms the teacher.",
    ]
    # A claim with no direction word is reversed by its negation alone.
    assert reversals("The model was trained on ImageNet.") == [
        "The model was not trained on ImageNet."
    ]
    assert len(reversals("Higher doses do not increase more side effects.", limit=1)) == 1


def test_support_needs_a_content_word_of_the_claim() -> None:
    claim = "Even moderately elevated cholesterol increased dementia risk."
    other = "In primary prevention, statins substantially decrease CVD morbidity only moderately."
    assert not shares_content(claim, other)  # "moderately" is no content word
    assert shares_content(claim, "Midlife serum cholesterol was associated with dementia.")
    assert shares_content("Risk rose 12%.", "The risk rose by 12%.")
    assert not shares_content("Risk rose 12%.", "Accuracy fell by 12%.")  # numbers aside
    assert shares_content("Silencing of Bcl2 matters.", "Eliminating BCL-2 yielded cell loss.")
