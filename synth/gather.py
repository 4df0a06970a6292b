"""The pipeline's first step: turn a request's inputs into parsed Documents.

Part of the pipeline layer (like ``pipeline.py`` it wires stages): local corpus → parse,
identifiers and question search → retrieve → parse. Every input that cannot be used becomes a
``SourceFailure``; nothing here stops the other inputs. ``gather_sources`` reads the local
sources of ``synth verify`` through the same local path (parse cache, record ids).
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from synth.errors import InputError, ParseError, RetrievalError, SynthError
from synth.ids import arxiv_base_id
from synth.progress import NO_PROGRESS, Progress
from synth.records import Document, PaperRecord, ReportRequest, Retrieval, SourceFailure, Work
from synth.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from synth.retrieve.local import CorpusScan

log = logging.getLogger(__name__)

# In a NoSourcesError when no search service answered: the CLI's cue to suggest a local
# corpus or the cache.
UNREACHABLE = "no service reachable"

# Pieces of a retrieval error that matter in a log, not on a user's screen.
_CONNECTION = re.compile(r"connection failed \((?:\w+: )?(?:\[Errno -?\d+\] ?)?([^)]*)\)")
_TIMEOUT = re.compile(r"timed out \(\w+\)")
_ATTEMPTS = re.compile(r" after \d+ attempt\(s\)")
_URL = re.compile(r":? (?:for )?https?://[^\s;]*")


def brief_reason(reason: str) -> str:
    """A retrieval failure in a few words: no URL, retry count or exception class."""

    def lower_first(match: re.Match[str]) -> str:
        words = match.group(1).strip() or "connection failed"
        return words[:1].lower() + words[1:]

    text = _CONNECTION.sub(lower_first, reason)
    text = _TIMEOUT.sub("timed out", text)
    return _URL.sub("", _ATTEMPTS.sub("", text)).strip()


def _is_network_failure(failure: SourceFailure) -> bool:
    return failure.stage == "retrieve" and (
        "connection failed" in failure.reason or "timed out" in failure.reason
    )


def unreachable_services(failures: list[SourceFailure]) -> list[str]:
    """Services whose searches failed for want of a connection, in order of first failure."""
    names = [
        f.input.split(" search", 1)[0]
        for f in failures
        if " search" in f.input and _is_network_failure(f)
    ]
    return list(dict.fromkeys(names))


def _warn_search_failures(progress: Progress, failures: list[SourceFailure]) -> None:
    """One warning per failing service, however many of its queries failed."""
    seen: set[str] = set()
    for failure in failures:
        service = failure.input.split(" search", 1)[0]
        if service in seen:
            continue
        seen.add(service)
        reason = brief_reason(failure.reason).removeprefix(f"{service}: ")
        progress.warn(f"{service} search failed: {reason}")


def _warn_failure(progress: Progress, failure: SourceFailure) -> None:
    progress.warn(f"{failure.input}: {failure.reason}")


def _parse_local(
    settings: Settings,
    paths: list[Path],
    progress: Progress = NO_PROGRESS,
    shortlist: Callable[[CorpusScan], CorpusScan] | None = None,
) -> tuple[list[Document], list[SourceFailure]]:
    from synth.parse.cache import load_document
    from synth.parse.record import parse_record
    from synth.retrieve.local import scan_corpus

    scan = scan_corpus(paths)
    if shortlist is not None:  # the library's first stage: only its candidates are read
        progress.stage("library", total=None)  # not silent while the library is indexed
        scan = shortlist(scan)
    docs: list[Document] = []
    failures = list(scan.failures)
    for failure in scan.failures:
        _warn_failure(progress, failure)
    if scan.pdfs or scan.records:
        progress.stage("parse", total=len(scan.pdfs) + len(scan.records))
    for pdf in scan.pdfs:
        try:
            docs.append(load_document(pdf, settings.parse, settings.cache_dir("parsed")))
        except ParseError as exc:
            log.info("skipping %s: %s", pdf, exc.reason)
            # exc.path, not str(pdf): a name that is not UTF-8 is escaped there, printable.
            failure = SourceFailure(input=exc.path, reason=exc.reason, stage="parse")
            failures.append(failure)
            _warn_failure(progress, failure)
        progress.advance()
    for record, origin in zip(scan.records, scan.record_origins, strict=True):
        docs.append(parse_record(record, origin))
        progress.advance()
    return docs, failures


def _document_for_work(work: Work, pdf: Path | None, settings: Settings) -> Document:
    """A Document for a retrieved work: its open PDF when there is one, else its abstract."""
    from synth.parse.cache import load_document
    from synth.parse.record import parse_record

    if pdf is not None:
        doc = load_document(pdf, settings.parse, settings.cache_dir("parsed"))
        origin = work.origins.get("pdf_url") or work.origins.get("title")
        retrieval = Retrieval(
            service=origin.service if origin else doc.retrieval.service,
            url=work.pdf_url or doc.retrieval.url,
            retrieved_at=doc.retrieval.retrieved_at,
            sha256=doc.retrieval.sha256,
        )
        return doc.model_copy(update={"work": work, "retrieval": retrieval})
    record = PaperRecord(
        id=work.doi or work.arxiv_id,
        title=work.title,
        authors=work.authors,
        year=work.year,
        venue=work.venue,
        doi=work.doi,
        arxiv_id=work.arxiv_id,
        abstract=work.abstract,
    )
    doc = parse_record(record, work.url or work.title)
    origin = work.origins.get("abstract") or work.origins.get("title")
    blob = work.model_dump_json(exclude={"origins"}).encode()
    retrieval = Retrieval(
        service=origin.service if origin else "unknown",
        url=origin.url if origin else (work.url or ""),
        retrieved_at=origin.retrieved_at if origin else datetime.now(timezone.utc),
        sha256=hashlib.sha256(blob).hexdigest(),
    )
    return doc.model_copy(update={"work": work, "retrieval": retrieval})


def _read_work(work: Work, client: Any, settings: Settings, progress: Progress) -> Document:
    from synth.retrieve.resolve import fetch_pdf

    pdf: Path | None = None
    if settings.retrieve.fetch_fulltext:
        try:
            pdf = fetch_pdf(work, client, settings.retrieve)
        except RetrievalError as exc:
            # Common (closed access) and harmless: the abstract is used instead.
            log.info("no full text for %s: %s", work.title, exc)
    try:
        return _document_for_work(work, pdf, settings)
    except ParseError as exc:
        progress.warn(f"full text of {work.title} unreadable ({exc.reason}); using its abstract")
        return _document_for_work(work, None, settings)


def _retrieve(
    request: ReportRequest, settings: Settings, search: bool, progress: Progress
) -> tuple[list[Document], list[SourceFailure]]:
    from synth.retrieve._http import build_client
    from synth.retrieve.resolve import resolve_identifier
    from synth.retrieve.search import search_candidates

    docs: list[Document] = []
    failures: list[SourceFailure] = []
    with build_client(settings.retrieve, settings.cache_dir("http")) as client:
        works: list[Work] = []
        identifiers = [*request.dois, *request.arxiv_ids]
        if identifiers:
            progress.stage("resolve", total=len(identifiers))
        for raw in identifiers:
            try:
                works.append(resolve_identifier(raw, client, settings.retrieve))
            except SynthError as exc:
                failures.append(SourceFailure(input=raw, reason=str(exc), stage="retrieve"))
                progress.warn(f"{raw}: {brief_reason(str(exc))}")
            progress.advance()
        if search:
            progress.stage("search")
            candidates, search_failures = search_candidates(
                request.question, client, settings.retrieve
            )
            failures.extend(search_failures)
            _warn_search_failures(progress, search_failures)
            works.extend(c.work for c in candidates)
        if works:
            progress.stage("fetch", total=len(works))
        for work in works:
            try:
                docs.append(_read_work(work, client, settings, progress))
            except SynthError as exc:
                failure = SourceFailure(input=work.title, reason=str(exc), stage="parse")
                failures.append(failure)
                _warn_failure(progress, failure)
            progress.advance()
    return docs, failures


def _identity(doc: Document) -> list[str]:
    keys = [f"id:{doc.doc_id}"]
    if doc.work.doi:
        keys.append(f"doi:{doc.work.doi.lower()}")
    if doc.work.arxiv_id:
        keys.append(f"arxiv:{arxiv_base_id(doc.work.arxiv_id)}")
    keys.append("title:" + "".join(ch for ch in doc.work.title.lower() if ch.isalnum())[:80])
    return keys


def dedupe_documents(docs: list[Document]) -> list[Document]:
    """Drop later copies of a paper (same content, DOI, arXiv id or title); full text wins."""
    rank = {"fulltext": 0, "abstract": 1, "metadata": 2}
    ordered = sorted(enumerate(docs), key=lambda p: (rank[p[1].text_level], p[0]))
    seen: set[str] = set()
    kept: list[tuple[int, Document]] = []
    for pos, doc in ordered:
        keys = _identity(doc)
        if any(k in seen for k in keys):
            continue
        seen.update(keys)
        kept.append((pos, doc))
    return [doc for _, doc in sorted(kept, key=lambda p: p[0])]


def gather_documents(
    request: ReportRequest,
    settings: Settings,
    progress: Progress = NO_PROGRESS,
    shortlist: Callable[[CorpusScan], CorpusScan] | None = None,
) -> tuple[list[Document], list[SourceFailure]]:
    """All readable documents for a request, and a failure record for every unusable input.

    Each failure is also passed to ``progress.warn`` as it happens. ``shortlist`` narrows the
    scanned --corpus before anything in it is parsed (``synth.library.Shortlist``).
    """
    from synth.ids import parse_identifier

    for raw in [*request.dois, *request.arxiv_ids]:
        parse_identifier(raw)  # a malformed identifier is the user's typo: stop before any work
    docs: list[Document] = []
    failures: list[SourceFailure] = []
    if request.corpus:
        local_docs, local_failures = _parse_local(settings, request.corpus, progress, shortlist)
        docs += local_docs
        failures += local_failures
    search = (
        request.search
        if request.search is not None
        else not (request.corpus or request.dois or request.arxiv_ids)
    )
    if request.dois or request.arxiv_ids or search:
        remote_docs, remote_failures = _retrieve(request, settings, search, progress)
        docs += remote_docs
        failures += remote_failures
    return dedupe_documents(docs), failures


# Plain text has no layout to parse: it is read as the full text of a record, like a JSONL line.
_TEXT_SUFFIXES = frozenset({".txt"})
_LOCAL_SUFFIXES = frozenset({".pdf", ".jsonl"})


def _parse_text_file(path: Path) -> Document:
    """A plain-text file as a full-text record titled by its file name."""
    from synth.parse.record import parse_record

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ParseError(str(path), f"cannot read text file ({exc})") from exc
    if not text.strip():
        raise ParseError(str(path), "empty text file")
    return parse_record(PaperRecord(title=path.stem, text=text), path.resolve().as_uri())


def _refuse_identifier(source: str) -> None:
    from synth.ids import parse_identifier

    try:
        parse_identifier(source)
    except InputError:
        return  # not an identifier: a missing path, recorded as a failing source
    raise InputError(
        f"{source}: a DOI or arXiv id, not a file; pass a PDF, .txt or JSONL path "
        "(synth report --doi/--arxiv retrieves papers)"
    )


def _read_source(source: str, settings: Settings) -> tuple[list[Document], list[SourceFailure]]:
    path = Path(source).expanduser()
    suffix = path.suffix.lower()
    if not path.exists():
        return [], [SourceFailure(input=source, reason="no such file or folder")]
    if path.is_file() and suffix in _TEXT_SUFFIXES:
        try:
            return [_parse_text_file(path)], []
        except ParseError as exc:
            return [], [SourceFailure(input=source, reason=exc.reason, stage="parse")]
    if path.is_file() and suffix not in _LOCAL_SUFFIXES:
        return [], [SourceFailure(input=source, reason="not a PDF, JSONL or .txt file")]
    docs, failures = _parse_local(settings, [path])
    if not docs and not failures:
        failures = [SourceFailure(input=source, reason="holds no PDF or JSONL file")]
    return docs, failures


def gather_sources(
    sources: list[str], settings: Settings
) -> tuple[dict[str, list[Document]], list[SourceFailure]]:
    """The documents behind each local source (PDF, .txt, JSONL or folder), each read once.

    PDFs, folders and JSONL files go through the report's corpus path, so a paper gets the same
    doc id and parse-cache entry either way. Sources that yield nothing are left out of the
    mapping and get a failure record; a failing source does not stop the others.

    Raises:
        InputError: a source is a DOI or arXiv id, not a file (checked before any work).
    """
    for source in sources:
        if not Path(source).expanduser().exists():
            _refuse_identifier(source)
    found: dict[str, list[Document]] = {}
    failures: list[SourceFailure] = []
    for source in dict.fromkeys(sources):
        docs, failed = _read_source(source, settings)
        failures += failed
        if docs:
            found[source] = dedupe_documents(docs)
    return found, failures


def load_bench_block(path: Path) -> dict[str, Any]:
    """A bench results file, summarized for the report's measured-evidence table."""
    from synth.bench.results import bench_summary_rows, load_bench_results

    results = load_bench_results(path)
    return {"path": str(path), "rows": bench_summary_rows(results)}
