"""The batch journal: ``OUT/.batch-journal.jsonl``, one fsynced line per event, append only.

A run writes ``run`` when it starts (its key: a hash of its jobs, their inputs digests and
``--force``), one ``done``, ``failed`` or ``skipped`` line per job as it finishes, and ``end``
when it returns. Only the batch process writes (workers, local or on Ray, report back to it),
so lines never interleave. A run killed part-way leaves a ``run`` without an ``end``: rerun with
the same jobs, it is *resumed*, and the jobs it journaled ``done`` count as finished even under
``--force`` (their manifests must still be present, valid and of the same inputs digest).
A ``failed`` line marked ``settled`` (no relevant source in a local corpus) is not run again by a
later run with the same inputs digest: that run reports the failure again, saying so, and
``--force`` runs the job. Other failures are retried on every run.
Manifests themselves are written atomically and last, after the report files, so a manifest on
disk always describes a finished report.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

log = logging.getLogger(__name__)

JOURNAL_NAME = ".batch-journal.jsonl"

Event = Literal["run", "done", "failed", "skipped", "end"]


class JournalEntry(BaseModel):
    """One line of the journal."""

    model_config = ConfigDict(extra="forbid")

    event: Event
    run: str
    at: datetime
    key: str = ""
    executor: str = ""
    jobs: int = 0
    report_id: str = ""
    inputs_digest: str = ""
    worker: str = ""
    detail: str = ""
    settled: bool = False


def run_key(jobs: list[tuple[str, str]], force: bool) -> str:
    """Identity of a run: its (report id, inputs digest) pairs and whether it was forced."""
    blob = json.dumps([sorted(jobs), force], separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def read_journal(folder: Path) -> list[JournalEntry]:
    """Every readable line of a folder's journal (a torn last line from a kill is left out)."""
    path = folder / JOURNAL_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    entries: list[JournalEntry] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(JournalEntry.model_validate_json(line))
        except ValidationError:
            log.warning("%s line %d is not a journal entry; ignoring it", path, number)
    return entries


def last_outcomes(entries: list[JournalEntry]) -> dict[str, JournalEntry]:
    """report id → the latest ``done`` or ``failed`` entry of any run."""
    return {e.report_id: e for e in entries if e.event in ("done", "failed")}


def settled_failures(entries: list[JournalEntry]) -> dict[str, JournalEntry]:
    """report id → its latest outcome, where that was a failure the inputs decide (settled)."""
    return {
        rid: e for rid, e in last_outcomes(entries).items() if e.event == "failed" and e.settled
    }


def interrupted_done(entries: list[JournalEntry], key: str) -> dict[str, str]:
    """report id → inputs digest of jobs done by the last run, if it had this key and no end."""
    runs = [e for e in entries if e.event == "run"]
    if not runs or runs[-1].key != key:
        return {}
    last = runs[-1].run
    if any(e.event == "end" and e.run == last for e in entries):
        return {}
    return {e.report_id: e.inputs_digest for e in entries if e.run == last and e.event == "done"}


class Journal:
    """Appends fsynced lines to one folder's journal for one run."""

    def __init__(self, folder: Path, run: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / JOURNAL_NAME
        self.run = run
        new = not self.path.exists()
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        if new:
            _fsync_dir(folder)  # the file's name survives a crash too
        elif _ends_torn(self.path):
            os.write(self._fd, b"\n")  # a killed run's half line stays alone on its line

    def write(self, event: Event, **fields: str | int | bool) -> None:
        """Append one entry and fsync it before returning."""
        entry = JournalEntry(
            event=event,
            run=self.run,
            at=datetime.now(timezone.utc),
            **fields,  # checked by the model (extra="forbid")
        )
        os.write(self._fd, (entry.model_dump_json(exclude_defaults=True) + "\n").encode())
        os.fsync(self._fd)

    def close(self) -> None:
        """Close the file."""
        os.close(self._fd)


def _ends_torn(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell() == 0:
            return False
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) != b"\n"


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms that cannot open a folder
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - filesystems that refuse to sync a folder
        pass
    finally:
        os.close(fd)
