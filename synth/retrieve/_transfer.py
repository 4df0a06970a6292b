"""One GET on the wire: redirects followed by hand, the body streamed under a size cap and deadline.

Redirects are followed here, not by httpx, because httpx strips only ``Authorization`` when a
redirect leaves the origin: a custom header such as Semantic Scholar's ``x-api-key``, or an
``api_key`` in the Location, would reach the other host. Here credentials never cross hosts.
SEE: https://www.python-httpx.org/api/#client (``follow_redirects``).

The body is read in chunks as it arrives (after decompression), so a gzip, deflate or (with
brotli >= 1.2 installed) br bomb stops at its cap, and a server that drips bytes just fast enough
to dodge the read timeout stops at the deadline.
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from synth.errors import RetrievalError
from synth.settings import RetrieveSettings

# Query parameters that carry credentials: never in cache keys, origins, messages or other hosts.
SECRET_PARAMS = frozenset({"api_key", "apikey", "key", "token"})
CREDENTIAL_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "api-key", "cookie"}
)
MAX_REDIRECTS = 10
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Bodies read with the PDF cap; everything else (JSON, Atom XML, HTML error pages) gets the API cap.
_PDF_TYPES = ("application/pdf", "application/x-pdf", "application/octet-stream")
# Content encodings inflated here, a cap at a time; window bits as zlib wants them.
_WBITS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}


@dataclass(frozen=True)
class WireResponse:
    """Status, headers and the whole (decompressed) body of the final response."""

    status: int
    headers: httpx.Headers
    content: bytes


def without_secret_params(url: httpx.URL) -> httpx.URL:
    """The URL minus credential query parameters."""
    kept = [(k, v) for k, v in url.params.multi_items() if k.lower() not in SECRET_PARAMS]
    return url.copy_with(params=kept) if kept else url.copy_with(query=None)


def _crosses_hosts(origin: httpx.URL, target: httpx.URL) -> bool:
    # Another host or port is another party; https -> http would send secrets in the clear.
    moved = (origin.host.lower(), origin.port) != (target.host.lower(), target.port)
    return moved or (origin.scheme == "https" and target.scheme != "https")


def body_cap(settings: RetrieveSettings, content_type: str) -> tuple[str, int]:
    """The setting name and byte cap that apply to a body of this content type."""
    if content_type.split(";")[0].strip().lower() in _PDF_TYPES:
        return "max_pdf_bytes", settings.max_pdf_bytes
    return "max_json_bytes", settings.max_json_bytes


@dataclass
class _Budget:
    """The overall deadline of one request and what to say when it is spent."""

    settings: RetrieveSettings
    service: str
    shown: str
    now: Callable[[], float]
    started: float

    def fail(self, reason: str) -> RetrievalError:
        return RetrievalError(f"{self.service}: {self.shown}: {reason}", self.service, self.shown)

    def remaining(self) -> float:
        left = self.settings.request_deadline_s - (self.now() - self.started)
        if left <= 0:
            raise self.fail(
                f"did not finish within request_deadline_s="
                f"{self.settings.request_deadline_s:g} s (the server sends too slowly)"
            )
        return left


def _chunks(raw: httpx.Response, limit: int) -> Iterator[bytes]:
    """Decompressed body chunks; a gzip, deflate or br chunk grows to at most ``limit`` bytes."""
    encoding = raw.headers.get("content-encoding", "").strip().lower()
    if raw.is_stream_consumed:  # already read: an in-memory (mock) response
        yield from raw.iter_bytes()
    elif encoding in _WBITS:
        # httpx would inflate each 64 KiB read whole (~66 MB for a bomb) before we could count.
        yield from _inflated(raw, encoding, limit)
    elif encoding == "br" and (decompressor := _brotli_decompressor()) is not None:
        yield from _unbrotlied(raw, decompressor, limit)
    else:
        yield from raw.iter_bytes()  # identity, or an encoding httpx decodes (stacked ones)


def _inflated(raw: httpx.Response, encoding: str, limit: int) -> Iterator[bytes]:
    inflater, head = None, b""
    try:
        for packed in raw.iter_raw():
            if inflater is None:
                head += packed
                if len(head) < 2:  # deflate's two header bytes tell its two framings apart
                    continue
                inflater, packed = zlib.decompressobj(_wbits(encoding, head)), head
            while packed:
                yield inflater.decompress(packed, limit)
                packed = inflater.unconsumed_tail
        if inflater is None and head:  # a one-byte body: invalid, and zlib will say so
            inflater = zlib.decompressobj(_wbits(encoding, head))
            yield inflater.decompress(head, limit)
        if inflater is not None:
            yield inflater.flush()
    except zlib.error as exc:
        raise httpx.DecodingError(f"invalid {encoding} body: {exc}", request=raw.request) from exc


def _brotli_decompressor() -> Any:
    """A brotli decompressor that can bound its output (brotli >= 1.2), or None."""
    # Optional: httpx asks for br only when the brotli package is installed.
    if importlib.util.find_spec("brotli") is None:
        return None
    decompressor = importlib.import_module("brotli").Decompressor()
    return decompressor if hasattr(decompressor, "can_accept_more_data") else None


def _unbrotlied(raw: httpx.Response, decompressor: Any, limit: int) -> Iterator[bytes]:
    brotli_error = importlib.import_module("brotli").error
    try:
        for packed in itertools.chain(raw.iter_raw(), [b""]):  # b"": drain what is held
            yield decompressor.process(packed, output_buffer_limit=limit)
            # Output held back at the limit must come out before more input may go in.
            while not decompressor.can_accept_more_data():
                yield decompressor.process(b"", output_buffer_limit=limit)
    except brotli_error as exc:
        raise httpx.DecodingError(f"invalid br body: {exc}", request=raw.request) from exc


def _wbits(encoding: str, head: bytes) -> int:
    """zlib's window bits for this encoding; for deflate, from the body's first two bytes."""
    if encoding != "deflate":
        return _WBITS[encoding]
    # RFC 9110 deflate is zlib-framed, but some servers send raw deflate (httpx accepts both).
    zlib_framed = head[0] & 0x0F == 8 and ((head[0] << 8) | head[1]) % 31 == 0
    return zlib.MAX_WBITS if zlib_framed else -zlib.MAX_WBITS


def _read_body(raw: httpx.Response, settings: RetrieveSettings, budget: _Budget) -> bytes:
    name, cap = body_cap(settings, raw.headers.get("content-type", ""))
    too_large = budget.fail(
        f"body exceeds {name}={cap} bytes (decompressed); "
        f"raise SYNTH_RETRIEVE__{name.upper()} if the resource is genuine"
    )
    declared = raw.headers.get("content-length", "")
    if declared.isdigit() and "content-encoding" not in raw.headers and int(declared) > cap:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    for chunk in _chunks(raw, cap + 1):
        size += len(chunk)
        if size > cap:
            raise too_large
        budget.remaining()
        chunks.append(chunk)
    return b"".join(chunks)


def send_get(
    http: httpx.Client,
    url: str,
    params: Mapping[str, Any] | None,
    headers: Mapping[str, str] | None,
    settings: RetrieveSettings,
    service: str,
    shown: str,
    now: Callable[[], float] = time.monotonic,
) -> WireResponse:
    """GET ``url`` following redirects; credentials are dropped once a redirect leaves the host.

    Raises RetrievalError (not retried) when the body passes its cap or the request outlives
    ``request_deadline_s``; httpx errors (timeouts, connection failures) propagate.
    """
    here = httpx.URL(url).copy_merge_params(dict(params)) if params else httpx.URL(url)
    target, sent = here, dict(headers or {})
    budget = _Budget(settings, service, shown, now, now())
    for _ in range(MAX_REDIRECTS + 1):
        timeout = min(settings.timeout_s, budget.remaining())
        with http.stream("GET", target, headers=sent, timeout=timeout) as raw:
            location = raw.headers.get("location")
            if raw.status_code not in _REDIRECT_STATUSES or not location:
                content = _read_body(raw, settings, budget)
                return WireResponse(raw.status_code, raw.headers, content)
        target = target.join(location)
        if _crosses_hosts(here, target):
            # Dropped headers stay dropped, even if a later hop comes back to the first host.
            sent = {k: v for k, v in sent.items() if k.lower() not in CREDENTIAL_HEADERS}
            target = without_secret_params(target)
        here = target
    raise budget.fail(f"more than {MAX_REDIRECTS} redirects")
