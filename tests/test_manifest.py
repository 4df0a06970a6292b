"""The manifest: build, schema validation, determinism, storage and the reports index."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from synth.corrections import merge_corrections, source_events
from synth.errors import ManifestError
from synth.records import Relevance
from synth.report.manifest import (
    Manifest,
    build_manifest,
    load_manifest,
    manifest_schema,
    manifest_to_json,
    report_dir_name,
    update_index,
    validate_manifest_file,
    write_manifest,
)
from synth.review import review_report
from synth.settings import ReviewSettings
from tests import report_samples as rs

CORE = [
    "contract",
    "report_id",
    "research_question",
    "title",
    "created_at",
    "updated_at",
    "generator",
    "sources",
    "source_failures",
    "claims",
    "verification",
    "review",
    "quality",
    "corrections",
    "provenance",
    "artifacts",
]


def sample_manifest(
    created: datetime = rs.NOW, updated: datetime = rs.NOW, **changes: Any
) -> Manifest:
    """The sample report's manifest (used by the render and CLI tests too)."""
    data = rs.bundle()
    extra = changes.pop("extra", None)
    synthesis = {k: changes.pop(k) for k in ("findings", "answer") if k in changes}
    data.update(changes)
    review, quality = review_report(rs.QUESTION, settings=ReviewSettings(), **data)
    return build_manifest(
        report_id="SRCH:3B06C412",
        question=rs.QUESTION,
        review=review,
        quality=quality,
        corrections=merge_corrections(None, source_events(data["documents"], created)),
        settings_digest="0123456789ab",
        created_at=created,
        updated_at=updated,
        confidence_note=rs.CONFIDENCE_NOTE,
        extra=extra,
        **data,
        **synthesis,
    )


def test_core_fields_and_contracts() -> None:
    data = json.loads(manifest_to_json(sample_manifest()))
    assert list(data)[: len(CORE)] == CORE
    assert data["contract"] == "paper-manifest-v1.1"
    assert data["corrections"]["contract"] == "correction-record-v1"
    assert data["provenance"]["contract"] == "source-provenance-v1"
    assert data["generator"] == {
        "name": "synth",
        "version": "0.1.0",
        "settings_digest": "0123456789ab",
    }
    assert data["created_at"] == "2026-11-23T15:00:00Z"


def test_sources_keyed_by_relevance_with_metadata_citations() -> None:
    m = sample_manifest()
    assert [s.key for s in m.sources] == ["S1", "S2", "S3", "S4"]
    assert [s.used for s in m.sources] == [True, True, True, False]
    assert [s.citation for s in m.sources] == [
        "Li et al., 2023",
        "van der Berg and Rossi, 2021",
        "Alvarez, n.d.",
        "Baker et al., 2020",
    ]
    assert m.sources[3].unused_reason == "relevance 0.21 below the threshold 0.45"
    assert m.sources[2].text_level == "abstract"
    assert m.sources[0].retrieval.sha256 == "d1" * 32
    assert m.sources[0].relevance_detail is not None
    assert m.sources[0].relevance_detail.lexical == 0.88


def test_claims_link_to_source_keys() -> None:
    m = sample_manifest()
    assert [(c.id, c.source, c.verdict) for c in m.claims] == [
        ("C1", "S1", "supported"),
        ("C2", "S2", "supported"),
        ("C3", "S3", "unverified"),
        ("C4", "S1", "contradicted"),
    ]
    assert [c.independent for c in m.claims] == [True, False, False, False]
    assert m.claims[0].evidence[0].source == "S2"
    v = m.verification
    assert (v.level, v.claims_extracted, v.claims_verified, v.independently_supported) == (
        "independent",
        4,
        2,
        1,
    )
    assert v.confidence_note == rs.CONFIDENCE_NOTE


def test_unused_source_order_does_not_depend_on_input_order() -> None:
    m1 = sample_manifest()
    m2 = sample_manifest(
        documents=list(reversed(rs.documents())), relevance=list(reversed(rs.relevance()))
    )
    assert manifest_to_json(m1) == manifest_to_json(m2)


def test_built_manifest_validates_against_schema() -> None:
    data = json.loads(manifest_to_json(sample_manifest(extra={"timings": {"verify": 1.5}})))
    schema = manifest_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema)
    assert set(CORE) <= set(schema["required"])
    assert data["timings"] == {"verify": 1.5}


def test_schema_rejects_bad_core_values() -> None:
    data = json.loads(manifest_to_json(sample_manifest()))
    data["claims"][0]["verdict"] = "probably"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, manifest_schema())


def test_deterministic_apart_from_timestamps() -> None:
    a = manifest_to_json(sample_manifest())
    assert a == manifest_to_json(sample_manifest())
    b = manifest_to_json(sample_manifest(created=rs.LATER, updated=rs.LATER))
    differing = [(x, y) for x, y in zip(a.splitlines(), b.splitlines(), strict=True) if x != y]
    assert differing
    assert all("_at" in x or '"date"' in x for x, _ in differing)


def test_save_load_round_trip(tmp_path: Path) -> None:
    m = sample_manifest(extra={"bench": {"pass@1": 0.31}})
    path = tmp_path / "manifest.json"
    write_manifest(path, m)
    assert load_manifest(path) == m
    assert validate_manifest_file(path) == m
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def _broken(tmp_path: Path, edit: Any) -> Path:
    data = json.loads(manifest_to_json(sample_manifest()))
    edit(data)
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_validate_names_the_first_error_path(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: d["claims"][1].update(verdict="probably"))
    with pytest.raises(ManifestError, match=r"\$\.claims\[1\]\.verdict: 'probably' is not one of"):
        validate_manifest_file(path)
    path = _broken(tmp_path, lambda d: d.pop("review"))
    with pytest.raises(ManifestError, match=r"\$: 'review' is a required property"):
        validate_manifest_file(path)


def test_validate_checks_cross_references(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: d["claims"][0].update(source="S9"))
    with pytest.raises(ManifestError, match="unknown source S9"):
        validate_manifest_file(path)


def test_corrupt_json_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text('{"contract": "paper-manifest-v1.1",', encoding="utf-8")
    with pytest.raises(ManifestError, match="not valid JSON"):
        load_manifest(path)


def test_missing_relevance_is_an_error() -> None:
    with pytest.raises(ManifestError, match="no relevance entry"):
        sample_manifest(relevance=rs.relevance()[:3])


def test_index_upserts_one_line_per_report(tmp_path: Path) -> None:
    first = sample_manifest()
    other = first.model_copy(update={"report_id": "SRCH:00000001", "title": "Another"})
    update_index(tmp_path, first)
    update_index(tmp_path, other)
    newer = first.model_copy(update={"updated_at": rs.LATER})
    update_index(tmp_path, newer)
    lines = (tmp_path / "index.jsonl").read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]
    assert [e["report_id"] for e in entries] == ["SRCH:00000001", "SRCH:3B06C412"]
    assert entries[1]["updated_at"] == rs.LATER.isoformat()
    assert entries[1]["path"] == "SRCH-3B06C412"
    assert entries[1]["tier"] == "Watchlist"
    assert entries[1]["claims_supported"] == 2


def test_index_drops_damaged_lines(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "index.jsonl").write_text("not json\n", encoding="utf-8")
    update_index(tmp_path, sample_manifest())
    lines = (tmp_path / "index.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    assert "not a valid index entry" in caplog.text


def test_report_dir_name() -> None:
    assert report_dir_name("SRCH:3B06C412") == "SRCH-3B06C412"


def test_relevance_out_of_range_is_rejected() -> None:
    with pytest.raises(ValueError, match="less than or equal"):
        Relevance(doc_id="x", score=1.2, dense=0.1, lexical=0.1, used=True)


def test_schema_requires_the_correction_block_core() -> None:
    corrections = manifest_schema()["$defs"]["Corrections"]
    assert corrections["required"] == ["contract", "status", "count", "records"]
