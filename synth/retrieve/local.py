"""Scan --corpus paths: PDFs (recursively) and JSONL files of paper records; no network."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from synth.records import PaperRecord, SourceFailure

log = logging.getLogger(__name__)


class CorpusScan(BaseModel):
    """What a local corpus holds, and what in it could not be used."""

    model_config = ConfigDict(extra="forbid")

    pdfs: list[Path] = Field(default_factory=list, description="PDF files, sorted, no duplicates.")
    records: list[PaperRecord] = Field(default_factory=list, description="Valid JSONL records.")
    record_origins: list[str] = Field(
        default_factory=list, description="Where each record was read: file URI + '#L<line>'."
    )
    failures: list[SourceFailure] = Field(default_factory=list)


def _failure(where: str, reason: str) -> SourceFailure:
    log.warning("corpus: %s: %s", where, reason)
    return SourceFailure(input=where, reason=reason, stage="retrieve")


def _validation_reason(exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "record"
    if first["type"] == "missing":
        return f"missing {field}"
    return f"invalid {field}: {first['msg']}"


def _record(raw: str) -> PaperRecord:
    """One JSONL line as a record; ValueError with a one-line reason otherwise."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    try:
        record = PaperRecord.model_validate(data)
    except ValidationError as exc:
        raise ValueError(_validation_reason(exc)) from exc
    if not record.title.strip():
        raise ValueError("missing title (empty)")
    return record


def read_jsonl(path: Path, scan: CorpusScan) -> None:
    """Add a JSONL file's records to the scan; each bad line becomes one failure."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        scan.failures.append(_failure(str(path), f"cannot read JSONL file ({exc})"))
        return
    uri = path.resolve().as_uri()
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = _record(raw)
        except ValueError as exc:
            scan.failures.append(_failure(f"{path}:{number}", str(exc)))
            continue
        scan.records.append(record)
        scan.record_origins.append(f"{uri}#L{number}")


def _kind(path: Path) -> str:
    return path.suffix.lower().lstrip(".")


def scan_corpus(paths: list[Path]) -> CorpusScan:
    """Find PDFs and JSONL records under the given files and folders (recursive)."""
    scan = CorpusScan()
    pdfs: set[Path] = set()
    jsonl: list[Path] = []
    for given in paths:
        path = Path(given).expanduser()
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file())
            pdfs.update(p for p in found if _kind(p) == "pdf")
            jsonl.extend(p for p in found if _kind(p) == "jsonl")
        elif path.is_file() and _kind(path) == "pdf":
            pdfs.add(path)
        elif path.is_file() and _kind(path) == "jsonl":
            jsonl.append(path)
        elif path.exists():
            scan.failures.append(_failure(str(path), "not a PDF or JSONL file"))
        else:
            scan.failures.append(_failure(str(path), "no such file or folder"))
    scan.pdfs = sorted(pdfs)
    seen: set[Path] = set()
    for file in jsonl:
        if file.resolve() not in seen:
            seen.add(file.resolve())
            read_jsonl(file, scan)
    return scan
