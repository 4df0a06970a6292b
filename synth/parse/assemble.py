"""Turn a PDF's text lines into a Document: clean, block, section, split into sentences."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from synth.errors import printable
from synth.parse.blocks import Block, build_blocks, mend_interrupted, typical_width
from synth.parse.clean import (
    build_vocabulary,
    mend_spaced_hyphens,
    normalize_chars,
    remove_stamps,
)
from synth.parse.front import find_front, is_front_like, split_run_in_abstract
from synth.parse.layout import Line, body_size, drop_page_furniture, mark_footnotes
from synth.parse.metadata import build_work
from synth.parse.sections import Heading, filter_headings, heading_of
from synth.parse.text import build_text
from synth.records import Document, Retrieval, content_id


def prepare_lines(lines: list[Line]) -> tuple[list[Line], float]:
    """Normalized lines without stamps, page furniture and footnotes; and the body font size."""
    cleaned = []
    for line in lines:
        text = remove_stamps(normalize_chars(line.text))
        if text:
            cleaned.append(replace(line, text=text))
    kept = drop_page_furniture(cleaned)
    body = body_size(kept)
    flags = mark_footnotes(kept, body)
    return split_run_in_abstract([ln for ln, f in zip(kept, flags, strict=True) if not f]), body


def _role_blocks(lines: list[Line], idx: list[int], role: str, vocab: set[str]) -> list[Block]:
    blocks = build_blocks([lines[i] for i in idx], [None] * len(idx), vocab)
    for block in blocks:
        block.role = role
    return blocks


def _drop_before_abstract(headings: list[Heading | None]) -> list[Heading | None]:
    """Large print above the abstract (author names, affiliations) is front matter, not headings."""
    first = next(
        (i for i, h in enumerate(headings) if h is not None and h.kind == "abstract"), None
    )
    if first is None:
        return headings
    return [None if i < first else h for i, h in enumerate(headings)]


def plan_blocks(lines: list[Line], body: float, vocab: set[str]) -> list[Block]:
    """Blocks in reading order with roles: title, front, heading, text."""
    headings = _drop_before_abstract(filter_headings([heading_of(ln, body) for ln in lines]))
    layout = find_front(lines, headings, body)
    title_idx = list(range(*layout.title)) if layout.title else []
    skip = set(title_idx) | set(layout.front)
    rest = [i for i in range(len(lines)) if i not in skip]
    blocks: list[Block] = []
    if title_idx:
        title = _role_blocks(lines, title_idx, "title", vocab)
        for extra in title[1:]:
            title[0].add(extra.first, vocab)  # a title broken by a font change stays one title
        blocks.append(title[0])
    # Front lines stay one block each: they are names, affiliations and addresses, not prose.
    blocks.extend(
        Block(lines[i].text, lines[i].page, lines[i], lines[i], role="front") for i in layout.front
    )
    width = typical_width(lines)
    body_blocks = build_blocks([lines[i] for i in rest], [headings[i] for i in rest], vocab)
    body_blocks = mend_interrupted(body_blocks, vocab, width)
    moved = [
        b
        for b in body_blocks
        if b.role in ("text", "runin") and b.page == 1 and is_front_like(b.text, b.first.size, body)
    ]
    for block in moved:
        block.role = "front"
    return blocks + moved + [b for b in body_blocks if b not in moved]


def build_document(
    path: Path, digest: str, raw: list[Line], page_count: int, info: dict[str, str]
) -> Document:
    """Assemble the Document for one PDF from its raw text lines."""
    lines, body = prepare_lines(raw)
    vocab = build_vocabulary([ln.text for ln in lines])
    lines = [replace(ln, text=mend_spaced_hyphens(ln.text, vocab)) for ln in lines]
    blocks = plan_blocks(lines, body, vocab)
    laid = build_text(blocks, max((ln.page for ln in raw), default=0))
    first_page = [ln.text for ln in raw if ln.page == 1 or ln.rotated]
    title = " ".join(b.text for b in blocks if b.role == "title")
    front = [(b.text, b.first.bold) for b in blocks if b.role == "front"]
    # printable: a file name that is not UTF-8 may become the title, and records are UTF-8.
    work = build_work(printable(path.name), info, first_page, title, front)
    retrieval = Retrieval(
        service="local",
        url=path.resolve().as_uri(),
        retrieved_at=datetime.now(timezone.utc),
        sha256=digest,
    )
    return Document(
        doc_id=content_id(digest),
        work=work,
        text_level="fulltext",
        retrieval=retrieval,
        text=laid.text,
        pages=laid.pages,
        sections=laid.sections,
        passages=laid.passages,
        page_count=page_count,
    )
