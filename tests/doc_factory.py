"""Build small in-memory Documents for stage tests (no PDF needed)."""

from __future__ import annotations

from datetime import datetime, timezone

from synth.records import Document, Passage, Retrieval, SectionKind, Work, content_id


def always_prose(text: str) -> bool:
    """A prose filter that passes every sentence (the parser's test is not under test)."""
    return True


def make_passage(text: str, kind: SectionKind = "results", idx: int = 0) -> Passage:
    """One passage of a section kind, alone on page 1, spanning its own text."""
    return Passage(
        idx=idx,
        text=text,
        page=1,
        section=kind.title(),
        section_kind=kind,
        char_start=0,
        char_end=len(text),
    )


def make_document(
    title: str,
    sections: list[tuple[str, list[str]]],
    *,
    authors: list[str] | None = None,
    year: int | None = 2020,
    arxiv_id: str | None = None,
    doi: str | None = None,
) -> Document:
    """A Document whose text is the sections' sentences joined, with exact offsets."""
    text = ""
    passages: list[Passage] = []
    for kind, sentences in sections:
        for sentence in sentences:
            start = len(text)
            text += sentence + " "
            passages.append(
                Passage(
                    idx=len(passages),
                    text=sentence,
                    page=1 + len(passages) // 10,
                    section=kind.title(),
                    section_kind=kind,  # type: ignore[arg-type]
                    char_start=start,
                    char_end=start + len(sentence),
                )
            )
    doc_id = content_id(title, text)
    return Document(
        doc_id=doc_id,
        work=Work(
            title=title, authors=authors or ["Ada Lovelace"], year=year, arxiv_id=arxiv_id, doi=doi
        ),
        text_level="fulltext",
        retrieval=Retrieval(
            service="local",
            url=f"file:///tmp/{doc_id}.pdf",
            retrieved_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
            sha256="0" * 64,
        ),
        text=text,
        passages=passages,
        page_count=1 + len(passages) // 10,
    )
