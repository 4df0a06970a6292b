"""What the library keeps of each document: a content key, the text to embed, the text to index.

A record's key hashes the record itself; a PDF's key is its parse-cache key (its bytes, the
parser version and the parse settings), so a new parser or new settings read it again.
"""

from __future__ import annotations

import hashlib

from pydantic import BaseModel, ConfigDict, Field

from synth.records import Document, PaperRecord

# Bump when the entry texts change, so stored vectors and indexes are not reused.
LIBRARY_VERSION = "library-1"

# One passage's worth of text: the embedding model reads 256 word pieces at most.
_FIRST_PASSAGE_CHARS = 1500


class LibraryEntry(BaseModel):
    """One document as the first stage sees it."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(description="Content key (record hash or parse-cache key).")
    title: str
    embed_text: str = Field(description="Title and abstract (or first passage): one vector.")
    lexical_text: str = Field(description="Title, abstract and full text: what BM25 indexes.")


def record_key(record: PaperRecord) -> str:
    """sha256 over LIBRARY_VERSION and the record's fields."""
    h = hashlib.sha256(LIBRARY_VERSION.encode())
    h.update(record.model_dump_json().encode())
    return h.hexdigest()


def _join(*parts: str | None) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def record_entry(record: PaperRecord) -> LibraryEntry:
    """The entry of a JSONL record; the title and abstract are kept as written.

    Kept verbatim (not re-spaced) because the embedding cache is keyed by the exact text: a
    corpus embedded once, by any synth tool, is not embedded again.
    """
    head = record.abstract or (record.text or "")[:_FIRST_PASSAGE_CHARS]
    return LibraryEntry(
        key=record_key(record),
        title=record.title.strip(),
        embed_text=_join(record.title, head),
        lexical_text=_join(record.title, record.abstract, record.text),
    )


def document_entry(doc: Document, key: str) -> LibraryEntry:
    """The entry of a parsed PDF: its abstract sentences, or its first body text."""
    abstract = " ".join(p.text for p in doc.passages if p.section_kind == "abstract")
    head = abstract or doc.work.abstract or doc.text[:_FIRST_PASSAGE_CHARS]
    return LibraryEntry(
        key=key,
        title=doc.work.title,
        embed_text=_join(doc.work.title, head),
        lexical_text=_join(doc.work.title, doc.text),
    )
