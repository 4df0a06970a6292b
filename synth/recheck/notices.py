"""Ask the services what happened to one cited work since the report was written.

Crossref ``updated-by`` relations give retractions (retraction, withdrawal, removal) and
corrections (correction, erratum, corrigendum, addendum, expression of concern, clarification),
with the notice's DOI; OpenAlex ``is_retracted`` gives a retraction without a notice; the arXiv
API gives the newest version and the comment or abstract where a withdrawal is announced
("This paper has been withdrawn by the author"). An ``update-to`` relation means the cited item
is itself a notice about another work; it does not change the cited item, so it makes no notice.

OpenAlex is asked only when an API key is set (it requires one since 2026-02), as in
``retrieve.resolve``. A service that has no record of the identifier counts as checked; one that
cannot be reached (or, offline, whose answer is not cached) is named in ``unchecked``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from synth.corrections import classify_update
from synth.errors import NotFoundError, OfflineMissError, RetrievalError
from synth.records import Record, WorkUpdate
from synth.retrieve import arxiv, crossref, openalex
from synth.settings import RetrieveSettings

if TYPE_CHECKING:
    from synth.retrieve import HttpClient

NoticeKind = Literal["retraction", "correction", "new-version"]

# arXiv announces a withdrawal in the comment (and often the abstract) of the withdrawn version.
_WITHDRAWN = re.compile(
    r"\b(?:has|have|is|was)\s+(?:been\s+)?withdrawn\b|\bwithdrawn\s+by\b|^\s*withdrawn\b",
    re.IGNORECASE,
)
_VERSION = re.compile(r"v(\d+)$")


class Notice(Record):
    """One published event about a cited work: a retraction, a correction or a newer version."""

    kind: NoticeKind
    detail: str
    notice: str | None = None
    date: str | None = None
    service: str


class Unchecked(Record):
    """A service that could not be asked about an identifier, and why."""

    service: str
    reason: str


class IdentifierCheck(Record):
    """What the services said about one cited work."""

    checked: list[str]
    unchecked: list[Unchecked]
    notices: list[Notice]
    # Crossref relations as the manifest's ``sources[].updates`` records them.
    updates: list[WorkUpdate]


def notice_of_update(update: WorkUpdate) -> Notice | None:
    """The notice a Crossref-style ``updated-by`` relation makes (None for other relations)."""
    kind = classify_update(update)
    if kind is None:
        return None
    return Notice(
        kind="retraction" if kind == "retraction" else "correction",
        detail=update.kind.replace("_", " "),
        notice=f"doi:{update.doi}" if update.doi else None,
        date=update.date,
        service=update.source,
    )


def is_withdrawn_text(text: str | None) -> bool:
    """True when an arXiv comment or abstract announces that the paper was withdrawn."""
    return bool(text and _WITHDRAWN.search(text))


def arxiv_notices(status: arxiv.ArxivStatus, cited: str) -> list[Notice]:
    """A withdrawal, or a version newer than the one cited (a cited id without version: none)."""
    newest = f"arXiv:{status.arxiv_id}v{status.latest_version}" if status.latest_version else None
    if is_withdrawn_text(status.comment) or is_withdrawn_text(status.summary):
        return [
            Notice(kind="retraction", detail="withdrawn on arXiv", notice=newest, service="arxiv")
        ]
    match = _VERSION.search(cited)
    if match and status.latest_version and status.latest_version > int(match.group(1)):
        detail = f"newer version v{status.latest_version} (the report read v{match.group(1)})"
        return [Notice(kind="new-version", detail=detail, notice=newest, service="arxiv")]
    return []


def _unchecked(service: str, exc: RetrievalError) -> Unchecked:
    if isinstance(exc, OfflineMissError):
        return Unchecked(service=service, reason="offline and not in the cache")
    return Unchecked(service=service, reason=str(exc).splitlines()[0])


def fetch_identifier_check(
    doi: str | None, arxiv_id: str | None, client: HttpClient, settings: RetrieveSettings
) -> IdentifierCheck:
    """Ask Crossref, OpenAlex (with an API key) and arXiv about a DOI and/or an arXiv id."""
    checked: list[str] = []
    unchecked: list[Unchecked] = []
    notices: list[Notice] = []
    updates: list[WorkUpdate] = []
    if doi:
        try:
            work = crossref.fetch_crossref_work(doi, client, settings)
            updates = [u for u in work.updates if u.relation == "updated-by"]
            notices += [n for n in map(notice_of_update, updates) if n is not None]
            checked.append(crossref.SERVICE)
        except NotFoundError:
            checked.append(crossref.SERVICE)
        except RetrievalError as exc:
            unchecked.append(_unchecked(crossref.SERVICE, exc))
        if settings.openalex_api_key:
            try:
                if openalex.fetch_openalex_work(doi, client, settings).is_retracted:
                    notices.append(
                        Notice(kind="retraction", detail="retracted", service="openalex")
                    )
                checked.append(openalex.SERVICE)
            except NotFoundError:
                checked.append(openalex.SERVICE)
            except RetrievalError as exc:
                unchecked.append(_unchecked(openalex.SERVICE, exc))
    if arxiv_id:
        try:
            notices += arxiv_notices(arxiv.fetch_arxiv_status(arxiv_id, client, settings), arxiv_id)
            checked.append(arxiv.SERVICE)
        except NotFoundError:
            checked.append(arxiv.SERVICE)
        except RetrievalError as exc:
            unchecked.append(_unchecked(arxiv.SERVICE, exc))
    return IdentifierCheck(checked=checked, unchecked=unchecked, notices=notices, updates=updates)


class SourceCheck(Record):
    """Everything learnt about one cited source of one report."""

    key: str
    identifier: str
    checked: list[str]
    unchecked: list[Unchecked]
    notices: list[Notice]
    updates: list[WorkUpdate]
