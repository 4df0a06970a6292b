"""Scan --corpus paths: PDFs (recursively) and JSONL files of paper records; no network."""

from __future__ import annotations

import errno
import json
import logging
import stat
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticSerializationError

from synth.errors import printable
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
    where, reason = printable(where), printable(reason)
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
    except RecursionError as exc:
        raise ValueError("invalid JSON (nested too deeply)") from exc
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    try:
        record = PaperRecord.model_validate(data)
        # A lone surrogate (a "\ud800" escape) is valid JSON but no UTF-8 writer takes it.
        record.model_dump_json()
    except ValidationError as exc:
        raise ValueError(_validation_reason(exc)) from exc
    except PydanticSerializationError as exc:
        raise ValueError("invalid text (a lone surrogate escape, not a character)") from exc
    except RecursionError as exc:
        raise ValueError("invalid record (nested too deeply)") from exc
    if not record.title.strip():
        raise ValueError("missing title (empty)")
    return record


def _decode_line(raw: bytes, number: int) -> str:
    """One line of a JSONL file as text (UTF-8; a leading BOM on line 1 is dropped)."""
    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"cannot read as UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})"
        ) from exc


def read_jsonl(path: Path, scan: CorpusScan) -> None:
    """Add a JSONL file's records to the scan; each bad line becomes one failure."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        scan.failures.append(_failure(str(path), f"cannot read JSONL file ({exc.strerror or exc})"))
        return
    uri = path.resolve().as_uri()
    # Split the bytes at newlines only: a bad byte costs its own line, not the file, and
    # U+2028 inside a JSON string (valid JSON) does not split a record the way str.splitlines does.
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            record = _record(_decode_line(raw.removesuffix(b"\r"), number))
        except ValueError as exc:
            scan.failures.append(_failure(f"{path}:{number}", str(exc)))
            continue
        scan.records.append(record)
        scan.record_origins.append(f"{uri}#L{number}")


def _kind(path: Path) -> str:
    return path.suffix.lower().lstrip(".")


def _not_regular(path: Path) -> str | None:
    """Why a path is not a regular file to read, or None when it is one (links followed).

    Only ``stat`` is called: a FIFO is never opened (reading one blocks forever).
    """
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if path.is_symlink():
            return (
                "symlink loop"
                if exc.errno == errno.ELOOP
                else "broken symlink (its target is missing)"
            )
        return f"cannot stat ({exc.strerror or exc})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    kind = "FIFO" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"
    return f"not a regular file (a {kind})"


def _scan_folder(folder: Path, scan: CorpusScan) -> list[Path]:
    """Regular PDF/JSONL files under a folder; other entries with those suffixes are recorded."""
    found: list[Path] = []
    for entry in sorted(folder.rglob("*")):
        if _kind(entry) not in ("pdf", "jsonl"):
            continue
        why = _not_regular(entry)
        if why is None:
            found.append(entry)
        elif why != "a folder":  # a folder named x.pdf is scanned like any other folder
            scan.failures.append(_failure(str(entry), f"skipped: {why}"))
    return found


def scan_corpus(paths: list[Path]) -> CorpusScan:
    """Find PDFs and JSONL records under the given files and folders (recursive)."""
    scan = CorpusScan()
    pdfs: set[Path] = set()
    jsonl: list[Path] = []
    for given in paths:
        path = Path(given).expanduser()
        why = _not_regular(path)
        if why == "a folder":
            found = _scan_folder(path, scan)
            pdfs.update(p for p in found if _kind(p) == "pdf")
            jsonl.extend(p for p in found if _kind(p) == "jsonl")
        elif why is None and _kind(path) == "pdf":
            pdfs.add(path)
        elif why is None and _kind(path) == "jsonl":
            jsonl.append(path)
        elif why is None:
            scan.failures.append(_failure(str(path), "not a PDF or JSONL file"))
        elif not path.exists() and not path.is_symlink():
            scan.failures.append(_failure(str(path), "no such file or folder"))
        else:
            scan.failures.append(_failure(str(path), f"skipped: {why}"))
    scan.pdfs = sorted(pdfs)
    # A path given twice (itself and inside a given folder) is one failure, not two.
    scan.failures = list({(f.input, f.reason): f for f in scan.failures}.values())
    seen: set[Path] = set()
    for file in jsonl:
        if file.resolve() not in seen:
            seen.add(file.resolve())
            read_jsonl(file, scan)
    return scan
