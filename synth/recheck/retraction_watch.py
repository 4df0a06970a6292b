"""The Retraction Watch database (CSV export): read it, and match cited works by DOI or title.

SEE: https://retractionwatch.com/retraction-watch-database-user-guide/ for the columns. Each row
is one notice about one original paper: ``OriginalPaperDOI``, ``Title``, ``RetractionNature``
(Retraction, Correction, Expression of concern, Reinstatement), ``RetractionDOI`` (the notice),
``RetractionDate`` (``M/D/YYYY H:MM``) and ``Reason``. Missing DOIs are written "unavailable".

Matching: by DOI (normalized) first; by normalized title (Unicode NFKD without accents,
case-folded, every run of non-alphanumeric characters one space) only when the DOI cannot
decide, i.e. the cited work or the row has no DOI, and only for titles of at least
``MIN_TITLE_WORDS`` words, so that a generic title ("Editorial") never matches. A Reinstatement
makes no notice.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from synth.errors import InputError
from synth.ids import normalize_doi
from synth.recheck.notices import Notice, NoticeKind
from synth.records import Record

SERVICE = "retraction-watch"
MIN_TITLE_WORDS = 4
REQUIRED_COLUMNS = (
    "Record ID",
    "Title",
    "OriginalPaperDOI",
    "RetractionDOI",
    "RetractionDate",
    "RetractionNature",
)
_KINDS: dict[str, NoticeKind] = {
    "retraction": "retraction",
    "correction": "correction",
    "expression of concern": "correction",
}


class RetractionEntry(Record):
    """One row of the Retraction Watch CSV."""

    record_id: str
    title: str
    doi: str | None
    notice_doi: str | None
    nature: str
    date: str | None
    reason: str = ""


@dataclass
class RetractionIndex:
    """The rows of one CSV, keyed by original DOI and by normalized title."""

    path: Path
    rows: int = 0
    by_doi: dict[str, list[RetractionEntry]] = field(default_factory=dict)
    by_title: dict[str, list[RetractionEntry]] = field(default_factory=dict)


def normalize_title(title: str) -> str:
    """A title reduced for comparison: no accents, case-folded, non-alphanumerics as one space."""
    decomposed = unicodedata.normalize("NFKD", title)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def _doi(raw: str) -> str | None:
    try:
        return normalize_doi(raw) if raw.strip() else None
    except InputError:  # "unavailable" and other placeholders
        return None


def _date(raw: str) -> str | None:
    try:
        return datetime.strptime(raw.strip().split(" ")[0], "%m/%d/%Y").date().isoformat()
    except (ValueError, IndexError):
        return raw.strip() or None


def _entry(row: dict[str, str]) -> RetractionEntry:
    return RetractionEntry(
        record_id=(row.get("Record ID") or "").strip(),
        title=" ".join((row.get("Title") or "").split()),
        doi=_doi(row.get("OriginalPaperDOI") or ""),
        notice_doi=_doi(row.get("RetractionDOI") or ""),
        nature=" ".join((row.get("RetractionNature") or "").split()),
        date=_date(row.get("RetractionDate") or ""),
        reason=(row.get("Reason") or "").strip(" ;"),
    )


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(
                    f"{path}: not a Retraction Watch CSV; missing column(s) {', '.join(missing)}"
                )
            return list(reader)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the Retraction Watch CSV ({exc})") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: unreadable Retraction Watch CSV ({exc})") from exc


def load_retraction_watch(path: Path) -> RetractionIndex:
    """Read a Retraction Watch CSV export; InputError names the file and what is wrong."""
    index = RetractionIndex(path=Path(path))
    for row in _rows(Path(path)):
        entry = _entry(row)
        index.rows += 1
        if entry.doi:
            index.by_doi.setdefault(entry.doi, []).append(entry)
        title = normalize_title(entry.title)
        if len(title.split()) >= MIN_TITLE_WORDS:
            index.by_title.setdefault(title, []).append(entry)
    return index


def _notice(entry: RetractionEntry, how: str) -> Notice | None:
    kind = _KINDS.get(entry.nature.lower())
    if kind is None:
        return None
    return Notice(
        kind=kind,
        detail=f"{entry.nature.lower()} (Retraction Watch record {entry.record_id}, "
        f"matched by {how})",
        notice=f"doi:{entry.notice_doi}" if entry.notice_doi else None,
        date=entry.date,
        service=SERVICE,
    )


def match_retraction_watch(index: RetractionIndex, doi: str | None, title: str) -> list[Notice]:
    """Notices the CSV holds for a cited work, by DOI, else by normalized title."""
    found: dict[str, tuple[RetractionEntry, str]] = {}
    for entry in index.by_doi.get((doi or "").lower(), []):
        found[entry.record_id] = (entry, "DOI")
    for entry in index.by_title.get(normalize_title(title), []):
        if entry.record_id not in found and not (doi and entry.doi):
            found[entry.record_id] = (entry, "title")
    notices = (_notice(entry, how) for entry, how in found.values())
    return [n for n in notices if n is not None]
