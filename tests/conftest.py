"""Shared fixtures: a temporary SYNTH_HOME per test, real data (skipped when absent), one model."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
REALDATA = Path(os.environ.get("SYNTH_TEST_REALDATA", REPO.parent / "shared" / "realdata"))


@pytest.fixture(autouse=True)
def synth_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty SYNTH_HOME and never reaches a model hub."""
    home = tmp_path_factory.mktemp("synth-home")
    monkeypatch.setenv("SYNTH_HOME", str(home))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    for name in list(os.environ):
        if name.startswith("SYNTH_") and name not in ("SYNTH_HOME", "SYNTH_TEST_REALDATA"):
            monkeypatch.delenv(name)
    # The ONNX export of the packaged model is made once per session, not once per home.
    monkeypatch.setenv("SYNTH_EMBED__EXPORT_DIR", str(_export_dir(tmp_path_factory)))
    if not _bwrap_works():
        # The tests' own samples are trusted: where bubblewrap cannot run (a container without
        # user namespaces), they may use the rlimit mode, which refuses samples by default.
        monkeypatch.setenv("SYNTH_BENCH__ALLOW_UNSAFE_RLIMIT", "1")
    return home


_EXPORTS: list[Path] = []


def _export_dir(factory: pytest.TempPathFactory) -> Path:
    if not _EXPORTS:
        _EXPORTS.append(factory.mktemp("onnx-exports"))
    return _EXPORTS[0]


@functools.lru_cache(maxsize=1)
def _bwrap_works() -> bool:
    from synth.bench.sandbox import probe_bwrap

    return probe_bwrap()[0]


@pytest.fixture(scope="session")
def realdata() -> Path:
    """The shared real-data folder; tests using it skip cleanly when it is absent."""
    if not REALDATA.is_dir():
        pytest.skip(f"real data folder {REALDATA} is absent")
    return REALDATA


@pytest.fixture(scope="session")
def real_pdfs(realdata: Path) -> Path:
    """Folder of the real paper PDFs."""
    return realdata / "pdfs"


@pytest.fixture(scope="session")
def embedder() -> object:
    """The packaged all-MiniLM-L6-v2 model, loaded once per test session."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from synth.embed import PACKAGED_DEFAULT, SentenceTransformerEmbedder

    model = SentenceTransformerEmbedder(PACKAGED_DEFAULT)
    model.encode(["warm up"])
    return model


README_QUESTION = (
    "To what extent can knowledge distillation transfer the generalization of a large teacher "
    "network to a smaller student network?"
)


@pytest.fixture(scope="session")
def readme_report_run(real_pdfs: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The README example, `synth report --json` over the real PDFs, run once per session.

    Laid out as ``base/home`` (its SYNTH_HOME) and ``base/reports/<report folder>``; returns the
    JSON summary, the report folder, its manifest and the command's stderr.
    """
    from click.testing import CliRunner

    from synth.cli import main

    base = tmp_path_factory.mktemp("readme-report")
    mp = pytest.MonkeyPatch()
    mp.setenv("SYNTH_HOME", str(base / "home"))
    mp.setenv("HF_HUB_OFFLINE", "1")
    mp.setenv("SYNTH_EMBED__EXPORT_DIR", str(_export_dir(tmp_path_factory)))
    try:
        args = ["report", README_QUESTION, "--corpus", str(real_pdfs)]
        result = CliRunner().invoke(main, [*args, "--out", str(base / "reports"), "--json"])
    finally:
        mp.undo()
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    folder = Path(summary["dir"])
    return {
        "summary": summary,
        "folder": folder,
        "manifest": json.loads((folder / "manifest.json").read_text()),
        "stderr": result.stderr,
    }
