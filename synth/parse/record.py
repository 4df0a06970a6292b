"""Build a Document from a local JSONL PaperRecord (full text, abstract only, or metadata only)."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone

from synth.errors import InputError
from synth.ids import normalize_arxiv_id, normalize_doi
from synth.parse.blocks import Block
from synth.parse.clean import decode_entities, normalize_chars
from synth.parse.layout import Line
from synth.parse.sections import filter_headings, heading_of
from synth.parse.text import build_text
from synth.records import Document, PaperRecord, Retrieval, TextLevel, Work, content_id

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def _line(text: str) -> Line:
    # Records carry no layout: every paragraph is "printed" alike on page 1.
    return Line(text=text, page=1, x=0.0, y=0.0, size=10.0)


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs; a heading-like line ("3.1 Results") stands alone."""
    out: list[str] = []
    for chunk in _PARAGRAPH_BREAK.split(normalize_chars(text)):
        current: list[str] = []
        for raw in chunk.splitlines():
            line = " ".join(raw.split())
            if line and len(line) <= 100 and heading_of(_line(line), 10.0) is not None:
                out.extend([" ".join(current), line] if current else [line])
                current = []
            elif line:
                current.append(line)
        if current:
            out.append(" ".join(current))
    return [p for p in out if p]


def _paragraph_blocks(text: str) -> list[Block]:
    """Paragraphs as blocks; heading lines become heading blocks when their numbering fits."""
    lines = [_line(p) for p in _paragraphs(text)]
    candidates = [heading_of(ln, 10.0) if len(ln.text) <= 100 else None for ln in lines]
    headings = filter_headings(candidates)
    blocks = []
    for line, head in zip(lines, headings, strict=True):
        role = "heading" if head is not None else "text"
        blocks.append(Block(line.text, 1, line, line, head, role))
    return blocks


def _abstract_blocks(abstract: str) -> list[Block]:
    head = heading_of(_line("Abstract"), 10.0)
    first = _line("Abstract")
    return [Block("Abstract", 1, first, first, head, "heading"), *_paragraph_blocks(abstract)]


def _safe(normalize: object, raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return normalize(raw)  # type: ignore[operator, no-any-return]  # one of the ids normalizers
    except InputError:
        return None


def build_work(record: PaperRecord) -> Work:
    """Work for a record, with identifiers normalized (malformed ones dropped)."""
    doi = _safe(normalize_doi, record.doi)
    arxiv_id = _safe(normalize_arxiv_id, record.arxiv_id)
    url = (
        f"https://arxiv.org/abs/{arxiv_id}"
        if arxiv_id
        else (f"https://doi.org/{doi}" if doi else None)
    )
    return Work(
        title=" ".join(normalize_chars(record.title).split()),
        authors=[" ".join(decode_entities(a).split()) for a in record.authors if a.strip()],
        year=record.year,
        venue=decode_entities(record.venue) if record.venue else record.venue,
        doi=doi,
        arxiv_id=arxiv_id,
        url=url,
        abstract=decode_entities(record.abstract) if record.abstract else record.abstract,
    )


def parse_record(record: PaperRecord, origin: str) -> Document:
    """Document for one JSONL record; ``origin`` says where it was read (e.g. file URI#L3)."""
    blob = record.model_dump_json().encode("utf-8")
    digest = hashlib.sha256(blob).hexdigest()
    level: TextLevel
    if record.text and record.text.strip():
        level, blocks = "fulltext", _paragraph_blocks(record.text)
    elif record.abstract and record.abstract.strip():
        level, blocks = "abstract", _abstract_blocks(record.abstract)
    else:
        level, blocks = "metadata", []
    laid = build_text(blocks, 1 if blocks else 0)
    retrieval = Retrieval(
        service="local", url=origin, retrieved_at=datetime.now(timezone.utc), sha256=digest
    )
    return Document(
        doc_id=content_id(digest),
        work=build_work(record),
        text_level=level,
        retrieval=retrieval,
        text=laid.text,
        pages=laid.pages,
        sections=laid.sections,
        passages=laid.passages,
        page_count=0,
    )
