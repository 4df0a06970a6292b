"""A small parser for the arXiv API's Atom feeds (xml.etree; no network).

SEE: https://info.arxiv.org/help/api/user-manual.html#_details_of_atom_results_returned
Quirks handled: a malformed id gives HTTP 400 with a feed whose single entry is titled "Error"
and whose id points at ``arxiv.org/api/errors``; an unknown well-formed id gives an empty feed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

_NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
_ABS_ID = re.compile(r"arxiv\.org/abs/(.+?)(?:v(\d+))?$")


@dataclass
class AtomEntry:
    """One paper of a feed."""

    arxiv_id: str
    version: int | None
    title: str
    authors: list[str] = field(default_factory=list)
    summary: str | None = None
    year: int | None = None
    doi: str | None = None
    journal_ref: str | None = None
    abs_url: str | None = None
    pdf_url: str | None = None
    comment: str | None = None  # the authors' note; withdrawals are announced here


@dataclass
class AtomFeed:
    """A parsed feed: entries, the reported total, or the API's error message."""

    entries: list[AtomEntry]
    total_results: int | None = None
    error: str | None = None


def _text(node: ET.Element | None) -> str | None:
    if node is None or node.text is None:
        return None
    text = " ".join(node.text.split())
    return text or None


def _links(entry: ET.Element) -> tuple[str | None, str | None]:
    abs_url = pdf_url = None
    for link in entry.findall("atom:link", _NS):
        if link.get("title") == "pdf" or link.get("type") == "application/pdf":
            pdf_url = link.get("href")
        elif link.get("rel") == "alternate":
            abs_url = link.get("href")
    return abs_url, pdf_url


def _entry(node: ET.Element) -> AtomEntry | None:
    raw_id = _text(node.find("atom:id", _NS)) or ""
    match = _ABS_ID.search(raw_id)
    if not match:
        return None
    published = _text(node.find("atom:published", _NS)) or ""
    abs_url, pdf_url = _links(node)
    names = (_text(a.find("atom:name", _NS)) for a in node.findall("atom:author", _NS))
    return AtomEntry(
        arxiv_id=match.group(1),
        version=int(match.group(2)) if match.group(2) else None,
        title=_text(node.find("atom:title", _NS)) or "",
        authors=[name for name in names if name],
        summary=_text(node.find("atom:summary", _NS)),
        year=int(published[:4]) if published[:4].isdigit() else None,
        doi=_text(node.find("arxiv:doi", _NS)),
        journal_ref=_text(node.find("arxiv:journal_ref", _NS)),
        abs_url=abs_url,
        pdf_url=pdf_url,
        comment=_text(node.find("arxiv:comment", _NS)),
    )


def parse_feed(body: bytes) -> AtomFeed:
    """Parse an arXiv Atom feed; raises ValueError when the body is not an Atom feed."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise ValueError(f"not XML ({exc})") from exc
    if root.tag != f"{{{_NS['atom']}}}feed":
        raise ValueError(f"not an Atom feed (root element {root.tag})")
    total = _text(root.find("opensearch:totalResults", _NS))
    entries: list[AtomEntry] = []
    for node in root.findall("atom:entry", _NS):
        raw_id = _text(node.find("atom:id", _NS)) or ""
        if "/api/errors" in raw_id:
            message = _text(node.find("atom:summary", _NS)) or "unspecified arXiv API error"
            return AtomFeed(entries=[], total_results=0, error=message)
        entry = _entry(node)
        if entry is not None:
            entries.append(entry)
    return AtomFeed(
        entries=entries, total_results=int(total) if total and total.isdigit() else None
    )
