"""Build the wheel, install it into a fresh venv and render a report from the installed copy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_pipeline import QUESTION, write_corpus

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("synth-*.whl")
    return found


def test_wheel_carries_templates_and_data_only(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "synth/_assets/templates/report.html.j2" in names
    assert "synth/_assets/templates/report.md.j2" in names
    assert any(n.startswith("synth/_assets/data/verifier/") for n in names)
    assert not any("__pycache__" in n or n.endswith((".pyc", ".keep")) for n in names)
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)


def test_installed_wheel_renders_a_report(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    # Dependencies come from the test environment; only synth itself comes from the wheel.
    site = Path(
        subprocess.check_output(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(py), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    corpus = write_corpus(tmp_path / "corpus.jsonl")
    env = {**os.environ, "SYNTH_HOME": str(tmp_path / "home"), "HF_HUB_OFFLINE": "1"}
    where = subprocess.check_output(
        [str(py), "-c", "import synth.resources as r; print(r.templates_dir())"],
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert "_assets" in where and str(REPO) not in where
    result = subprocess.run(
        [
            str(venv / "bin" / "synth"),
            "report",
            QUESTION,
            "--corpus",
            str(corpus),
            "--out",
            str(tmp_path / "reports"),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    folder = (
        Path(summary["dir"]) if Path(summary["dir"]).is_absolute() else tmp_path / summary["dir"]
    )
    html = (folder / "report.html").read_text()
    assert "<html" in html and QUESTION.split()[0] in html
