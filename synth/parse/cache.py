"""On-disk cache of parsed PDFs, keyed by the PDF's bytes, the parser version and its settings."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime, timezone
from multiprocessing import get_context
from pathlib import Path

from pydantic import ValidationError

from synth.atomic import write_text_atomic
from synth.errors import ParseError
from synth.parse.pdf import page_count, parse_pdf
from synth.records import Document
from synth.settings import ParseSettings

log = logging.getLogger(__name__)

# Bump whenever a change to the parse stage changes its output, so old entries are not reused.
PARSER_VERSION = "parse-7"  # parse-7: a list bullet opens a sentence of its own; parse-6:
# a sentence open on an article goes on past a page break; parse-5: "Preliminary
# experiments", "5.5 Results" are results; parse-4: "Dec. 2023" ends no sentence; parse-3:
# bold run-in heads


def cache_key(data: bytes, settings: ParseSettings) -> str:
    """sha256 over the PDF bytes, PARSER_VERSION and the settings that change parsing."""
    h = hashlib.sha256(data)
    h.update(PARSER_VERSION.encode())
    h.update(settings.model_dump_json().encode())
    return h.hexdigest()


def _read_entry(entry: Path) -> Document | None:
    try:
        return Document.model_validate_json(entry.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError, ValidationError) as exc:
        log.warning(
            "parse cache entry %s is unusable (%s); parsing again", entry.name, type(exc).__name__
        )
        return None


def _write_entry(entry: Path, doc: Document) -> None:
    """Write atomically: a crash leaves either the old entry or none, never half a file."""
    try:
        write_text_atomic(entry, doc.model_dump_json())
    except OSError as exc:
        # A cache that cannot be written only costs time; the parsed document is still good.
        log.warning("cannot write parse cache entry %s: %s", entry, exc)


def load_document(path: Path, settings: ParseSettings, cache_dir: Path) -> Document:
    """parse_pdf through the on-disk cache; a corrupt entry is parsed again, never fatal."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ParseError(str(path), f"cannot read file ({exc.strerror or exc})") from exc
    entry = Path(cache_dir) / f"{cache_key(data, settings)}.json"
    cached = _read_entry(entry)
    if cached is not None:
        # Same bytes may sit under another name; say where and when they were read this time.
        retrieval = cached.retrieval.model_copy(
            update={
                "url": Path(path).resolve().as_uri(),
                "retrieved_at": datetime.now(timezone.utc),
            }
        )
        return cached.model_copy(update={"retrieval": retrieval})
    doc = parse_pdf(Path(path), settings)
    _write_entry(entry, doc)
    return doc


def _load_or_failure(job: tuple[Path, ParseSettings, Path]) -> Document | ParseError:
    """One pool job: a failure comes back as a value, so one bad PDF does not stop the rest."""
    path, settings, cache_dir = job
    try:
        return load_document(path, settings, cache_dir)
    except ParseError as exc:
        return exc


def _pages(path: Path, settings: ParseSettings) -> int:
    """The pages a parse will read, as an estimate of its time (0 when it cannot be opened:
    the parse itself then names the error)."""
    try:
        return page_count(path, settings)
    except ParseError:
        return 0


def _longest_first(jobs: list[tuple[Path, ParseSettings, Path]]) -> list[int]:
    """Job order for the pool, most pages first.

    The pool hands out jobs in order, so a long paper drawn last runs alone at the end: over
    the 11 real PDFs in name order, the survey (34 pages, 3.1 s of 11.3 s) and the chemistry
    paper (41 pages, 2.3 s) came fifth and last, and one worker sat idle for about a second.
    """
    pages = [_pages(path, settings) for path, settings, _ in jobs]
    return sorted(range(len(jobs)), key=lambda i: (-pages[i], i))


def load_documents(
    paths: list[Path],
    settings: ParseSettings,
    cache_dir: Path,
    workers: int = 0,
    on_parsed: Callable[[], None] | None = None,
) -> list[Document | ParseError]:
    """load_document for many PDFs, in order; a ParseError in place of each unreadable one.

    Cache hits are read here; misses are parsed in a process pool over ``workers`` cores
    (0: all of them), or in this process when only one needs parsing. Each file's content is
    parsed once: the workers write the same cache ``load_document`` reads. ``on_parsed`` is
    called once per path as its result is ready (a progress count).
    """
    tick = on_parsed or (lambda: None)
    out: list[Document | ParseError | None] = []
    for path in paths:
        try:
            entry = Path(cache_dir) / f"{cache_key(Path(path).read_bytes(), settings)}.json"
        except OSError:
            out.append(None)  # load_document names the read error
            continue
        hit = entry.exists()
        out.append(_load_or_failure((Path(path), settings, Path(cache_dir))) if hit else None)
        if hit:
            tick()
    misses = [i for i, doc in enumerate(out) if doc is None]
    jobs = [(Path(paths[i]), settings, Path(cache_dir)) for i in misses]
    count = min(workers or os.cpu_count() or 1, len(jobs))
    parsed: list[Document | ParseError] = []
    if count > 1:
        # spawn, not fork: the caller may hold torch's threads, which a forked child inherits
        # half-initialized.
        order = _longest_first(jobs)
        misses, jobs = [misses[i] for i in order], [jobs[i] for i in order]
        try:
            with ProcessPoolExecutor(count, mp_context=get_context("spawn")) as pool:
                for doc in pool.map(_load_or_failure, jobs):  # in order, as each is ready
                    parsed.append(doc)
                    tick()
        except BrokenProcessPool as exc:
            # A worker that died (killed, out of memory) costs time, not the report.
            left = len(jobs) - len(parsed)
            log.warning("parse pool failed (%s); parsing %d PDFs here", exc, left)
    for job in jobs[len(parsed) :]:  # serially: all of them, or what the pool left
        parsed.append(_load_or_failure(job))
        tick()
    for i, doc in zip(misses, parsed, strict=True):  # back in the callers' order
        out[i] = doc
    return [doc for doc in out if doc is not None]
