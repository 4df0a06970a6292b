"""Category labels ("grade 2 or 3", "type II", "stages 2-4") and the passages that name others."""

from __future__ import annotations

from synth.settings import VerifySettings
from synth.verify.labels import category_labels, other_category


def test_labels_read_lists_ranges_and_roman_numerals() -> None:
    text = (
        "lesions of grade 2 or 3, CIN grade 3 or worse, type I and type II diabetes, a phase III "
        "trial, stages 2-4 and subtype 2a"
    )
    assert category_labels(text) == {
        "grade": {"2", "3"},
        "type": {"1", "2"},
        "phase": {"3"},
        "stage": {"2", "3", "4"},
    }
    assert category_labels("types 1, 2a and 3") == {"type": {"1", "2a", "3"}}


def test_only_a_label_named_with_other_numbers_alone_is_another_category() -> None:
    assert other_category("detects grade 1 lesions", "lesions of grade 2 or 3") == "grade 1"
    assert other_category("detects grade 2 lesions", "lesions of grade 2 or 3") is None
    assert other_category("in stage 3 disease", "in stages II to IV") is None
    # A passage that names no category of that kind says nothing either way.
    assert other_category("in type 1 diabetes", "in adults with diabetes") is None
    # Places in a paper are no categories.
    assert other_category("as step 3 shows", "as step 2 shows") is None


def test_name_rule_reads_old_true_false_settings_as_modes() -> None:
    assert VerifySettings(name_rule=True).name_rule == "strict"  # type: ignore[arg-type]
    assert VerifySettings(name_rule=False).name_rule == "off"  # type: ignore[arg-type]
    assert VerifySettings(name_rule="elsewhere").name_rule == "elsewhere"
