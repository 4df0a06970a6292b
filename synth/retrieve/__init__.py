"""Retrieve: find and resolve papers (arXiv, Crossref, OpenAlex, Semantic Scholar, Unpaywall).

Public entry points live in their modules (imported there, so importing this package stays cheap):
``_http.build_client``, ``resolve.resolve_identifier``, ``resolve.fetch_pdf`` and
``search.search_candidates``.
"""

from __future__ import annotations
