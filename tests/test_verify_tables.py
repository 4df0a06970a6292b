"""Tables restating a claim's figures: the rows, the figures, and the rule in the pair judge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from synth.cli import main
from synth.verify.tables import (
    TableRow,
    is_caption,
    is_table_row,
    specific_figures,
    table_restatement,
)
from tests.test_verify_pair_judge import _judged, _pool_judge

CAPTION = "Table 5: Accuracy/Speed Trade-off on CIFAR-10."
ROWS = [
    TableRow(1, "Teacher 5 ∼9M ∼725M 90.18% 1 1", CAPTION),
    TableRow(2, "FitNet 1 11 ∼250K ∼30M 89.01% 13.36 36", CAPTION),
    TableRow(3, "FitNet 2 11 ∼862K ∼108M 91.06% 4.64 10.44", CAPTION),
]
DOCUMENT = "FitNets: Hints for Thin Deep Nets. " + " ".join(r.text for r in ROWS) + " " + CAPTION
CLAIM = "On CIFAR-10, a deep student network with almost 10.4 times less parameters wins."


def test_a_row_is_mostly_numbers_and_a_caption_names_its_table() -> None:
    assert is_table_row("FitNet 2 11 ∼862K ∼108M 91.06% 4.64 10.44")
    assert is_table_row("DS-Coder-V2-Instruct 236B 21B 90.2% 82.3% 84.8% 82.3% 83.0%")
    assert not is_table_row(
        "The student network achieves an accuracy of 91.61%, which is significantly higher "
        "than the top-performer 85.8% of Ba & Caruana (2014)."
    )
    assert is_caption(CAPTION) and is_caption("Table 3 | Performance on HumanEval.")
    assert not is_caption("Table 5 shows that FitNets are faster.")


def test_specific_figures_are_decimals_and_long_numbers_not_counts_or_round_ones() -> None:
    assert [q.value for q in specific_figures(CLAIM)] == [10.4]
    assert [q.value for q in specific_figures("scores rose from 30.5% to 36.0%")] == [30.5, 36.0]
    assert specific_figures("12 times less parameters with 10 models in 2014") == []
    assert specific_figures("a model with 2.4 billion active parameters") == []  # a count


def test_a_table_restates_the_claim_s_figure_within_its_precision() -> None:
    found = table_restatement(CLAIM, ROWS, DOCUMENT)
    assert found is not None
    [(row, cells)] = found
    assert row.row == 3 and cells == ["10.44 for the claim's 'almost 10.4 times'"]


@pytest.mark.parametrize(
    "claim",
    [
        # Another value: no cell states it.
        "On CIFAR-10, a deep student network with almost 12.4 times less parameters wins.",
        # A name the paper never gives.
        "On CIFAR-10, VGG-16 with almost 10.4 times less parameters wins.",
        # Nothing in the table or its caption is what the claim is about.
        "Almost 10.4 times less memory is used by the retrieval agent.",
        # Every specific figure must be stated: 91.6% is in no row.
        "On CIFAR-10, a student with almost 10.4 times less parameters reaches 91.6% accuracy.",
    ],
)
def test_a_table_does_not_restate_another_figure_thing_or_name(claim: str) -> None:
    assert table_restatement(claim, ROWS, DOCUMENT) is None


def test_cells_are_read_one_by_one_and_never_join_into_a_range() -> None:
    rows = [TableRow(1, "AlpacaEval 2.0 - 16.85 17.74 38.90 36.92", "Table 10: AlpacaEval scores.")]
    claim = "Scores on AlpacaEval improved by 5.5%."
    assert table_restatement(claim, rows, "AlpacaEval 2.0 - 16.85 17.74 38.90 36.92") is None


PAPER = [
    ("title", "FitNets: Hints for Thin Deep Nets"),
    ("results", "We compare the students on CIFAR-10 against their teacher network."),
    ("results", "Network # layers # params # mult Acc Speed-up Compression rate"),
    ("results", "Teacher 5 ∼9M ∼725M 90.18% 1 1"),
    ("results", "FitNet 2 11 ∼862K ∼108M 91.06% 4.64 10.44"),
    ("results", CAPTION),
    ("results", "Deeper students generalize better than shallow ones on this benchmark."),
]


@pytest.mark.model
def test_the_pair_judge_supports_a_claim_its_paper_s_table_restates(
    embedder: object, tmp_path: Path
) -> None:
    texts = {
        "restated": CLAIM,
        "altered": "On CIFAR-10, a deep student network with almost 12.4 times less parameters wins.",
    }
    # The scripted model reads every passage here as "neither": only the table can support.
    verdicts = _judged(_pool_judge(embedder, tmp_path, PAPER), embedder, texts)
    restated = verdicts["restated"]
    assert restated.label == "supported"  # type: ignore[attr-defined]
    first = restated.evidence[0]  # type: ignore[attr-defined]
    assert first.text == "FitNet 2 11 ∼862K ∼108M 91.06% 4.64 10.44"
    assert first.stance == "neutral"  # the model's reading, not the rule's
    assert first.note.startswith(f"a table row ({CAPTION}) states 10.44")
    assert restated.features["table_restated"] == 1.0  # type: ignore[attr-defined]
    assert verdicts["altered"].label != "supported"  # type: ignore[attr-defined]
    off = _pool_judge(embedder, tmp_path / "off", PAPER, table_rule=False)
    assert _judged(off, embedder, {"restated": CLAIM})["restated"].label == "unverified"  # type: ignore[attr-defined]


@pytest.mark.slow
@pytest.mark.model
def test_synth_verify_supports_fitnets_headline_result_by_its_table(real_pdfs: Path) -> None:
    pdf = real_pdfs / "arxiv_1412.6550v4_fitnets-hints-thin-deep-nets.pdf"
    if not pdf.is_file():
        pytest.skip(f"{pdf} is absent")
    runner = CliRunner()

    def verify(claim: str) -> dict[str, object]:
        result = runner.invoke(main, ["verify", claim, "--source", str(pdf), "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)  # type: ignore[no-any-return]

    # Only Table 5's row for FitNet 2 states these figures; its prose says "outperforms the
    # teacher by 0.9%", which holds neither.
    out = verify(
        "On CIFAR-10, FitNet 2 reaches 91.06% accuracy with about 10.4 times fewer parameters "
        "than its teacher."
    )
    assert out["verdict"] == "supported", out
    first = out["evidence"][0]  # type: ignore[index]
    assert "10.44" in first["text"] and "Table 5" in first["note"]
    # No cell of the paper's tables states 92.06%.
    assert (
        verify(
            "On CIFAR-10, FitNet 2 reaches 92.06% accuracy with about 10.4 times fewer parameters "
            "than its teacher."
        )["verdict"]
        != "supported"
    )
