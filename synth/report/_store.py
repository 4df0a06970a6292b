"""Manifest on disk: JSON Schema, validation with JSON paths, atomic save, the reports index."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterable, Iterator
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


def validate_manifest_file(path: Path) -> Manifest:
    """Validate manifest.json against the schema, then its cross-references (ManifestError)."""
    data = _read_json(path)
    validator = jsonschema.Draft202012Validator(manifest_schema())
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


def _read_index(path: Path) -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    if not path.exists():
        return entries
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            entries[str(entry["report_id"])] = entry
        except (json.JSONDecodeError, KeyError, TypeError):
            # A damaged line cannot be keyed; it is dropped and the rewrite repairs the file.
            log.warning("%s line %d is not a valid index entry; dropping it", path, number)
    return entries


def update_index(reports_root: Path, m: Manifest) -> None:
    """Insert or replace this report's line in reports/index.jsonl (sorted by id, atomic)."""
    root = Path(reports_root)
    root.mkdir(parents=True, exist_ok=True)
    path = root / INDEX_NAME
    with _locked(root):
        entries = _read_index(path)
        entries[m.report_id] = index_entry(m)
        lines = [
            json.dumps(entries[k], ensure_ascii=False, sort_keys=True) for k in sorted(entries)
        ]
        write_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"))
