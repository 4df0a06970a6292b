"""The HTTP layer against a real local server: retries, backoff, rate limits, cache, offline.

The clock is fake: every wait is asserted as a number, nothing really sleeps.
"""

from __future__ import annotations

import random
import socket
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer

from synth import __version__
from synth.errors import OfflineMissError, RetrievalError
from synth.retrieve._cache import ResponseCache
from synth.retrieve._http import HttpClient, build_client, public_url
from synth.retrieve._ratelimit import backoff_delay, parse_retry_after
from tests.retrieve_support import FakeClock, local_settings

JSON = "application/json"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(httpserver: HTTPServer, tmp_path: Path, clock: FakeClock) -> Iterator[HttpClient]:
    settings = local_settings(httpserver.url_for("/"), max_retries=3, mailto="me@example.org")
    with build_client(settings, tmp_path / "cache", clock=clock, rng=random.Random(7)) as c:
        yield c


def test_user_agent_names_synth_version_and_mailto(
    httpserver: HTTPServer, client: HttpClient
) -> None:
    httpserver.expect_request("/x").respond_with_data("{}", content_type=JSON)
    client.get_json(httpserver.url_for("/x"), service="crossref")
    request, _ = httpserver.log[0]
    agent = request.headers["User-Agent"]
    assert f"synth/{__version__}" in agent
    assert "mailto:me@example.org" in agent


def test_429_with_retry_after_waits_exactly_that_long(
    httpserver: HTTPServer, client: HttpClient, clock: FakeClock
) -> None:
    httpserver.expect_oneshot_request("/r").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_request("/r").respond_with_data('{"ok": true}', content_type=JSON)
    data, response = client.get_json(httpserver.url_for("/r"), service="crossref")
    assert data == {"ok": True}
    assert response.status == 200
    assert client.stats.retry_waits == [7.0]
    assert 7.0 in clock.sleeps
    assert client.stats.requests == 2


def test_500_then_200_backs_off_with_jitter(
    httpserver: HTTPServer, client: HttpClient, clock: FakeClock
) -> None:
    httpserver.expect_oneshot_request("/flaky").respond_with_data("oops", status=500)
    httpserver.expect_request("/flaky").respond_with_data('{"n": 1}', content_type=JSON)
    data, _ = client.get_json(httpserver.url_for("/flaky"), service="crossref")
    assert data == {"n": 1}
    expected = backoff_delay(0, 1.0, 60.0, random.Random(7))
    assert client.stats.retry_waits == [pytest.approx(expected)]
    assert 0.5 <= expected <= 1.0


def test_retries_exhausted_reports_status_and_grows_exponentially(
    httpserver: HTTPServer, client: HttpClient
) -> None:
    httpserver.expect_request("/down").respond_with_data("unavailable", status=503)
    with pytest.raises(RetrievalError) as info:
        client.get(httpserver.url_for("/down"), service="openalex")
    assert info.value.status == 503
    assert "HTTP 503 after 4 attempt(s)" in str(info.value)
    waits = client.stats.retry_waits
    assert len(waits) == 3
    for attempt, wait in enumerate(waits):  # equal jitter: between half and all of 2^attempt s
        assert 2.0**attempt / 2 <= wait <= 2.0**attempt


def test_retry_after_beyond_the_cap_fails_without_waiting(
    httpserver: HTTPServer, client: HttpClient, clock: FakeClock
) -> None:
    httpserver.expect_request("/busy").respond_with_data(
        "later", status=429, headers={"Retry-After": "3600"}
    )
    with pytest.raises(RetrievalError, match="retry after 3600 s"):
        client.get(httpserver.url_for("/busy"), service="semanticscholar")
    assert clock.sleeps == []


def test_timeout_is_retried(tmp_path: Path, clock: FakeClock) -> None:
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(200, json={"late": True})

    settings = local_settings("http://service.invalid", max_retries=2)
    transport = httpx.MockTransport(handler)
    with build_client(settings, tmp_path, clock=clock, transport=transport) as c:
        data, _ = c.get_json("http://service.invalid/slow", service="crossref")
    assert data == {"late": True}
    assert calls["n"] == 2
    assert len(c.stats.retry_waits) == 1


def test_timeouts_exhausted_raise_retrieval_error(tmp_path: Path, clock: FakeClock) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("no answer", request=request)

    settings = local_settings("http://service.invalid", max_retries=1)
    with (
        build_client(settings, tmp_path, clock=clock, transport=httpx.MockTransport(handler)) as c,
        pytest.raises(RetrievalError, match="timed out"),
    ):
        c.get("http://service.invalid/x", service="crossref")


def test_connection_refused_is_a_retrieval_error(tmp_path: Path, clock: FakeClock) -> None:
    with socket.socket() as sock:  # a port nobody listens on once the socket closes
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = local_settings(f"http://127.0.0.1:{port}", max_retries=2)
    with build_client(settings, tmp_path, clock=clock) as c:
        with pytest.raises(RetrievalError, match="connection failed"):
            c.get(f"http://127.0.0.1:{port}/works", service="crossref")
        assert len(c.stats.retry_waits) == 2


def test_truncated_json_is_a_clear_failure_and_not_cached(
    httpserver: HTTPServer, client: HttpClient
) -> None:
    httpserver.expect_request("/cut").respond_with_data(
        '{"message": {"title": ["Half', content_type=JSON
    )
    for _ in range(2):
        with pytest.raises(RetrievalError, match="truncated or invalid JSON"):
            client.get_json(httpserver.url_for("/cut"), service="crossref")
    assert client.stats.requests == 2  # the bad body was not cached


def test_html_instead_of_json_is_a_clear_failure(
    httpserver: HTTPServer, client: HttpClient
) -> None:
    httpserver.expect_request("/page").respond_with_data(
        "<!doctype html><title>Hi</title>", content_type="text/html"
    )
    with pytest.raises(RetrievalError, match="HTML page"):
        client.get_json(httpserver.url_for("/page"), service="openalex")


def test_responses_are_cached_and_corrupt_entries_are_misses(
    httpserver: HTTPServer, client: HttpClient, tmp_path: Path
) -> None:
    httpserver.expect_request("/w").respond_with_data('{"v": 1}', content_type=JSON)
    url = httpserver.url_for("/w")
    first = client.get(url, service="crossref")
    second = client.get(url, service="crossref")
    assert not first.from_cache
    assert second.from_cache
    assert second.content == first.content
    assert len(httpserver.log) == 1
    assert first.path is not None
    first.path.write_bytes(b'{"v": 2}')  # the body no longer matches its recorded hash
    third = client.get(url, service="crossref")
    assert not third.from_cache
    assert len(httpserver.log) == 2


def test_404_is_cached_but_500_is_not(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/gone").respond_with_data("Resource not found.", status=404)
    assert client.get(httpserver.url_for("/gone"), service="crossref").status == 404
    assert client.get(httpserver.url_for("/gone"), service="crossref").from_cache


def test_offline_serves_cache_and_names_missing(
    httpserver: HTTPServer, tmp_path: Path, clock: FakeClock
) -> None:
    httpserver.expect_request("/a").respond_with_data('{"a": 1}', content_type=JSON)
    base = httpserver.url_for("/")
    with build_client(local_settings(base), tmp_path, clock=clock) as online:
        online.get(httpserver.url_for("/a"), service="crossref")
    with build_client(local_settings(base, offline=True), tmp_path, clock=clock) as offline:
        assert offline.get(httpserver.url_for("/a"), service="crossref").from_cache
        with pytest.raises(OfflineMissError) as info:
            offline.get(httpserver.url_for("/b"), service="crossref", params={"q": "x"})
    assert info.value.url.endswith("/b?q=x")
    assert "not in the cache" in str(info.value)
    assert len(httpserver.log) == 1


def test_secret_params_stay_out_of_urls_and_cache_keys(
    httpserver: HTTPServer, client: HttpClient
) -> None:
    httpserver.expect_request("/works").respond_with_data("{}", content_type=JSON)
    response = client.get(
        httpserver.url_for("/works"), service="openalex", params={"api_key": "s3cret", "q": "x"}
    )
    assert "s3cret" not in response.url
    assert httpserver.log[0][0].args["api_key"] == "s3cret"
    assert public_url("http://h/p", {"api_key": "k"}) == "http://h/p"


def test_arxiv_requests_are_spaced_three_seconds(
    httpserver: HTTPServer, client: HttpClient, clock: FakeClock
) -> None:
    httpserver.expect_request("/arxiv/api/query").respond_with_data("<feed/>")
    for n in range(3):
        client.get(httpserver.url_for("/arxiv/api/query"), service="arxiv", params={"n": n})
    limiter = client.limiter.host("arxiv")
    assert limiter.serial
    assert limiter.waits == [3.0, 3.0]
    assert limiter.spacings() == [3.0, 3.0]


def test_other_hosts_use_the_default_spacing(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/q").respond_with_data("{}")
    for n in range(3):
        client.get(httpserver.url_for("/q"), service="crossref", params={"n": n})
    host = httpx.URL(httpserver.url_for("/")).netloc.decode()
    assert client.limiter.host(host).spacings() == [pytest.approx(0.1)] * 2


def test_cache_info_and_clear(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c")
    now = datetime.now(timezone.utc)
    cache.store("GET", "http://x/1", 200, JSON, b"{}", now)
    cache.store("GET", "http://x/2.pdf", 200, "application/pdf", b"%PDF-1.4 x", now)
    info = cache.info()
    assert (info.entries, info.pdfs) == (2, 1)
    assert info.bytes > 0
    assert cache.clear() == 2
    assert cache.info().entries == 0
    assert cache.load("GET", "http://x/1") is None


def test_unreadable_metadata_is_a_miss(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path)
    cache.store("GET", "http://x/1", 200, JSON, b"{}", datetime.now(timezone.utc))
    meta = next(tmp_path.rglob("*.json"))
    meta.write_text("{not json", encoding="utf-8")
    assert cache.load("GET", "http://x/1") is None


@given(attempt=st.integers(0, 12), base=st.floats(0.01, 5.0), seed=st.integers(0, 1000))
def test_backoff_delay_stays_within_equal_jitter_bounds(
    attempt: int, base: float, seed: int
) -> None:
    ceiling = min(60.0, base * 2.0**attempt)
    delay = backoff_delay(attempt, base, 60.0, random.Random(seed))
    assert ceiling / 2 <= delay <= ceiling


def test_parse_retry_after_forms() -> None:
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    later = (now + timedelta(seconds=90)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after(later, now=now) == pytest.approx(90.0)
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_semantic_scholar_is_spaced_one_second(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/s2").respond_with_data("{}")
    for n in range(3):
        client.get(httpserver.url_for("/s2"), service="semanticscholar", params={"n": n})
    assert client.limiter.host("semanticscholar").waits == [1.0, 1.0]
