"""OpenAlex: DOI lookup (``is_retracted``, open-access locations, citations) and search.

SEE: https://docs.openalex.org/api-entities/works/work-object. OpenAlex answers an unknown DOI
with 404 and an HTML page, not JSON; since 2026-02 it asks for an API key (``api_key``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from synth.errors import NotFoundError, RetrievalError
from synth.records import Work
from synth.retrieve._http import HttpClient, HttpResponse
from synth.retrieve._merge import clean_text, safe_arxiv_id, safe_doi, work_from_fields
from synth.retrieve._shape import flag, integer, obj, objs, require_object, text
from synth.settings import RetrieveSettings

SERVICE = "openalex"


def abstract_from_index(index: Any) -> str | None:
    """Rebuild an abstract from OpenAlex's inverted index (word -> positions)."""
    if not isinstance(index, dict) or not index:
        return None
    positions: dict[int, str] = {}
    for word, places in index.items():
        for place in places if isinstance(places, list) else []:
            if integer(place) is not None and isinstance(word, str):
                positions[place] = word
    return clean_text(" ".join(positions[i] for i in sorted(positions)))


def _arxiv_from_locations(record: dict[str, Any]) -> str | None:
    for location in objs(record.get("locations")):
        landing = text(location.get("landing_page_url")) or ""
        if "arxiv.org/abs/" in landing:
            return safe_arxiv_id(landing)
    return None


def _venue(record: dict[str, Any]) -> str | None:
    source = obj(obj(record.get("primary_location")).get("source"))
    return clean_text(source.get("display_name"))


def record_to_work(record: dict[str, Any], response: HttpResponse) -> Work | None:
    """A Work from one OpenAlex work object (None when it has no title)."""
    best = obj(record.get("best_oa_location"))
    authors = [
        text(obj(a.get("author")).get("display_name")) or text(a.get("raw_author_name"))
        for a in objs(record.get("authorships"))
    ]
    fields = {
        "title": text(record.get("title")) or text(record.get("display_name")),
        "authors": [name for name in authors if name],
        "year": integer(record.get("publication_year")),
        "venue": _venue(record),
        "doi": safe_doi(record.get("doi")),
        "arxiv_id": _arxiv_from_locations(record),
        "url": text(record.get("id")),
        "abstract": abstract_from_index(record.get("abstract_inverted_index")),
        "license": text(best.get("license")),
        "pdf_url": text(best.get("pdf_url")),
        "citation_count": integer(record.get("cited_by_count")),
        "is_retracted": flag(record.get("is_retracted")),
    }
    return work_from_fields(SERVICE, response.url, response.retrieved_at, fields)


def _params(settings: RetrieveSettings) -> dict[str, str]:
    params = {}
    if settings.openalex_api_key:
        params["api_key"] = settings.openalex_api_key
    if settings.mailto:
        params["mailto"] = settings.mailto
    return params


def fetch_openalex_work(doi: str, client: HttpClient, settings: RetrieveSettings) -> Work:
    """Look up one DOI; NotFoundError on 404 (whose body is HTML)."""
    url = f"{settings.openalex_api_url.rstrip('/')}/works/https://doi.org/{quote(doi, safe='')}"
    data, response = client.get_json(url, service=SERVICE, params=_params(settings))
    if response.status == 404:
        raise NotFoundError(f"openalex: no record for {doi}", SERVICE, response.url, 404)
    if data is None:
        raise RetrievalError(f"openalex: HTTP {response.status} for {doi}", SERVICE, response.url)
    require_object(SERVICE, data, response, doi)
    work = record_to_work(data, response)
    if work is None:
        raise RetrievalError(f"openalex: record for {doi} has no title", SERVICE, response.url)
    return work


def parse_results(data: Any, response: HttpResponse) -> list[Work]:
    """Works of an OpenAlex list page (``meta`` + ``results``)."""
    works = (record_to_work(r, response) for r in objs(obj(data).get("results")))
    return [w for w in works if w is not None]


def search_openalex(
    query: str, client: HttpClient, settings: RetrieveSettings, per_page: int
) -> list[Work]:
    """Full-text search over OpenAlex works, in OpenAlex's relevance order."""
    url = f"{settings.openalex_api_url.rstrip('/')}/works"
    params = {"search": query, "per_page": str(per_page), **_params(settings)}
    data, response = client.get_json(url, service=SERVICE, params=params)
    if data is None:
        raise RetrievalError(f"openalex: HTTP {response.status} for search", SERVICE, response.url)
    require_object(SERVICE, data, response, "search")
    return parse_results(data, response)
