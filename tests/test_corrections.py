"""Correction records: source events, append-only merging, status transitions."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from synth.corrections import (
    Corrections,
    append_correction,
    is_extension,
    merge_corrections,
    source_events,
    status_of,
    user_correction,
    work_is_retracted,
)
from synth.errors import InputError
from synth.records import CorrectionRecord, Document, WorkUpdate
from tests import report_samples as rs

CLAIMS = ["C1", "C2", "C3", "C4"]


def _with_updates(doc: Document, *updates: WorkUpdate, retracted: bool | None = None) -> Document:
    work = doc.work.model_copy(update={"updates": list(updates), "is_retracted": retracted})
    return doc.model_copy(update={"work": work})


def _erratum() -> WorkUpdate:
    return WorkUpdate(
        kind="correction",
        relation="updated-by",
        doi="10.5555/fix.9",
        date="2024-05-02",
        source="crossref",
    )


def test_clean_sources_give_no_events() -> None:
    assert source_events(rs.documents(), rs.NOW) == []


def test_retracted_source_gives_a_source_retraction() -> None:
    docs = rs.documents()
    docs[0] = _with_updates(docs[0], retracted=True)
    (event,) = source_events(docs, rs.NOW)
    assert event.kind == "source-retraction"
    assert event.status_after == "CORRECTED"
    assert docs[0].work.title in event.reason
    assert "10.5555/ecm.2023.014" in event.reason
    assert event.date == rs.NOW


def test_crossref_relations() -> None:
    docs = rs.documents()
    docs[1] = _with_updates(docs[1], _erratum())
    # update-to means this work corrects another one: not an event for this report.
    docs[2] = _with_updates(
        docs[2], WorkUpdate(kind="correction", relation="update-to", source="crossref")
    )
    docs[3] = _with_updates(docs[3], rs.retraction_update())
    events = source_events(docs, rs.NOW)
    assert [e.kind for e in events] == ["source-correction", "source-retraction"]
    assert "doi:10.5555/fix.9" in events[0].reason
    assert "2024-05-02" in events[0].reason
    assert work_is_retracted(docs[3].work)
    assert not work_is_retracted(docs[1].work)


def test_merge_appends_and_deduplicates() -> None:
    docs = rs.documents()
    docs[0] = _with_updates(docs[0], retracted=True)
    first = merge_corrections(None, source_events(docs, rs.NOW))
    assert (first.status, first.count) == ("CORRECTED", 1)
    # Regeneration a day later: the same event is not recorded twice, the old date is kept.
    again = merge_corrections(first, source_events(docs, rs.LATER))
    assert again.records == first.records
    assert again.records[0].date == rs.NOW


def test_merge_never_drops_or_edits_old_records() -> None:
    note = CorrectionRecord(
        date=rs.NOW, kind="withdrawal", status_after="WITHDRAWN", reason="Duplicate report."
    )
    previous = merge_corrections(None, [note])
    docs = rs.documents()
    docs[1] = _with_updates(docs[1], _erratum())
    merged = merge_corrections(previous, source_events(docs, rs.LATER))
    assert merged.records[0] == note
    assert merged.count == 2
    assert is_extension(previous, merged)
    # WITHDRAWN is final: a later source correction does not move the status back.
    assert merged.status == "WITHDRAWN"


def test_status_moves_one_way() -> None:
    def rec(after: str) -> CorrectionRecord:
        return CorrectionRecord(date=rs.NOW, kind="note", status_after=after, reason=after)  # type: ignore[arg-type]

    assert status_of([]) == "CURRENT"
    assert status_of([rec("CORRECTED"), rec("CURRENT")]) == "CORRECTED"
    assert status_of([rec("WITHDRAWN"), rec("CORRECTED")]) == "WITHDRAWN"


def test_user_corrections() -> None:
    empty = Corrections()
    note = user_correction(empty, "note", "  Typo   in C2. ", ["c2"], CLAIMS, rs.NOW)
    assert note.status_after == "CURRENT"
    assert note.reason == "Typo in C2."
    fix = user_correction(empty, "correction", "Wrong number.", ["C3", "C1", "C3"], CLAIMS, rs.NOW)
    assert (fix.status_after, fix.affected_claims) == ("CORRECTED", ["C1", "C3"])
    corrected = append_correction(empty, fix)
    withdrawn = append_correction(
        corrected, user_correction(corrected, "withdrawal", "Retracted basis.", [], CLAIMS, rs.NOW)
    )
    assert withdrawn.status == "WITHDRAWN"
    assert withdrawn.records[0] == fix
    assert corrected.count == 1  # appending built a new block, the old one is unchanged


def test_user_correction_rejects_bad_input() -> None:
    with pytest.raises(InputError, match="unknown claim id"):
        user_correction(Corrections(), "correction", "x", ["C9"], CLAIMS, rs.NOW)
    with pytest.raises(InputError, match="non-empty"):
        user_correction(Corrections(), "correction", "   ", [], CLAIMS, rs.NOW)
    withdrawn = append_correction(
        Corrections(),
        CorrectionRecord(date=rs.NOW, kind="withdrawal", status_after="WITHDRAWN", reason="w"),
    )
    with pytest.raises(InputError, match="already withdrawn"):
        user_correction(withdrawn, "correction", "late fix", [], CLAIMS, rs.NOW)
    assert user_correction(withdrawn, "note", "still a note", [], CLAIMS, rs.NOW)


def test_corrections_block_must_be_consistent() -> None:
    record = CorrectionRecord(date=rs.NOW, kind="correction", status_after="CORRECTED", reason="r")
    with pytest.raises(ValidationError, match="count"):
        Corrections(status="CORRECTED", count=2, records=[record])
    with pytest.raises(ValidationError, match="status"):
        Corrections(status="CURRENT", count=1, records=[record])


def test_is_extension_detects_edits() -> None:
    record = CorrectionRecord(date=rs.NOW, kind="correction", status_after="CORRECTED", reason="r")
    old = append_correction(Corrections(), record)
    edited = record.model_copy(update={"reason": "rewritten"})
    assert not is_extension(old, append_correction(Corrections(), edited))
    assert not is_extension(old, Corrections())
    assert is_extension(old, append_correction(old, edited))


def test_source_events_name_the_affected_claims() -> None:
    docs = rs.documents()
    docs[0] = _with_updates(docs[0], retracted=True)
    (event,) = source_events(docs, rs.NOW, claims=rs.claims())
    assert event.affected_claims == ["C1", "C4"]
