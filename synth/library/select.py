"""Which documents of a --corpus a question reads: the library built (or loaded), then ranked.

``load_library`` turns a corpus scan into the library index, doing only the work a change
needs: a PDF is parsed once per content (through the parse cache, new PDFs in a process pool),
a document is embedded once per content and model (vectors kept in the entry store, stored a
chunk at a time, so a stopped build keeps what it embedded), and BM25 and FAISS are rebuilt
only when the set of documents changed. ``select_documents`` ranks the library for one question
and returns a scan of the shortlisted documents to read in full.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from synth.embed import Embedder
from synth.errors import ParseError, printable
from synth.library.entries import LibraryEntry, document_entry, record_entry
from synth.library.index import LibraryIndex, build_index, library_digest, load_index, save_index
from synth.library.rank import Ranked, rank_documents
from synth.library.store import EntryStore, open_store, write_index_folder
from synth.parse.cache import cache_key, load_documents
from synth.progress import NO_PROGRESS, Progress
from synth.records import Document, PaperRecord, Relevance, SourceFailure
from synth.retrieve.local import CorpusScan
from synth.settings import Settings

log = logging.getLogger(__name__)

# New document vectors are embedded and stored this many at a time. One call over a whole
# corpus holds every text's token encodings at once (about 290 MiB for SciFact's 5,183
# abstracts, issue 11), and a build stopped midway keeps the chunks it stored.
EMBED_CHUNK = 256


@dataclass
class Library:
    """A corpus as the first stage sees it: the index and where each key's document lies."""

    index: LibraryIndex | None
    pdfs: dict[str, list[Path]] = field(default_factory=dict)
    records: dict[str, list[tuple[PaperRecord, str]]] = field(default_factory=dict)
    failures: list[SourceFailure] = field(default_factory=list)
    parsed: int = 0
    embedded: int = 0


@dataclass
class Selection:
    """The documents one question reads in full, and those its shortlist sets aside."""

    scan: CorpusScan
    set_aside: list[tuple[Document, Relevance]]
    failures: list[SourceFailure]
    library_size: int


def _pdf_keys(scan: CorpusScan, settings: Settings, library: Library) -> None:
    for path in scan.pdfs:
        try:
            key = cache_key(path.read_bytes(), settings.parse)
        except OSError as exc:
            reason = f"cannot read file ({exc.strerror or exc})"
            failure = SourceFailure(input=printable(str(path)), reason=reason, stage="parse")
            library.failures.append(failure)
            continue
        library.pdfs.setdefault(key, []).append(path)


def _pdf_entries(
    store: EntryStore, settings: Settings, library: Library, progress: Progress
) -> list[LibraryEntry]:
    """Entries of every readable PDF; new ones parsed (in a pool), unreadable ones recorded."""
    keys = sorted(library.pdfs)
    known, failed = store.load_entries(keys), store.load_failures(keys)
    new = [k for k in keys if k not in known and k not in failed]
    if new:
        workers = settings.library.parse_workers or os.cpu_count() or 1
        progress.stage("parse", total=len(new))
        parsed = load_documents(
            [library.pdfs[k][0] for k in new],
            settings.parse,
            settings.cache_dir("parsed"),
            workers,
            on_parsed=progress.advance,
        )
        fresh: dict[str, LibraryEntry] = {}
        for key, doc in zip(new, parsed, strict=True):
            if isinstance(doc, ParseError):
                failed[key] = doc.reason
            else:
                fresh[key] = document_entry(doc, key)
        store.save_entries(list(fresh.values()), {k: failed[k] for k in new if k in failed})
        known.update(fresh)
        library.parsed = len(new)
    for key in sorted(failed):
        for path in library.pdfs.pop(key):
            library.failures.append(
                SourceFailure(input=printable(str(path)), reason=failed[key], stage="parse")
            )
    return [known[k] for k in keys if k in known]


def _vectors(
    store: EntryStore, entries: list[LibraryEntry], embedder: Embedder, library: Library
) -> np.ndarray:
    """One vector per entry: stored ones read, new ones embedded and stored a chunk at a time."""
    stored = store.load_vectors(embedder.name, [e.key for e in entries])
    # Longest first, so each chunk holds texts of like length: the embedders sort by length only
    # within a call, and unsorted chunks padded SciFact's batches to 5 % more tokens (1.5 % so).
    todo = sorted(
        (e for e in entries if e.key not in stored), key=lambda e: (-len(e.embed_text), e.key)
    )
    for start in range(0, len(todo), EMBED_CHUNK):
        chunk = todo[start : start + EMBED_CHUNK]
        fresh = embedder.encode([e.embed_text for e in chunk])
        new = {e.key: np.asarray(v, dtype=np.float32) for e, v in zip(chunk, fresh, strict=True)}
        store.save_vectors(embedder.name, new)
        stored.update(new)
        library.embedded += len(new)
    return np.stack([stored[e.key] for e in entries])


def load_library(
    scan: CorpusScan, settings: Settings, embedder: Embedder, progress: Progress = NO_PROGRESS
) -> Library:
    """The library index of a scanned corpus, built or updated only where its content changed."""
    library = Library(index=None)
    entries: dict[str, LibraryEntry] = {}
    for record, origin in zip(scan.records, scan.record_origins, strict=True):
        entry = record_entry(record)
        entries.setdefault(entry.key, entry)
        library.records.setdefault(entry.key, []).append((record, origin))
    _pdf_keys(scan, settings, library)
    folder = settings.cache_dir("library")
    exact_max = settings.library.exact_index_max
    with open_store(folder) as store:
        for entry in _pdf_entries(store, settings, library, progress):
            entries.setdefault(entry.key, entry)
        ordered = [entries[k] for k in sorted(entries)]
        if not ordered:
            return library
        digest = library_digest([e.key for e in ordered], embedder.name, exact_max)
        target = folder / f"index-{digest}"
        library.index = load_index(target, digest)
        if library.index is not None:
            os.utime(target)  # most recently used: kept when old indexes are pruned
            return library
        vectors = _vectors(store, ordered, embedder, library)
    library.index = build_index(ordered, vectors, embedder.name, exact_max)
    index = library.index
    write_index_folder(target, lambda tmp: save_index(index, tmp))
    log.info(
        "library: %d documents indexed (%s), %d parsed, %d embedded",
        len(index),
        index.kind,
        library.parsed,
        library.embedded,
    )
    return library


def aside_relevance(doc_id: str, ranked: Ranked, best_cosine: float, margin: float) -> Relevance:
    """The Relevance of a shortlisted document the cosine margin left unread."""
    # Only the dense half of the relevance formula is known without reading the body.
    score = 0.5 * min(max((ranked.cosine - 0.15) / 0.50, 0.0), 1.0)
    return Relevance(
        doc_id=doc_id,
        score=round(score, 4),
        dense=ranked.cosine,
        lexical=0.0,
        used=False,
        reason=(
            f"left out by the library's first stage: its title and abstract are "
            f"{best_cosine - ranked.cosine:.2f} below the closest document's cosine to the "
            f"question (margin {margin:.2f})"
        ),
    )


def _read(library: Library, key: str, settings: Settings) -> list[Document]:
    """The documents behind one key (a PDF from the parse cache, records parsed now)."""
    from synth.parse.record import parse_record

    docs = [parse_record(record, origin) for record, origin in library.records.get(key, [])]
    pdfs = library.pdfs.get(key, [])[:1]  # the same bytes under two names are one paper
    for doc in load_documents(pdfs, settings.parse, settings.cache_dir("parsed"), 1):
        if isinstance(doc, Document):
            docs.append(doc)
    return docs


def select_documents(
    scan: CorpusScan,
    question: str,
    settings: Settings,
    embedder: Embedder,
    progress: Progress = NO_PROGRESS,
) -> Selection:
    """The shortlist of a corpus for a question: a scan to read in full, the rest set aside."""
    library = load_library(scan, settings, embedder, progress)
    chosen = CorpusScan()
    set_aside: list[tuple[Document, Relevance]] = []
    if library.index is None:
        return Selection(chosen, set_aside, library.failures, 0)
    question_vec = np.asarray(embedder.encode([question])[0], dtype=np.float32)
    ranked = rank_documents(library.index, question, question_vec, settings.library)
    best = max((r.cosine for r in ranked), default=0.0)
    for item in ranked:
        if item.read:
            chosen.pdfs += library.pdfs.get(item.key, [])[:1]
            for record, origin in library.records.get(item.key, []):
                chosen.records.append(record)
                chosen.record_origins.append(origin)
        else:
            margin = settings.library.cosine_margin
            set_aside += [
                (doc, aside_relevance(doc.doc_id, item, best, margin))
                for doc in _read(library, item.key, settings)
            ]
    log.info(
        "library: %d of %d documents read for the question, %d set aside",
        len(chosen.pdfs) + len(chosen.records),
        len(library.index),
        len(set_aside),
    )
    return Selection(chosen, set_aside, library.failures, len(library.index))


class Shortlist:
    """A corpus filter for gathering: narrows a scan to the documents a question reads.

    Called with the scan of the --corpus paths, it returns the shortlisted part (library
    failures added to the scan's own) and keeps the shortlisted documents it set aside, with
    their relevance, in ``set_aside`` for the report to list.
    """

    def __init__(
        self,
        question: str,
        settings: Settings,
        embedder: Embedder,
        progress: Progress = NO_PROGRESS,
    ) -> None:
        self._question = question
        self._progress = progress
        self._settings = settings
        self._embedder = embedder
        self.set_aside: list[tuple[Document, Relevance]] = []
        self.library_size = 0

    def __call__(self, scan: CorpusScan) -> CorpusScan:
        """The part of the scan to read in full."""
        selection = select_documents(
            scan, self._question, self._settings, self._embedder, self._progress
        )
        self.set_aside = selection.set_aside
        self.library_size = selection.library_size
        selection.scan.failures = [*scan.failures, *selection.failures]
        return selection.scan
