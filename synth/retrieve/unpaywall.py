"""Unpaywall: the best open-access location (PDF URL, licence) of a DOI.

SEE: https://unpaywall.org/products/api. Every request must carry an ``email`` parameter, so
Unpaywall is asked only when ``mailto`` is set.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from synth.errors import NotFoundError, RetrievalError
from synth.records import Work
from synth.retrieve._http import HttpClient, HttpResponse
from synth.retrieve._merge import clean_text, safe_doi, work_from_fields
from synth.retrieve._shape import integer, obj, objs, require_object, text
from synth.settings import RetrieveSettings

SERVICE = "unpaywall"


def _authors(record: dict[str, Any]) -> list[str]:
    names = []
    for author in objs(record.get("z_authors")):
        parts = (text(author.get("given")), text(author.get("family")))
        name = text(author.get("raw_author_name")) or " ".join(p for p in parts if p)
        if name:
            names.append(" ".join(name.split()))
    return names


def record_to_work(record: dict[str, Any], response: HttpResponse) -> Work | None:
    """A Work from one Unpaywall DOI object (None when it has no title)."""
    best = obj(record.get("best_oa_location"))
    fields = {
        "title": text(record.get("title")),
        "authors": _authors(record),
        "year": integer(record.get("year")),
        "venue": clean_text(record.get("journal_name")),
        "doi": safe_doi(record.get("doi")),
        "url": text(record.get("doi_url")),
        "license": text(best.get("license")),
        "pdf_url": text(best.get("url_for_pdf")),
    }
    return work_from_fields(SERVICE, response.url, response.retrieved_at, fields)


def fetch_unpaywall_work(doi: str, client: HttpClient, settings: RetrieveSettings) -> Work:
    """Open-access record of one DOI; NotFoundError on 404. Requires ``settings.mailto``."""
    if not settings.mailto:
        raise RetrievalError("unpaywall: needs a contact e-mail (set SYNTH_MAILTO)", SERVICE)
    # Unpaywall takes the DOI's slash literally in the path.
    url = f"{settings.unpaywall_api_url.rstrip('/')}/{quote(doi, safe='/:')}"
    data, response = client.get_json(url, service=SERVICE, params={"email": settings.mailto})
    if response.status == 404:
        raise NotFoundError(f"unpaywall: no record for {doi}", SERVICE, response.url, 404)
    if data is None:
        raise RetrievalError(f"unpaywall: HTTP {response.status} for {doi}", SERVICE, response.url)
    require_object(SERVICE, data, response, doi)
    work = record_to_work(data, response)
    if work is None:
        raise RetrievalError(f"unpaywall: record for {doi} has no title", SERVICE, response.url)
    return work


def parse_search(data: Any, response: HttpResponse) -> list[Work]:
    """Works of an Unpaywall ``/search`` page (``results[].response``)."""
    records = (obj(r.get("response")) for r in objs(obj(data).get("results")))
    works = (record_to_work(rec, response) for rec in records if rec)
    return [w for w in works if w is not None]
