"""Hostile inputs (issue 10): each becomes a recorded failure or a clear error, never a crash."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from synth.cli import main
from synth.errors import InputError, ParseError
from synth.fingerprint import inputs_digest
from synth.gather import gather_documents
from synth.parse.pdf import parse_pdf
from synth.records import ReportRequest
from synth.retrieve.local import read_jsonl, scan_corpus
from synth.settings import ParseSettings, Settings
from tests.pdf_factory import Text, _content, _font, _serialize, build_pdf

_WORDS = "Knowledge distillation transfers what a large teacher learned to a small student."


def _text_pdf() -> bytes:
    return build_pdf([[Text(72, 700 - 12 * k, _WORDS) for k in range(8)]])


def _pdf(pages_node: bytes, extra: list[bytes] | None = None, page: bytes = b"") -> bytes:
    """One text page (object 5) under the page tree node 2, with the given twists."""
    stream = _content([Text(72, 700 - 12 * k, _WORDS) for k in range(8)])
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        pages_node,
        _font(b"Helvetica"),
        _font(b"Helvetica-Bold"),
        b"<< /Type /Page /Parent 2 0 R /Contents 6 0 R %s"
        b" /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>" % page,
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        *(extra or []),
    ]
    return _serialize(objects, None)


def _cyclic_pdf() -> bytes:
    # The page's /Parent is a /Pages node whose /Kids holds that node itself and the page.
    return _pdf(b"<< /Type /Pages /Kids [2 0 R 5 0 R] /Count 1 >>", page=b"/MediaBox [0 0 612 792]")


def _deep_tree_pdf(depth: int = 150) -> bytes:
    """A chain of /Pages nodes deeper than pypdf allows (it raises a non-PdfReadError)."""
    first = 7
    chain = [
        b"<< /Type /Pages /Parent %d 0 R /Kids [%d 0 R] /Count 1 >>"
        % (first + k - 1 if k else 2, first + k + 1 if k < depth - 1 else 5)
        for k in range(depth)
    ]
    return _pdf(
        b"<< /Type /Pages /Kids [7 0 R] /Count 1 >>", chain, page=b"/MediaBox [0 0 612 792]"
    )


# --- 1. page-tree reference cycles and other hostile page trees ---------------------------


@pytest.mark.parametrize("build", [_cyclic_pdf, _deep_tree_pdf])
def test_hostile_page_tree_is_one_parse_error_naming_the_file(
    tmp_path: Path, build: object
) -> None:
    path = tmp_path / "cycle.pdf"
    path.write_bytes(build())  # type: ignore[operator]  # a builder from the parametrize list
    with pytest.raises(ParseError) as info:
        parse_pdf(path, ParseSettings())
    assert str(path) in str(info.value)
    assert "broken PDF" in info.value.reason
    assert "\n" not in str(info.value)


def test_hostile_pdf_is_a_source_failure_and_the_rest_goes_on(tmp_path: Path) -> None:
    (tmp_path / "good.pdf").write_bytes(_text_pdf())
    (tmp_path / "deep.pdf").write_bytes(_deep_tree_pdf())
    request = ReportRequest(question="What does distillation do?", corpus=[tmp_path])
    docs, failures = gather_documents(request, Settings())
    assert len(docs) == 1
    assert [f.input for f in failures] == [str(tmp_path / "deep.pdf")]


# --- 13. damaged pages say what failed; the OCR hint is for PDFs without text -------------


def test_pages_that_fail_to_decode_are_not_called_scanned(tmp_path: Path) -> None:
    path = tmp_path / "damaged.pdf"
    # No /MediaBox anywhere: pypdf raises on every page.
    path.write_bytes(_pdf(b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>"))
    with pytest.raises(ParseError) as info:
        parse_pdf(path, ParseSettings())
    assert "OCR" not in info.value.reason
    assert info.value.reason.startswith("damaged PDF: 1 of 1 pages failed to decode (page 1: ")
    assert "MediaBox" in info.value.reason


def test_pdf_without_text_still_gets_the_ocr_hint(tmp_path: Path) -> None:
    path = tmp_path / "blank.pdf"
    path.write_bytes(build_pdf([[], []]))
    with pytest.raises(ParseError, match="OCR it first"):
        parse_pdf(path, ParseSettings())


# --- 2. entries named *.pdf that are not regular files --------------------------------------


def _odd_entries(folder: Path) -> dict[str, str]:
    (folder / "dangling.pdf").symlink_to(folder / "absent.pdf")
    (folder / "loop.pdf").symlink_to(folder / "loop.pdf")
    (folder / "x.pdf").mkdir()
    os.mkfifo(folder / "fifo.pdf")
    os.mkfifo(folder / "fifo.jsonl")
    return {
        "dangling.pdf": "broken symlink",
        "loop.pdf": "symlink loop",
        "fifo.pdf": "FIFO",
        "fifo.jsonl": "FIFO",
    }


def test_non_regular_entries_are_recorded_and_never_opened(tmp_path: Path) -> None:
    expected = _odd_entries(tmp_path)
    (tmp_path / "x.pdf" / "inside.pdf").write_bytes(b"%PDF-1.4")
    scan = scan_corpus([tmp_path, tmp_path / "fifo.pdf"])
    assert scan.pdfs == [tmp_path / "x.pdf" / "inside.pdf"]
    reasons = {Path(f.input).name: f.reason for f in scan.failures}
    assert set(reasons) == set(expected)
    for name, word in expected.items():
        assert word in reasons[name]


def _hang(_signum: int, _frame: object) -> None:
    raise AssertionError("blocked (a FIFO was opened)")


def test_the_inputs_digest_skips_non_regular_entries(tmp_path: Path) -> None:
    _odd_entries(tmp_path)
    (tmp_path / "good.pdf").write_bytes(_text_pdf())
    request = ReportRequest(question="What does distillation do?", corpus=[tmp_path])
    # Before the fix this opened the FIFO and blocked forever, or raised on the links.
    previous = signal.signal(signal.SIGALRM, _hang)
    signal.alarm(20)
    try:
        assert len(inputs_digest(request, Settings())) == 16
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- 3. file names that are not UTF-8 -------------------------------------------------------


def test_non_utf8_file_names_are_hashed_parsed_and_printable(tmp_path: Path) -> None:
    (tmp_path / os.fsdecode(b"hinton_\xe9t\xe9.pdf")).write_bytes(_text_pdf())
    (tmp_path / os.fsdecode(b"broken_\xff.pdf")).write_bytes(b"%PDF-1.4 not really")
    request = ReportRequest(question="What does distillation do?", corpus=[tmp_path])
    assert len(inputs_digest(request, Settings())) == 16
    docs, failures = gather_documents(request, Settings())
    assert [d.work.title for d in docs] == ["hinton_\\xe9t\\xe9"]
    assert [f.input for f in failures] == [str(tmp_path / "broken_\\xff.pdf")]
    for record in [*docs, *failures]:
        record.model_dump_json().encode("utf-8")


# --- 4 and 8. JSONL lines: each bad one is skipped and named, the good ones are kept -------


def test_bad_jsonl_lines_are_named_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    lines = [
        b'\xef\xbb\xbf{"title": "After a BOM"}',
        b'{"title": "Caf\xe9 in Latin-1"}',
        b"[" * 200_000 + b"]" * 200_000,
        b'{"title": "\\ud800 lone surrogate"}',
        b'{"title": "Line\xe2\x80\xa8separator inside a string"}',
        b'{"title": "Emoji \\ud83d\\ude00 pair"}\r',
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    scan = scan_corpus([path])
    assert [r.title for r in scan.records] == [
        "After a BOM",
        "Line\u2028separator inside a string",
        "Emoji \U0001f600 pair",
    ]
    assert [o.rsplit("#", 1)[1] for o in scan.record_origins] == ["L1", "L5", "L6"]
    reasons = {f.input: f.reason for f in scan.failures}
    assert set(reasons) == {f"{path}:{n}" for n in (2, 3, 4)}
    assert "cannot read as UTF-8" in reasons[f"{path}:2"]
    assert "nested too deeply" in reasons[f"{path}:3"]
    assert "surrogate" in reasons[f"{path}:4"]


def test_deep_jsonl_line_in_a_verify_source_is_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text("[" * 200_000 + "]" * 200_000 + '\n{"title": "Kept"}\n', encoding="utf-8")
    request = ReportRequest(question="What does distillation do?", corpus=[path])
    docs, failures = gather_documents(request, Settings())
    assert [d.work.title for d in docs] == ["Kept"]
    assert [f.input for f in failures] == [f"{path}:1"]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
_RECORDS = st.dictionaries(
    st.sampled_from(["title", "authors", "year", "abstract", "text", "doi", "extra"]),
    _JSON,
    max_size=5,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(_RECORDS | _JSON, min_size=1, max_size=6))
def test_any_json_lines_are_records_or_named_failures(tmp_path: Path, rows: list[object]) -> None:
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(b"\n".join(json.dumps(r).encode() for r in rows) + b"\n")
    scan = scan_corpus([path])
    assert len(scan.records) + len(scan.failures) == len(rows)
    assert all(f.input.startswith(f"{path}:") for f in scan.failures)
    for record in scan.records:
        record.model_dump_json()


def test_read_jsonl_reports_an_unreadable_file_once(tmp_path: Path) -> None:
    scan = scan_corpus([])
    read_jsonl(tmp_path / "gone.jsonl", scan)
    assert [f.reason for f in scan.failures] == [
        "cannot read JSONL file (No such file or directory)"
    ]


# --- 6 and 12. questions: one validation in ReportRequest -----------------------------------


@pytest.mark.parametrize("question", ["", "a", "ab", "   ", "???", "!!! ...", "\x00\x01\x02", "—…"])
def test_questions_without_words_are_rejected(question: str) -> None:
    with pytest.raises(ValidationError, match="question"):
        ReportRequest(question=question)


def test_control_characters_are_dropped_from_questions() -> None:
    request = ReportRequest(question="  What\x00 is\tdistil\x1blation\ud800?\n")
    assert request.question == "What is distillation?"


@settings(max_examples=300, deadline=None)
@given(question=st.text(max_size=40))
def test_every_question_is_rejected_or_has_words(question: str) -> None:
    try:
        request = ReportRequest(question=question)
    except ValidationError:
        return
    assert any(ch.isalnum() for ch in request.question)
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in request.question)
    request.question.encode("utf-8")


@pytest.mark.parametrize("question", ["", "ab", "???"])
def test_cli_bad_question_is_one_line_exit_2(tmp_path: Path, question: str) -> None:
    result = CliRunner().invoke(
        main, ["report", question, "--corpus", str(tmp_path), "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 2, result.output
    assert "invalid question:" in result.output
    assert "Traceback" not in result.output
    assert "validation error" not in result.output


def test_batch_bad_question_is_an_input_error(tmp_path: Path) -> None:
    questions = tmp_path / "questions.txt"
    questions.write_text("What does distillation do?\n???\n", encoding="utf-8")
    args = ["batch", str(questions), "--corpus", str(tmp_path), "--out", str(tmp_path / "r")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert f"{questions}:2" in result.output


def _no_work(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("the pipeline started work before checking --out")


@pytest.mark.parametrize("out", ["file/reports", "/proc/synth-reports"])
def test_unwritable_out_fails_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str
) -> None:
    from synth import pipeline

    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr(pipeline, "_previous_manifest", _no_work)
    monkeypatch.setattr(pipeline.gather, "gather_documents", _no_work)
    request = ReportRequest(question="What does distillation do?", out_dir=tmp_path / out)
    with pytest.raises(InputError, match="not a writable folder"):
        pipeline.run_report(request, Settings(), embedder=object())  # type: ignore[arg-type]


def test_claims_file_bad_lines_are_one_line_errors(tmp_path: Path) -> None:
    from synth.cli.verify import read_claims_file
    from synth.errors import InputError

    deep = tmp_path / "deep.jsonl"
    deep.write_text("[" * 200000 + "]" * 200000 + "\n")
    with pytest.raises(InputError, match=r"deep.jsonl:1: invalid JSON \(nested too deeply\)"):
        read_claims_file(deep)
    byte = tmp_path / "byte.jsonl"
    byte.write_bytes(b'\xef\xbb\xbf{"id": 1, "claim": "A claim.", "sources": ["x.pdf"]}\n\xff\n')
    with pytest.raises(InputError, match=r"byte.jsonl:2: cannot read as UTF-8 \(byte 0xff"):
        read_claims_file(byte)


def test_batch_line_errors_name_the_reason(tmp_path: Path) -> None:
    from synth.batch import load_questions
    from synth.errors import InputError
    from synth.records import ReportRequest

    q = tmp_path / "q.jsonl"
    q.write_text('{"question": "?!?"}\n')
    template = ReportRequest(question="placeholder question", out_dir=tmp_path / "out")
    with pytest.raises(InputError, match=r"q.jsonl:1: not a valid request \(question: .*letters"):
        load_questions(q, template)
