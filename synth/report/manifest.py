"""The report manifest: contract ``paper-manifest-v1.1``, its JSON Schema, validation and storage.

The public surface of the manifest; the records live in ``_models``, assembly in ``_build`` and
file handling (schema, validation, atomic save, reports/index.jsonl) in ``_store``.
"""

from __future__ import annotations

from synth.ids import report_dir_name
from synth.report._build import build_manifest, build_title
from synth.report._models import (
    MANIFEST_CONTRACT,
    PROVENANCE_CONTRACT,
    Artifact,
    Generator,
    Manifest,
    ManifestAnswer,
    ManifestAnswerSentence,
    ManifestClaim,
    ManifestEvidence,
    ManifestFailure,
    ManifestFinding,
    ManifestQuantity,
    ManifestRequest,
    ManifestSource,
    Provenance,
    Verification,
)
from synth.report._store import (
    INDEX_NAME,
    index_entry,
    json_path,
    load_manifest,
    manifest_schema,
    manifest_to_json,
    rebuild_index,
    repair_index,
    update_index,
    validate_manifest_file,
    write_manifest,
)

__all__ = [
    "INDEX_NAME",
    "MANIFEST_CONTRACT",
    "PROVENANCE_CONTRACT",
    "Artifact",
    "Generator",
    "Manifest",
    "ManifestAnswer",
    "ManifestAnswerSentence",
    "ManifestClaim",
    "ManifestEvidence",
    "ManifestFailure",
    "ManifestFinding",
    "ManifestQuantity",
    "ManifestRequest",
    "ManifestSource",
    "Provenance",
    "Verification",
    "build_manifest",
    "build_title",
    "index_entry",
    "json_path",
    "load_manifest",
    "manifest_schema",
    "manifest_to_json",
    "rebuild_index",
    "repair_index",
    "report_dir_name",
    "update_index",
    "validate_manifest_file",
    "write_manifest",
]
