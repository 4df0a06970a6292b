"""The review rubric as data: loading, digest, `synth rubric`, the manifest round-trip, one copy."""

from __future__ import annotations

import ast
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from synth import review as review_module
from synth import rubric as rubric_module
from synth.cli import main
from synth.corrections import merge_corrections, source_events
from synth.errors import ConfigError
from synth.report.manifest import build_manifest, load_manifest, validate_manifest_file
from synth.report.render import render_report, write_report
from synth.resources import data_file
from synth.review import review_report
from synth.rubric import (
    effective_rubric,
    load_rubric,
    load_rubric_file,
    rubric_digest,
    tier_rules,
)
from synth.settings import ReportSettings, ReviewSettings, load_settings
from tests import report_samples as rs
from tests.test_manifest import sample_manifest
from tests.test_pipeline import QUESTION, write_corpus

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
TOML_PATH = ROOT / "data" / "rubric.toml"


def _toml() -> dict[str, Any]:
    return tomllib.loads(TOML_PATH.read_text(encoding="utf-8"))


def _thresholds() -> list[float]:
    """Every dimension and tier threshold written in data/rubric.toml."""
    data = _toml()
    values = [
        v for d in data["dimensions"] for part in ("high", "medium") for v in d[part].values()
    ]
    for tier in data["tiers"]:
        values += [tier[k] for k in ("min_review_score", "min_supported_share") if k in tier]
    return values


def _numbers(path: Path) -> set[float]:
    """The int and float literals of a Python source file (booleans left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    }


def _cli(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_packaged_rubric_loads_with_all_parts() -> None:
    rubric = load_rubric()
    assert data_file("rubric.toml").resolve() == TOML_PATH.resolve()
    assert [r.key for r in rubric.reviewers] == [
        "relevance",
        "grounding",
        "verification",
        "uncertainty",
        "reproducibility",
        "coverage",
    ]
    assert {d.key for d in rubric.dimensions} == {
        "evidence_strength",
        "citation_grounding",
        "uncertainty_disclosure",
        "reproducibility_status",
    }
    assert [t.name for t in rubric.tiers] == ["DOI-grade", "Watchlist"]
    assert tier_rules(rubric)[-1] == "Watchlist otherwise"


def test_digest_is_the_sha256_of_the_canonical_json_a_reader_can_recompute() -> None:
    printed = json.loads(_cli("rubric", "--json").stdout)
    digest = printed.pop("digest")
    canonical = json.dumps(printed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == digest == rubric_digest()
    assert printed["version"] == load_rubric().version


def test_text_table_lists_reviewers_dimensions_and_tier_rules_in_order() -> None:
    out = _cli("rubric").stdout
    rubric = load_rubric()
    assert rubric.version in out and rubric_digest() in out
    flat = " ".join(out.split())
    for r in rubric.reviewers:
        assert r.name in out
        assert " ".join(r.formula().split()) in flat
    for d in rubric.dimensions:
        assert d.key in out
    doi, watch = flat.index("1. DOI-grade when"), flat.index("2. Watchlist otherwise")
    assert doi < watch
    assert "review score is \u2265 7.0" in flat and "at least 60% of claims" in flat


@pytest.mark.slow  # a whole report (the models load): about 20 s on two busy cores
def test_report_built_now_records_the_digest_synth_rubric_prints(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl")
    result = _cli("report", QUESTION, "--corpus", str(corpus), "--out", str(tmp_path), "--json")
    manifest_path = Path(json.loads(result.stdout)["dir"]) / "manifest.json"
    validate_manifest_file(manifest_path)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    printed = json.loads(_cli("rubric", "--json").stdout)
    assert manifest["rubric_digest"] == printed["digest"]
    assert manifest["rubric_version"] == printed["version"]
    assert manifest["review"]["method"].startswith(printed["version"] + ":")
    html = (manifest_path.parent / "report.html").read_text(encoding="utf-8")
    assert printed["digest"] in html and "graded under rubric" not in html


def test_settings_override_changes_the_digest_on_both_sides(tmp_path: Path) -> None:
    config = tmp_path / "strict.toml"
    config.write_text("[review]\ndoi_grade_min_score = 9.5\n", encoding="utf-8")
    printed = json.loads(_cli("--config", str(config), "rubric", "--json").stdout)
    assert printed["digest"] != rubric_digest()
    assert printed["tiers"][0]["min_review_score"] == 9.5
    settings = load_settings(config=config)
    strict = effective_rubric(settings.review)
    data = rs.bundle()
    review, quality = review_report(rs.QUESTION, settings=settings.review, **data)
    built = build_manifest(
        report_id="SRCH:3B06C412",
        question=rs.QUESTION,
        review=review,
        quality=quality,
        corrections=merge_corrections(None, source_events(data["documents"], rs.NOW)),
        settings_digest=settings.digest(),
        created_at=rs.NOW,
        updated_at=rs.NOW,
        confidence_note=rs.CONFIDENCE_NOTE,
        rubric=strict,
        **data,
    )
    assert built.rubric_digest == printed["digest"]
    assert "is below the 9.5 threshold" in quality.basis
    # The reading guide quotes the packaged rubric and says this report was graded by another.
    files = render_report(built, ReportSettings())
    assert "graded under rubric" in files["html"] and "graded under rubric" in files["txt"]


def test_reading_guide_quotes_the_tier_rules_in_every_format(tmp_path: Path) -> None:
    m = sample_manifest()
    final = write_report(tmp_path, m, render_report(m, ReportSettings()))
    printed = json.loads(_cli("rubric", "--json").stdout)
    assert load_manifest(tmp_path / "manifest.json").rubric_digest == printed["digest"]
    rules = tier_rules(load_rubric())
    for fmt in ("md", "html", "txt"):
        text = " ".join((tmp_path / f"report.{fmt}").read_text(encoding="utf-8").split())
        guide = text[text.lower().index("how to read this report", text.lower().index("11")) :]
        for rule in rules:
            assert rule in guide, (fmt, rule)
        assert final.rubric_version is not None and final.rubric_version in guide


def test_older_manifest_without_rubric_fields_still_validates_and_renders(tmp_path: Path) -> None:
    data = json.loads(sample_manifest().model_dump_json())
    del data["rubric_version"], data["rubric_digest"]
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    validate_manifest_file(path)
    files = render_report(load_manifest(path), ReportSettings())
    assert "names no rubric" in files["md"]
    schema = json.loads(_cli("schema").stdout)
    assert {"rubric_version", "rubric_digest"} <= set(schema["properties"])


def test_thresholds_appear_once_in_the_code_base() -> None:
    thresholds = set(_thresholds())
    assert thresholds  # the rubric has thresholds to look for
    # review.py applies the rubric: it holds no number but 0 and 1.
    assert _numbers(Path(review_module.__file__)) <= {0, 1}
    # rubric.py loads and words it: none of the rubric's thresholds is written there either.
    assert not (_numbers(Path(rubric_module.__file__)) & thresholds - {0, 1})
    # The settings replace the DOI-grade numbers only when set; they carry no copy of them.
    assert ReviewSettings().doi_grade_min_score is None
    assert ReviewSettings().doi_grade_min_verified is None
    # Nor do the view and the templates word a threshold by hand.
    view = ROOT / "synth" / "report" / "view.py"
    texts = [view.read_text(encoding="utf-8")] + [
        p.read_text(encoding="utf-8") for p in (ROOT / "templates").glob("report.*.j2")
    ]
    for value in _thresholds():
        for shown in (f"{value:.0%}" if value <= 1 else f"{value:.1f}", f"{value:.2f}"):
            assert not any(f" {shown}" in t or f"\u2265{shown}" in t for t in texts), shown


def test_rubric_changes_reach_the_review(tmp_path: Path) -> None:
    data = _toml()
    data["dimensions"][1]["medium"]["grounded_share"] = 0.8  # the sample grounds 3 of 4
    strict = rubric_module.parse_rubric(data, "test")
    _, usual = review_report(rs.QUESTION, settings=ReviewSettings(), **rs.bundle())
    _, quality = review_report(rs.QUESTION, settings=ReviewSettings(), rubric=strict, **rs.bundle())
    assert (usual.dimensions.citation_grounding, quality.dimensions.citation_grounding) == (
        "MEDIUM",
        "LOW",
    )
    assert rubric_digest(strict) != rubric_digest()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ('version = ""', "version"),
        ("[[tiers]]\nname = 'Bronze'", "tiers"),
        ("[phrases]\nunknown = 'x {}'", "phrases"),
    ],
)
def test_bad_rubric_is_one_clear_line(tmp_path: Path, edit: str, message: str) -> None:
    text = TOML_PATH.read_text(encoding="utf-8")
    if edit.startswith("version"):
        text = text.replace('version = "synth-rules-v1"', edit)
    elif edit.startswith("[phrases]"):
        text = text.replace("[phrases]\n", "[phrases]\nunknown = 'x {}'\n")
    else:
        text += "\n" + edit + "\n"
    path = tmp_path / "rubric.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_rubric_file(path)
    assert str(path) in str(info.value) and message in str(info.value)
    assert "\n" not in str(info.value)


def test_unreadable_rubric_is_a_config_error(tmp_path: Path) -> None:
    broken = tmp_path / "rubric.toml"
    broken.write_text("version = ", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_rubric_file(broken)
    with pytest.raises(ConfigError, match="cannot read"):
        load_rubric_file(tmp_path / "missing.toml")
