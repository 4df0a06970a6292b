"""First-page structure: the title lines, the front matter (authors, affiliations), run-in heads."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from synth.parse.layout import Line
from synth.parse.sections import RUN_IN_ABSTRACT, Heading

_FRONT_CUE = re.compile(
    r"\S+@[\w-]+\.[a-z]|e-?mail|\buniversit|\binstitut|\bdepartment|\blaborator"
    r"|\bschool of|\bcollege"
    r"|\bacademy|\bcorresponding author|\bequal contribution|\bconference\b|\bproceedings\b"
    r"|\bpreprint\b|\bworkshop\b|\bcopyright\b|©|\bunder review\b|\bwork in progress\b",
    re.IGNORECASE,
)


_EMAIL = re.compile(r"\S+@[\w-]+\.[a-z]{2,}|\be-?mail\b", re.IGNORECASE)


@dataclass(frozen=True)
class FrontLayout:
    """Index ranges (into the line list) of the title and of the front matter."""

    title: tuple[int, int] | None
    front: list[int]


def split_run_in_abstract(lines: list[Line]) -> list[Line]:
    """Split 'Abstract In recent years ...' into a heading line and the text after it."""
    out: list[Line] = []
    for line in lines:
        match = RUN_IN_ABSTRACT.match(line.text)
        if match and line.page <= 2 and len(line.text) > match.end() + 10:
            out.append(replace(line, text="Abstract"))
            out.append(replace(line, text=line.text[match.end() :]))
        else:
            out.append(line)
    return out


def _title_range(lines: list[Line], body: float) -> tuple[int, int] | None:
    first = [i for i, ln in enumerate(lines) if ln.page == 1 and ln.y > ln.height * 0.35]
    first = [i for i in first if sum(ch.isalpha() for ch in lines[i].text) >= 3]
    if not first:
        return None
    big = max(lines[i].size for i in first)
    if big < body * 1.15:
        return None
    start = next(i for i in first if lines[i].size >= big - 0.5)
    end = start + 1
    while (
        end < len(lines)
        and lines[end].page == 1
        and abs(lines[end].size - big) <= 0.5
        and 0 < lines[end - 1].y - lines[end].y < big * 2.0
    ):
        end += 1
    return start, end


def _prose_start(lines: list[Line], start: int, stop: int) -> int:
    """Index of the first full prose line in [start, stop): where front matter must end."""
    for i in range(start, stop):
        if lines[i].page != 1 or (len(lines[i].text) > 70 and not _FRONT_CUE.search(lines[i].text)):
            return i
    return stop


def find_front(lines: list[Line], headings: list[Heading | None], body: float) -> FrontLayout:
    """Locate the title (largest print on page 1) and the front matter after it.

    Front matter is everything above an Abstract heading; without one it ends at the first
    heading or the first full line of prose, whichever comes first, so an unlabelled abstract
    stays body text.
    """
    title = _title_range(lines, body)
    first_heading = next(
        (i for i, h in enumerate(headings) if h is not None and lines[i].page == 1), None
    )
    head = headings[first_heading] if first_heading is not None else None
    if head is not None and head.kind == "abstract":
        end = first_heading or 0
    else:
        after_title = title[1] if title else 0
        end = _prose_start(lines, after_title, first_heading if first_heading else len(lines))
    front = [i for i in range(end) if title is None or not title[0] <= i < title[1]]
    return FrontLayout(title, front)


def is_front_like(text: str, size: float, body: float) -> bool:
    """A first-page block that is contact or affiliation detail printed in small type."""
    if _EMAIL.search(text) and len(text) < 400:
        return True
    return size < body - 0.3 and _FRONT_CUE.search(text) is not None and len(text) < 400
