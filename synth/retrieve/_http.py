"""The one HTTP client every service uses: User-Agent, rate limits, retries, cache, offline mode.

Failures raised (all :class:`~synth.errors.RetrievalError`)::

    RetrievalError        retries exhausted (429, 5xx, timeout, connection error), a body
                          that fails its check (HTML where JSON was expected, truncated JSON),
                          passes its size cap or outlives request_deadline_s (not retried)
    └── OfflineMissError  offline mode and the resource is not cached

Any other status (200, 400, 404, ...) comes back as an :class:`HttpResponse` for the service
to interpret. Responses with status 200 (after their check passed), 404 and 410 are cached.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import random
import ssl
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from synth import __version__
from synth.errors import OfflineMissError, RetrievalError
from synth.retrieve._cache import ResponseCache
from synth.retrieve._ratelimit import (
    Clock,
    RateLimiter,
    SystemClock,
    backoff_delay,
    parse_retry_after,
)
from synth.retrieve._transfer import SECRET_PARAMS, send_get
from synth.settings import RetrieveSettings

logger = logging.getLogger(__name__)

_CACHED_STATUSES = frozenset({200, 404, 410})
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class HttpResponse:
    """A final response (from the network or the cache)."""

    url: str
    status: int
    content_type: str
    content: bytes
    retrieved_at: datetime
    from_cache: bool
    path: Path | None = None

    def text(self) -> str:
        """The body decoded as UTF-8 (undecodable bytes replaced)."""
        return self.content.decode("utf-8", errors="replace")

    def is_html(self) -> bool:
        """True when the body is an HTML page (error pages of some services)."""
        head = self.content[:200].lstrip().lower()
        return "html" in self.content_type.lower() or head.startswith((b"<!doctype html", b"<html"))


Check = Callable[[HttpResponse], None]


@dataclass
class RequestStats:
    """What a client did: network requests per URL, cache hits, retries and their waits."""

    network: Counter[str] = field(default_factory=Counter)
    cache_hits: int = 0
    retry_waits: list[float] = field(default_factory=list)

    @property
    def requests(self) -> int:
        """Number of network requests sent (retries included)."""
        return sum(self.network.values())


def public_url(url: str, params: Mapping[str, Any] | None = None) -> str:
    """The request URL with its query, minus secret parameters (safe to log, cache and record)."""
    full = httpx.URL(url).copy_merge_params(dict(params)) if params else httpx.URL(url)
    kept = [(k, v) for k, v in full.params.multi_items() if k.lower() not in SECRET_PARAMS]
    return str(full.copy_with(params=kept) if kept else full.copy_with(query=None))


def user_agent(mailto: str | None) -> str:
    """A polite User-Agent naming synth, its version and a contact address when given."""
    contact = f"; mailto:{mailto}" if mailto else ""
    return f"synth/{__version__} (literature synthesis tool{contact})"


def check_json(response: HttpResponse) -> None:
    """Raise RetrievalError unless a 200 body is JSON (not HTML, not truncated)."""
    if response.is_html():
        raise RetrievalError(
            f"expected JSON but got an HTML page from {response.url}", url=response.url
        )
    try:
        json.loads(response.content)
    except ValueError as exc:
        raise RetrievalError(
            f"truncated or invalid JSON from {response.url}: {exc}", url=response.url
        ) from exc


@functools.lru_cache(maxsize=1)
def _ssl_context() -> ssl.SSLContext:
    # Building a verifying context loads the CA bundle (~40 ms); one per process is enough.
    return httpx.create_ssl_context()


class HttpClient:
    """Sync httpx client with per-host rate limits, retries with backoff, and an on-disk cache."""

    def __init__(
        self,
        settings: RetrieveSettings,
        cache: ResponseCache,
        *,
        clock: Clock | None = None,
        transport: httpx.BaseTransport | None = None,
        rng: random.Random | None = None,
        refresh: bool = False,
    ) -> None:
        self.settings = settings
        self.cache = cache
        # A refreshing client asks the network again (re-checks want today's answer) but still
        # stores what it gets, so a later offline run can serve it.
        self.refresh = refresh
        self.clock: Clock = clock or SystemClock()
        self.rng = rng or random.Random()
        self.limiter = RateLimiter(settings.default_min_interval_s, self.clock)
        self.limiter.configure("arxiv", settings.arxiv_min_interval_s, serial=True)
        self.limiter.configure(
            "semanticscholar", settings.semantic_scholar_min_interval_s, serial=False
        )
        self._stats_lock = threading.Lock()
        self.stats = RequestStats()
        self._http = httpx.Client(
            timeout=settings.timeout_s,
            follow_redirects=False,  # _transfer follows them, keeping credentials on their host
            verify=_ssl_context(),
            transport=transport,
            headers={"User-Agent": user_agent(settings.mailto)},
        )

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def get(
        self,
        url: str,
        *,
        service: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        check: Check | None = None,
    ) -> HttpResponse:
        """GET through the cache; retries transient failures; ``check`` validates 200 bodies."""
        try:
            shown = public_url(url, params)
        except httpx.InvalidURL as exc:
            raise RetrievalError(f"{service}: invalid URL {url!r}: {exc}", service, url) from exc
        use_cache = self.settings.offline or not self.refresh
        cached = self.cache.load("GET", shown) if use_cache else None
        if cached is not None:
            with self._stats_lock:
                self.stats.cache_hits += 1
            return HttpResponse(
                url=cached.url,
                status=cached.status,
                content_type=cached.content_type,
                content=cached.content,
                retrieved_at=cached.retrieved_at,
                from_cache=True,
                path=cached.path,
            )
        if self.settings.offline:
            raise OfflineMissError(
                f"offline: {service} resource not in the cache: {shown}", service, shown
            )
        response = self._send(url, shown, service, params, headers)
        if response.status == 200 and check is not None:
            try:
                check(response)
            except RetrievalError as exc:
                raise RetrievalError(f"{service}: {exc}", service, shown, response.status) from exc
        if response.status in _CACHED_STATUSES:
            response = self._store(response)
        return response

    def _store(self, response: HttpResponse) -> HttpResponse:
        try:
            path = self.cache.store(
                "GET",
                response.url,
                response.status,
                response.content_type,
                response.content,
                response.retrieved_at,
            )
        except OSError as exc:  # a full or read-only disk costs the cache, not the answer
            logger.warning("could not cache %s: %s", response.url, exc)
            return response
        return dataclasses.replace(response, path=path)

    def get_json(
        self,
        url: str,
        *,
        service: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[Any, HttpResponse]:
        """GET a JSON resource; returns (decoded body or None when not 200, response)."""
        response = self.get(url, service=service, params=params, headers=headers, check=check_json)
        if response.status != 200:
            return None, response
        return json.loads(response.content), response

    def _bucket(self, service: str, url: str) -> str:
        # arXiv asks for one request every 3 s across its API and PDF hosts; Semantic Scholar
        # allows one per second. Other services are spaced per host.
        if service in ("arxiv", "semanticscholar"):
            return service
        return httpx.URL(url).netloc.decode("ascii")

    def _send(
        self,
        url: str,
        shown: str,
        service: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
    ) -> HttpResponse:
        limiter = self.limiter.host(self._bucket(service, url))
        attempts = self.settings.max_retries + 1
        attempt = 0
        while True:  # ends by returning a response or by _wait_before_retry raising
            status: int | None = None
            retry_after: float | None = None
            try:
                with limiter.slot():
                    with self._stats_lock:
                        self.stats.network[shown] += 1
                    raw = send_get(self._http, url, params, headers, self.settings, service, shown)
            except httpx.UnsupportedProtocol as exc:
                raise RetrievalError(
                    f"{service}: cannot fetch {shown}: {exc}", service, shown
                ) from exc
            except httpx.TimeoutException as exc:
                reason = f"timed out ({type(exc).__name__})"
            except httpx.TransportError as exc:
                reason = f"connection failed ({type(exc).__name__}: {exc})"
            except (
                httpx.RequestError
            ) as exc:  # undecodable body, redirect loop: retrying won't help
                raise RetrievalError(f"{service}: {exc} for {shown}", service, shown) from exc
            else:
                if raw.status not in _RETRY_STATUSES:
                    return HttpResponse(
                        url=shown,
                        status=raw.status,
                        content_type=raw.headers.get("content-type", ""),
                        content=raw.content,
                        retrieved_at=datetime.now(timezone.utc),
                        from_cache=False,
                    )
                status = raw.status
                reason = f"HTTP {status}"
                retry_after = parse_retry_after(raw.headers.get("retry-after"))
            self._wait_before_retry(attempt, attempts, reason, retry_after, service, shown, status)
            attempt += 1

    def _wait_before_retry(
        self,
        attempt: int,
        attempts: int,
        reason: str,
        retry_after: float | None,
        service: str,
        shown: str,
        status: int | None,
    ) -> None:
        if attempt + 1 >= attempts:
            raise RetrievalError(
                f"{service}: {reason} after {attempts} attempt(s): {shown}", service, shown, status
            )
        if retry_after is not None and retry_after > self.settings.backoff_max_s:
            raise RetrievalError(
                f"{service}: {reason}; the server asks to retry after {retry_after:.0f} s "
                f"(more than backoff_max_s={self.settings.backoff_max_s:.0f}): {shown}",
                service,
                shown,
                status,
            )
        delay = retry_after
        if delay is None:
            delay = backoff_delay(
                attempt, self.settings.backoff_base_s, self.settings.backoff_max_s, self.rng
            )
        logger.info("%s: %s; retrying in %.2f s (%s)", service, reason, delay, shown)
        with self._stats_lock:
            self.stats.retry_waits.append(delay)
        self.clock.sleep(delay)


def build_client(
    settings: RetrieveSettings,
    cache_dir: Path,
    *,
    clock: Clock | None = None,
    transport: httpx.BaseTransport | None = None,
    rng: random.Random | None = None,
    refresh: bool = False,
) -> HttpClient:
    """The HTTP client for all services, caching under ``cache_dir``.

    With ``refresh`` cached answers are not reused online (they are still stored); offline mode
    always serves from the cache.
    """
    return HttpClient(
        settings,
        ResponseCache(cache_dir),
        clock=clock,
        transport=transport,
        rng=rng,
        refresh=refresh,
    )
