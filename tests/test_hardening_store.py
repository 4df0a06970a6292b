"""Hardening of the report store, batch runs and output (issue 10, items 9-11, 14, 16)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner

from synth import batch, batch_worker
from synth.cli import main
from synth.errors import InputError, SynthError
from synth.fingerprint import inputs_digest
from synth.ids import report_dir_name, report_id, to_link_arxiv_id, to_link_doi, to_link_url
from synth.records import ReportRequest
from synth.report.manifest import Manifest, ManifestRequest, update_index, write_manifest
from synth.report.render import render_report
from synth.settings import ReportSettings, Settings
from tests import report_samples as rs
from tests.test_manifest import sample_manifest

HOSTILE_DOI = '10.1234/x"><script>alert(1)</script>'
HOSTILE_URL = 'https://example.org/a"><script>alert(2)</script>'
OTHER_ID = "SRCH:0000AAAA"
MULCH = "Does mulch reduce soil erosion on slopes?"


def _store(root: Path, m: Manifest) -> Path:
    folder = root / report_dir_name(m.report_id)
    folder.mkdir(parents=True, exist_ok=True)
    write_manifest(folder / "manifest.json", m)
    return folder / "manifest.json"


def _index_ids(root: Path) -> list[str]:
    lines = (root / "index.jsonl").read_text().splitlines()
    return [json.loads(line)["report_id"] for line in lines]


def _current(root: Path, question: str = rs.QUESTION) -> tuple[ReportRequest, Path]:
    """A stored report whose inputs digest matches its request: batch skips it."""
    request = ReportRequest(question=question, out_dir=root)
    extra = {"request": ManifestRequest(), "inputs_digest": inputs_digest(request, Settings())}
    m = sample_manifest(extra=extra).model_copy(
        update={"report_id": report_id(question), "research_question": question}
    )
    return request, _store(root, m)


@pytest.fixture
def fake_run(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace the pipeline in batch jobs (in-process) by a recorder that reports success."""
    calls: list[str] = []

    def run_report(request: ReportRequest, settings: Settings, **_: Any) -> Any:
        calls.append(request.question)
        return SimpleNamespace(tier="B", score=7.0)

    monkeypatch.setattr(batch_worker, "run_report", run_report)
    monkeypatch.setattr(batch_worker, "preload_models", lambda *_: None)  # nothing to load
    return calls


# --- item 9: the index is repaired from the manifests -------------------------------------------


def test_update_index_restores_missing_and_damaged_lines(tmp_path: Path) -> None:
    first = sample_manifest()
    second = first.model_copy(update={"report_id": OTHER_ID})
    for m in (first, second):
        _store(tmp_path, m)
        update_index(tmp_path, m)
    assert _index_ids(tmp_path) == [OTHER_ID, first.report_id]
    # One line lost, the other damaged: the next write of either report restores both.
    (tmp_path / "index.jsonl").write_text('{"report_id": "SRCH:3B06C4\n')
    update_index(tmp_path, second)
    assert _index_ids(tmp_path) == [OTHER_ID, first.report_id]


def test_index_command_repairs_and_rebuilds(tmp_path: Path) -> None:
    first = sample_manifest()
    _store(tmp_path, first)
    _store(tmp_path, first.model_copy(update={"report_id": OTHER_ID}))
    result = CliRunner().invoke(main, ["index", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "restored 2 reports" in result.output
    assert _index_ids(tmp_path) == [OTHER_ID, first.report_id]
    (tmp_path / "index.jsonl").write_text("garbage\n")
    result = CliRunner().invoke(main, ["index", str(tmp_path), "--rebuild"])
    assert result.exit_code == 0, result.output
    assert _index_ids(tmp_path) == [OTHER_ID, first.report_id]
    # A manifest that cannot be indexed is named, the others are indexed, the exit status is 1.
    (tmp_path / report_dir_name(OTHER_ID) / "manifest.json").write_text("{")
    result = CliRunner().invoke(main, ["index", str(tmp_path), "--rebuild"])
    assert result.exit_code == 1
    assert "not valid JSON" in result.output
    assert _index_ids(tmp_path) == [first.report_id]
    result = CliRunner().invoke(main, ["index", str(tmp_path), "--rebuild", "--json"])
    data = json.loads(result.stdout)
    assert data["indexed"] == 1 and len(data["not_indexed"]) == 1


def test_batch_skipping_a_report_restores_its_index_line(tmp_path: Path, fake_run: list) -> None:
    request, _ = _current(tmp_path)
    (results,) = batch.run_batch([request], Settings())
    assert results.status == "skipped" and not fake_run
    assert _index_ids(tmp_path) == [results.report_id]


# --- item 10: invalid manifests are rebuilt or reported one by one ------------------------------


def test_schema_invalid_manifest_is_not_skipped(tmp_path: Path, fake_run: list) -> None:
    request, path = _current(tmp_path)
    data = json.loads(path.read_text())
    del data["contract"]  # valid JSON, valid to the models, but the schema requires it
    path.write_text(json.dumps(data))
    (result,) = batch.run_batch([request], Settings())
    assert result.status == "done" and fake_run == [rs.QUESTION]


def test_regenerate_reports_bad_manifests_one_by_one(tmp_path: Path, fake_run: list) -> None:
    _current(tmp_path)
    _, invalid = _current(tmp_path, MULCH)
    data = json.loads(invalid.read_text())
    data["review"]["score"] = "high"  # valid JSON that fails the schema; the request survives
    invalid.write_text(json.dumps(data))
    truncated = tmp_path / "SRCH-0000BBBB" / "manifest.json"
    truncated.parent.mkdir()
    truncated.write_text('{"contract": "paper-manif')
    result = CliRunner().invoke(main, ["regenerate", str(tmp_path), "--json"])
    assert result.exit_code == 1, result.output
    by_id = {r["report_id"]: r for r in json.loads(result.stdout)}
    assert by_id["SRCH:0000BBBB"]["status"] == "failed"
    assert "not valid JSON" in by_id["SRCH:0000BBBB"]["detail"]
    assert by_id[report_id(rs.QUESTION)]["status"] == "skipped"  # valid and current
    assert by_id[report_id(MULCH)]["status"] == "done"  # rebuilt, not "inputs unchanged"
    assert fake_run == [MULCH]


# --- item 11: one run per output folder; workers die with their parent --------------------------


def test_second_run_on_the_same_out_is_refused(tmp_path: Path, fake_run: list) -> None:
    import fcntl

    request = ReportRequest(question=MULCH, out_dir=tmp_path / "r")
    (tmp_path / "r").mkdir()
    with open(tmp_path / "r" / batch.LOCK_NAME, "a+b") as other_run:
        fcntl.flock(other_run, fcntl.LOCK_EX)
        with pytest.raises(SynthError, match="another synth batch or regenerate is writing"):
            batch.run_batch([request], Settings())
        (tmp_path / "q.txt").write_text(f"{request.question}\n")
        result = CliRunner().invoke(
            main, ["batch", str(tmp_path / "q.txt"), "--out", str(tmp_path / "r")]
        )
        assert result.exit_code == 1
        assert len(result.output.strip().splitlines()) == 1
        assert "another synth batch" in result.output
        assert not fake_run
    assert batch.run_batch([request], Settings())[0].status == "done"
    with open(tmp_path / "r" / batch.LOCK_NAME, "a+b") as after:  # released on return
        fcntl.flock(after, fcntl.LOCK_EX | fcntl.LOCK_NB)


_POOL_SCRIPT = """
import os, time
from synth.batch import _pool
from tests.batch_support import fast_settings, word_embedder

pool = _pool(2, fast_settings(), word_embedder)  # light models: the test is about the processes
pool.submit(os.getpid).result()  # one worker is up; the second starts with the second job
for _ in range(2):
    pool.submit(time.sleep, 120)
print(" ".join(str(p) for p in pool._processes), flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
def test_workers_die_when_the_parent_is_killed(tmp_path: Path) -> None:
    log = tmp_path / "parent.log"  # its stderr, for the failure message
    workers: list[int] = []
    with (
        log.open("w") as stderr,
        subprocess.Popen(
            [sys.executable, "-c", _POOL_SCRIPT], stdout=subprocess.PIPE, stderr=stderr, text=True
        ) as parent,
    ):
        try:
            workers = [int(p) for p in parent.stdout.readline().split()]  # type: ignore[union-attr]
            assert len(workers) == 2, log.read_text()
            parent.send_signal(signal.SIGKILL)
            parent.wait(timeout=10)
            deadline = time.monotonic() + 10
            while any(_alive(p) for p in workers) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not any(_alive(p) for p in workers)
        finally:
            parent.kill()
            for pid in workers:  # only the workers this test started, should one have survived
                if _alive(pid):
                    os.kill(pid, signal.SIGKILL)


# --- item 14: identifiers are checked against their grammar before they become links -----------


def test_link_grammars() -> None:
    assert to_link_doi("https://doi.org/10.1145/3649506") == "10.1145/3649506"
    assert to_link_doi(HOSTILE_DOI) is None
    assert to_link_doi("10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-o") is None
    assert to_link_arxiv_id("arXiv:2310.07831v2") == "2310.07831v2"
    assert to_link_arxiv_id("2310.07831<b>") is None
    assert to_link_url("https://example.org/a?b=1&c=2#x") == "https://example.org/a?b=1&c=2#x"
    for bad in (HOSTILE_URL, "javascript:alert(1)", "https://a b", "file:///etc/passwd"):
        assert to_link_url(bad) is None


def test_hostile_doi_and_url_are_printed_as_text_not_links() -> None:
    docs = rs.documents()
    docs[0] = docs[0].model_copy(
        update={"work": docs[0].work.model_copy(update={"doi": HOSTILE_DOI})}
    )
    work = docs[2].work.model_copy(update={"doi": None, "url": HOSTILE_URL})
    docs[2] = docs[2].model_copy(update={"work": work})
    files = render_report(sample_manifest(documents=docs), ReportSettings())
    md, html = files["md"], files["html"]
    for text in (md, html):
        assert "<script" not in text
        assert "<https://doi.org/10.1234" not in text and "<https://example.org" not in text
        assert 'href="https://doi.org/10.1234' not in text
        assert 'href="https://example.org' not in text
    assert '">' not in md
    assert 'doi:10.1234/x"&gt;&lt;script&gt;' in md
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in md  # the rejected URL, as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<https://doi.org/10.5555/seqkd.77>" not in md  # its DOI was replaced by the URL
    assert "<https://arxiv.org/abs/2104.01234v2>" in md  # valid identifiers still link


# --- item 16: every output stays under --out -----------------------------------------------------


def test_jsonl_out_dir_is_confined_to_out(tmp_path: Path) -> None:
    out = tmp_path / "r"
    template = ReportRequest(question="template", out_dir=out)
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"question": MULCH, "out_dir": "soil"}) + "\n")
    (request,) = batch.load_questions(questions, template)
    assert request.out_dir == (out / "soil").resolve()
    for outside in (str(tmp_path / "elsewhere"), "../escape", "soil/../../escape"):
        line = {"question": MULCH, "out_dir": outside}
        questions.write_text("# one\n" + json.dumps(line) + "\n")
        with pytest.raises(InputError, match=r"q\.jsonl:2: .*outside --out"):
            batch.load_questions(questions, template)
    result = CliRunner().invoke(main, ["batch", str(questions), "--out", str(out)])
    assert result.exit_code == 2 and "outside --out" in result.output
    assert not (tmp_path / "escape").exists()
