"""Build Works with per-field origins from one service's answer, and merge Works across services."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from synth.errors import InputError, RetrievalError
from synth.ids import normalize_arxiv_id, normalize_doi
from synth.records import FieldOrigin, Work, WorkUpdate

# Fields a service may fill; "title" is required by Work, so a nameless record is no record.
WORK_FIELDS = (
    "title",
    "authors",
    "year",
    "venue",
    "doi",
    "arxiv_id",
    "url",
    "abstract",
    "license",
    "pdf_url",
    "citation_count",
    "is_retracted",
    "updates",
)

# Which service to believe first, per field (others follow in the caller's order).
FIELD_PREFERENCE: dict[str, tuple[str, ...]] = {
    "pdf_url": ("arxiv", "unpaywall", "openalex", "semanticscholar", "crossref"),
    "license": ("unpaywall", "openalex", "crossref", "arxiv", "semanticscholar"),
    "citation_count": ("openalex", "semanticscholar", "crossref"),
    "is_retracted": ("openalex", "crossref"),
    "arxiv_id": ("arxiv", "semanticscholar", "openalex"),
}

_TAG = re.compile(r"<[^>]+>")


def clean_text(value: Any) -> str | None:
    """Strip markup (JATS/HTML tags, entities) and collapse whitespace; None when empty."""
    if not isinstance(value, str):
        return None
    text = " ".join(html.unescape(_TAG.sub(" ", value)).split())
    return text or None


def safe_doi(value: Any) -> str | None:
    """A service's DOI string normalized, or None when absent or malformed."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return normalize_doi(value)
    except InputError:
        return None


def safe_arxiv_id(value: Any) -> str | None:
    """A service's arXiv id normalized, or None when absent or malformed."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return normalize_arxiv_id(value)
    except InputError:
        return None


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def work_from_fields(
    service: str, url: str, retrieved_at: datetime, fields: Mapping[str, Any]
) -> Work | None:
    """A Work holding the non-empty fields, each with this service as origin; None without title."""
    values = {k: v for k, v in fields.items() if k in WORK_FIELDS and not _is_empty(v)}
    title = clean_text(values.get("title"))
    if not title:
        return None
    values["title"] = title
    origin = FieldOrigin(service=service, url=url, retrieved_at=retrieved_at)
    try:
        return Work(**values, origins={name: origin for name in values})
    except ValidationError as exc:  # a parser let a wrong type through: fail this service only
        problem = exc.errors()[0]
        field = ".".join(str(part) for part in problem["loc"])
        raise RetrievalError(
            f"{service}: malformed record from {url}: {field}: {problem['msg']}", service, url
        ) from exc


def service_of(work: Work) -> str:
    """The service a single-service Work came from (its title's origin)."""
    origin = work.origins.get("title")
    return origin.service if origin else "unknown"


def _ordered(works: list[Work], preference: Iterable[str]) -> list[Work]:
    rank = {name: i for i, name in enumerate(preference)}
    return sorted(works, key=lambda w: rank.get(service_of(w), len(rank)))


def _merge_updates(works: list[Work]) -> list[WorkUpdate]:
    seen: set[tuple[str, str, str | None]] = set()
    merged: list[WorkUpdate] = []
    for work in works:
        for update in work.updates:
            key = (update.kind, update.relation, update.doi)
            if key not in seen:
                seen.add(key)
                merged.append(update)
    return merged


def merge_works(works: list[Work], order: Iterable[str]) -> Work:
    """One Work from several: each field from the first service (by preference) that has it."""
    base = _ordered(works, list(order))
    values: dict[str, Any] = {}
    origins: dict[str, FieldOrigin] = {}
    for name in WORK_FIELDS:
        if name == "updates":
            continue
        preference = FIELD_PREFERENCE.get(name)
        for work in _ordered(base, preference) if preference else base:
            value = getattr(work, name)
            if not _is_empty(value):
                values[name] = value
                if name in work.origins:
                    origins[name] = work.origins[name]
                break
    updates = _merge_updates(base)
    if updates:
        values["updates"] = updates
        origins["updates"] = next(w.origins["updates"] for w in base if w.updates)
    if any(u.kind == "retraction" and u.relation == "updated-by" for u in updates):
        values["is_retracted"] = True
        origins["is_retracted"] = origins["updates"]
    return Work(**values, origins=origins)


def title_key(title: str) -> str:
    """Title folded for de-duplication: accents removed, lower case, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", title)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "", ascii_only.lower())


def base_arxiv_id(arxiv_id: str) -> str:
    """An arXiv id without its version suffix."""
    return re.sub(r"v\d+$", "", arxiv_id)
