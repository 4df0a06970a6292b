"""Heading titles mapped to section kinds."""

from __future__ import annotations

import pytest

from synth.parse.sections import kind_of, states_results


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("3 Preliminary experiments on MNIST", "results"),
        ("Preliminary Results", "results"),
        ("2 Preliminaries", "background"),
        ("Related Work", "background"),
        ("5.5 Results", "results"),
        ("4.2 Model size", "method"),
    ],
)
def test_kind_of_a_heading(title: str, kind: str) -> None:
    assert kind_of(title) == kind


def test_a_results_title_is_told_from_a_set_up_title() -> None:
    assert states_results("5.5 Results") and states_results("4.1 Main findings")
    assert not states_results("3.2 Experimental setup")
