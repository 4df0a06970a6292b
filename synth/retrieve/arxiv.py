"""arXiv API: look up ids and search (Atom feeds), mapped onto Work records.

SEE: https://info.arxiv.org/help/api/user-manual.html (one request every 3 s: the client's limiter).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from synth.errors import NotFoundError, RetrievalError
from synth.records import Work
from synth.retrieve._atom import AtomEntry, AtomFeed, parse_feed
from synth.retrieve._http import HttpClient, HttpResponse
from synth.retrieve._merge import base_arxiv_id, safe_doi, work_from_fields
from synth.settings import RetrieveSettings

SERVICE = "arxiv"
_QUERY_TERM = re.compile(r"[^\w\-]+", re.UNICODE)


def _check_feed(response: HttpResponse) -> None:
    try:
        parse_feed(response.content)
    except ValueError as exc:
        raise RetrievalError(f"unreadable arXiv feed from {response.url}: {exc}") from exc


def _read_feed(response: HttpResponse, what: str) -> AtomFeed:
    if response.status not in (200, 400):
        raise RetrievalError(
            f"arxiv: HTTP {response.status} for {what}", SERVICE, response.url, response.status
        )
    try:
        feed = parse_feed(response.content)
    except ValueError as exc:
        raise RetrievalError(
            f"arxiv: unreadable feed for {what}: {exc}", SERVICE, response.url, response.status
        ) from exc
    if feed.error is not None or response.status == 400:
        message = feed.error or "HTTP 400"
        raise RetrievalError(
            f"arxiv: the API rejected {what}: {message}", SERVICE, response.url, response.status
        )
    return feed


def entry_to_work(entry: AtomEntry, response: HttpResponse) -> Work | None:
    """A Work from one feed entry (arXiv id with version, journal ref as venue)."""
    version = f"v{entry.version}" if entry.version is not None else ""
    fields = {
        "title": entry.title,
        "authors": entry.authors,
        "year": entry.year,
        "venue": entry.journal_ref,
        "doi": safe_doi(entry.doi),
        "arxiv_id": entry.arxiv_id + version,
        "url": entry.abs_url,
        "abstract": entry.summary,
        "pdf_url": entry.pdf_url,
    }
    return work_from_fields(SERVICE, response.url, response.retrieved_at, fields)


def fetch_arxiv_work(arxiv_id: str, client: HttpClient, settings: RetrieveSettings) -> Work:
    """Look up one arXiv id (with or without version); NotFoundError when arXiv has no entry."""
    url = settings.arxiv_api_url.rstrip("/") + "/query"
    params = {"search_query": "", "id_list": arxiv_id, "start": 0, "max_results": 1}
    response = client.get(url, service=SERVICE, params=params, check=_check_feed)
    feed = _read_feed(response, arxiv_id)
    wanted = base_arxiv_id(arxiv_id)
    for entry in feed.entries:
        if entry.arxiv_id == wanted:
            work = entry_to_work(entry, response)
            if work is not None:
                return work
    raise NotFoundError(f"arxiv: no entry for {arxiv_id}", SERVICE, response.url, response.status)


@dataclass(frozen=True)
class ArxivStatus:
    """The newest version arXiv holds of a paper, with the texts a withdrawal shows in."""

    arxiv_id: str
    latest_version: int | None
    comment: str | None
    summary: str | None
    url: str
    retrieved_at: datetime


def fetch_arxiv_status(
    arxiv_id: str, client: HttpClient, settings: RetrieveSettings
) -> ArxivStatus:
    """The newest version of an arXiv paper (asked without version); NotFoundError when unknown."""
    wanted = base_arxiv_id(arxiv_id)
    url = settings.arxiv_api_url.rstrip("/") + "/query"
    params = {"search_query": "", "id_list": wanted, "start": 0, "max_results": 1}
    response = client.get(url, service=SERVICE, params=params, check=_check_feed)
    feed = _read_feed(response, wanted)
    for entry in feed.entries:
        if entry.arxiv_id == wanted:
            return ArxivStatus(
                arxiv_id=wanted,
                latest_version=entry.version,
                comment=entry.comment,
                summary=entry.summary,
                url=response.url,
                retrieved_at=response.retrieved_at,
            )
    raise NotFoundError(f"arxiv: no entry for {wanted}", SERVICE, response.url, response.status)


def build_search_query(terms: Iterable[str]) -> str:
    """arXiv search syntax ANDing the terms over all fields (``all:a AND all:b``)."""
    cleaned = [_QUERY_TERM.sub(" ", t).strip() for t in terms]
    words = [w for t in cleaned for w in t.split() if len(w) > 1]
    return " AND ".join(f"all:{w}" for w in words)


def search_arxiv(
    query: str, client: HttpClient, settings: RetrieveSettings, max_results: int
) -> list[Work]:
    """Run one arXiv search (``query`` in arXiv syntax); Works in arXiv's relevance order."""
    url = settings.arxiv_api_url.rstrip("/") + "/query"
    params = {
        "search_query": query,
        "start": 0,
        "max_results": max_results,
        "sortBy": "relevance",
    }
    response = client.get(url, service=SERVICE, params=params, check=_check_feed)
    feed = _read_feed(response, f"search {query!r}")
    works = (entry_to_work(entry, response) for entry in feed.entries)
    return [w for w in works if w is not None]
