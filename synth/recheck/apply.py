"""Turn what a re-check found into additive correction records, a status and a tier.

Records (contract ``correction-record-v1``; old records are never touched):

- ``source-retraction``: one per source, whoever reports it (Crossref ``updated-by`` retraction
  or withdrawal, OpenAlex ``is_retracted``, an arXiv withdrawal, a Retraction Watch retraction);
  a source already named by a ``source-retraction`` record gets no second one.
- ``source-correction``: one per source and notice (the notice DOI, or the arXiv version for a
  newer version); a notice already named for that source gets no second record.
- ``withdrawal``: when more than half of the report's used sources are retracted, the report's
  basis is gone and its status becomes WITHDRAWN (once; WITHDRAWN is final).

A record "names" a source when its reason carries the source's label (title and DOI or arXiv id,
as ``corrections.work_label`` writes it), so records written when the report was built count
too. The tier is decided again by ``review.retier`` whenever the set of retracted used sources
changes; the quality dimensions stay as they were.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from synth.corrections import Corrections, status_of, work_label
from synth.recheck.notices import Notice, SourceCheck
from synth.records import CorrectionRecord, Record, Work, WorkUpdate
from synth.report.manifest import Manifest, ManifestSource
from synth.review import retier
from synth.settings import ReviewSettings

RecordKind = Literal["source-retraction", "source-correction", "withdrawal"]


class AddedRecord(Record):
    """A correction record a re-check appended, with the source it concerns."""

    kind: RecordKind
    source: str | None
    notice: str | None
    status_after: str
    reason: str


@dataclass(frozen=True)
class Applied:
    """The manifest after a re-check and the records added to it (none: unchanged)."""

    manifest: Manifest
    added: list[AddedRecord]
    changed: bool


def _label(s: ManifestSource) -> str:
    return work_label(Work(title=s.title, doi=s.doi, arxiv_id=s.arxiv_id))


def _names(reason: str, token: str) -> bool:
    # A DOI ends where a space, comma or bracket follows, so doi:10.1/ab never matches 10.1/abc.
    return re.search(re.escape(token) + r"(?![\w./-])", reason) is not None


def _recorded(records: list[CorrectionRecord], kind: str, label: str, token: str | None) -> bool:
    return any(
        r.kind == kind and label in r.reason and (token is None or _names(r.reason, token))
        for r in records
    )


def _claims_of(m: Manifest, keys: set[str]) -> list[str]:
    return sorted((c.id for c in m.claims if c.source in keys), key=lambda cid: int(cid[1:]))


def _describe(notices: list[Notice]) -> str:
    parts = []
    for n in notices:
        when = f" dated {n.date}" if n.date else ""
        parts.append(f"{n.detail}, {n.notice or 'no notice DOI'}{when}, reported by {n.service}")
    return "; ".join(dict.fromkeys(parts))


def _token(n: Notice) -> str:
    return n.notice or n.detail


def _source_records(
    m: Manifest, s: ManifestSource, notices: list[Notice], records: list[CorrectionRecord]
) -> list[tuple[CorrectionRecord, str | None]]:
    """New records for one source: one retraction at most, one correction per new notice."""
    label, out = _label(s), []
    claims = _claims_of(m, {s.key})
    retractions = [n for n in notices if n.kind == "retraction"]
    if retractions and not _recorded(records, "source-retraction", label, None):
        tier = (
            "the report cannot be DOI-grade while it is used"
            if s.used
            else "it is not a used source, so the tier is unaffected"
        )
        reason = (
            f"Source {s.key} {label} is retracted ({_describe(retractions)}); claims drawn from "
            f"it must not be relied on, and {tier}. Found by synth check-sources."
        )
        record = CorrectionRecord(
            date=m.updated_at,
            kind="source-retraction",
            status_after="CORRECTED",
            affected_claims=claims,
            reason=reason,
        )
        out.append((record, next((n.notice for n in retractions if n.notice), None)))
    by_token: dict[str, list[Notice]] = {}
    for n in notices:
        if n.kind != "retraction":
            by_token.setdefault(_token(n), []).append(n)
    for token, group in by_token.items():
        if _recorded(records, "source-correction", label, token):
            continue
        against = "the newest version" if group[0].kind == "new-version" else "the amended version"
        reason = (
            f"Source {s.key} {label} has a published {_describe(group)}; claims drawn from it "
            f"should be read against {against}. Found by synth check-sources."
        )
        record = CorrectionRecord(
            date=m.updated_at,
            kind="source-correction",
            status_after="CORRECTED",
            affected_claims=claims,
            reason=reason,
        )
        out.append((record, group[0].notice))
    return out


def _update_key(u: WorkUpdate) -> tuple[str, str, str]:
    return (u.kind, u.relation, u.doi or f"@{u.source}")


def _notice_update(n: Notice) -> WorkUpdate | None:
    if n.service in ("crossref", "openalex") or n.kind == "new-version":
        return None  # Crossref's relations come as they are; OpenAlex names no notice
    kind = "withdrawal" if n.service == "arxiv" else n.detail.split(" (")[0].replace(" ", "_")
    doi = n.notice.removeprefix("doi:") if n.notice and n.notice.startswith("doi:") else None
    return WorkUpdate(kind=kind, relation="updated-by", doi=doi, date=n.date, source=n.service)


def _updated_source(s: ManifestSource, check: SourceCheck) -> ManifestSource:
    updates = list(s.updates)
    seen = {_update_key(u) for u in updates}
    extra = [*check.updates, *(u for u in map(_notice_update, check.notices) if u is not None)]
    for u in extra:
        if _update_key(u) not in seen:
            updates.append(u)
            seen.add(_update_key(u))
    retracted = s.is_retracted or any(n.kind == "retraction" for n in check.notices)
    return s.model_copy(update={"is_retracted": retracted, "updates": updates})


def basis_is_gone(sources: list[ManifestSource]) -> bool:
    """The withdrawal rule: more than half of the report's used sources are retracted."""
    used = [s for s in sources if s.used]
    return bool(used) and 2 * sum(s.is_retracted for s in used) > len(used)


def _withdrawal(m: Manifest, sources: list[ManifestSource]) -> CorrectionRecord:
    used = [s for s in sources if s.used]
    gone = [s.key for s in used if s.is_retracted]
    reason = (
        f"{len(gone)} of {len(used)} used sources are retracted ({', '.join(gone)}); the "
        f"report's basis is gone, so it is withdrawn (rule: more than half of the used sources "
        f"retracted). Found by synth check-sources."
    )
    return CorrectionRecord(
        date=m.updated_at,
        kind="withdrawal",
        status_after="WITHDRAWN",
        affected_claims=_claims_of(m, set(gone)),
        reason=reason,
    )


def _retracted_used(sources: list[ManifestSource]) -> tuple[str, ...]:
    return tuple(sorted(s.title for s in sources if s.used and s.is_retracted))


def apply_checks(
    m: Manifest, checks: list[SourceCheck], now: datetime, settings: ReviewSettings
) -> Applied:
    """The manifest with the records, status, sources and tier the checks call for."""
    stamped = m.model_copy(update={"updated_at": now})
    by_key = {c.key: c for c in checks}
    sources = [_updated_source(s, by_key[s.key]) if s.key in by_key else s for s in m.sources]
    records = list(m.corrections.records)
    added: list[AddedRecord] = []
    for s in sources:
        if s.key in by_key:
            for record, notice in _source_records(stamped, s, by_key[s.key].notices, records):
                records.append(record)
                added.append(_added(record, s.key, notice))
    if basis_is_gone(sources) and m.corrections.status != "WITHDRAWN":
        record = _withdrawal(stamped, sources)
        records.append(record)
        added.append(_added(record, None, None))
    if not added and sources == m.sources:
        return Applied(manifest=m, added=[], changed=False)
    quality = m.quality
    if _retracted_used(sources) != _retracted_used(m.sources):
        supported = sum(c.verdict == "supported" for c in m.claims)
        quality = retier(
            m.quality, m.review.score, supported, len(m.claims), _retracted_used(sources), settings
        )
    corrections = Corrections(status=status_of(records), count=len(records), records=records)
    updated = stamped.model_copy(
        update={"sources": sources, "corrections": corrections, "quality": quality}
    )
    return Applied(manifest=updated, added=added, changed=True)


def _added(record: CorrectionRecord, source: str | None, notice: str | None) -> AddedRecord:
    return AddedRecord(
        kind=record.kind,
        source=source,
        notice=notice,
        status_after=record.status_after,
        reason=record.reason,
    )
