"""Resolving identifiers across services, PDFs, and the ``synth fetch`` / ``synth cache`` CLI."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from synth.cli import main
from synth.errors import NotFoundError, RetrievalError
from synth.records import Work
from synth.retrieve._http import HttpClient, build_client
from synth.retrieve.resolve import fetch_pdf, resolve_identifier
from synth.settings import RetrieveSettings
from tests.retrieve_support import FakeClock, local_env, local_settings, not_found_elsewhere, serve

DOI = "10.5555/kdcode.2023.1"


@pytest.fixture
def settings(httpserver: HTTPServer) -> RetrieveSettings:
    return local_settings(httpserver.url_for("/"), mailto="me@example.org", openalex_api_key="k")


@pytest.fixture
def client(settings: RetrieveSettings, tmp_path: Path) -> Iterator[HttpClient]:
    with build_client(settings, tmp_path, clock=FakeClock(), rng=random.Random(3)) as c:
        yield c


def _serve_doi_services(httpserver: HTTPServer, crossref_ok: bool = True) -> None:
    if crossref_ok:
        serve(httpserver, f"/crossref/works/{DOI}", "crossref_work_retracted.json")
    else:
        httpserver.expect_request(f"/crossref/works/{DOI}").respond_with_data("boom", status=500)
    serve(httpserver, f"/s2/graph/v1/paper/DOI:{DOI}", "s2_paper.json")
    serve(httpserver, f"/openalex/works/https://doi.org/{DOI}", "openalex_work.json")
    serve(httpserver, f"/unpaywall/v2/{DOI}", "unpaywall_record.json")
    not_found_elsewhere(httpserver)


def test_doi_merges_services_with_per_field_origins(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    _serve_doi_services(httpserver)
    work = resolve_identifier(f"https://doi.org/{DOI.upper()}", client, settings)
    sources = {name: origin.service for name, origin in work.origins.items()}
    assert sources["title"] == "crossref"
    assert sources["authors"] == "crossref"
    assert sources["is_retracted"] == "crossref"  # its retraction relation is the evidence
    assert sources["citation_count"] == "openalex"
    assert sources["pdf_url"] == "unpaywall"
    assert sources["license"] == "unpaywall"
    assert sources["updates"] == "crossref"
    assert work.is_retracted is True
    assert work.updates[0].kind == "retraction"
    assert (work.citation_count, work.pdf_url) == (11, "https://repository.example.org/kdcode.pdf")
    assert work.arxiv_id == "2310.07831"
    assert all(o.url.startswith("http://") and o.retrieved_at for o in work.origins.values())


def test_one_failing_service_does_not_stop_the_others(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    _serve_doi_services(httpserver, crossref_ok=False)
    work = resolve_identifier(DOI, client, settings)
    assert work.origins["title"].service == "openalex"
    assert work.updates == []


def test_unknown_everywhere_is_not_found_naming_services(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    not_found_elsewhere(httpserver)
    with pytest.raises(NotFoundError) as info:
        resolve_identifier("10.5555/missing", client, settings)
    message = str(info.value)
    assert message.startswith("not found: 10.5555/missing")
    for service in ("crossref", "semanticscholar", "openalex", "unpaywall"):
        assert service in message


def test_all_services_broken_is_a_retrieval_error_not_not_found(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    httpserver.expect_request("/arxiv/api/query").respond_with_data("down", status=503)
    httpserver.expect_request("/s2/graph/v1/paper/ARXIV:2310.07831").respond_with_data(
        "<html>gateway</html>", content_type="text/html"
    )
    with pytest.raises(RetrievalError) as info:
        resolve_identifier("2310.07831", client, settings)
    assert not isinstance(info.value, NotFoundError)
    assert "HTTP 503" in str(info.value)
    assert "HTML page" in str(info.value)


def test_fetch_pdf_from_arxiv_lands_in_the_cache(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings, tmp_path: Path
) -> None:
    serve(httpserver, "/arxivpdf/pdf/2310.07831v2", "tiny.pdf")
    work = Work(title="T", arxiv_id="2310.07831v2")
    path = fetch_pdf(work, client, settings)
    assert path is not None
    assert path.suffix == ".pdf"
    assert path.is_relative_to(tmp_path)
    assert path.read_bytes().startswith(b"%PDF-")
    assert fetch_pdf(work, client, settings) == path
    assert len(httpserver.log) == 1


def test_fetch_pdf_rejects_html_landing_pages(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    httpserver.expect_request("/landing").respond_with_data(
        "<!doctype html><p>Buy this article</p>", content_type="text/html"
    )
    work = Work(title="T", pdf_url=httpserver.url_for("/landing"))
    with pytest.raises(RetrievalError, match="expected a PDF but got an HTML page"):
        fetch_pdf(work, client, settings)


def test_fetch_pdf_asks_unpaywall_when_nothing_is_known(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    record = json.loads((Path(__file__).parent / "fixtures/api/unpaywall_record.json").read_text())
    record["best_oa_location"]["url_for_pdf"] = httpserver.url_for("/oa/kd.pdf")
    httpserver.expect_request(f"/unpaywall/v2/{DOI}").respond_with_json(record)
    serve(httpserver, "/oa/kd.pdf", "tiny.pdf")
    path = fetch_pdf(Work(title="T", doi=DOI), client, settings)
    assert path is not None
    assert path.read_bytes().startswith(b"%PDF-")


def test_fetch_pdf_none_without_open_location(
    client: HttpClient, settings: RetrieveSettings
) -> None:
    no_mail = settings.model_copy(update={"mailto": None})
    assert fetch_pdf(Work(title="T", doi=DOI), client, no_mail) is None


# --- CLI -------------------------------------------------------------------------------------


@pytest.fixture
def runner(httpserver: HTTPServer) -> CliRunner:
    return CliRunner(env=local_env(httpserver.url_for("/")))


def _serve_arxiv_paper(httpserver: HTTPServer) -> None:
    serve(httpserver, "/arxiv/api/query", "arxiv_feed_id.xml")
    serve(httpserver, "/arxivpdf/pdf/2310.07831v2", "tiny.pdf")
    not_found_elsewhere(httpserver)


def test_cli_fetch_json_keeps_unicode(httpserver: HTTPServer, runner: CliRunner) -> None:
    _serve_arxiv_paper(httpserver)
    result = runner.invoke(main, ["fetch", "https://arxiv.org/abs/2310.07831", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["title"] == "Distilling Large Language Models into Small Code Generators"
    assert data["authors"][0] == "Zoë Ångström"
    assert data["origins"]["title"]["service"] == "arxiv"


def test_cli_fetch_pdf_and_text_output(httpserver: HTTPServer, runner: CliRunner) -> None:
    _serve_arxiv_paper(httpserver)
    result = runner.invoke(main, ["fetch", "arXiv:2310.07831", "--pdf"])
    assert result.exit_code == 0, result.output
    assert "Zoë Ångström; Łukasz Brzęczyszczykiewicz" in result.stdout
    assert "pdf file: " in result.stdout
    assert "from arxiv (title, authors, " in result.stdout


def test_cli_malformed_identifier_exits_2_before_any_request(
    httpserver: HTTPServer, runner: CliRunner
) -> None:
    result = runner.invoke(main, ["fetch", "2310.07831", "not-an-identifier"])
    assert result.exit_code == 2
    assert "not-an-identifier" in result.output
    assert httpserver.log == []


def test_cli_not_found_exits_1(httpserver: HTTPServer, runner: CliRunner) -> None:
    serve(httpserver, "/arxiv/api/query", "arxiv_feed_empty.xml")
    not_found_elsewhere(httpserver)
    result = runner.invoke(main, ["fetch", "0000.0000"])
    assert result.exit_code == 1
    assert "not found: 0000.0000" in result.output
    assert "arxiv" in result.output


def test_cli_partial_failure_prints_found_and_exits_1(
    httpserver: HTTPServer, runner: CliRunner
) -> None:
    _serve_arxiv_paper(httpserver)
    result = runner.invoke(main, ["fetch", "2310.07831", "10.5555/none", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)[0]["arxiv_id"] == "2310.07831v2"
    assert "not found: 10.5555/none" in result.stderr


def test_cli_offline_uses_cache_and_names_missing(
    httpserver: HTTPServer, runner: CliRunner
) -> None:
    _serve_arxiv_paper(httpserver)
    assert runner.invoke(main, ["fetch", "2310.07831"]).exit_code == 0
    requests_before = len(httpserver.log)
    warm = runner.invoke(main, ["fetch", "2310.07831", "--offline", "--json"])
    assert warm.exit_code == 0, warm.output
    assert len(httpserver.log) == requests_before
    cold = runner.invoke(main, ["fetch", "1707.08567", "--offline"])
    assert cold.exit_code == 1
    assert "offline: 1707.08567 is not in the cache" in cold.output
    assert "missing;" not in cold.output  # no dangling label once URLs are left out
    as_json = runner.invoke(main, ["fetch", "1707.08567", "--offline", "--json"])
    record = json.loads(as_json.stdout)
    assert record["input"] == "1707.08567" and "not in the cache" in record["error"]
    assert len(httpserver.log) == requests_before


def test_cli_cache_info_and_clear(httpserver: HTTPServer, runner: CliRunner) -> None:
    _serve_arxiv_paper(httpserver)
    runner.invoke(main, ["fetch", "2310.07831", "--pdf"])
    info = json.loads(runner.invoke(main, ["cache", "info", "--json"]).stdout)
    assert info["entries"] >= 2
    assert info["pdfs"] == 1
    cleared = runner.invoke(main, ["cache", "clear"])
    assert cleared.exit_code == 0
    assert "removed" in cleared.stdout
    assert json.loads(runner.invoke(main, ["cache", "info", "--json"]).stdout)["entries"] == 0
