"""The labelled question set used by benchmarks/report_relevance.py is well formed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (DATA / name).read_text().splitlines() if line.strip()]


def test_question_set_schema() -> None:
    rows = _rows("question_set.jsonl")
    assert len(rows) >= 12
    assert len({r["id"] for r in rows}) == len(rows)
    assert {r["corpus"] for r in rows} == {"realpdf", "scifact"}
    for row in rows:
        assert isinstance(row["question"], str) and len(row["question"]) > 20
        relevant, ambiguous, irrelevant = (
            set(row[k]) for k in ("relevant", "ambiguous", "irrelevant")
        )
        assert relevant and irrelevant
        assert not (relevant & irrelevant or relevant & ambiguous or ambiguous & irrelevant)


def test_question_set_covers_one_and_several_source_questions() -> None:
    sizes = [len(r["relevant"]) for r in _rows("question_set.jsonl")]
    assert min(sizes) == 1 and max(sizes) >= 3


def test_claim_labels_refer_to_questions() -> None:
    ids = {r["id"] for r in _rows("question_set.jsonl")}
    labels = _rows("claim_relevance_labels.jsonl")
    assert len(labels) >= 100
    for row in labels:
        assert row["question_id"] in ids
        assert isinstance(row["bears_on_question"], bool)
        # Claims are named by a hash of their text: no sentence of the papers is stored here.
        assert set(row) == {"question_id", "source", "text_sha256", "bears_on_question"}
        assert len(row["text_sha256"]) == 16
