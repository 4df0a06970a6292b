"""Claims about the real papers: the claim file's schema, and `synth verify`'s score on it.

The schema test is fast and runs by default. The evaluation test is ``slow`` (and loads the
real model): it runs benchmarks/verifier_realpdf.py's evaluation in-process, skips when
../shared/realdata/pdfs is absent, and holds the verifier to the bar the benchmark reports.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REALDATA, REPO

CLAIMS = REPO / "tests" / "data" / "realpdf_claims.jsonl"
# Written after the reversal rule was built from CLAIMS' failures, about papers CLAIMS does not
# cover (PaSa, the tokenizer paper, SkillsBench, the chemistry perspective) and the Transformer:
# the clean test of that rule.
HOLDOUT = REPO / "tests" / "data" / "realpdf_claims_holdout.jsonl"
BENCH = REPO / "benchmarks" / "verifier_realpdf.py"
FIELDS = {"id", "source", "claim", "label", "kind", "page", "note"}
LABEL_OF_KIND = {
    "paraphrase": "supported",
    "rounded": "supported",
    "altered_number": "not_supported",
    "reversed": "not_supported",
    "unrelated": "not_supported",
}
_PROVENANCE_PDF = re.compile(r"^### `pdfs/([^`/]+\.pdf)`", re.MULTILINE)


def _rows(path: Path = CLAIMS) -> list[dict[str, object]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _known_pdfs() -> set[str]:
    """PDF names from PROVENANCE.md and the pdfs folder, whichever are present."""
    names: set[str] = set()
    provenance = REALDATA / "PROVENANCE.md"
    if provenance.is_file():
        names.update(_PROVENANCE_PDF.findall(provenance.read_text(encoding="utf-8")))
    if (REALDATA / "pdfs").is_dir():
        names.update(p.name for p in (REALDATA / "pdfs").glob("*.pdf"))
    return names


def _bench() -> ModuleType:
    # benchmarks/ is a folder of scripts, not a package: load the script by path.
    spec = importlib.util.spec_from_file_location("verifier_realpdf", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve their module through sys.modules while the class is being built.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("path", "prefix", "least"), [(CLAIMS, "R", 40), (HOLDOUT, "H", 20)])
def test_claims_file_schema(path: Path, prefix: str, least: int) -> None:
    rows = _rows(path)
    assert len(rows) >= least
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids), "claim ids must be unique"
    known = _known_pdfs()
    for r in rows:
        assert set(r) == FIELDS, r.get("id")
        assert isinstance(r["id"], str) and re.fullmatch(prefix + r"\d{2,}", r["id"]), r["id"]
        assert r["kind"] in LABEL_OF_KIND, r["id"]
        assert r["label"] == LABEL_OF_KIND[r["kind"]], r["id"]
        assert isinstance(r["claim"], str) and len(r["claim"].split()) >= 5, r["id"]
        assert isinstance(r["note"], str) and r["note"].strip(), r["id"]
        # An unrelated claim has no backing statement; every other kind points at one.
        if r["kind"] == "unrelated":
            assert r["page"] is None, r["id"]
        else:
            assert isinstance(r["page"], int) and r["page"] >= 1, r["id"]
        assert isinstance(r["source"], str) and r["source"].endswith(".pdf"), r["id"]
        if known:
            assert r["source"] in known, f"{r['id']}: {r['source']} is not a known real PDF"


@pytest.mark.parametrize("path", [CLAIMS, HOLDOUT])
def test_claims_cover_every_kind(path: Path) -> None:
    kinds = {r["kind"] for r in _rows(path)}
    assert kinds == set(LABEL_OF_KIND)


@pytest.fixture(scope="module")
def real_results(real_pdfs: Path) -> tuple[object, object, list[dict[str, object]]]:
    """The benchmark's summary, report text and claims, computed once for this module."""
    if not real_pdfs.is_dir():
        pytest.skip(f"real PDF folder {real_pdfs} is absent")
    bench = _bench()
    claims = bench.load_claims(CLAIMS)
    results = bench.run_verify(claims, real_pdfs)
    summary = bench.score(claims, results)
    return summary, bench.format_summary(summary, claims), claims


@pytest.mark.slow
@pytest.mark.model
def test_no_altered_number_claim_is_supported(real_results: tuple) -> None:  # type: ignore[type-arg]
    summary, report, claims = real_results
    kinds = {c["id"]: c["kind"] for c in claims}
    assert [i for i in summary.leaks if kinds[i] == "altered_number"] == [], report


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.xfail(
    strict=True,
    reason="NOT MET (issue 8): the verifier gets 83% of these claims right and supports 2 "
    "of 15 reversed ones (data/verifier/MODEL_CARD.md, known limits)",
)
def test_verifier_meets_the_real_pdf_goal(real_results: tuple) -> None:  # type: ignore[type-arg]
    summary, report, _ = real_results
    assert summary.accuracy >= 0.90, report
    assert summary.leaks == [], report


@pytest.mark.slow
@pytest.mark.model
def test_reversed_claims_supported_do_not_grow(real_results: tuple) -> None:  # type: ignore[type-arg]
    # The reversal rule brought reversed claims supported from 7 of 15 to 3 (MODEL_CARD.md);
    # a change that lets more through is a regression even while the goal (0) is not met.
    summary, report, claims = real_results
    kinds = {c["id"]: c["kind"] for c in claims}
    assert len([i for i in summary.leaks if kinds[i] == "reversed"]) <= 3, report
