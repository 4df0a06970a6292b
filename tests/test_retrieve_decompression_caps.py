"""Deflate bodies are capped like gzip ones: inflated a cap at a time, both deflate framings.

Served from 127.0.0.1 (pytest-httpserver). RFC 9110's deflate is zlib-framed; some servers send
raw deflate, which httpx accepts too, so both must decode and both must stop at the cap.
"""

from __future__ import annotations

import random
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer

from synth.errors import RetrievalError
from synth.retrieve._http import HttpClient, build_client
from tests.retrieve_support import FakeClock, local_settings

JSON = "application/json"


def _zlib_framed(data: bytes) -> bytes:
    return zlib.compress(data, 9)


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


FRAMINGS = [pytest.param(_zlib_framed, id="zlib-framed"), pytest.param(_raw_deflate, id="raw")]


def _client(httpserver: HTTPServer, tmp_path: Path, **overrides: object) -> HttpClient:
    settings = local_settings(httpserver.url_for("/"), **overrides)
    return build_client(settings, tmp_path / "cache", clock=FakeClock(), rng=random.Random(1))


@pytest.mark.parametrize("pack", FRAMINGS)
@pytest.mark.parametrize(
    ("content_type", "setting"), [(JSON, "max_json_bytes"), ("application/pdf", "max_pdf_bytes")]
)
def test_deflate_bomb_stops_at_the_cap(
    httpserver: HTTPServer,
    tmp_path: Path,
    pack: Callable[[bytes], bytes],
    content_type: str,
    setting: str,
) -> None:
    bomb = pack(b'{"pad": "' + b"0" * 5_000_000 + b'"}')
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, content_type=content_type, headers={"Content-Encoding": "deflate"}
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


@pytest.mark.parametrize("pack", FRAMINGS)
def test_deflate_bodies_under_the_cap_decode(
    httpserver: HTTPServer, tmp_path: Path, pack: Callable[[bytes], bytes]
) -> None:
    httpserver.expect_request("/small").respond_with_data(
        pack(b'{"ok": true}'),
        content_type=JSON,
        headers={"Content-Encoding": "deflate"},
    )
    with _client(httpserver, tmp_path, max_json_bytes=100) as client:
        data, _ = client.get_json(httpserver.url_for("/small"), service="crossref")
    assert data == {"ok": True}


def test_a_broken_deflate_body_is_a_decoding_error(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/broken").respond_with_data(
        b"\x78\x9c not deflate at all", content_type=JSON, headers={"Content-Encoding": "deflate"}
    )
    with _client(httpserver, tmp_path, max_retries=0) as client, pytest.raises(RetrievalError):
        client.get(httpserver.url_for("/broken"), service="crossref")


class _Dripped(httpx.SyncByteStream):
    """A body httpx has not read yet, in pieces as small as a socket may give them."""

    def __init__(self, body: bytes, size: int) -> None:
        self.body, self.size = body, size

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self.body), self.size):
            yield self.body[start : start + self.size]


@pytest.mark.parametrize("pack", FRAMINGS)
def test_deflate_bomb_is_inflated_a_cap_at_a_time(
    tmp_path: Path, pack: Callable[[bytes], bytes]
) -> None:
    # In-process transport: a local server's thread would add its own allocations to the peak.
    bomb = pack(b"0" * 5_000_000)
    headers = {"Content-Encoding": "deflate", "Content-Type": JSON}
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, headers=headers, stream=_Dripped(bomb, 65536))
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


@pytest.mark.parametrize("pack", FRAMINGS)
def test_a_body_that_arrives_a_byte_at_a_time_still_decodes(
    tmp_path: Path, pack: Callable[[bytes], bytes]
) -> None:
    body = pack(b'{"ok": true}')
    headers = {"Content-Encoding": "deflate", "Content-Type": JSON}
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, headers=headers, stream=_Dripped(body, 1))
    )
    settings = local_settings("http://service.invalid", max_json_bytes=100)
    with build_client(settings, tmp_path, clock=FakeClock(), transport=transport) as client:
        data, _ = client.get_json("http://service.invalid/one", service="crossref")
    assert data == {"ok": True}


def _brotli() -> Any:
    brotli = pytest.importorskip("brotli")
    if not hasattr(brotli.Decompressor(), "can_accept_more_data"):
        pytest.skip("brotli < 1.2 cannot bound its output; httpx decodes br then")
    return brotli


def test_br_bomb_stops_at_the_cap_and_small_bodies_decode(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    brotli = _brotli()
    bomb = brotli.compress(b'{"pad": "' + b"0" * 5_000_000 + b'"}')
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, content_type=JSON, headers={"Content-Encoding": "br"}
    )
    httpserver.expect_request("/small").respond_with_data(
        brotli.compress(b'{"ok": true}'), content_type=JSON, headers={"Content-Encoding": "br"}
    )
    with _client(httpserver, tmp_path, max_json_bytes=1_000_000) as client:
        with pytest.raises(RetrievalError, match="max_json_bytes=1000000 bytes"):
            client.get(httpserver.url_for("/bomb"), service="crossref")
        data, _ = client.get_json(httpserver.url_for("/small"), service="crossref")
    assert data == {"ok": True}


def test_br_bomb_is_decoded_a_cap_at_a_time(tmp_path: Path) -> None:
    bomb = _brotli().compress(b"0" * 20_000_000)
    headers = {"Content-Encoding": "br", "Content-Type": JSON}
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, headers=headers, stream=_Dripped(bomb, 65536))
    )
    settings = local_settings("http://service.invalid", max_json_bytes=1_000_000)
    with build_client(settings, tmp_path, clock=FakeClock(), transport=transport) as client:
        tracemalloc.start()
        try:
            with pytest.raises(RetrievalError, match="max_json_bytes"):
                client.get("http://service.invalid/bomb", service="crossref")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 6_000_000  # httpx's own decoder would hold all 20 MB
