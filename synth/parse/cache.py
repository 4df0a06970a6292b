"""On-disk cache of parsed PDFs, keyed by the PDF's bytes, the parser version and its settings."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timezone
from pathlib import Path

from pydantic import ValidationError

from synth.atomic import write_text_atomic
from synth.errors import ParseError
from synth.parse.pdf import parse_pdf
from synth.records import Document
from synth.settings import ParseSettings

log = logging.getLogger(__name__)

# Bump whenever a change to the parse stage changes its output, so old entries are not reused.
PARSER_VERSION = "parse-1"


def cache_key(data: bytes, settings: ParseSettings) -> str:
    """sha256 over the PDF bytes, PARSER_VERSION and the settings that change parsing."""
    h = hashlib.sha256(data)
    h.update(PARSER_VERSION.encode())
    h.update(settings.model_dump_json().encode())
    return h.hexdigest()


def _read_entry(entry: Path) -> Document | None:
    try:
        return Document.model_validate_json(entry.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError, ValidationError) as exc:
        log.warning(
            "parse cache entry %s is unusable (%s); parsing again", entry.name, type(exc).__name__
        )
        return None


def _write_entry(entry: Path, doc: Document) -> None:
    """Write atomically: a crash leaves either the old entry or none, never half a file."""
    try:
        write_text_atomic(entry, doc.model_dump_json())
    except OSError as exc:
        # A cache that cannot be written only costs time; the parsed document is still good.
        log.warning("cannot write parse cache entry %s: %s", entry, exc)


def load_document(path: Path, settings: ParseSettings, cache_dir: Path) -> Document:
    """parse_pdf through the on-disk cache; a corrupt entry is parsed again, never fatal."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ParseError(str(path), f"cannot read file ({exc.strerror or exc})") from exc
    entry = Path(cache_dir) / f"{cache_key(data, settings)}.json"
    cached = _read_entry(entry)
    if cached is not None:
        # Same bytes may sit under another name; say where and when they were read this time.
        retrieval = cached.retrieval.model_copy(
            update={
                "url": Path(path).resolve().as_uri(),
                "retrieved_at": datetime.now(timezone.utc),
            }
        )
        return cached.model_copy(update={"retrieval": retrieval})
    doc = parse_pdf(Path(path), settings)
    _write_entry(entry, doc)
    return doc
