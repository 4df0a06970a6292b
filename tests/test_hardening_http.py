"""Hardening of the retrieval layer against hostile or broken servers (issue 10), on 127.0.0.1.

Malformed bodies, bodies of the wrong shape, a server that drips bytes, redirects to another host
carrying credentials, and a gzip bomb. The tests never sleep; only the dripping server does,
between bytes, because that slowness is the fault being simulated.
"""

from __future__ import annotations

import gzip
import json
import random
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from synth.cli import main
from synth.errors import RetrievalError
from synth.ids import parse_identifier
from synth.retrieve import crossref, semanticscholar
from synth.retrieve._http import HttpClient, build_client
from tests.retrieve_support import (
    FakeClock,
    dripping,
    fixture_bytes,
    local_env,
    local_settings,
    not_found_elsewhere,
    serve,
)

DOI = "10.5555/kdcode.2023.1"
JSON = "application/json"
S2_PAPER = f"/s2/graph/v1/paper/DOI:{DOI}"


def _client(httpserver: HTTPServer, tmp_path: Path, **overrides: object) -> HttpClient:
    settings = local_settings(httpserver.url_for("/"), **overrides)
    return build_client(settings, tmp_path / "cache", clock=FakeClock(), rng=random.Random(1))


# --- 5: wrong field types drop the field, not the fetch ------------------------------------------

MALFORMED_MESSAGE = {
    "title": ["Distilling Large Language Models into Small Code Generators"],
    "author": "not-a-list",
    "updated-by": "x",
    "update-to": [{"updated": "x", "type": 7}],
    "issued": {"date-parts": "2023"},
    "license": [{"URL": 5}],
    "is-referenced-by-count": "many",
    "DOI": DOI,
}


def test_crossref_fields_of_the_wrong_type_are_dropped(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request(f"/crossref/works/{DOI}").respond_with_json(
        {"status": "ok", "message": MALFORMED_MESSAGE}
    )
    with _client(httpserver, tmp_path) as client:
        work = crossref.fetch_crossref_work(DOI, client, client.settings)
    assert work.title.startswith("Distilling")
    assert (work.authors, work.year, work.license, work.citation_count) == ([], None, None, None)
    assert [(u.kind, u.date) for u in work.updates] == [("update", None)]


@pytest.mark.parametrize(
    "body",
    [{"status": "ok", "message": MALFORMED_MESSAGE}, {"status": "ok", "message": "x"}, []],
    ids=["wrong-field-types", "message-not-an-object", "list-body"],
)
def test_cli_fetch_survives_a_malformed_crossref_body(httpserver: HTTPServer, body: object) -> None:
    httpserver.expect_request(f"/crossref/works/{DOI}").respond_with_json(body)
    serve(httpserver, S2_PAPER, "s2_paper.json")
    not_found_elsewhere(httpserver)
    result = CliRunner(env=local_env(httpserver.url_for("/"))).invoke(
        main, ["fetch", DOI, "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["authors"]  # Semantic Scholar's answer counts
    assert data["origins"]["authors"]["service"] == "semanticscholar"


# --- 13: a body of the wrong shape says so -------------------------------------------------------


@pytest.mark.parametrize(("body", "kind"), [("[]", "a list"), ('"busy"', "a string")])
def test_s2_body_of_the_wrong_shape_names_the_shape(
    httpserver: HTTPServer, tmp_path: Path, body: str, kind: str
) -> None:
    httpserver.expect_request(S2_PAPER).respond_with_data(body, content_type=JSON)
    httpserver.expect_request("/s2/graph/v1/paper/search").respond_with_data(
        body, content_type=JSON
    )
    with _client(httpserver, tmp_path) as client:
        with pytest.raises(RetrievalError) as lookup:
            semanticscholar.fetch_s2_work(parse_identifier(DOI), client, client.settings)
        with pytest.raises(RetrievalError) as search:
            semanticscholar.search_s2("distillation", client, client.settings, 5)
    for info in (lookup, search):
        message = str(info.value)
        assert "unexpected response shape" in message
        assert f"{kind} where an object was expected" in message
        assert "HTTP 200" not in message
        assert info.value.source == "semanticscholar"


# --- 7: an overall deadline while streaming ------------------------------------------------------


def test_dripping_server_stops_at_the_request_deadline(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    # 40 bytes, one every 50 ms: each read is far inside timeout_s (5 s), the whole takes 2 s.
    httpserver.expect_request("/drip").respond_with_handler(dripping(b'{"n": 1}' * 5, 0.05))
    started = time.monotonic()
    with (
        _client(httpserver, tmp_path, request_deadline_s=0.5, max_retries=0) as client,
        pytest.raises(RetrievalError, match=r"request_deadline_s=0\.5 s") as info,
    ):
        client.get_json(httpserver.url_for("/drip"), service="crossref")
    assert time.monotonic() - started < 1.8
    assert info.value.url.endswith("/drip")
    assert client.stats.requests == 1  # a deadline is not retried


# --- 15: credentials never cross hosts -----------------------------------------------------------


@pytest.fixture
def other_host() -> Iterator[HTTPServer]:
    """A second local server: another port is another host."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    server.stop()


def test_api_key_is_not_sent_to_another_host_on_redirect(
    httpserver: HTTPServer, other_host: HTTPServer, tmp_path: Path
) -> None:
    moved = other_host.url_for("/paper") + "?api_key=s3cret&fields=title"
    httpserver.expect_request(S2_PAPER).respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/hop")}
    )
    httpserver.expect_request("/hop").respond_with_data("", status=307, headers={"Location": moved})
    other_host.expect_request("/paper").respond_with_data(
        fixture_bytes("s2_paper.json"), content_type=JSON
    )
    with _client(httpserver, tmp_path, semantic_scholar_api_key="s3cret") as client:
        work = semanticscholar.fetch_s2_work(parse_identifier(DOI), client, client.settings)
    assert work.title
    same_host = [request for request, _ in httpserver.log]
    assert [r.headers.get("x-api-key") for r in same_host] == ["s3cret", "s3cret"]
    (foreign, _), *_ = other_host.log
    assert "x-api-key" not in foreign.headers
    assert "api_key" not in foreign.args
    assert foreign.args["fields"] == "title"


def test_authorization_is_not_sent_to_another_host(
    httpserver: HTTPServer, other_host: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/start").respond_with_data(
        "", status=301, headers={"Location": other_host.url_for("/end")}
    )
    other_host.expect_request("/end").respond_with_data("{}", content_type=JSON)
    with _client(httpserver, tmp_path) as client:
        data, _ = client.get_json(
            httpserver.url_for("/start"),
            service="openalex",
            headers={"Authorization": "Bearer t0ken", "Accept": JSON},
        )
    assert data == {}
    (foreign, _), *_ = other_host.log
    assert "authorization" not in foreign.headers
    assert foreign.headers["accept"] == JSON


# --- 17: decompressed bodies are capped ----------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "setting"),
    [(JSON, "max_json_bytes"), ("application/pdf", "max_pdf_bytes")],
)
def test_gzip_bomb_stops_at_the_cap(
    httpserver: HTTPServer, tmp_path: Path, content_type: str, setting: str
) -> None:
    bomb = gzip.compress(b'{"pad": "' + b"0" * 5_000_000 + b'"}')  # ~5 kB on the wire
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, content_type=content_type, headers={"Content-Encoding": "gzip"}
    )
    url = httpserver.url_for("/bomb")
    with (
        _client(httpserver, tmp_path, **{setting: 1_000_000}) as client,
        pytest.raises(RetrievalError) as info,
    ):
        client.get(url, service="crossref")
    message = str(info.value)
    assert f"{setting}=1000000 bytes" in message
    assert url in message
    assert "\n" not in message
    assert client.stats.requests == 1


def test_bodies_under_the_cap_pass(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/small").respond_with_data(
        gzip.compress(b'{"ok": true}'), content_type=JSON, headers={"Content-Encoding": "gzip"}
    )
    with _client(httpserver, tmp_path, max_json_bytes=100) as client:
        data, _ = client.get_json(httpserver.url_for("/small"), service="crossref")
    assert data == {"ok": True}


class _Chunked(httpx.SyncByteStream):
    """A body httpx has not read yet, in 64 KiB pieces as a socket would give it."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self.body), 65536):
            yield self.body[start : start + 65536]


def test_gzip_bomb_is_inflated_a_cap_at_a_time(tmp_path: Path) -> None:
    # In-process transport: a local server's thread would add its own allocations to the peak.
    bomb = gzip.compress(b"0" * 5_000_000)
    headers = {"Content-Encoding": "gzip", "Content-Type": JSON}
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, headers=headers, stream=_Chunked(bomb))
    )
    settings = local_settings("http://service.invalid", max_json_bytes=1_000_000)
    with build_client(settings, tmp_path, clock=FakeClock(), transport=transport) as client:
        tracemalloc.start()  # after building the client: loading CA certificates takes ~10 MB
        try:
            with pytest.raises(RetrievalError, match="max_json_bytes"):
                client.get("http://service.invalid/bomb", service="crossref")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 3_000_000  # never the whole 5 MB at once, as httpx's own decoder would
