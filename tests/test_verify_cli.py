"""`synth verify`: one claim, a JSONL batch, its error messages, and the path it shares with reports.

Tests marked ``model`` run the real verifier. The others replace ``verify_claims`` with a recorder,
so they check what the command hands the verifier (documents, index folder) and how it prints,
without loading a model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from synth.cli import main
from synth.gather import gather_documents
from synth.records import Claim, Document, Evidence, ReportRequest, Verdict
from synth.settings import VerifySettings, load_settings
from tests.pdf_factory import build_pdf, sample_paper
from tests.test_pipeline import QUESTION, write_corpus

EVIDENCE_KEYS = {"source", "page", "text", "score", "stance", "note"}
PAPER = (
    "Drug X and blood pressure. In a randomized trial of 400 adults, drug X lowered systolic "
    "blood pressure by 12 mmHg compared with placebo. Adverse events were mild and occurred at "
    "similar rates in both groups. Participants were recruited at five hospitals."
)


@pytest.fixture
def paper(tmp_path: Path) -> Path:
    path = tmp_path / "trial.txt"
    path.write_text(PAPER, encoding="utf-8")
    return path


@pytest.mark.model
def test_single_claim_json(paper: Path) -> None:
    claim = "Drug X lowered systolic blood pressure by 30 mmHg compared with placebo."
    result = CliRunner().invoke(main, ["verify", claim, "--source", str(paper), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) == {"id", "verdict", "confidence", "evidence"}
    assert out["verdict"] == "contradicted"  # 30 mmHg against the paper's 12 mmHg
    assert out["evidence"][0]["source"] == str(paper)
    assert "12 mmHg" in out["evidence"][0]["text"]
    assert set(out["evidence"][0]) == EVIDENCE_KEYS
    assert {e["stance"] for e in out["evidence"]} <= {"supports", "contradicts", "neutral"}


@pytest.mark.model
def test_claims_file_prints_one_line_per_claim_in_order(paper: Path, tmp_path: Path) -> None:
    rows = [
        {
            "id": "a",
            "claim": "Drug X reduced systolic blood pressure by 12 mmHg versus placebo "
            "in a randomized trial of adults.",
            "sources": [str(paper)],
        },
        {
            "id": "b",
            "claim": "Glaciers in the Alps have lost mass since 1850.",
            "sources": [str(paper)],
        },
    ]
    claims = tmp_path / "claims.jsonl"
    claims.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["verify", "--claims", str(claims)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [r["id"] for r in lines] == ["a", "b"]
    # The shipped pair model misreads this rewording ("reduced ... versus" for "lowered ...
    # compared with") as a contradiction, so only the evidence and the order are asserted here
    # (a known limit, see data/verifier/MODEL_CARD.md).
    assert any("12 mmHg" in e["text"] for e in lines[0]["evidence"])
    assert lines[1]["verdict"] == "unverified"
    assert lines[0]["confidence"] > lines[1]["confidence"]


def test_identifier_sources_are_refused_with_a_hint() -> None:
    result = CliRunner().invoke(main, ["verify", "Some claim.", "--source", "10.1145/3649506"])
    assert result.exit_code == 2
    assert "pass a PDF" in result.output


def test_claim_and_claims_file_are_exclusive(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["verify"]).exit_code == 2
    assert runner.invoke(main, ["verify", "A claim."]).exit_code == 2  # no --source


def test_malformed_claims_line_names_the_line(tmp_path: Path) -> None:
    claims = tmp_path / "claims.jsonl"
    claims.write_text(
        '{"id": "a", "claim": "x", "sources": ["p"]}\n{"id": "b"}\n', encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["verify", "--claims", str(claims)])
    assert result.exit_code == 2
    assert "claims.jsonl:2" in result.output


class Recorder:
    """Stands in for ``verify_claims``: records each call, cites each document's first passage."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], list[str], Path]] = []

    def __call__(
        self,
        claims: list[Claim],
        documents: list[Document],
        embedder: object,
        settings: VerifySettings,
        cache_dir: Path,
        stack: object = None,
    ) -> list[Verdict]:
        self.calls.append(([c.claim_id for c in claims], [d.doc_id for d in documents], cache_dir))
        evidence = [
            Evidence(
                doc_id=d.doc_id,
                passage_idx=d.passages[0].idx,
                page=d.passages[0].page,
                text=d.passages[0].text,
                score=0.25,
                same_document=False,
                note="a rule spoke",
            )
            for d in documents
            if d.passages
        ]
        return [
            Verdict(claim_id=c.claim_id, label="unverified", confidence=0.5, evidence=evidence)
            for c in claims
        ]


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    fake = Recorder()
    # By name, so the import happens here: tests without the recorder never load the verifier.
    monkeypatch.setattr("synth.verify.verifier.verify_claims", fake)
    return fake


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    path = tmp_path / "students.pdf"
    path.write_bytes(build_pdf(sample_paper()))
    return path


def _claims_file(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _error_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_documents_and_index_folder_are_the_reports(
    recorder: Recorder, pdf: Path, tmp_path: Path
) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl")
    claims = _claims_file(
        tmp_path / "claims.jsonl",
        [{"id": "k1", "claim": "Students match teachers.", "sources": [str(pdf), str(corpus)]}],
    )
    result = CliRunner().invoke(main, ["verify", "--claims", str(claims)])
    assert result.exit_code == 0, result.output
    settings = load_settings()
    request = ReportRequest(question=QUESTION, corpus=[pdf, corpus], search=False)
    report_docs, failures = gather_documents(request, settings)
    assert failures == []
    [(claim_ids, doc_ids, cache_dir)] = recorder.calls
    assert claim_ids == ["k1"]
    assert doc_ids == [d.doc_id for d in report_docs]
    assert cache_dir == settings.cache_dir("index")
    assert list(settings.cache_dir("parsed").glob("*.json")), "the PDF goes through the parse cache"


def test_json_lines_carry_stance_score_and_note(
    recorder: Recorder, paper: Path, pdf: Path, tmp_path: Path
) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl")
    claims = _claims_file(
        tmp_path / "claims.jsonl",
        [
            {"id": "a", "claim": "Drug X lowers blood pressure.", "sources": [str(paper)]},
            {"id": "b", "claim": "Students match teachers.", "sources": [str(pdf), str(corpus)]},
        ],
    )
    result = CliRunner().invoke(main, ["verify", "--claims", str(claims), "--json"])
    assert result.exit_code == 0, result.output
    a, b = (json.loads(line) for line in result.stdout.splitlines())
    assert set(a) == {"id", "verdict", "confidence", "evidence"}
    assert [a["id"], b["id"]] == ["a", "b"]
    ev = a["evidence"][0]
    assert set(ev) == EVIDENCE_KEYS
    assert (ev["source"], ev["stance"], ev["score"], ev["note"]) == (
        str(paper),
        "neutral",
        0.25,
        "a rule spoke",
    )
    sources = [e["source"] for e in b["evidence"]]
    assert sources[0] == str(pdf)  # one document: named by the source as given
    assert all(s.startswith(corpus.resolve().as_uri() + "#L") for s in sources[1:])
    assert len(recorder.calls) == 2  # one evidence index per distinct set of sources


def test_text_output_shows_stance_and_note(recorder: Recorder, paper: Path) -> None:
    result = CliRunner().invoke(main, ["verify", "Drug X works.", "--source", str(paper)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "C1  unverified  (confidence 0.50)"
    assert lines[1].startswith(f"  [{paper} p.1 neutral score 0.25] ")
    assert lines[2] == "    note: a rule spoke"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("broken.pdf", b"this is no PDF", "not a PDF"),
        ("absent.pdf", None, "no such file or folder"),
        ("latin1.txt", b"caf\xe9 au lait", "cannot read text file"),
        ("empty.txt", b"  \n", "empty text file"),
        ("notes.docx", b"PK", "not a PDF, JSONL or .txt file"),
    ],
)
def test_a_bad_source_is_a_one_line_error(
    recorder: Recorder, tmp_path: Path, name: str, content: bytes | None, reason: str
) -> None:
    source = tmp_path / name
    if content is not None:
        source.write_bytes(content)
    result = CliRunner().invoke(main, ["verify", "Drug X works.", "--source", str(source)])
    assert result.exit_code == 1
    assert result.stdout == ""
    [line] = _error_lines(result.stderr)
    assert line.startswith("Error: no readable source")
    assert str(source) in line and reason in line
    assert recorder.calls == []


def test_a_failing_source_among_several_is_reported_and_the_rest_go_on(
    recorder: Recorder, paper: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"this is no PDF")
    absent = tmp_path / "absent.pdf"
    args = ["verify", "Drug X works.", "--json"]
    for source in (paper, broken, absent):
        args += ["--source", str(source)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["evidence"][0]["source"] == str(paper)
    warnings = _error_lines(result.stderr)
    assert len(warnings) == 2
    assert warnings[0].startswith(f"warning: {broken}: not a PDF")
    assert warnings[1] == f"warning: {absent}: no such file or folder"
    [(_, doc_ids, _)] = recorder.calls
    assert len(doc_ids) == 1


def test_a_claim_left_without_sources_fails_the_run_after_the_others(
    recorder: Recorder, paper: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"this is no PDF")
    claims = _claims_file(
        tmp_path / "claims.jsonl",
        [
            {"id": "a", "claim": "Drug X works.", "sources": [str(paper)]},
            {"id": "b", "claim": "Drug Y works.", "sources": [str(broken)]},
        ],
    )
    result = CliRunner().invoke(main, ["verify", "--claims", str(claims)])
    assert result.exit_code == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a"]
    errors = _error_lines(result.stderr)
    assert errors[0].startswith(f"warning: {broken}: not a PDF")
    assert errors[1] == f"error: b: none of its sources could be read: {broken}"
    assert errors[2] == "Error: 1 of 2 claims had no readable source"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"id": "a", "claim": "  ", "sources": ["p.pdf"]},
            "claims.jsonl:1: claim: the claim is empty",
        ),
        ({"id": "a", "claim": "x", "sources": []}, "claims.jsonl:1: sources:"),
        ({"id": "a", "claim": "x", "sources": "p.pdf"}, "claims.jsonl:1: sources:"),
        ({"id": "", "claim": "x", "sources": ["p.pdf"]}, "claims.jsonl:1: id:"),
    ],
)
def test_bad_claims_rows_name_the_line_and_field(
    tmp_path: Path, row: dict[str, Any], message: str
) -> None:
    claims = _claims_file(tmp_path / "claims.jsonl", [row])
    result = CliRunner().invoke(main, ["verify", "--claims", str(claims)])
    assert result.exit_code == 2
    assert message in result.stderr


def test_empty_claim_and_empty_claims_file_are_refused(tmp_path: Path, paper: Path) -> None:
    result = CliRunner().invoke(main, ["verify", "   ", "--source", str(paper)])
    assert result.exit_code == 2
    assert "Error: CLAIM is empty" in result.stderr
    empty = tmp_path / "claims.jsonl"
    empty.write_text("\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["verify", "--claims", str(empty)])
    assert result.exit_code == 2
    assert "no claims in the file" in result.stderr


def test_duplicate_claim_ids_are_refused(tmp_path: Path) -> None:
    row = {"id": "a", "claim": "x", "sources": ["p.pdf"]}
    claims = _claims_file(tmp_path / "claims.jsonl", [row, row])
    result = CliRunner().invoke(main, ["verify", "--claims", str(claims)])
    assert result.exit_code == 2
    assert "claims.jsonl:2: duplicate id 'a'" in result.stderr


def test_help_describes_the_sources() -> None:
    result = CliRunner().invoke(main, ["verify", "--help"])
    assert result.exit_code == 0
    assert "--claims FILE" in result.output and "synth report" in result.output


@pytest.mark.model
def test_report_and_verify_hand_the_verifier_the_same_documents_and_folder(
    recorder: Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl")
    out = tmp_path / "reports"
    report = CliRunner().invoke(
        main, ["report", QUESTION, "--corpus", str(corpus), "--out", str(out), "--json"]
    )
    assert report.exit_code == 0, report.output
    claims = _claims_file(
        tmp_path / "claims.jsonl",
        [{"id": "k1", "claim": "Students match teachers.", "sources": [str(corpus)]}],
    )
    verify = CliRunner().invoke(main, ["verify", "--claims", str(claims)])
    assert verify.exit_code == 0, verify.output
    (_, report_docs, report_dir), (_, verify_docs, verify_dir) = recorder.calls
    assert report_dir == verify_dir
    assert report_docs and set(report_docs) <= set(verify_docs)  # a report verifies used sources
