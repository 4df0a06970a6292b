"""Retrieve: find and resolve papers (arXiv, Crossref, OpenAlex, Semantic Scholar, Unpaywall).

Public entry points live in their modules (imported there, so importing this package stays cheap):
``_http.build_client``, ``resolve.resolve_identifier``, ``resolve.fetch_pdf`` and
``search.search_candidates``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the client module pulls in httpx; import it only when a client is built
    from synth.retrieve._http import HttpClient as HttpClient  # the type callers annotate with
    from synth.settings import RetrieveSettings


def open_client(
    settings: RetrieveSettings, cache_dir: Path, *, refresh: bool = False
) -> HttpClient:
    """The shared HTTP client (cache under ``cache_dir``; ``refresh`` re-asks the network)."""
    from synth.retrieve._http import build_client

    return build_client(settings, cache_dir, refresh=refresh)
