"""Identifier -> one Work merged from several services (with per-field origins); open PDFs.

A DOI is asked of Crossref, Semantic Scholar, OpenAlex (when an API key is set) and Unpaywall
(when a contact e-mail is set); an arXiv id of the arXiv API and Semantic Scholar. A service that
does not know the identifier does not stop the others; only when none knows it is it not found.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from synth.errors import NotFoundError, OfflineMissError, RetrievalError
from synth.ids import Identifier, parse_identifier
from synth.records import Work
from synth.retrieve import arxiv, crossref, openalex, semanticscholar, unpaywall
from synth.retrieve._cache import looks_like_pdf
from synth.retrieve._http import HttpClient, HttpResponse
from synth.retrieve._merge import merge_works
from synth.retrieve._parallel import gather
from synth.settings import RetrieveSettings

logger = logging.getLogger(__name__)

DOI_ORDER = ("crossref", "openalex", "semanticscholar", "unpaywall", "arxiv")
ARXIV_ORDER = ("arxiv", "semanticscholar", "openalex", "crossref")

Lookup = tuple[str, Callable[[], Work]]


def _lookups(ident: Identifier, client: HttpClient, settings: RetrieveSettings) -> list[Lookup]:
    s2: Lookup = (
        semanticscholar.SERVICE,
        lambda: semanticscholar.fetch_s2_work(ident, client, settings),
    )
    if ident.kind == "arxiv":
        wanted = ident.versioned()
        return [(arxiv.SERVICE, lambda: arxiv.fetch_arxiv_work(wanted, client, settings)), s2]
    doi = ident.value
    lookups: list[Lookup] = [
        (crossref.SERVICE, lambda: crossref.fetch_crossref_work(doi, client, settings)),
        s2,
    ]
    if settings.openalex_api_key:
        lookups.append(
            (openalex.SERVICE, lambda: openalex.fetch_openalex_work(doi, client, settings))
        )
    if settings.mailto:
        lookups.append(
            (unpaywall.SERVICE, lambda: unpaywall.fetch_unpaywall_work(doi, client, settings))
        )
    return lookups


def _failure(raw: str, failures: list[tuple[str, RetrievalError]]) -> RetrievalError:
    where = "; ".join(str(exc) for _, exc in failures)  # messages name their service
    if all(isinstance(exc, NotFoundError) for _, exc in failures):
        asked = ", ".join(service for service, _ in failures)
        return NotFoundError(f"not found: {raw} (looked in {asked}): {where}")
    if all(isinstance(exc, OfflineMissError) for _, exc in failures):
        # The one-line message names the identifier; the cache misses (request URLs) ride along
        # in ``url`` for --json and -v, where a reader can use them.
        missing = ", ".join(exc.url for _, exc in failures)
        return OfflineMissError(f"offline: {raw} is not in the cache", url=missing)
    return RetrievalError(f"could not resolve {raw}: {where}")


def resolve_identifier(raw: str, client: HttpClient, settings: RetrieveSettings) -> Work:
    """One merged Work for a DOI or arXiv id; InputError if malformed, NotFoundError if unknown."""
    ident = parse_identifier(raw)
    lookups = _lookups(ident, client, settings)
    results = gather([call for _, call in lookups])
    works: list[Work] = []
    failures: list[tuple[str, RetrievalError]] = []
    for (service, _), result in zip(lookups, results, strict=True):
        if isinstance(result, RetrievalError):
            failures.append((service, result))
            # "Not found" in one service is normal; anything else the user should see.
            level = logging.INFO if isinstance(result, NotFoundError) else logging.WARNING
            logger.log(level, "%s: %s", raw, result)
        else:
            works.append(result)
    if not works:
        raise _failure(raw, failures)
    return merge_works(works, ARXIV_ORDER if ident.kind == "arxiv" else DOI_ORDER)


def _check_pdf(response: HttpResponse) -> None:
    if not looks_like_pdf(response.content):
        kind = "an HTML page" if response.is_html() else "not a PDF"
        raise RetrievalError(f"expected a PDF but got {kind} from {response.url}")


def _pdf_sources(
    work: Work, client: HttpClient, settings: RetrieveSettings
) -> list[tuple[str, str]]:
    sources: list[tuple[str, str]] = []
    if work.arxiv_id:
        sources.append((arxiv.SERVICE, f"{settings.arxiv_pdf_url.rstrip('/')}/{work.arxiv_id}"))
    # Open PDFs elsewhere are spaced per host ("pdf"), not by the service that listed them.
    if work.pdf_url and "arxiv.org/" not in work.pdf_url:
        sources.append(("pdf", work.pdf_url))
    if not sources and work.doi and settings.mailto:
        try:
            found = unpaywall.fetch_unpaywall_work(work.doi, client, settings)
        except NotFoundError:
            found = None
        if found is not None and found.pdf_url:
            sources.append(("pdf", found.pdf_url))
    return sources


def fetch_pdf(work: Work, client: HttpClient, settings: RetrieveSettings) -> Path | None:
    """Download the work's open PDF (arXiv, else the best open location) into the cache.

    Returns the cached file, or None when no open PDF is known; RetrievalError when every
    known location fails (HTTP error, or an HTML landing page instead of a PDF).
    """
    errors: list[str] = []
    for service, url in _pdf_sources(work, client, settings):
        try:
            response = client.get(url, service=service, check=_check_pdf)
        except RetrievalError as exc:
            errors.append(str(exc))
            continue
        if response.status == 200 and response.path is not None:
            return response.path
        if response.status == 200:
            errors.append(f"{service}: the PDF from {response.url} could not be cached")
        else:
            errors.append(f"{service}: HTTP {response.status} for {response.url}")
    if errors:
        raise RetrievalError(f"no PDF for {work.title!r}: " + "; ".join(errors))
    return None
