"""Progress as the user sees it: counted stages, warnings once and at once, bars or plain lines."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from synth.cli.progress_display import LineProgress, open_progress
from synth.gather import gather_documents
from synth.records import ReportRequest
from synth.settings import Settings


class Recorder:
    """A Progress that writes down every call, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def stage(self, name: str, total: int | None = None) -> None:
        self.calls.append(("stage", (name, total)))

    def advance(self, count: int = 1) -> None:
        self.calls.append(("advance", count))

    def warn(self, message: str) -> None:
        self.calls.append(("warn", message))


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    record = {"title": "Soil moisture under drip irrigation", "abstract": "We measure soil."}
    (folder / "papers.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    return folder


def test_gathering_counts_files_and_warns_when_a_file_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SYNTH_HOME", str(tmp_path / "home"))
    request = ReportRequest(
        question="Does drip irrigation save water?",
        corpus=[_corpus(tmp_path / "papers")],
        out_dir=tmp_path / "r",
    )
    progress = Recorder()
    docs, failures = gather_documents(request, Settings(), progress)
    assert len(docs) == 1 and len(failures) == 1
    stages = [args for kind, args in progress.calls if kind == "stage"]
    assert ("parse", 2) in stages
    parse_at = progress.calls.index(("stage", ("parse", 2)))
    after = progress.calls[parse_at + 1 :]
    assert sum(count for kind, count in after if kind == "advance") == 2  # type: ignore[misc]
    warnings = [m for kind, m in progress.calls if kind == "warn"]
    assert len(warnings) == 1 and "broken.pdf" in str(warnings[0])
    # The warning comes while parsing, before the last file is counted: when it happens.
    assert after.index(("warn", warnings[0])) < len(after) - 1


def test_plain_lines_name_stages_and_print_each_warning_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    progress = LineProgress()
    progress.stage("parse", total=3)
    progress.advance(3)
    progress.warn("a.pdf: encrypted")
    progress.warn("a.pdf: encrypted")
    progress.stage("verify")
    err = capsys.readouterr().err.splitlines()
    assert err == ["… parse (3 files)", "warning: a.pdf: encrypted", "… verify"]


def test_quiet_keeps_warnings_and_drops_stages(capsys: pytest.CaptureFixture[str]) -> None:
    with open_progress(quiet=True) as progress:
        progress.stage("parse", total=3)
        progress.warn("b.pdf: no text layer")
    assert capsys.readouterr().err.splitlines() == ["warning: b.pdf: no text layer"]


def test_terminal_bar_shows_counts_rate_and_warnings_once() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100, color_system=None)
    with open_progress(console=console) as progress:
        progress.stage("embed", total=40)
        progress.advance(40)
        progress.warn("c.pdf: broken xref")
        progress.warn("c.pdf: broken xref")
    shown = screen.getvalue()
    assert "embed" in shown
    assert "40/40 passages" in shown
    assert shown.count("warning: c.pdf: broken xref") == 1


def test_load_documents_counts_every_file_parsed_cached_or_failed(tmp_path: Path) -> None:
    from synth.parse.cache import load_documents
    from synth.settings import ParseSettings
    from tests.pdf_factory import build_pdf, sample_paper

    good = tmp_path / "paper.pdf"
    good.write_bytes(build_pdf(sample_paper()))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    ticks: list[int] = []
    cache = tmp_path / "parsed"
    first = load_documents([good, broken], ParseSettings(), cache, 1, lambda: ticks.append(1))
    assert len(first) == 2 and len(ticks) == 2
    again = load_documents([good, broken], ParseSettings(), cache, 1, lambda: ticks.append(1))
    assert len(again) == 2 and len(ticks) == 4  # a cache hit is counted too
