"""DOI and arXiv identifier parsing and normalization (the one place for their forms); report ids.

Accepted DOI forms: ``10.x/...``, ``doi:10.x/...``, ``https://doi.org/...``, ``http://dx.doi.org/...``,
percent-encoded or not, any case. Accepted arXiv forms: new style ``2310.07831`` and old style
``astro-ph/0601001`` (optionally ``math.GT/0309136``), with or without ``vN``, with an ``arXiv:``
prefix, as ``arxiv.org/abs|pdf`` URLs, or as arXiv DOIs (``10.48550/arXiv.2310.07831``).
SEE: https://info.arxiv.org/help/arxiv_identifier.html
"""

from __future__ import annotations

import hashlib
import re
from typing import Literal
from urllib.parse import unquote

from pydantic import BaseModel, ConfigDict

from synth.errors import InputError

ARXIV_DOI_PREFIX = "10.48550/arxiv."

_DOI_PREFIX = re.compile(
    r"^(?:doi:\s*|info:doi/|(?:https?://)?(?:www\.|dx\.)?doi\.org/)", re.IGNORECASE
)
_DOI = re.compile(r"^10\.\d{4,9}(?:\.\d+)*/\S+$")
_ARXIV_PREFIX = re.compile(
    r"^(?:arxiv:\s*|(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)", re.IGNORECASE
)
_ARXIV_NEW = re.compile(r"^(\d{4}\.\d{4,5})(?:v(\d+))?$", re.IGNORECASE)
# Old style: archive (letters, '-'), optional subject class (".GT"), '/', 7 digits (YYMMNNN).
_ARXIV_OLD = re.compile(r"^([a-z]+(?:-[a-z]+)?)(?:\.[a-z]{2})?/(\d{7})(?:v(\d+))?$", re.IGNORECASE)
_TRAILING_PUNCT = re.compile(r"[\s?.!,;:]+$")
# Link grammars, stricter than what the parsers above accept: a link is pasted into markup (a
# Markdown autolink, an href), so only characters that cannot end or break out of it are allowed.
# DOI suffixes: Crossref's recommended set, which covers 99.3% of registered DOIs.
# SEE: https://www.crossref.org/blog/dois-and-matching-regular-expressions/
_LINK_DOI = re.compile(r"^10\.\d{4,9}(?:\.\d+)*/[-._;()/:a-z0-9]+$")
# http(s), a host name, an optional port, then RFC 3986 path/query/fragment characters without
# quotes, angle brackets, backslashes or whitespace.
_LINK_URL = re.compile(
    r"^https?://[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d{1,5})?(?:[/?#][-a-z0-9._~%!$&()*+,;=:@/?#]*)?$",
    re.IGNORECASE,
)


class Identifier(BaseModel):
    """A parsed, normalized paper identifier."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["doi", "arxiv"]
    value: str
    version: int | None = None

    def versioned(self) -> str:
        """The value with its arXiv version suffix (``2310.07831v2``) when one was given."""
        return f"{self.value}v{self.version}" if self.version is not None else self.value

    def __str__(self) -> str:
        return f"{self.kind}:{self.versioned()}"


def _strip_doi_prefix(raw: str) -> str:
    text = raw.strip()
    stripped = _DOI_PREFIX.sub("", text, count=1)
    # Percent-encoding appears when DOIs are copied out of URLs (10.1073%2Fpnas...).
    if stripped != text or "%" in stripped:
        stripped = unquote(stripped)
    return stripped.strip()


def normalize_doi(raw: str) -> str:
    """Normalize a DOI in any common form to lower case without prefix; InputError if malformed."""
    doi = _strip_doi_prefix(raw).lower()
    if not _DOI.match(doi):
        raise InputError(f"not a DOI: {raw!r} (expected 10.NNNN/suffix)")
    return doi


def _split_arxiv(raw: str) -> tuple[str, int | None] | None:
    text = _ARXIV_PREFIX.sub("", raw.strip(), count=1).strip()
    text = re.sub(r"(?:\.pdf)?/?$", "", text, flags=re.IGNORECASE)
    if text.lower().startswith(ARXIV_DOI_PREFIX):
        text = text[len(ARXIV_DOI_PREFIX) :]
    match = _ARXIV_NEW.match(text)
    if match:
        return match.group(1), int(match.group(2)) if match.group(2) else None
    match = _ARXIV_OLD.match(text)
    if match:
        # The subject class (".GT") is not part of the canonical id; archives are lower case.
        value = f"{match.group(1).lower()}/{match.group(2)}"
        return value, int(match.group(3)) if match.group(3) else None
    return None


def normalize_arxiv_id(raw: str) -> str:
    """Normalize an arXiv id (any form) to ``2310.07831`` / ``astro-ph/0601001``, keeping ``vN``."""
    parts = _split_arxiv(raw)
    if parts is None:
        raise InputError(f"not an arXiv id: {raw!r} (expected e.g. 2310.07831 or astro-ph/0601001)")
    value, version = parts
    return f"{value}v{version}" if version is not None else value


def arxiv_base_id(raw: str) -> str:
    """An arXiv id without its version (``2310.07831v2`` → ``2310.07831``), else the raw text."""
    parts = _split_arxiv(raw)
    return parts[0] if parts is not None else raw.strip().lower()


def parse_identifier(raw: str) -> Identifier:
    """Parse a DOI or arXiv id in any common form; InputError names malformed input."""
    text = raw.strip()
    if not text:
        raise InputError("empty identifier")
    doi = _strip_doi_prefix(text).lower()
    if _DOI.match(doi) and not doi.startswith(ARXIV_DOI_PREFIX):
        return Identifier(kind="doi", value=doi)
    source = doi if doi.startswith(ARXIV_DOI_PREFIX) else text
    parts = _split_arxiv(source)
    if parts is None:
        raise InputError(
            f"not a DOI or arXiv id: {raw!r} "
            "(try 10.1145/3649506, doi:..., https://doi.org/..., 2310.07831v2 or arXiv:...)"
        )
    return Identifier(kind="arxiv", value=parts[0], version=parts[1])


def to_link_doi(raw: str) -> str | None:
    """The normalized DOI when it is safe to put in a link, else None (print it as text)."""
    try:
        doi = normalize_doi(raw)
    except InputError:
        return None
    return doi if _LINK_DOI.match(doi) else None


def to_link_arxiv_id(raw: str) -> str | None:
    """The normalized arXiv id (its grammar admits only link-safe characters), else None."""
    try:
        return normalize_arxiv_id(raw)
    except InputError:
        return None


def to_link_url(raw: str) -> str | None:
    """The URL when it is an http(s) URL made of link-safe characters, else None."""
    url = raw.strip()
    return url if _LINK_URL.match(url) else None


def arxiv_doi(arxiv_id: str) -> str:
    """The DataCite DOI arXiv assigns to an id (without version), normalized to lower case."""
    value = normalize_arxiv_id(arxiv_id)
    return ARXIV_DOI_PREFIX + re.sub(r"v\d+$", "", value)


def normalize_question(question: str) -> str:
    """Lower case, whitespace collapsed, trailing punctuation stripped: the hashed form."""
    text = " ".join(question.lower().split())
    return _TRAILING_PUNCT.sub("", text)


def report_id(question: str) -> str:
    """Stable report id: ``SRCH:`` + the first 8 upper-case hex digits of sha256(question)."""
    digest = hashlib.sha256(normalize_question(question).encode("utf-8")).hexdigest()
    return "SRCH:" + digest[:8].upper()


def report_dir_name(report_id: str) -> str:
    """Folder name for a report id (``SRCH:3B06C412`` -> ``SRCH-3B06C412``)."""
    return report_id.replace(":", "-")
