"""Test support for the retrieve stage: a fake clock, settings for a local server, a replay index.

Every service is mounted under its own prefix on one local server (``/arxiv``, ``/crossref``,
``/openalex``, ``/s2``, ``/unpaywall``), because Crossref and OpenAlex share paths like ``/works``.
The replay index reads ../shared/realdata/PROVENANCE.md for each recorded body's request URL,
status and content type, and serves the body whose recorded request matches.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from synth.settings import RetrieveSettings

FIXTURES = Path(__file__).parent / "fixtures" / "api"

PREFIX_OF_HOST = {
    "export.arxiv.org": "/arxiv",
    "arxiv.org": "/arxivpdf",
    "api.crossref.org": "/crossref",
    "api.openalex.org": "/openalex",
    "api.semanticscholar.org": "/s2",
    "api.unpaywall.org": "/unpaywall",
}
HOST_OF_PREFIX = {prefix: host for host, prefix in PREFIX_OF_HOST.items()}
# Parameters that do not change which record a service returns.
IGNORED_PARAMS = frozenset(
    {
        "mailto",
        "email",
        "fields",
        "select",
        "sortby",
        "sortorder",
        "max_results",
        "rows",
        "limit",
        "offset",
        "per_page",
        "api_key",
    }
)
_CONTENT_TYPES = {
    ".xml": "application/atom+xml; charset=UTF-8",
    ".json": "application/json",
    ".txt": "text/plain",
    ".html": "text/html; charset=utf-8",
    ".bib": "application/x-bibtex",
}


class FakeClock:
    """A clock whose sleep only advances time and records the wait (thread-safe)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        """Current fake time."""
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        """Advance the fake time."""
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds


def local_settings(base: str, **overrides: object) -> RetrieveSettings:
    """Settings pointing every service at its prefix on a local server; no real waiting."""
    base = base.rstrip("/")
    values: dict[str, object] = {
        "arxiv_api_url": f"{base}/arxiv/api",
        "arxiv_pdf_url": f"{base}/arxivpdf/pdf",
        "crossref_api_url": f"{base}/crossref",
        "openalex_api_url": f"{base}/openalex",
        "semantic_scholar_api_url": f"{base}/s2/graph/v1",
        "unpaywall_api_url": f"{base}/unpaywall/v2",
        "timeout_s": 5.0,
        "max_retries": 2,
    }
    values.update(overrides)
    return RetrieveSettings.model_validate(values)


def local_env(base: str) -> dict[str, str]:
    """The short SYNTH_* variables pointing the CLI at a local server."""
    s = local_settings(base)
    return {
        "SYNTH_ARXIV_API_URL": s.arxiv_api_url,
        "SYNTH_ARXIV_PDF_URL": s.arxiv_pdf_url,
        "SYNTH_CROSSREF_API_URL": s.crossref_api_url,
        "SYNTH_OPENALEX_API_URL": s.openalex_api_url,
        "SYNTH_SEMANTIC_SCHOLAR_API_URL": s.semantic_scholar_api_url,
        "SYNTH_UNPAYWALL_API_URL": s.unpaywall_api_url,
        "SYNTH_RETRIEVE__MAX_RETRIES": "0",
        # The CLI runs on the real clock: no spacing, so tests never really wait.
        "SYNTH_RETRIEVE__ARXIV_MIN_INTERVAL_S": "0",
        "SYNTH_RETRIEVE__DEFAULT_MIN_INTERVAL_S": "0",
        "SYNTH_RETRIEVE__SEMANTIC_SCHOLAR_MIN_INTERVAL_S": "0",
    }


def _norm_path(path: str) -> str:
    return re.sub(r"/+", "/", unquote(path)).lower().rstrip("/")


def _identity(pairs: list[tuple[str, str]]) -> frozenset[tuple[str, str]]:
    return frozenset(
        (k.lower(), unquote(v).lower()) for k, v in pairs if k.lower() not in IGNORED_PARAMS and v
    )


@dataclass(frozen=True)
class Recording:
    """One recorded response and the request it answered."""

    file: Path
    url: str
    host: str
    path: str
    query: tuple[tuple[str, str], ...]
    status: int
    content_type: str

    def local_url(self, base: str) -> str:
        """The recorded request re-based onto the local server."""
        parts = urlsplit(self.url)
        query = f"?{parts.query}" if parts.query else ""
        return f"{base.rstrip('/')}{PREFIX_OF_HOST[self.host]}{parts.path}{query}"


_HEADING = re.compile(r"^### `(api/[^`]+)`")
_REQUEST = re.compile(r"^\* request: `GET (\S+?)(?: \(inferred[^`]*)?` -> status (\d+)")
_CTYPE = re.compile(r"content-type `([^`]+)`")


def load_recordings(realdata: Path) -> list[Recording]:
    """Every GET recording under realdata/api that PROVENANCE.md gives a request URL for."""
    recordings: list[Recording] = []
    current: str | None = None
    for line in (realdata / "PROVENANCE.md").read_text(encoding="utf-8").splitlines():
        heading = _HEADING.match(line)
        if heading:
            current = heading.group(1)
            continue
        request = _REQUEST.match(line)
        if not (request and current and (realdata / current).is_file()):
            continue
        url, status = request.group(1), int(request.group(2))
        parts = urlsplit(url)
        if parts.hostname not in PREFIX_OF_HOST:
            continue
        ctype = _CTYPE.search(line)
        file = realdata / current
        recordings.append(
            Recording(
                file=file,
                url=url,
                host=parts.hostname,
                path=_norm_path(parts.path),
                query=tuple(parse_qsl(parts.query, keep_blank_values=True)),
                status=status,
                content_type=ctype.group(1) if ctype else _CONTENT_TYPES.get(file.suffix, ""),
            )
        )
    return recordings


@dataclass
class Replay:
    """A werkzeug handler serving recorded bodies; unmatched requests get 404 and are listed."""

    recordings: list[Recording]
    served: list[Path] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    def find(self, request: Request) -> Recording | None:
        """The recording answering a request: exact query first, then by identifying params."""
        prefix = "/" + request.path.lstrip("/").split("/", 1)[0]
        host = HOST_OF_PREFIX.get(prefix)
        path = _norm_path(request.path[len(prefix) :])
        query = parse_qsl(request.query_string.decode("latin-1"), keep_blank_values=True)
        same_path = [r for r in self.recordings if r.host == host and r.path == path]
        for rec in same_path:
            if sorted(rec.query) == sorted(query):
                return rec
        wanted = _identity(query)
        return next((r for r in same_path if _identity(list(r.query)) == wanted), None)

    def __call__(self, request: Request) -> Response:
        """Serve one request."""
        rec = self.find(request)
        if rec is None:
            self.unmatched.append(request.full_path)
            return Response('{"error":"not recorded"}', 404, content_type="application/json")
        self.served.append(rec.file)
        return Response(rec.file.read_bytes(), rec.status, content_type=rec.content_type)


def fixture_bytes(name: str) -> bytes:
    """A hand-written fixture's bytes."""
    return (FIXTURES / name).read_bytes()


def content_type_of(name: str) -> str:
    """Content type a service would send for a fixture file."""
    return "application/pdf" if name.endswith(".pdf") else _CONTENT_TYPES[Path(name).suffix]


def serve(
    httpserver: HTTPServer,
    path: str,
    name: str,
    status: int = 200,
    query: dict[str, str] | None = None,
) -> None:
    """Serve a fixture file at ``path`` (optionally only for matching query parameters)."""
    httpserver.expect_request(path, query_string=query).respond_with_data(
        fixture_bytes(name), status=status, content_type=content_type_of(name)
    )


def not_found_elsewhere(httpserver: HTTPServer) -> None:
    """Answer every request no earlier handler matched with a JSON 404 (register it last)."""
    httpserver.expect_request(re.compile(".*")).respond_with_data(
        '{"error":"not found"}', status=404, content_type="application/json"
    )


def dripping(body: bytes, interval_s: float) -> Callable[[Request], Response]:
    """A handler sending ``body`` one byte per ``interval_s`` (a server that never quite stalls)."""

    def drip() -> Iterator[bytes]:
        for byte in body:
            time.sleep(interval_s)
            yield bytes([byte])

    def handler(request: Request) -> Response:
        return Response(drip(), 200, content_type="application/json")

    return handler


def main() -> None:
    """Serve the real recordings on a local port and print the variables that point synth at it."""
    from tests.conftest import REALDATA

    server = HTTPServer(host="127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    server.expect_request(re.compile(".*")).respond_with_handler(Replay(load_recordings(REALDATA)))
    server.start()
    for name, value in local_env(server.url_for("/")).items():
        print(f"export {name}={value}")
    print("# replaying", REALDATA / "api", "- Ctrl-C to stop", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
