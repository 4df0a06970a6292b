"""Append-only correction records (contract ``correction-record-v1``) and source retraction checks.

A report's correction history only grows: records are never edited or removed, and regenerating a
report merges new events after the old records. The status moves one way,
CURRENT -> CORRECTED -> WITHDRAWN, and is the furthest ``status_after`` of any record:

===================  ==================================  =========================================
kind                 made by                             status after
===================  ==================================  =========================================
source-retraction    a used or listed source is          CORRECTED (the report is annotated; the
                     retracted (OpenAlex is_retracted    tier rule keeps it off DOI-grade)
                     or a Crossref updated-by
                     retraction)
source-correction    a source has a Crossref             CORRECTED
                     updated-by correction/erratum
correction           a person (``synth correct``)        CORRECTED
withdrawal           a person (``synth correct``), or    WITHDRAWN
                     ``synth check-sources`` when most
                     used sources are retracted
note                 a person (``synth correct``)        unchanged
===================  ==================================  =========================================

An event is a duplicate of a recorded one when kind and reason are equal; duplicates are dropped
so that regenerating a report does not repeat the same source event.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from pydantic import Field, model_validator

from synth.errors import InputError
from synth.records import Claim, CorrectionRecord, Document, Record, Work, WorkUpdate

CONTRACT: Literal["correction-record-v1"] = "correction-record-v1"
Status = Literal["CURRENT", "CORRECTED", "WITHDRAWN"]
UserKind = Literal["correction", "withdrawal", "note"]

_ORDER: dict[str, int] = {"CURRENT": 0, "CORRECTED": 1, "WITHDRAWN": 2}
# Crossref update types that amend a work without retracting it.
_AMENDMENTS = frozenset(
    {"correction", "erratum", "corrigendum", "addendum", "expression_of_concern", "clarification"}
)


class Corrections(Record):
    """The correction block of a manifest: contract, current status, and every record."""

    contract: Literal["correction-record-v1"] = CONTRACT
    status: Status = "CURRENT"
    count: int = Field(0, ge=0)
    records: list[CorrectionRecord] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Corrections:
        if self.count != len(self.records):
            raise ValueError(f"count {self.count} != number of records {len(self.records)}")
        if self.status != status_of(self.records):
            raise ValueError(f"status {self.status} does not follow from the records")
        return self


def status_of(records: Iterable[CorrectionRecord]) -> Status:
    """The furthest status any record moved the report to (CURRENT when there are none)."""
    status: Status = "CURRENT"
    for record in records:
        if _ORDER[record.status_after] > _ORDER[status]:
            status = record.status_after
    return status


def work_is_retracted(work: Work) -> bool:
    """True when a service marks the work retracted or Crossref lists a retraction of it."""
    return work.is_retracted is True or any(_is_retraction(u) for u in work.updates)


def _is_retraction(update: WorkUpdate) -> bool:
    return update.relation == "updated-by" and update.kind.lower().replace(" ", "_") in (
        "retraction",
        "withdrawal",
        "removal",
    )


def _is_amendment(update: WorkUpdate) -> bool:
    return update.relation == "updated-by" and update.kind.lower().replace(" ", "_") in _AMENDMENTS


def classify_update(update: WorkUpdate) -> Literal["retraction", "amendment"] | None:
    """Whether an ``updated-by`` relation retracts the work, amends it, or neither (None)."""
    if _is_retraction(update):
        return "retraction"
    return "amendment" if _is_amendment(update) else None


def work_label(work: Work) -> str:
    """How correction records name a source: its title in quotes, then its DOI or arXiv id."""
    return _label(work)


def _label(work: Work) -> str:
    ident = f"doi:{work.doi}" if work.doi else f"arXiv:{work.arxiv_id}" if work.arxiv_id else ""
    return f"'{work.title}'" + (f" ({ident})" if ident else "")


def _amendment_reason(work: Work, update: WorkUpdate) -> str:
    notice = f"doi:{update.doi}" if update.doi else "no notice DOI"
    when = f" dated {update.date}" if update.date else ""
    kind = update.kind.replace("_", " ")
    return (
        f"Source {_label(work)} has a published {kind} ({notice}{when}, reported by "
        f"{update.source}); claims drawn from it should be read against the amended version."
    )


def source_events(
    documents: list[Document], now: datetime, claims: list[Claim] | None = None
) -> list[CorrectionRecord]:
    """Correction records the sources call for: retractions and published corrections.

    When ``claims`` are given, each record lists the claims drawn from the source concerned.
    """
    events: dict[tuple[str, str], CorrectionRecord] = {}
    for doc in documents:
        work = doc.work
        affected = sorted(
            (c.claim_id for c in claims or [] if c.doc_id == doc.doc_id), key=_claim_order
        )
        if work_is_retracted(work):
            reason = (
                f"Source {_label(work)} is retracted; claims drawn from it must not be relied on, "
                f"and the report cannot be DOI-grade while it is cited."
            )
            record = CorrectionRecord(
                date=now,
                kind="source-retraction",
                status_after="CORRECTED",
                affected_claims=affected,
                reason=reason,
            )
            events[(record.kind, record.reason)] = record
        for update in work.updates:
            if _is_amendment(update):
                record = CorrectionRecord(
                    date=now,
                    kind="source-correction",
                    status_after="CORRECTED",
                    affected_claims=affected,
                    reason=_amendment_reason(work, update),
                )
                events[(record.kind, record.reason)] = record
    # Sorted so the same sources always give the same records in the same order.
    return [events[key] for key in sorted(events)]


def merge_corrections(previous: Corrections | None, events: list[CorrectionRecord]) -> Corrections:
    """Append events not yet recorded (same kind and reason) after every previous record."""
    records = list(previous.records) if previous else []
    seen = {(r.kind, r.reason) for r in records}
    for event in events:
        if (event.kind, event.reason) not in seen:
            records.append(event)
            seen.add((event.kind, event.reason))
    return Corrections(status=status_of(records), count=len(records), records=records)


def user_correction(
    current: Corrections,
    kind: UserKind,
    reason: str,
    claims: list[str],
    known_claims: list[str],
    now: datetime,
) -> CorrectionRecord:
    """A correction, withdrawal or note entered by a person, checked against the report."""
    reason = " ".join(reason.split())
    if not reason:
        raise InputError("a correction needs a non-empty --reason")
    claims = [c.strip().upper() for c in claims if c.strip()]
    unknown = sorted(set(claims) - set(known_claims))
    if unknown:
        raise InputError(
            f"unknown claim id(s) {', '.join(unknown)}; this report has "
            f"{', '.join(known_claims) or 'no claims'}"
        )
    if current.status == "WITHDRAWN" and kind != "note":
        raise InputError("the report is already withdrawn; only a note can be added")
    after: Status = current.status  # a note leaves the status as it is
    if kind == "correction":
        after = "CORRECTED"
    elif kind == "withdrawal":
        after = "WITHDRAWN"
    ordered = sorted(dict.fromkeys(claims), key=_claim_order)
    return CorrectionRecord(
        date=now, kind=kind, status_after=after, affected_claims=ordered, reason=reason
    )


def _claim_order(claim_id: str) -> tuple[int, str]:
    digits = claim_id[1:]
    return (int(digits), claim_id) if digits.isdigit() else (10**9, claim_id)


def append_correction(current: Corrections, record: CorrectionRecord) -> Corrections:
    """A new Corrections block with one more record at the end (the old one is not modified)."""
    records = [*current.records, record]
    return Corrections(status=status_of(records), count=len(records), records=records)


def is_extension(old: Corrections, new: Corrections) -> bool:
    """True when ``new`` keeps every record of ``old``, unchanged and in order, as its prefix."""
    return new.records[: len(old.records)] == old.records
