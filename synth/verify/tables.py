"""A paper's tables restating a claim's figures: support the pair model cannot read.

A paper states its headline result once in prose ("a deep student network with almost 10.4
times less parameters outperforms a larger, state-of-the-art teacher network"; "we achieve a
90.2% score on HumanEval") and again only in a table ("FitNet 2 11 ∼862K ∼108M 91.06% 4.64
10.44" under "Table 5: Accuracy/Speed Trade-off on CIFAR-10."). The pair model reads sentences:
a row of numbers is "neither" to it, so such a claim stayed unverified while generic sentences
with many similar neighbours came out supported.

The rule. A claim is *restated by a table* of a document when

* it states at least one *specific* figure: a value written with a decimal ("10.4", "90.2%")
  or of three digits or more ("338"), not a year; a round small number ("12 times", "10
  models", "a 16B model") is too common in tables to mean anything, and a count ("2.4 billion
  active parameters", "338 languages") is a setting more often than a result; a range ("from
  30.5% to 36.0%") is two figures;
* every specific figure is stated by a cell of a table row of that document, within the
  precision the claim gives ("almost 10.4" takes 10.44; "90.2%" takes "90.2%"), the cell read
  in the claim's unit when it has none (a table puts units in its header); cells are read one
  by one, so two of them ("2.0 - 16.85") never make a range;
* the rows' table caption ("Table 5: ..." within ``CAPTION_REACH`` passages) or the rows
  themselves share a content word with the claim (``names.shares_content``: "CIFAR-10",
  "HumanEval"), so that the figures belong to what the claim is about;
* the document names every name the claim names (``names.missing_names``: a model, dataset
  or gene the paper never mentions is not its result).

A table row is a passage of at least ``MIN_CELLS`` numbers that make up at least
``CELL_SHARE`` of its words. The rule only ever lifts an unverified claim to supported (never
over a contradiction); the rows are shown as the claim's evidence with their stance left as
the model read them (not "supports": that label is the model's) and a note naming the cells.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from synth.quantities import Quantity, parse_quantities
from synth.verify.names import missing_names, shares_content
from synth.verify.numbers import agrees

__all__ = [
    "CAPTION_REACH",
    "CELL_SHARE",
    "MIN_CELLS",
    "TableRow",
    "is_caption",
    "is_table_row",
    "specific_figures",
    "table_restatement",
]

MIN_CELLS = 3
CELL_SHARE = 0.4
# Passages between a row and its table's caption, at most (captions sit above or below, and a
# long table's last rows are followed by a sentence or two before the caption).
CAPTION_REACH = 20

_CELL = re.compile(r"^[~∼≈±+\-−]?\(?\d[\d.,]*[%×x]?\)?[KMBkmb]?[%]?$")
_CAPTION = re.compile(r"^(?:Table|Tab\.)\s*\d+\s*[:|.]")


def is_table_row(text: str) -> bool:
    """Whether a passage is a row of a table: mostly numbers, at least ``MIN_CELLS`` of them."""
    words = text.split()
    cells = sum(bool(_CELL.match(w)) for w in words)
    return cells >= MIN_CELLS and cells >= CELL_SHARE * len(words)


def is_caption(text: str) -> bool:
    """Whether a passage is a table caption ("Table 5: ...", "Table 3 | ...")."""
    return _CAPTION.match(text.strip()) is not None


_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _specific(q: Quantity) -> bool:
    """Written with a decimal or with three digits or more ("10.4", "338"; not "1B", "12")."""
    written = _DIGITS.search(q.raw)
    if written is None:
        return False
    number = written.group(0)
    return "." in number or len(number.replace(",", "")) >= 3


def _points(q: Quantity) -> list[Quantity]:
    """A range's two ends as figures of their own ("from 30.5% to 36.0%" states both)."""
    if not q.is_range or q.low is None or q.high is None:
        return [q]
    return [dataclasses.replace(q, value=v, low=None, high=None) for v in (q.low, q.high)]


def specific_figures(claim: str) -> list[Quantity]:
    """The claim's figures that a table could not state by chance (see the module docstring)."""
    return [
        p
        for q in parse_quantities(claim)
        if q.spread is None and q.kind != "count" and _specific(q)
        for p in _points(q)
    ]


def _cells(row: str) -> list[Quantity]:
    """A row's numbers cell by cell: read one by one, two cells never join into a range."""
    return [q for word in row.split() for q in parse_quantities(word) if not q.is_range]


@dataclass(frozen=True)
class TableRow:
    """A table row of a document: its evidence row, its text and its table's caption ("")."""

    row: int
    text: str
    caption: str


def _cell_states(figure: Quantity, cell: Quantity) -> bool:
    if not cell.unit and cell.kind == "plain":
        cell = dataclasses.replace(cell, kind=figure.kind, unit=figure.unit)
    return agrees(figure, cell)


def table_restatement(
    claim: str, rows: Sequence[TableRow], document: str
) -> list[tuple[TableRow, list[str]]] | None:
    """The table rows that restate each specific figure of the claim, with the cells they
    state (one row per figure, first found), or None when the rule does not hold."""
    figures = specific_figures(claim)
    if not figures or not rows:
        return None
    # Rows that share a word with the claim first ("DS-Coder-V2-Instruct" before "GPT-4o" for a
    # claim about DeepSeek-Coder-V2 that both rows' 43.4% could state), then in document order.
    ordered = sorted(rows, key=lambda r: not shares_content(claim, r.text))
    found: dict[int, tuple[TableRow, list[str]]] = {}
    for figure in figures:
        hit = next(
            (
                (row, cell)
                for row in ordered
                for cell in _cells(row.text)
                if _cell_states(figure, cell)
            ),
            None,
        )
        if hit is None:
            return None
        row, cell = hit
        entry = found.setdefault(row.row, (row, []))
        entry[1].append(f"{cell.raw} for the claim's {figure.raw!r}")
    tables = " ".join(f"{r.caption} {r.text}" for r, _ in found.values())
    # The whole document is read last, only for a claim whose figures the tables state.
    if not shares_content(claim, tables) or missing_names(claim, document):
        return None
    return list(found.values())
