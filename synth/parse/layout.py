"""Positioned text lines of a PDF page, and the page-level clean-up that needs positions."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

# A footnote or affiliation marker that pypdf leaves at the start of a line.
_MARKER_START = re.compile(r"^\s*(?:[∗*†‡§¶]+|\d{1,2}(?=[A-Z]))")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:page\s+)?(?:\d{1,4}|[ivxlc]{1,6})(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.IGNORECASE
)
_DIGITS = re.compile(r"\d+")
# Fraction of the page height treated as top/bottom margin for running headers and footers.
_MARGIN = 0.1


@dataclass(frozen=True)
class Line:
    """One text line as pypdf emits it, with where and how large it is printed."""

    text: str
    page: int
    x: float
    y: float
    size: float
    bold: bool = False
    rotated: bool = False
    marker: bool = False  # starts with a raised footnote/affiliation marker
    height: float = 792.0  # height of its page, for margin tests


def body_size(lines: list[Line]) -> float:
    """Most common (character-weighted) font size: the size of running prose."""
    counts: Counter[float] = Counter()
    for line in lines:
        counts[round(line.size, 1)] += len(line.text)
    return counts.most_common(1)[0][0] if counts else 10.0


def _in_margin(line: Line) -> bool:
    return line.y > line.height * (1 - _MARGIN) or line.y < line.height * _MARGIN


def _repeat_key(text: str) -> str:
    return _DIGITS.sub("#", text.strip().lower())


def drop_page_furniture(lines: list[Line]) -> list[Line]:
    """Drop rotated side stamps, page numbers and running headers/footers."""
    pages = {line.page for line in lines}
    keys: Counter[str] = Counter()
    for page in pages:
        keys.update({_repeat_key(ln.text) for ln in lines if ln.page == page and _in_margin(ln)})
    # A margin line repeated on a quarter of the pages (at least 3) is a running header/footer.
    needed = max(3, len(pages) // 4)
    kept = []
    for line in lines:
        if line.rotated or not line.text.strip():
            continue
        if _in_margin(line) and (
            _PAGE_NUMBER.match(line.text) or keys[_repeat_key(line.text)] >= needed
        ):
            continue
        kept.append(line)
    return kept


def mark_footnotes(lines: list[Line], size: float) -> list[bool]:
    """Flag footnote lines: smaller print near the page bottom that starts with a marker."""
    flags = [False] * len(lines)
    i = 0
    while i < len(lines):
        line = lines[i]
        small = line.size < size * 0.95
        marked = line.marker or _MARKER_START.match(line.text) is not None
        # A footnote carried over from the previous page starts in lower case at the very bottom.
        carried = line.text[:1].islower() and line.y < line.height * 0.15
        if small and ((marked and line.y < line.height * 0.4) or carried):
            j = i
            # The footnote continues while lines stay small, on the same page, and move down.
            while j < len(lines) and _continues_footnote(lines, i, j, size):
                flags[j] = True
                j += 1
            i = max(j, i + 1)
            continue
        i += 1
    return flags


def _continues_footnote(lines: list[Line], first: int, j: int, size: float) -> bool:
    line = lines[j]
    if j == first:
        return True
    prev = lines[j - 1]
    return (
        line.page == prev.page
        and line.size < size * 0.95
        and line.y < prev.y
        and prev.y - line.y < line.size * 2.2
        and line.y < line.height * 0.4
    )


def strip_trailing_space(lines: list[Line]) -> list[Line]:
    """Lines with their surrounding whitespace removed (empty ones dropped)."""
    return [replace(ln, text=ln.text.strip()) for ln in lines if ln.text.strip()]
