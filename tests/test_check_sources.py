"""synth check-sources: re-checking the sources of finished reports against replayed services.

The services are a local pytest-httpserver replaying the recorded responses in
../shared/realdata/api (skipped when absent). The report is the hand-built sample of
tests/report_samples.py with real identifiers put on its sources:

- S1 cites 10.1073/pnas.1414271111, whose recorded Crossref record has a real ``updated-by``
  correction (notice 10.1073/pnas.1507001112); OpenAlex's recorded record says not retracted.
- S2 cites arXiv 1605.08386v1 (the recorded feed: still v1, no withdrawal).
- S3 cites 10.1155/2022/8341966, retracted according to the real Retraction Watch sample
  (Crossref and OpenAlex have no recording for it: the replay answers 404).
- S4 (not used) has no identifier and the title of another Retraction Watch row, written with
  other case and punctuation: found by normalized title only.

No recorded Crossref record carries a *retraction* relation (PROVENANCE.md says so), so the
retraction test serves the recorded pnas record with one field changed: the type of its
``updated-by`` relation, "correction" -> "retraction" (label likewise); nothing else differs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from synth.cli import main
from synth.corrections import merge_corrections, source_events
from synth.errors import InputError
from synth.recheck.notices import arxiv_notices, is_withdrawn_text
from synth.recheck.retraction_watch import (
    load_retraction_watch,
    match_retraction_watch,
    normalize_title,
)
from synth.records import Document
from synth.report.manifest import Manifest, build_manifest, load_manifest, update_index
from synth.report.render import render_report, write_report
from synth.retrieve._atom import parse_feed
from synth.retrieve.arxiv import ArxivStatus
from synth.review import review_report
from synth.settings import ReportSettings, ReviewSettings
from tests import report_samples as rs
from tests.retrieve_support import Replay, load_recordings, local_env

PNAS = "10.1073/pnas.1414271111"
PNAS_NOTICE = "10.1073/pnas.1507001112"
RETRACTED_DOI = "10.1155/2022/8341966"
TITLE_ONLY = "the feature recognition of MOTOR NOISE based on the improved EEMD-model"
# Thresholds low enough that the sample report is DOI-grade before a retraction.
REVIEW = ReviewSettings(doi_grade_min_score=0.0, doi_grade_min_verified=0.5)


def _with_ids(doc: Document, **fields: Any) -> Document:
    return doc.model_copy(update={"work": doc.work.model_copy(update=fields)})


def _manifest(report_id: str = "SRCH:3B06C412", s3_retracted: bool | None = None) -> Manifest:
    docs = rs.documents()
    docs[0] = _with_ids(docs[0], doi=PNAS)
    docs[1] = _with_ids(docs[1], arxiv_id="1605.08386v1")
    docs[2] = _with_ids(docs[2], doi=RETRACTED_DOI, is_retracted=s3_retracted)
    docs[3] = _with_ids(docs[3], title=TITLE_ONLY)
    data = {**rs.bundle(), "documents": docs}
    review, quality = review_report(rs.QUESTION, settings=REVIEW, **data)
    return build_manifest(
        report_id=report_id,
        question=rs.QUESTION,
        review=review,
        quality=quality,
        corrections=merge_corrections(None, source_events(docs, rs.NOW)),
        settings_digest="0123456789ab",
        created_at=rs.NOW,
        updated_at=rs.NOW,
        confidence_note=rs.CONFIDENCE_NOTE,
        **data,
    )


def _write(root: Path, m: Manifest) -> Path:
    folder = root / m.report_id.replace(":", "-")
    final = write_report(folder, m, render_report(m, ReportSettings()))
    update_index(root, final)
    return folder


@pytest.fixture
def report(tmp_path: Path) -> Path:
    m = _manifest()
    assert m.quality.tier == "DOI-grade"
    assert [s.key for s in m.sources if s.doi == PNAS] == ["S1"]
    return _write(tmp_path / "reports", m)


def _retraction_instead(replay: Replay) -> Callable[[Request], Response]:
    """The replay, except that the pnas record's updated-by relation says "retraction"."""
    body = json.loads(
        next(
            r.file for r in replay.recordings if "pnas.1414271111_updated-by" in r.file.name
        ).read_text(encoding="utf-8")
    )
    body["message"]["updated-by"][0].update(type="retraction", label="Retraction")

    def handler(request: Request) -> Response:
        if unquote(request.path).lower() == f"/crossref/works/{PNAS}":
            return Response(json.dumps(body), 200, content_type="application/json")
        return replay(request)

    return handler


@pytest.fixture
def server(httpserver: HTTPServer, realdata: Path, monkeypatch: pytest.MonkeyPatch) -> Replay:
    replay = Replay(load_recordings(realdata))
    for name, value in local_env(httpserver.url_for("/")).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SYNTH_RETRIEVE__OPENALEX_API_KEY", "test-key")
    monkeypatch.setenv("SYNTH_REVIEW__DOI_GRADE_MIN_SCORE", "0")
    monkeypatch.setenv("SYNTH_REVIEW__DOI_GRADE_MIN_VERIFIED", "0.5")
    return replay


def _serve(httpserver: HTTPServer, handler: Callable[[Request], Response]) -> None:
    httpserver.expect_request(re.compile(".*")).respond_with_handler(handler)


def _run(*args: str) -> list[dict[str, Any]]:
    result = CliRunner().invoke(main, ["check-sources", *args, "--json"])
    assert result.exit_code == 0, result.output
    data: list[dict[str, Any]] = json.loads(result.output)
    return data


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.parent.rglob("*")) if p.is_file()}


def test_a_real_crossref_correction_is_recorded_once(
    report: Path, server: Replay, httpserver: HTTPServer
) -> None:
    _serve(httpserver, server)
    (result,) = _run(str(report))
    assert [(a["kind"], a["source"], a["notice"]) for a in result["added"]] == [
        ("source-correction", "S1", f"doi:{PNAS_NOTICE}")
    ]
    assert (result["status_before"], result["status_after"]) == ("CURRENT", "CORRECTED")
    # A correction does not touch the tier: the review rules demote only for retractions.
    assert result["tier_before"] == result["tier_after"] == "DOI-grade"
    assert [u["source"] for u in result["unchecked"]] == ["S4"]  # no identifier to look up
    m = load_manifest(report / "manifest.json")
    (record,) = m.corrections.records
    assert record.affected_claims == ["C1", "C4"]
    assert PNAS_NOTICE in record.reason and "2015-05-04" in record.reason
    assert PNAS_NOTICE in (report / "report.md").read_text(encoding="utf-8")
    index = json.loads((report.parent / "index.jsonl").read_text(encoding="utf-8"))
    assert index["corrections_status"] == "CORRECTED"
    # Second run: the same notice is already recorded; nothing is written at all.
    before = _files(report)
    (again,) = _run(str(report.parent))
    assert again["added"] == [] and again["status_after"] == "CORRECTED"
    assert _files(report) == before


def test_a_crossref_retraction_demotes_the_tier(
    report: Path, server: Replay, httpserver: HTTPServer
) -> None:
    _serve(httpserver, _retraction_instead(server))
    (result,) = _run(str(report / "manifest.json"))
    assert [(a["kind"], a["source"]) for a in result["added"]] == [("source-retraction", "S1")]
    assert (result["tier_before"], result["tier_after"]) == ("DOI-grade", "Watchlist")
    assert result["status_after"] == "CORRECTED"
    m = load_manifest(report / "manifest.json")
    assert m.sources[0].is_retracted
    assert "retracted, which rules out DOI-grade" in m.quality.basis
    html = (report / "report.html").read_text(encoding="utf-8")
    assert "is retracted" in html
    (again,) = _run(str(report))
    assert again["added"] == []
    assert load_manifest(report / "manifest.json") == m


def test_retraction_watch_by_doi_and_by_title(
    report: Path, server: Replay, httpserver: HTTPServer, realdata: Path
) -> None:
    _serve(httpserver, server)
    csv = realdata / "retractions" / "retractionwatch_sample_20rows.csv"
    (result,) = _run(str(report), "--retraction-watch", str(csv))
    kinds = {(a["source"], a["kind"]) for a in result["added"]}
    assert kinds == {
        ("S1", "source-correction"),
        ("S3", "source-retraction"),  # by DOI
        ("S4", "source-retraction"),  # by normalized title (no DOI)
    }
    notices = {a["source"]: a["notice"] for a in result["added"]}
    assert notices["S3"] == "doi:10.1155/2023/9753475"  # the row's RetractionDOI
    by_source = {a["source"]: a["reason"] for a in result["added"]}
    assert "matched by DOI" in by_source["S3"] and "matched by title" in by_source["S4"]
    # S3 is used, so the tier falls; 1 of 3 used sources retracted is no withdrawal.
    assert (result["tier_after"], result["status_after"]) == ("Watchlist", "CORRECTED")
    (again,) = _run(str(report), "--retraction-watch", str(csv))
    assert again["added"] == []


def test_withdrawn_when_most_used_sources_are_retracted(
    report: Path, server: Replay, httpserver: HTTPServer, realdata: Path
) -> None:
    _serve(httpserver, _retraction_instead(server))
    csv = realdata / "retractions" / "retractionwatch_sample_20rows.csv"
    (result,) = _run(str(report), "--retraction-watch", str(csv))
    assert result["added"][-1]["kind"] == "withdrawal"
    assert "2 of 3 used sources are retracted (S1, S3)" in result["added"][-1]["reason"]
    assert result["status_after"] == "WITHDRAWN"
    (again,) = _run(str(report), "--retraction-watch", str(csv))
    assert again["added"] == [] and again["status_after"] == "WITHDRAWN"


def test_offline_names_what_it_could_not_check(
    report: Path, server: Replay, httpserver: HTTPServer
) -> None:
    _serve(httpserver, server)
    (cold,) = _run(str(report), "--offline")
    assert cold["added"] == [] and cold["status_after"] == "CURRENT"
    missing = {(u["source"], u["service"]) for u in cold["unchecked"]}
    assert missing == {
        ("S1", "crossref"),
        ("S1", "openalex"),
        ("S2", "arxiv"),
        ("S3", "crossref"),
        ("S3", "openalex"),
        ("S4", "crossref, arxiv"),
    }
    assert all(
        u["reason"] == "offline and not in the cache"
        for u in cold["unchecked"]
        if u["source"] != "S4"
    )
    assert server.served == []
    _run(str(report))  # online: asks the services and fills the cache
    served = len(server.served)
    (warm,) = _run(str(report), "--offline")
    assert {u["source"] for u in warm["unchecked"]} == {"S4"}  # no identifier to look up
    assert warm["added"] == [] and len(server.served) == served
    # Online again: cached answers are not reused, a re-check asks the services afresh.
    _run(str(report))
    assert len(server.served) == 2 * served


def test_each_identifier_is_asked_once_per_run(
    report: Path, server: Replay, httpserver: HTTPServer
) -> None:
    _serve(httpserver, server)
    _write(report.parent, _manifest("SRCH:0000AAAA"))
    results = _run(str(report.parent))
    assert [r["report_id"] for r in results] == ["SRCH:0000AAAA", "SRCH:3B06C412"]
    assert all(len(r["added"]) == 1 for r in results)
    assert sum("pnas.1414271111_updated-by" in f.name for f in server.served) == 1
    lines = (report.parent / "index.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["corrections_status"] for line in lines] == ["CORRECTED"] * 2


def test_a_retraction_recorded_at_build_time_is_not_repeated(
    tmp_path: Path, server: Replay, httpserver: HTTPServer, realdata: Path
) -> None:
    _serve(httpserver, server)
    folder = _write(tmp_path / "reports", _manifest(s3_retracted=True))
    (built,) = load_manifest(folder / "manifest.json").corrections.records
    assert built.kind == "source-retraction"
    csv = realdata / "retractions" / "retractionwatch_sample_20rows.csv"
    (result,) = _run(str(folder), "--retraction-watch", str(csv))
    assert {(a["source"], a["kind"]) for a in result["added"]} == {
        ("S1", "source-correction"),
        ("S4", "source-retraction"),
    }
    assert load_manifest(folder / "manifest.json").corrections.records[0] == built


def test_terminal_table_names_changes_and_gaps(
    report: Path, server: Replay, httpserver: HTTPServer
) -> None:
    _serve(httpserver, server)
    result = CliRunner().invoke(main, ["check-sources", str(report), "--offline"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["report", "sources", "added", "status", "tier", "not", "checked"]
    assert lines[1].split()[:3] == ["SRCH:3B06C412", "4", "0"]
    assert any("not checked: S2 arXiv:1605.08386v1 via arxiv" in line for line in lines)


def test_bad_inputs_are_one_line_and_write_nothing(tmp_path: Path, report: Path) -> None:
    bad_csv = tmp_path / "rw.csv"
    bad_csv.write_text("Title,DOI\nx,10.1/x\n", encoding="utf-8")
    before = _files(report)
    result = CliRunner().invoke(
        main, ["check-sources", str(report), "--retraction-watch", str(bad_csv)]
    )
    assert result.exit_code == 2
    assert "not a Retraction Watch CSV; missing column(s) Record ID" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(main, ["check-sources", str(empty)])
    assert result.exit_code == 2
    assert "not a report folder, a manifest.json or a reports folder" in result.output
    assert _files(report) == before


def test_retraction_watch_reader(realdata: Path) -> None:
    index = load_retraction_watch(realdata / "retractions" / "retractionwatch_sample_20rows.csv")
    assert index.rows == 20
    (notice,) = match_retraction_watch(index, "10.1155/2022/9172719", "")
    assert (notice.kind, notice.date) == ("retraction", "2023-07-12")
    assert notice.notice == "doi:10.1155/2023/9756480"
    # A title match never overrules a DOI that points elsewhere.
    assert match_retraction_watch(index, "10.5555/other", TITLE_ONLY) == []
    assert normalize_title("  The  EEMD–Modèl: (Improved)! ") == "the eemd model improved"
    with pytest.raises(InputError, match="missing column"):
        load_retraction_watch(Path(__file__))


def _status(version: int, comment: str | None = None) -> ArxivStatus:
    return ArxivStatus(
        arxiv_id="1605.08386",
        latest_version=version,
        comment=comment,
        summary=None,
        url="http://127.0.0.1/arxiv",
        retrieved_at=rs.NOW,
    )


def test_the_arxiv_comment_is_read(realdata: Path) -> None:
    feed = parse_feed((realdata / "api" / "arxiv" / "query_id_list_1605.08386.xml").read_bytes())
    assert feed.entries[0].comment == "20 pages, 3 figures"


def test_arxiv_new_versions_and_withdrawals() -> None:
    assert arxiv_notices(_status(1), "1605.08386v1") == []
    (newer,) = arxiv_notices(_status(3), "1605.08386v1")
    assert (newer.kind, newer.notice) == ("new-version", "arXiv:1605.08386v3")
    assert arxiv_notices(_status(3), "1605.08386") == []  # no cited version: nothing to compare
    (gone,) = arxiv_notices(
        _status(2, "This paper has been withdrawn by the author"), "1605.08386v1"
    )
    assert gone.kind == "retraction"
    assert not is_withdrawn_text("20 pages, 3 figures")
    assert is_withdrawn_text("Withdrawn: a flaw in Lemma 2")
