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
from synth.retrieve._shape import first, integer, obj, objs, require_object, text
from synth.settings import RetrieveSettings

SERVICE = "crossref"


def _date_parts(value: Any) -> list[int]:
    """The integer parts of ``{"date-parts": [[2023, 5, 1]]}`` (empty when malformed)."""
    parts = first(obj(value).get("date-parts"))
    return [p for p in parts if integer(p) is not None] if isinstance(parts, list) else []


def _year(message: dict[str, Any]) -> int | None:
    for key in ("issued", "published", "published-print", "published-online", "created"):
        parts = _date_parts(message.get(key))
        if parts:
            return parts[0]
    return None


def _authors(message: dict[str, Any]) -> list[str]:
    names = []
    for author in objs(message.get("author")):
        parts = (text(author.get("given")), text(author.get("family")))
        name = " ".join(p for p in parts if p) or text(author.get("name")) or ""
        if name.strip():
            names.append(" ".join(name.split()))
    return names


def _updates(message: dict[str, Any]) -> list[WorkUpdate]:
    updates = []
    for relation in ("updated-by", "update-to"):
        for item in objs(message.get(relation)):
            updated = obj(item.get("updated"))
            parts = _date_parts(updated)
            date = text(updated.get("date-time")) or "-".join(f"{p:02d}" for p in parts) or None
            updates.append(
                WorkUpdate(
                    kind=(text(item.get("type")) or "update").lower(),
                    relation=relation,
                    doi=safe_doi(item.get("DOI")),
                    date=date,
                    source=SERVICE,
                )
            )
    return updates


def message_to_work(message: dict[str, Any], response: HttpResponse) -> Work | None:
    """A Work from one Crossref work message (None when it has no title)."""
    updates = _updates(message)
    retracted = any(u.kind == "retraction" and u.relation == "updated-by" for u in updates)
    fields = {
        "title": text(first(message.get("title"))),
        "authors": _authors(message),
        "year": _year(message),
        "venue": clean_text(first(message.get("container-title"))),
        "doi": safe_doi(message.get("DOI")),
        "url": text(message.get("URL")),
        "abstract": clean_text(message.get("abstract")),
        "license": text(obj(first(message.get("license"))).get("URL")),
        "citation_count": integer(message.get("is-referenced-by-count")),
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
    require_object(SERVICE, data, response, doi)
    message = data.get("message")
    require_object(SERVICE, message, response, f"{doi} (its message)")
    work = message_to_work(message, response)
    if work is None:
        raise RetrievalError(f"crossref: record for {doi} has no title", SERVICE, response.url)
    return work


def parse_work_list(data: Any, response: HttpResponse) -> list[Work]:
    """Works of a Crossref work-list page (items without a title are skipped)."""
    works = (
        message_to_work(item, response) for item in objs(obj(obj(data).get("message")).get("items"))
    )
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
    require_object(SERVICE, data, response, "search")
    return parse_work_list(data, response)
