"""Manifest on disk: JSON Schema, validation with JSON paths, atomic save, the reports index."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
from pydantic import ValidationError

from synth.errors import ManifestError
from synth.ids import report_dir_name
from synth.report._files import write_atomic
from synth.report._models import MANIFEST_CONTRACT, Manifest

log = logging.getLogger(__name__)

INDEX_NAME = "index.jsonl"


def manifest_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every manifest.json validates against."""
    schema = Manifest.model_json_schema()
    # Contract names have defaults in the models but must be present in every written manifest.
    for part in (schema, schema["$defs"]["Provenance"]):
        part["required"] = ["contract", *(r for r in part.get("required", []) if r != "contract")]
    schema["$defs"]["Corrections"]["required"] = ["contract", "status", "count", "records"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://synth.invalid/schemas/{MANIFEST_CONTRACT}.json",
        **schema,
        "title": f"synth report manifest ({MANIFEST_CONTRACT})",
    }


def json_path(parts: Iterable[str | int]) -> str:
    """A JSONPath for an error location, e.g. ``$.claims[0].verdict``."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).isidentifier():
            out += f".{part}"
        else:
            out += f"[{json.dumps(str(part))}]"
    return out


def manifest_to_json(m: Manifest) -> str:
    """The manifest as it is written: indented, key order of the contract, trailing newline."""
    return json.dumps(m.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def _read_json(path: Path) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: cannot read manifest ({exc})") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc


def _from_data(path: Path, data: Any) -> Manifest:
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        raise ManifestError(f"{path}: {json_path(loc)}: {first['msg']}") from exc


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    # Building the schema from the pydantic models costs ~30 ms; a batch rerun validates every
    # manifest of the folder, so it is built once per process.
    return jsonschema.Draft202012Validator(manifest_schema())


def validate_manifest_file(path: Path) -> Manifest:
    """Validate manifest.json against the schema, then its cross-references (ManifestError)."""
    data = _read_json(path)
    validator = _validator()
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        raise ManifestError(f"{path}: {json_path(error.absolute_path)}: {error.message}")
    return _from_data(path, data)


def load_manifest(path: Path) -> Manifest:
    """Read a manifest.json (ManifestError when it is unreadable or invalid)."""
    return _from_data(path, _read_json(path))


def write_manifest(path: Path, m: Manifest) -> None:
    """Write manifest.json atomically."""
    write_atomic(Path(path), manifest_to_json(m).encode("utf-8"))


def index_entry(m: Manifest) -> dict[str, Any]:
    """The one line a report contributes to reports/index.jsonl."""
    return {
        "report_id": m.report_id,
        "path": report_dir_name(m.report_id),
        "contract": m.contract,
        "title": m.title,
        "research_question": m.research_question,
        "created_at": m.created_at.isoformat(),
        "updated_at": m.updated_at.isoformat(),
        "tier": m.quality.tier,
        "review_score": m.review.score,
        "corrections_status": m.corrections.status,
        "sources_found": len(m.sources),
        "sources_used": sum(s.used for s in m.sources),
        "claims": m.verification.claims_extracted,
        "claims_supported": m.verification.claims_verified,
        "claims_contradicted": m.verification.claims_contradicted,
        "settings_digest": m.generator.settings_digest,
    }


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    # Batch runs write the index from several processes; a lock file serialises the rewrites.
    try:
        import fcntl
    except ImportError:  # pragma: no cover - non-POSIX: single-process use only
        yield
        return
    with open(root / ".index.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_index(path: Path) -> tuple[dict[str, dict[str, Any]], int]:
    entries: dict[str, dict[str, Any]] = {}
    dropped = 0
    if not path.exists():
        return entries, dropped
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            entries[str(entry["report_id"])] = entry
        except (json.JSONDecodeError, KeyError, TypeError):
            # A damaged line cannot be keyed; the report's manifest restores it (_missing_entries).
            log.warning("%s line %d is not a valid index entry; dropping it", path, number)
            dropped += 1
    return entries, dropped


def _write_index(path: Path, entries: dict[str, dict[str, Any]]) -> None:
    lines = [
        json.dumps(entries[k], ensure_ascii=False, sort_keys=True) + "\n" for k in sorted(entries)
    ]
    write_atomic(path, "".join(lines).encode("utf-8"))


def _folder_entry(path: Path) -> dict[str, Any]:
    """The index line of one report folder's manifest.json (ManifestError when it is unusable)."""
    m = load_manifest(path)
    if report_dir_name(m.report_id) != path.parent.name:
        raise ManifestError(
            f"{path}: report {m.report_id} belongs in folder {report_dir_name(m.report_id)}, "
            f"not {path.parent.name}; move it there to index it"
        )
    return index_entry(m)


def _missing_entries(
    root: Path, entries: dict[str, dict[str, Any]], skip: str = ""
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Index lines for report folders the index lacks, read from their manifests; and errors."""
    have = {str(e.get("path")) for e in entries.values()} | {skip}
    found: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    for path in sorted(root.glob("*/manifest.json")):
        if path.parent.name in have:
            continue
        try:
            entry = _folder_entry(path)
        except ManifestError as exc:
            errors.append(str(exc))
            continue
        found[str(entry["report_id"])] = entry
    return found, errors


def update_index(reports_root: Path, m: Manifest) -> None:
    """Insert or replace this report's line in reports/index.jsonl (sorted by id, atomic).

    Lines that are missing or damaged for other report folders are restored from their manifests.
    """
    root = Path(reports_root)
    root.mkdir(parents=True, exist_ok=True)
    path = root / INDEX_NAME
    with _locked(root):
        entries, _ = _read_index(path)
        restored, errors = _missing_entries(root, entries, skip=report_dir_name(m.report_id))
        for error in errors:
            log.warning("not indexed: %s", error)
        entries.update(restored)
        entries[m.report_id] = index_entry(m)
        _write_index(path, entries)


def repair_index(reports_root: Path) -> tuple[int, list[str]]:
    """Restore missing or damaged index lines from the report folders' manifests.

    Returns the number of lines restored and one message per manifest that could not be indexed.
    The file is rewritten only when something changed.
    """
    root = Path(reports_root)
    root.mkdir(parents=True, exist_ok=True)
    path = root / INDEX_NAME
    with _locked(root):
        entries, dropped = _read_index(path)
        restored, errors = _missing_entries(root, entries)
        if restored or dropped or not path.exists():
            entries.update(restored)
            _write_index(path, entries)
    return len(restored), errors


def rebuild_index(reports_root: Path) -> tuple[int, list[str]]:
    """Rewrite reports/index.jsonl from every ``*/manifest.json`` under the folder.

    Returns the number of reports indexed and one message per manifest that could not be indexed
    (their lines are left out: the index lists only reports whose manifest is valid).
    """
    root = Path(reports_root)
    root.mkdir(parents=True, exist_ok=True)
    with _locked(root):
        entries, errors = _missing_entries(root, {})
        _write_index(root / INDEX_NAME, entries)
    return len(entries), errors
