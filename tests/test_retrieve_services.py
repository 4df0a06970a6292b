"""Each service module against hand-written fixtures in the service's own format, served locally."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from synth.errors import NotFoundError, RetrievalError
from synth.ids import parse_identifier
from synth.retrieve import arxiv, crossref, openalex, semanticscholar, unpaywall
from synth.retrieve._atom import parse_feed
from synth.retrieve._http import HttpClient, build_client
from synth.settings import RetrieveSettings
from tests.retrieve_support import FakeClock, fixture_bytes, local_settings, serve

DOI = "10.5555/kdcode.2023.1"


@pytest.fixture
def settings(httpserver: HTTPServer) -> RetrieveSettings:
    return local_settings(
        httpserver.url_for("/"), mailto="me@example.org", openalex_api_key="k-123"
    )


@pytest.fixture
def client(settings: RetrieveSettings, tmp_path: Path) -> Iterator[HttpClient]:
    with build_client(settings, tmp_path, clock=FakeClock(), rng=random.Random(1)) as c:
        yield c


def test_arxiv_lookup_keeps_unicode_version_and_origin(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    serve(httpserver, "/arxiv/api/query", "arxiv_feed_id.xml")
    work = arxiv.fetch_arxiv_work("2310.07831", client, settings)
    assert work.title == "Distilling Large Language Models into Small Code Generators"
    assert work.authors == ["Zoë Ångström", "Łukasz Brzęczyszczykiewicz"]
    assert work.arxiv_id == "2310.07831v2"
    assert work.year == 2023
    assert work.origins["title"].service == "arxiv"
    assert "id_list=2310.07831" in work.origins["title"].url
    request, _ = httpserver.log[0]
    assert request.args["id_list"] == "2310.07831"


def test_arxiv_feed_fields() -> None:
    feed = parse_feed(fixture_bytes("arxiv_feed_search.xml"))
    assert feed.total_results == 3
    first = feed.entries[0]
    assert first.title == "Distilling Large Language Models into Small Code Generators"
    assert first.doi == "10.5555/KDCODE.2023.1"
    assert first.journal_ref == "Proc. Workshop on Efficient Code Models 2024"
    assert first.pdf_url == "https://arxiv.org/pdf/2310.07831v2"
    assert first.version == 2
    assert feed.entries[2].pdf_url is None


def test_arxiv_empty_feed_is_not_found(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    serve(httpserver, "/arxiv/api/query", "arxiv_feed_empty.xml")
    with pytest.raises(NotFoundError, match=r"no entry for 0000\.0000"):
        arxiv.fetch_arxiv_work("0000.0000", client, settings)


def test_arxiv_400_error_feed_is_a_clear_failure(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    serve(httpserver, "/arxiv/api/query", "arxiv_feed_error.xml", status=400)
    with pytest.raises(RetrievalError, match=r"rejected 9999\.bad: incorrect id format") as info:
        arxiv.fetch_arxiv_work("9999.bad", client, settings)
    assert not isinstance(info.value, NotFoundError)
    assert info.value.status == 400


def test_arxiv_non_xml_body_is_a_failure(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    httpserver.expect_request("/arxiv/api/query").respond_with_data("<feed><entry>")
    with pytest.raises(RetrievalError, match="unreadable arXiv feed"):
        arxiv.fetch_arxiv_work("2310.07831", client, settings)


def test_arxiv_search_query_syntax() -> None:
    assert arxiv.build_search_query(["knowledge", "pass@k", "DS-1000"]) == (
        "all:knowledge AND all:pass AND all:DS-1000"
    )


def test_crossref_retraction_relation_and_cleaned_abstract(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    serve(httpserver, "/crossref/works/10.5555/kdcode.2023.1", "crossref_work_retracted.json")
    work = crossref.fetch_crossref_work(DOI, client, settings)
    assert work.is_retracted is True
    assert [(u.kind, u.relation, u.doi, u.date) for u in work.updates] == [
        ("retraction", "updated-by", "10.5555/kdcode.2024.99", "2024-09-01T00:00:00Z")
    ]
    assert work.authors == [
        "Zoë Ångström",
        "Łukasz Brzęczyszczykiewicz",
        "The Efficient Code Consortium",
    ]
    assert (
        work.abstract == "Abstract We study knowledge distillation & pruning for small code models."
    )
    assert work.license == "http://creativecommons.org/licenses/by/4.0/"
    assert (work.year, work.citation_count, work.doi) == (2024, 7, DOI)
    assert httpserver.log[0][0].args["mailto"] == "me@example.org"


def test_crossref_search_skips_untitled_items(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    serve(httpserver, "/crossref/works", "crossref_search.json")
    works = crossref.search_crossref("distillation", client, settings, 4)
    assert len(works) == 3
    notice = works[1]
    assert notice.updates[0].relation == "update-to"
    assert notice.is_retracted is False


def test_crossref_404_is_not_found(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    httpserver.expect_request("/crossref/works/10.5555/none").respond_with_data(
        "Resource not found.", status=404, content_type="text/plain"
    )
    with pytest.raises(NotFoundError, match=r"no record for 10\.5555/none"):
        crossref.fetch_crossref_work("10.5555/none", client, settings)


def test_openalex_record_with_key_kept_out_of_origins(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    serve(httpserver, "/openalex/works/https://doi.org/10.5555/kdcode.2023.1", "openalex_work.json")
    work = openalex.fetch_openalex_work(DOI, client, settings)
    assert work.is_retracted is True
    assert work.abstract == "We distil teachers into students."
    assert work.arxiv_id == "2310.07831v2"
    assert work.pdf_url == "https://repository.example.org/kdcode.pdf"
    assert work.citation_count == 11
    assert "k-123" not in work.origins["title"].url
    assert httpserver.log[0][0].args["api_key"] == "k-123"


def test_openalex_html_404_is_not_found(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    httpserver.expect_request("/openalex/works/https://doi.org/10.5555/none").respond_with_data(
        "<!doctype html><title>404 Not Found</title>", status=404, content_type="text/html"
    )
    with pytest.raises(NotFoundError):
        openalex.fetch_openalex_work("10.5555/none", client, settings)


def test_openalex_search(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    serve(httpserver, "/openalex/works", "openalex_search.json")
    [work] = openalex.search_openalex("distillation code", client, settings, 5)
    assert work.abstract == "Distilled code models are fast."
    assert work.arxiv_id == "2402.00001"
    assert httpserver.log[0][0].args["search"] == "distillation code"


def test_semantic_scholar_paper_by_arxiv_id(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    serve(httpserver, "/s2/graph/v1/paper/ARXIV:2310.07831", "s2_paper.json")
    ident = parse_identifier("arXiv:2310.07831v2")
    work = semanticscholar.fetch_s2_work(ident, client, settings)
    assert work.doi == DOI
    assert work.arxiv_id == "2310.07831"
    assert work.citation_count == 9
    assert work.pdf_url == "https://arxiv.org/pdf/2310.07831"


def test_semantic_scholar_404_and_empty_pdf_url(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    httpserver.expect_request("/s2/graph/v1/paper/DOI:10.5555/none").respond_with_data(
        '{"error":"Paper with id DOI:10.5555/none not found"}', status=404
    )
    with pytest.raises(NotFoundError):
        semanticscholar.fetch_s2_work(parse_identifier("10.5555/none"), client, settings)
    serve(httpserver, "/s2/graph/v1/paper/search", "s2_search.json")
    works = semanticscholar.search_s2("distillation", client, settings, 3)
    assert works[0].pdf_url is None  # "" in the payload means no open PDF
    assert works[1].pdf_url == "https://open.example.org/latency.pdf"


def test_unpaywall_best_location_and_email(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    serve(httpserver, "/unpaywall/v2/10.5555/kdcode.2023.1", "unpaywall_record.json")
    work = unpaywall.fetch_unpaywall_work(DOI, client, settings)
    assert work.pdf_url == "https://repository.example.org/kdcode.pdf"
    assert work.license == "cc-by"
    assert httpserver.log[0][0].args["email"] == "me@example.org"


def test_unpaywall_needs_a_contact_address(client: HttpClient, settings: RetrieveSettings) -> None:
    with pytest.raises(RetrievalError, match="SYNTH_MAILTO"):
        unpaywall.fetch_unpaywall_work(DOI, client, settings.model_copy(update={"mailto": None}))
