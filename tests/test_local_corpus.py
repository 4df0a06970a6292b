"""scan_corpus: PDFs and JSONL records from --corpus paths, with one failure per bad input."""

from __future__ import annotations

import json
from pathlib import Path

from synth.retrieve.local import scan_corpus


def _jsonl(path: Path, rows: list[object]) -> Path:
    lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_folders_are_scanned_recursively_and_sorted(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deep").mkdir(parents=True)
    for name in ("b/two.PDF", "a/deep/one.pdf", "zeta.pdf", "notes.txt"):
        (tmp_path / name).write_bytes(b"%PDF-1.4")
    _jsonl(tmp_path / "a" / "papers.jsonl", [{"title": "Paper A"}])
    scan = scan_corpus([tmp_path])
    assert scan.pdfs == sorted(
        [tmp_path / "a/deep/one.pdf", tmp_path / "b/two.PDF", tmp_path / "zeta.pdf"]
    )
    assert [r.title for r in scan.records] == ["Paper A"]
    assert scan.failures == []


def test_files_given_directly_and_duplicates(tmp_path: Path) -> None:
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    corpus = _jsonl(tmp_path / "c.jsonl", [{"title": "One"}])
    scan = scan_corpus([pdf, corpus, tmp_path])
    assert scan.pdfs == [pdf]
    assert [r.title for r in scan.records] == ["One"]
    assert scan.record_origins == [f"{corpus.resolve().as_uri()}#L1"]


def test_bad_lines_become_one_failure_each(tmp_path: Path) -> None:
    corpus = _jsonl(
        tmp_path / "corpus.jsonl",
        [
            {"title": "Good \u00e9t\u00e9 \u4e2d\u6587", "abstract": "R\u00e9sum\u00e9."},
            {"authors": ["No Title"]},
            "{broken json",
            "",
            "[1, 2]",
            {"title": "   "},
            {"title": "Also good", "year": 2020, "unknown_field": 1},
            {"title": "Bad year", "year": "soon"},
        ],
    )
    scan = scan_corpus([corpus])
    assert [r.title for r in scan.records] == ["Good \u00e9t\u00e9 \u4e2d\u6587", "Also good"]
    assert scan.record_origins[1].endswith("#L7")
    reasons = {f.input: f.reason for f in scan.failures}
    assert set(reasons) == {f"{corpus}:{n}" for n in (2, 3, 5, 6, 8)}
    assert reasons[f"{corpus}:2"] == "missing title"
    assert reasons[f"{corpus}:3"].startswith("invalid JSON")
    assert reasons[f"{corpus}:5"] == "not a JSON object"
    assert "year" in reasons[f"{corpus}:8"]
    assert all(f.stage == "retrieve" for f in scan.failures)


def test_missing_and_unsupported_paths(tmp_path: Path) -> None:
    other = tmp_path / "readme.txt"
    other.write_text("hi", encoding="utf-8")
    scan = scan_corpus([tmp_path / "nowhere", other])
    assert scan.pdfs == []
    assert scan.records == []
    assert [f.reason for f in scan.failures] == [
        "no such file or folder",
        "not a PDF or JSONL file",
    ]


def test_unreadable_jsonl_file(tmp_path: Path) -> None:
    corpus = tmp_path / "latin1.jsonl"
    corpus.write_bytes(b'{"title": "caf\xe9"}\n')
    scan = scan_corpus([corpus])
    assert len(scan.failures) == 1
    assert "cannot read" in scan.failures[0].reason
