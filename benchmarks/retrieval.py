"""Retrieval benchmark against a local synthetic server (no internet).

Measures: (1) requests made by one cold question search, and that no resource is requested
twice; (2) time to resolve 50 identifiers warm, all from the cache (zero network requests);
(3) the arXiv rate limiter's observed spacing, from the client's request starts and from the
server's arrival times.

The arXiv interval is reduced (default 0.25 s instead of 3 s, ``--arxiv-interval``) and the
other services' spacing (0.1 s per host, 1 s for Semantic Scholar) is set to 0, so the run takes
seconds; the arXiv spacing reported is measured against whatever interval is configured.

    python benchmarks/retrieval.py [--arxiv-interval 0.25] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, unquote, urlsplit

from synth.retrieve._http import build_client
from synth.retrieve.resolve import resolve_identifier
from synth.retrieve.search import search_candidates
from synth.settings import RetrieveSettings

QUESTION = (
    "To what extent can knowledge distillation from large language models improve the inference "
    "efficiency of small language models in code generation, as measured by latency and pass@k "
    "on HumanEval and DS-1000?"
)
TOPICS = ["knowledge distillation", "code generation", "small language models", "latency"]


def _title(key: str) -> str:
    topic = TOPICS[sum(map(ord, key)) % len(TOPICS)]
    return f"Synthetic study {key} on {topic} for efficient code models"


def _entry(arxiv_id: str) -> str:
    return (
        f"<entry><id>http://arxiv.org/abs/{arxiv_id}v1</id><title>{_title(arxiv_id)}</title>"
        f"<published>2024-01-01T00:00:00Z</published><summary>Knowledge distillation of "
        f"{arxiv_id} improves pass@k and latency.</summary><author><name>Zoë Test</name></author>"
        "</entry>"
    )


def _feed(ids: list[str]) -> bytes:
    entries = "".join(_entry(i) for i in ids)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"{entries}</feed>"
    ).encode()


def _crossref_item(doi: str) -> dict[str, Any]:
    return {
        "DOI": doi,
        "title": [_title(doi)],
        "author": [{"given": "Ada", "family": "Test"}],
        "issued": {"date-parts": [[2024]]},
        "container-title": ["Synthetic Venue"],
    }


def _s2_paper(key: str) -> dict[str, Any]:
    return {
        "paperId": key,
        "title": _title(key),
        "authors": [{"name": "Ada Test"}],
        "year": 2024,
        "citationCount": 3,
        "externalIds": {},
    }


class _Handler(BaseHTTPRequestHandler):
    """Synthetic arXiv / Crossref / Semantic Scholar endpoints under service prefixes."""

    arrivals: ClassVar[dict[str, list[float]]] = {}
    lock: ClassVar[threading.Lock] = threading.Lock()

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the benchmark's output clean."""

    def _send(self, body: bytes, ctype: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        """Answer one request from the synthetic data."""
        parts = urlsplit(self.path)
        path, query = unquote(parts.path), parse_qs(parts.query)
        with self.lock:
            self.arrivals.setdefault(path.split("/")[1], []).append(time.monotonic())
        if path.startswith("/arxiv/api/query"):
            ids = query.get("id_list", [""])[0]
            wanted = ids.split(",") if ids else [f"2401.{n:05d}" for n in range(10)]
            self._send(_feed(wanted), "application/atom+xml")
        elif path == "/crossref/works":
            items = [_crossref_item(f"10.5555/search.{n}") for n in range(10)]
            self._send(json.dumps({"message": {"items": items}}).encode(), "application/json")
        elif path.startswith("/crossref/works/"):
            item = _crossref_item(path.removeprefix("/crossref/works/"))
            self._send(json.dumps({"message": item}).encode(), "application/json")
        elif path == "/s2/graph/v1/paper/search":
            data = [_s2_paper(f"s2-{n}") for n in range(10)]
            self._send(json.dumps({"data": data}).encode(), "application/json")
        elif path.startswith("/s2/graph/v1/paper/"):
            self._send(json.dumps(_s2_paper(path.rsplit(":", 1)[-1])).encode(), "application/json")
        else:
            self._send(b'{"error":"not found"}', "application/json", 404)


def _settings(base: str, arxiv_interval: float) -> RetrieveSettings:
    return RetrieveSettings.model_validate(
        {
            "arxiv_api_url": f"{base}/arxiv/api",
            "arxiv_pdf_url": f"{base}/arxivpdf/pdf",
            "crossref_api_url": f"{base}/crossref",
            "semantic_scholar_api_url": f"{base}/s2/graph/v1",
            "openalex_api_url": f"{base}/openalex",
            "unpaywall_api_url": f"{base}/unpaywall/v2",
            "arxiv_min_interval_s": arxiv_interval,
            "default_min_interval_s": 0.0,
            "semantic_scholar_min_interval_s": 0.0,
        }
    )


def _cold_search(settings: RetrieveSettings, cache: Path) -> dict[str, Any]:
    start = time.perf_counter()
    with build_client(settings, cache) as client:
        candidates, failures = search_candidates(QUESTION, client, settings)
        stats = client.stats
    return {
        "requests": stats.requests,
        "distinct_urls": len(stats.network),
        "max_requests_per_url": max(stats.network.values()),
        "candidates": len(candidates),
        "failures": len(failures),
        "seconds": round(time.perf_counter() - start, 3),
    }


def _resolve_all(settings: RetrieveSettings, cache: Path, ids: list[str]) -> dict[str, Any]:
    start = time.perf_counter()
    with build_client(settings, cache) as client:
        for raw in ids:
            resolve_identifier(raw, client, settings)
        spacings = client.limiter.host("arxiv").spacings()
        stats = client.stats
    return {
        "seconds": round(time.perf_counter() - start, 4),
        "requests": stats.requests,
        "cache_hits": stats.cache_hits,
        "arxiv_spacings": spacings,
    }


def _spacing_summary(gaps: list[float]) -> dict[str, float]:
    if not gaps:
        return {}
    return {
        "min_s": round(min(gaps), 4),
        "median_s": round(statistics.median(gaps), 4),
        "max_s": round(max(gaps), 4),
    }


def run(arxiv_interval: float) -> dict[str, Any]:
    """Run the three measurements; returns the numbers."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings = _settings(base, arxiv_interval)
    ids = [f"10.5555/bench.{n}" for n in range(25)] + [f"2402.{n:05d}" for n in range(25)]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            search = _cold_search(settings, Path(tmp) / "search")
            _Handler.arrivals.clear()
            cold = _resolve_all(settings, Path(tmp) / "ids", ids)
            arrivals = sorted(_Handler.arrivals.get("arxiv", []))
            warm = _resolve_all(settings, Path(tmp) / "ids", ids)
    finally:
        server.shutdown()
    return {
        "arxiv_min_interval_s": arxiv_interval,
        "cold_search": search,
        "resolve_50_cold": {k: v for k, v in cold.items() if k != "arxiv_spacings"},
        "resolve_50_warm": {k: v for k, v in warm.items() if k != "arxiv_spacings"}
        | {"ms_per_identifier": round(warm["seconds"] * 1000 / len(ids), 3)},
        "arxiv_spacing_client": _spacing_summary(cold["arxiv_spacings"]),
        "arxiv_spacing_server": _spacing_summary([b - a for a, b in pairwise(arrivals)]),
    }


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arxiv-interval", type=float, default=0.25)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.arxiv_interval)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    search, warm = result["cold_search"], result["resolve_50_warm"]
    print(f"arXiv interval: {result['arxiv_min_interval_s']} s (production default 3 s)")
    print(
        f"cold search: {search['requests']} requests, {search['distinct_urls']} distinct URLs, "
        f"max {search['max_requests_per_url']} per URL, {search['candidates']} candidates, "
        f"{search['seconds']} s"
    )
    cold = result["resolve_50_cold"]
    print(f"resolve 50 ids cold: {cold['requests']} requests, {cold['seconds']} s")
    print(
        f"resolve 50 ids warm: {warm['requests']} requests, {warm['cache_hits']} cache hits, "
        f"{warm['seconds']} s ({warm['ms_per_identifier']} ms per identifier)"
    )
    print(f"arXiv spacing (client starts): {result['arxiv_spacing_client']}")
    print(f"arXiv spacing (server arrivals): {result['arxiv_spacing_server']}")


if __name__ == "__main__":
    main()
