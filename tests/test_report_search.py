"""`synth report QUESTION` with no corpus: search → candidates → full text → report, all served
by a local HTTP server (no test touches the internet)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from synth.cli import main
from tests.pdf_factory import build_pdf, sample_paper
from tests.retrieve_support import local_env, not_found_elsewhere, serve

QUESTION = (
    "Can knowledge distillation from a large teacher make small student language models for code "
    "generation faster while keeping their accuracy?"
)


@pytest.fixture
def server(httpserver: HTTPServer) -> HTTPServer:
    serve(httpserver, "/arxiv/api/query", "arxiv_feed_search.xml")
    serve(httpserver, "/crossref/works", "crossref_search.json")
    serve(httpserver, "/s2/graph/v1/paper/search", "s2_search.json")
    httpserver.expect_request("/arxivpdf/pdf/2310.07831v2").respond_with_data(
        build_pdf(sample_paper()), content_type="application/pdf"
    )
    not_found_elsewhere(httpserver)
    return httpserver


def test_question_search_reads_open_full_text_and_reports(
    server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in local_env(server.url_for("/")).items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["report", QUESTION, "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    manifest = json.loads((Path(summary["dir"]) / "manifest.json").read_text())
    by_title = {s["title"]: s for s in manifest["sources"]}
    full = by_title["Distilling Large Language Models into Small Code Generators"]
    assert full["text_level"] == "fulltext" and full["used"]
    assert full["retrieval"]["service"] == "arxiv"
    assert full["authors"][0] == "Zoë Ångström"  # metadata from the service, not the PDF
    assert full["arxiv_id"].startswith("2310.07831")
    assert all(s["text_level"] != "fulltext" for t, s in by_title.items() if t != full["title"])
    assert not any("Bird Migration" in t and s["used"] for t, s in by_title.items())
    assert any(c["source"] == full["key"] for c in manifest["claims"])
    # every request URL was asked once at most: a cold run never re-fetches a resource
    paths = [(req.path, req.query_string) for req, _ in server.log]
    assert len(paths) == len(set(paths))
