"""Semantic Scholar Graph API: paper lookup by DOI or arXiv id, relevance search, citations.

SEE: https://api.semanticscholar.org/api-docs/graph. It resolves arXiv DOIs that Crossref lacks;
"not found" is a 404 with a JSON ``{"error": ...}`` body.
"""

from __future__ import annotations

from typing import Any

from synth.errors import NotFoundError, RetrievalError
from synth.ids import Identifier
from synth.records import Work
from synth.retrieve._http import HttpClient, HttpResponse
from synth.retrieve._merge import clean_text, safe_arxiv_id, safe_doi, work_from_fields
from synth.retrieve._shape import integer, obj, objs, require_object, text
from synth.settings import RetrieveSettings

SERVICE = "semanticscholar"
FIELDS = (
    "title,authors,year,venue,externalIds,abstract,citationCount,openAccessPdf,"
    "publicationDate,journal,url"
)


def paper_to_work(paper: dict[str, Any], response: HttpResponse) -> Work | None:
    """A Work from one Semantic Scholar paper object (None when it has no title)."""
    external = obj(paper.get("externalIds"))
    authors = [text(a.get("name")) for a in objs(paper.get("authors"))]
    fields = {
        "title": text(paper.get("title")),
        "authors": [" ".join(n.split()) for n in authors if n],
        "year": integer(paper.get("year")),
        "venue": clean_text(paper.get("venue"))
        or clean_text(obj(paper.get("journal")).get("name")),
        "doi": safe_doi(external.get("DOI")),
        "arxiv_id": safe_arxiv_id(external.get("ArXiv")),
        "url": text(paper.get("url")),
        "abstract": clean_text(paper.get("abstract")),
        "pdf_url": text(obj(paper.get("openAccessPdf")).get("url")),
        "citation_count": integer(paper.get("citationCount")),
    }
    return work_from_fields(SERVICE, response.url, response.retrieved_at, fields)


def _headers(settings: RetrieveSettings) -> dict[str, str]:
    key = settings.semantic_scholar_api_key
    return {"x-api-key": key} if key else {}


def paper_key(identifier: Identifier) -> str:
    """The Graph API's id form: ``DOI:10.x/...`` or ``ARXIV:2310.07831``."""
    if identifier.kind == "doi":
        return f"DOI:{identifier.value}"
    return f"ARXIV:{identifier.value}"


def fetch_s2_work(identifier: Identifier, client: HttpClient, settings: RetrieveSettings) -> Work:
    """Look up one paper by DOI or arXiv id; NotFoundError on 404."""
    key = paper_key(identifier)
    url = f"{settings.semantic_scholar_api_url.rstrip('/')}/paper/{key}"
    data, response = client.get_json(
        url, service=SERVICE, params={"fields": FIELDS}, headers=_headers(settings)
    )
    if response.status == 404:
        raise NotFoundError(f"semanticscholar: no paper {key}", SERVICE, response.url, 404)
    if data is None:
        raise RetrievalError(f"semanticscholar: HTTP {response.status}", SERVICE, response.url)
    require_object(SERVICE, data, response, key)
    work = paper_to_work(data, response)
    if work is None:
        raise RetrievalError(f"semanticscholar: paper {key} has no title", SERVICE, response.url)
    return work


def parse_search(data: Any, response: HttpResponse) -> list[Work]:
    """Works of a search page (``{"total", "data": [...]}``)."""
    works = (paper_to_work(p, response) for p in objs(obj(data).get("data")))
    return [w for w in works if w is not None]


def search_s2(query: str, client: HttpClient, settings: RetrieveSettings, limit: int) -> list[Work]:
    """Relevance search over Semantic Scholar papers."""
    url = f"{settings.semantic_scholar_api_url.rstrip('/')}/paper/search"
    params = {"query": query, "limit": str(limit), "fields": FIELDS}
    headers = _headers(settings)
    data, response = client.get_json(url, service=SERVICE, params=params, headers=headers)
    if response.status == 404:  # the match endpoints say "no match" this way
        return []
    if data is None:
        raise RetrievalError(
            f"semanticscholar: HTTP {response.status} for search", SERVICE, response.url
        )
    require_object(SERVICE, data, response, "search")
    return parse_search(data, response)
