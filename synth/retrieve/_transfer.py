"""One GET on the wire: redirects followed by hand, the body streamed under a size cap and deadline.

Redirects are followed here, not by httpx, because httpx strips only ``Authorization`` when a
redirect leaves the origin: a custom header such as Semantic Scholar's ``x-api-key``, or an
``api_key`` in the Location, would reach the other host. Here credentials never cross hosts.
SEE: https://www.python-httpx.org/api/#client (``follow_redirects``).

The body is read in chunks as it arrives (after decompression), so a gzip bomb stops at its cap
and a server that drips bytes just fast enough to dodge the read timeout stops at the deadline.
"""

from __future__ import annotations

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
    """Decompressed body chunks; a gzip chunk inflates to at most ``limit`` bytes at a time."""
    gzipped = raw.headers.get("content-encoding", "").strip().lower() in ("gzip", "x-gzip")
    if not gzipped or raw.is_stream_consumed:  # already read: an in-memory (mock) response
        yield from raw.iter_bytes()  # identity, or an encoding httpx decodes (deflate, br)
        return
    # httpx would inflate each 64 KiB read whole (up to ~66 MB for a bomb) before we could count.
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        for packed in raw.iter_raw():
            while packed:
                yield inflater.decompress(packed, limit)
                packed = inflater.unconsumed_tail
        yield inflater.flush()
    except zlib.error as exc:
        raise httpx.DecodingError(f"invalid gzip body: {exc}", request=raw.request) from exc


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
