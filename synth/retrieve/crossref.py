"""Crossref REST API: DOI metadata, corrections/retractions (``updated-by``, ``update-to``), search.

SEE: https://api.crossref.org/swagger-ui/index.html and
https://www.crossref.org/documentation/crossmark/ (update types). A 404 body is the plain text
"Resource not found."; Crossref holds no arXiv (DataCite) DOIs.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from synth.errors import NotFoundError, RetrievalError
from synth.records import Work, WorkUpdate
from synth.retrieve._http import HttpClient, HttpResponse
from synth.retrieve._merge import clean_text, safe_doi, work_from_fields
from synth.settings import RetrieveSettings

SERVICE = "crossref"


def _year(message: dict[str, Any]) -> int | None:
    for key in ("issued", "published", "published-print", "published-online", "created"):
        parts = (message.get(key) or {}).get("date-parts") or [[None]]
        first = parts[0][0] if parts and parts[0] else None
        if isinstance(first, int):
            return first
    return None


def _authors(message: dict[str, Any]) -> list[str]:
    names = []
    for author in message.get("author") or []:
        name = " ".join(p for p in (author.get("given"), author.get("family")) if p)
        name = name or author.get("name") or ""
        if name.strip():
            names.append(" ".join(name.split()))
    return names


def _updates(message: dict[str, Any]) -> list[WorkUpdate]:
    updates = []
    for relation in ("updated-by", "update-to"):
        for item in message.get(relation) or []:
            updated = item.get("updated") or {}
            parts = (updated.get("date-parts") or [[]])[0]
            date = updated.get("date-time") or "-".join(f"{p:02d}" for p in parts if p) or None
            updates.append(
                WorkUpdate(
                    kind=str(item.get("type") or "update").lower(),
                    relation=relation,
                    doi=safe_doi(item.get("DOI")),
                    date=date,
                    source=SERVICE,
                )
            )
    return updates


def _first(values: Any) -> Any:
    return values[0] if isinstance(values, list) and values else None


def message_to_work(message: dict[str, Any], response: HttpResponse) -> Work | None:
    """A Work from one Crossref work message (None when it has no title)."""
    updates = _updates(message)
    retracted = any(u.kind == "retraction" and u.relation == "updated-by" for u in updates)
    licence = _first(message.get("license")) or {}
    fields = {
        "title": _first(message.get("title")),
        "authors": _authors(message),
        "year": _year(message),
        "venue": clean_text(_first(message.get("container-title"))),
        "doi": safe_doi(message.get("DOI")),
        "url": message.get("URL"),
        "abstract": clean_text(message.get("abstract")),
        "license": licence.get("URL"),
        "citation_count": message.get("is-referenced-by-count"),
        # A Crossref record without a retraction relation is positive evidence it is not retracted.
        "is_retracted": retracted,
        "updates": updates,
    }
    return work_from_fields(SERVICE, response.url, response.retrieved_at, fields)


def _params(settings: RetrieveSettings) -> dict[str, str]:
    return {"mailto": settings.mailto} if settings.mailto else {}


def fetch_crossref_work(doi: str, client: HttpClient, settings: RetrieveSettings) -> Work:
    """Metadata of one DOI; NotFoundError on 404."""
    url = f"{settings.crossref_api_url.rstrip('/')}/works/{quote(doi, safe='')}"
    data, response = client.get_json(url, service=SERVICE, params=_params(settings))
    if response.status == 404:
        raise NotFoundError(f"crossref: no record for {doi}", SERVICE, response.url, 404)
    if data is None:
        raise RetrievalError(f"crossref: HTTP {response.status}", SERVICE, response.url)
    message = data.get("message") if isinstance(data, dict) else None
    work = message_to_work(message, response) if isinstance(message, dict) else None
    if work is None:
        raise RetrievalError(f"crossref: record for {doi} has no title", SERVICE, response.url)
    return work


def parse_work_list(data: Any, response: HttpResponse) -> list[Work]:
    """Works of a Crossref work-list page (items without a title are skipped)."""
    message = data.get("message") if isinstance(data, dict) else None
    items = message.get("items") if isinstance(message, dict) else None
    works = (message_to_work(item, response) for item in items or [] if isinstance(item, dict))
    return [w for w in works if w is not None]


def search_crossref(
    query: str, client: HttpClient, settings: RetrieveSettings, rows: int
) -> list[Work]:
    """Free-text search over Crossref works, in Crossref's relevance order."""
    url = f"{settings.crossref_api_url.rstrip('/')}/works"
    # No "select": an unknown field name makes Crossref reject the whole query, and full items
    # carry the updated-by relations a report needs.
    params = {"query": query, "rows": str(rows), **_params(settings)}
    data, response = client.get_json(url, service=SERVICE, params=params)
    if data is None:
        raise RetrievalError(f"crossref: HTTP {response.status} for search", SERVICE, response.url)
    return parse_work_list(data, response)
