"""Text cleaning: ligatures, odd spaces, stamps, hyphenation, page furniture, footnotes."""

from __future__ import annotations

import pytest

from synth.parse.clean import build_vocabulary, join_lines, normalize_chars, remove_stamps
from synth.parse.layout import Line, drop_page_furniture, mark_footnotes


def test_ligatures_and_invisible_characters() -> None:
    assert normalize_chars("signi\ufb01cant \ufb02ow e\ufb00ort") == "significant flow effort"
    assert normalize_chars("soft\u00adhyphen zero\u200bwidth") == "softhyphen zerowidth"
    assert normalize_chars("a\u00a0b\u2009c") == "a b c"


def test_unicode_outside_ligatures_is_kept() -> None:
    text = "Schr\u00f6dinger \u03b1=0.5 \u2264 1 \u2014 \u201cquoted\u201d \u4e2d\u6587"
    assert normalize_chars(text) == text


def test_arxiv_stamp_is_removed_from_a_line() -> None:
    line = "arXiv:1503.02531v1  [stat.ML]  9 Mar 2015 Distilling the Knowledge"
    assert remove_stamps(line) == "Distilling the Knowledge"
    assert remove_stamps("see arXiv:1503.02531, 2015.") == "see arXiv:1503.02531, 2015."


@pytest.mark.parametrize(
    ("left", "right", "vocab", "joined"),
    [
        ("knowledge distil-", "lation works", set(), "knowledge distillation works"),
        ("we pre-", "train it", {"pre-train"}, "we pre-train it"),
        ("the net-", "work is", {"network"}, "the network is"),
        ("a task-", "specific head", {"task", "specific"}, "a task-specific head"),
        ("feature-", "based methods", set(), "feature-based methods"),
        ("improve-", "ment of", {"improve"}, "improvement of"),
        ("left-to-", "right model", set(), "left-to-right model"),
        ("state-of-the-", "art results", set(), "state-of-the-art results"),
        ("in 2019-", "2020 we", set(), "in 2019- 2020 we"),
        ("plain end", "next line", set(), "plain end next line"),
    ],
)
def test_join_lines(left: str, right: str, vocab: set[str], joined: str) -> None:
    assert join_lines(left, right, vocab) == joined


def test_vocabulary_ignores_halves_of_broken_words() -> None:
    vocab = build_vocabulary(["the distil-", "lation of knowledge", "task-specific heads"])
    assert "lation" not in vocab
    assert "distil" not in vocab
    assert {"knowledge", "task-specific", "heads"} <= vocab


def _line(text: str, page: int, y: float, **kw: object) -> Line:
    return Line(
        text=text,
        page=page,
        x=72.0,
        y=y,
        size=float(kw.get("size", 10.0)),
        **{k: v for k, v in kw.items() if k != "size"},
    )  # type: ignore[arg-type]


def test_running_headers_page_numbers_and_side_stamps_are_dropped() -> None:
    lines = []
    for page in range(1, 6):
        lines += [
            _line(f"Knowledge Distillation: A Survey {page}", page, 760.0),
            _line("Body text that stays on every page.", page, 500.0),
            _line(str(page), page, 40.0),
        ]
    lines.append(_line("arXiv:2006.05525v4 [cs.LG] 23 Oct 2020", 1, 300.0, rotated=True))
    kept = drop_page_furniture(lines)
    assert [ln.text for ln in kept] == ["Body text that stays on every page."] * 5


def test_footnotes_are_marked() -> None:
    lines = [
        _line("Body sentence of the page continues here.", 1, 300.0),
        _line("1Code and data are released.", 1, 90.0, size=8.0),
        _line("under a permissive license.", 1, 80.0, size=8.0),
        _line("carried-over footnote text from the previous page", 2, 70.0, size=8.0),
    ]
    assert mark_footnotes(lines, 10.0) == [False, True, True, True]
