"""Lay blocks out as one text with page spans, sections and sentence passages."""

from __future__ import annotations

from dataclasses import dataclass, field

from synth.parse.blocks import Block
from synth.parse.sections import states_results
from synth.parse.sentences import split_sentences
from synth.records import PageSpan, Passage, Section, SectionKind

_SEPARATOR = "\n\n"
# Headings after the reference list that name no kind of their own belong to the appendix.
_AFTER_REFERENCES_KEEP = frozenset({"appendix", "acknowledgements", "references"})


@dataclass
class LaidOut:
    """The cleaned text of a document and everything located in it."""

    text: str = ""
    pages: list[PageSpan] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)


@dataclass
class _Cursor:
    title: str = "Front matter"
    kind: SectionKind = "front"
    top_kind: SectionKind = "body"
    seen_references: bool = False


def _advance(cur: _Cursor, block: Block) -> None:
    """Update the current section when a block opens one."""
    if block.role == "title":
        cur.title, cur.kind = block.text, "title"
    elif block.role == "front":
        cur.title, cur.kind = "Front matter", "front"
    elif block.role == "heading" and block.heading is not None:
        head = block.heading
        kind = head.kind
        subsection = "." in head.number
        own_results = cur.top_kind in ("method", "body") and states_results(head.title)
        if subsection and cur.top_kind != "body" and not own_results:
            kind = cur.top_kind  # '4.2 Model size' inside 'Results' is still results
        if cur.seen_references and kind not in _AFTER_REFERENCES_KEEP:
            kind = "appendix"
        if not subsection:
            cur.top_kind = kind
        cur.seen_references = cur.seen_references or kind == "references"
        cur.title, cur.kind = head.title, kind
    elif cur.kind in ("title", "front"):
        cur.title, cur.kind = "Body", "body"  # prose before any heading


def _spans(block: Block) -> list[tuple[int, int]]:
    if block.role in ("title", "front"):
        return [(0, len(block.text))]
    if block.role in ("heading", "runin"):
        return []
    return split_sentences(block.text)


def _add_page_extent(extent: dict[int, list[int]], block: Block, base: int) -> None:
    marks = [(0, block.page), *block.page_marks]
    for k, (offset, page) in enumerate(marks):
        end = marks[k + 1][0] if k + 1 < len(marks) else len(block.text)
        span = extent.setdefault(page, [base + offset, base + end])
        span[0] = min(span[0], base + offset)
        span[1] = max(span[1], base + end)


def build_text(blocks: list[Block], pages_read: int) -> LaidOut:
    """Join blocks with blank lines; locate pages, sections and sentences in the result."""
    out = LaidOut()
    parts: list[str] = []
    cur = _Cursor()
    extent: dict[int, list[int]] = {}
    pos = 0
    for block in blocks:
        if parts:
            parts.append(_SEPARATOR)
            pos += len(_SEPARATOR)
        base = pos
        before = (cur.title, cur.kind)
        _advance(cur, block)
        if (cur.title, cur.kind) != before or not out.sections:
            out.sections.append(
                Section(
                    title=cur.title, kind=cur.kind, char_start=base, char_end=base, page=block.page
                )
            )
        for s, e in _spans(block):
            out.passages.append(
                Passage(
                    idx=len(out.passages),
                    text=block.text[s:e],
                    page=block.page_at(s),
                    section=cur.title,
                    section_kind=cur.kind,
                    char_start=base + s,
                    char_end=base + e,
                )
            )
        parts.append(block.text)
        pos += len(block.text)
        _add_page_extent(extent, block, base)
    out.text = "".join(parts)
    for k, section in enumerate(out.sections):
        end = out.sections[k + 1].char_start if k + 1 < len(out.sections) else len(out.text)
        out.sections[k] = section.model_copy(update={"char_end": end})
    out.pages = _page_spans(extent, pages_read)
    return out


def _page_spans(extent: dict[int, list[int]], pages_read: int) -> list[PageSpan]:
    spans = []
    last_end = 0
    for page in range(1, pages_read + 1):
        start, end = extent.get(page, [last_end, last_end])
        spans.append(PageSpan(page=page, char_start=start, char_end=end))
        last_end = max(last_end, end)
    return spans
