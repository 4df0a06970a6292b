"""Conformance: every real recorded API response, replayed by a local server to the real client.

Skipped when ../shared/realdata is absent. Each recording's request comes from PROVENANCE.md.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from synth.cli import main
from synth.errors import NotFoundError, RetrievalError
from synth.records import Work
from synth.retrieve import arxiv, crossref, openalex, semanticscholar, unpaywall
from synth.retrieve._atom import parse_feed
from synth.retrieve._http import HttpClient, HttpResponse, build_client
from synth.settings import RetrieveSettings
from tests.conftest import REALDATA
from tests.retrieve_support import (
    FakeClock,
    Recording,
    Replay,
    load_recordings,
    local_env,
    local_settings,
)

RECORDINGS = load_recordings(REALDATA) if (REALDATA / "PROVENANCE.md").is_file() else []
# Recorded bodies without a replayable GET request (a maintained fixture, a POST, whole cassettes).
_NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
NOT_REPLAYED = re.compile(r"^(cassettes/|semantic_scholar/paper_(full-record|batch))")


@pytest.fixture
def replay(httpserver: HTTPServer, realdata: Path) -> Replay:
    handler = Replay(load_recordings(realdata))
    httpserver.expect_request(re.compile(".*")).respond_with_handler(handler)
    return handler


@pytest.fixture
def settings(httpserver: HTTPServer) -> RetrieveSettings:
    return local_settings(httpserver.url_for("/"))


@pytest.fixture
def client(settings: RetrieveSettings, tmp_path: Path) -> Iterator[HttpClient]:
    with build_client(settings, tmp_path, clock=FakeClock(), rng=random.Random(0)) as c:
        yield c


def _arxiv(response: HttpResponse) -> list[Work]:
    feed = parse_feed(response.content)
    if response.status == 400:
        assert feed.error is not None
        assert "incorrect id format" in feed.error
        return []
    works = [arxiv.entry_to_work(e, response) for e in feed.entries]
    assert len(works) == response.content.count(b"<entry>")
    return [w for w in works if w is not None]


def _json_works(rec: Recording, response: HttpResponse) -> list[Work]:
    data = json.loads(response.content)
    path = rec.path
    if rec.host == "api.crossref.org":
        if data.get("message-type") == "work-list":
            return crossref.parse_work_list(data, response)
        work = crossref.message_to_work(data.get("message") or {}, response)
    elif rec.host == "api.openalex.org":
        if "results" in data:
            return openalex.parse_results(data, response)
        work = openalex.record_to_work(data, response)
    elif rec.host == "api.semanticscholar.org":
        if "/search" in path:
            return semanticscholar.parse_search(data, response)
        work = semanticscholar.paper_to_work(data, response)
    else:
        if "/search" in path:
            return unpaywall.parse_search(data, response)
        work = unpaywall.record_to_work(data, response)
    return [work] if work is not None else []


def _interpret(rec: Recording, response: HttpResponse) -> list[Work] | None:
    """Works parsed from a response; None for resources that are not work records."""
    if rec.host == "export.arxiv.org":
        return _arxiv(response)
    if response.status == 404:
        assert response.is_html() or b"not found" in response.content.lower()
        return []
    if rec.file.suffix != ".json" or re.search(r"/(transform|agency|references)", rec.path):
        return None  # BibTeX, CSL, agency and reference lists: served and cached, not works
    return _json_works(rec, response)


@pytest.mark.parametrize("rec", RECORDINGS, ids=[r.file.name for r in RECORDINGS])
def test_recording_replays_through_client_and_parser(
    rec: Recording, replay: Replay, httpserver: HTTPServer, client: HttpClient
) -> None:
    response = client.get(rec.local_url(httpserver.url_for("/")), service="replay")
    assert replay.served == [rec.file]
    assert response.status == rec.status
    works = _interpret(rec, response)
    if works is None:
        return
    titled = b'"title"' in response.content or b"<entry>" in response.content
    if rec.status == 200 and titled:
        assert works, f"no work parsed from {rec.file.name}"
    for work in works:
        assert work.title.strip()
        assert all(o.url == response.url for o in work.origins.values())


def test_every_recording_is_indexed(realdata: Path) -> None:
    api = realdata / "api"
    indexed = {r.file for r in load_recordings(realdata)}
    missing = [
        str(p.relative_to(api))
        for p in sorted(api.rglob("*"))
        if p.is_file() and p not in indexed and not NOT_REPLAYED.match(str(p.relative_to(api)))
    ]
    assert missing == []


def test_full_semantic_scholar_record_parses(realdata: Path) -> None:
    path = realdata / "api/semantic_scholar/paper_full-record_fixture_10.1093_mind_lix.236.433.json"
    response = HttpResponse("file://" + str(path), 200, "application/json", b"", _NOW, False)
    work = semanticscholar.paper_to_work(json.loads(path.read_bytes()), response)
    assert work is not None
    assert work.title == "Computing Machinery and Intelligence"
    assert work.doi == "10.1093/mind/lix.236.433"


def test_openalex_html_404_is_not_found(
    replay: Replay, client: HttpClient, settings: RetrieveSettings
) -> None:
    with pytest.raises(NotFoundError):
        openalex.fetch_openalex_work("10.1046/j.1365-2699.2003.00795", client, settings)


def test_arxiv_400_error_feed_is_a_failure(
    replay: Replay, client: HttpClient, settings: RetrieveSettings
) -> None:
    with pytest.raises(RetrievalError, match="incorrect id format for abc"):
        arxiv.fetch_arxiv_work("abc", client, settings)


def test_id_list_with_one_unknown_id_returns_the_known(
    replay: Replay, client: HttpClient, httpserver: HTTPServer
) -> None:
    rec = next(r for r in load_recordings(REALDATA) if "one-missing" in r.file.name)
    response = client.get(rec.local_url(httpserver.url_for("/")), service="arxiv")
    assert [e.arxiv_id for e in parse_feed(response.content).entries] == ["1707.08567"]


# --- acceptance: synth fetch against the replay ---------------------------------------------


@pytest.fixture
def runner(httpserver: HTTPServer, replay: Replay) -> CliRunner:
    return CliRunner(env=local_env(httpserver.url_for("/")))


def test_fetch_pnas_doi_gives_title_authors_and_correction(runner: CliRunner) -> None:
    result = runner.invoke(main, ["fetch", "10.1073/pnas.1414271111", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["title"] == (
        "Developing functional musculoskeletal tissues through hypoxia and lysyl "
        "oxidase-induced collagen cross-linking"
    )
    assert data["authors"][:2] == ["Eleftherios A. Makris", "Donald J. Responte"]
    assert data["year"] == 2014
    assert data["venue"] == "Proceedings of the National Academy of Sciences"
    [update] = data["updates"]
    assert update["kind"] == "correction"
    assert update["relation"] == "updated-by"
    assert update["doi"] == "10.1073/pnas.1507001112"
    assert data["origins"]["updates"]["service"] == "crossref"
    assert data["citation_count"] is not None


def test_fetch_pnas_with_openalex_and_unpaywall(httpserver: HTTPServer, replay: Replay) -> None:
    env = local_env(httpserver.url_for("/"))
    env |= {"SYNTH_OPENALEX_API_KEY": "test-key", "SYNTH_MAILTO": "me@example.org"}
    result = CliRunner(env=env).invoke(main, ["fetch", "doi:10.1073/PNAS.1414271111", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["is_retracted"] is False
    assert data["origins"]["is_retracted"]["service"] in ("openalex", "crossref")
    assert data["pdf_url"] == "https://www.pnas.org/content/pnas/111/45/E4832.full.pdf"
    assert data["origins"]["pdf_url"]["service"] == "unpaywall"
    assert data["citation_count"] == 138  # OpenAlex's count is preferred
    assert "test-key" not in result.stdout


def test_fetch_arxiv_ids_give_real_titles_and_unicode_authors(runner: CliRunner) -> None:
    first = runner.invoke(main, ["fetch", "arXiv:1605.08386", "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["title"] == "Heat-bath random walks with Markov bases"
    second = runner.invoke(main, ["fetch", "1707.08567", "--json"])
    assert second.exit_code == 0, second.output
    data = json.loads(second.stdout)
    assert data["title"].startswith("Proceedings of Workshop AEW10")
    assert "Dirk Wübben" in data["authors"]
    assert "Dirk Wübben" in second.stdout  # not escaped, not mojibake
    assert len(data["authors"]) == 34


def test_fetch_old_style_id_keeps_journal_ref(runner: CliRunner) -> None:
    result = runner.invoke(main, ["fetch", "https://arxiv.org/abs/astro-ph/0601001", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["arxiv_id"] == "astro-ph/0601001v1"
    assert data["venue"] == "ActaAstron.56:1-50,2006"


@pytest.mark.parametrize("raw", ["0000.0000", "10.1371/notarealdoi"])
def test_fetch_unknown_identifiers_exit_1_not_found(runner: CliRunner, raw: str) -> None:
    result = runner.invoke(main, ["fetch", raw])
    assert result.exit_code == 1
    assert "not found" in result.output
    assert raw in result.output


def test_fetch_malformed_identifier_exits_2(runner: CliRunner, replay: Replay) -> None:
    result = runner.invoke(main, ["fetch", "not-an-identifier"])
    assert result.exit_code == 2
    assert "not-an-identifier" in result.output
    assert replay.served == []
