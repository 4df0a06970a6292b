"""On-disk cache of HTTP responses and PDFs, keyed by the sha256 of method and public URL.

Each entry is two files in a two-character shard folder: ``<key>.body`` (``<key>.pdf`` for PDFs)
and ``<key>.json`` with the metadata and the body's sha256. The body is written first and the
metadata last, both via a temporary file and ``os.replace``, so a reader sees either a complete
entry or none; an entry whose metadata is unreadable or whose body hash differs is a miss.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from synth.atomic import write_bytes_atomic

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"


def looks_like_pdf(content: bytes) -> bool:
    """True when the PDF header appears where readers look for it (the first 1024 bytes)."""
    return PDF_MAGIC in content[:1024]


@dataclass(frozen=True)
class CachedResponse:
    """One stored response."""

    url: str
    status: int
    content_type: str
    content: bytes
    retrieved_at: datetime
    path: Path


@dataclass(frozen=True)
class CacheInfo:
    """Size of the cache."""

    root: Path
    entries: int
    pdfs: int
    bytes: int


def cache_key(method: str, url: str) -> str:
    """Key of a request: sha256 of the method and the (secret-free) URL."""
    return hashlib.sha256(f"{method.upper()} {url}".encode()).hexdigest()


class ResponseCache:
    """Responses and PDFs under one folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _meta_path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def load(self, method: str, url: str) -> CachedResponse | None:
        """The stored response for a request, or None (missing or corrupt entries are misses)."""
        key = cache_key(method, url)
        meta_path = self._meta_path(key)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body_path = meta_path.with_name(meta["body"])
            content = body_path.read_bytes()
            if hashlib.sha256(content).hexdigest() != meta["sha256"]:
                raise ValueError("body hash differs from metadata")
            return CachedResponse(
                url=meta["url"],
                status=int(meta["status"]),
                content_type=str(meta["content_type"]),
                content=content,
                retrieved_at=datetime.fromisoformat(meta["retrieved_at"]),
                path=body_path,
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            logger.warning("ignoring corrupt cache entry %s: %s", meta_path, exc)
            return None

    def store(
        self,
        method: str,
        url: str,
        status: int,
        content_type: str,
        content: bytes,
        retrieved_at: datetime,
    ) -> Path:
        """Store a response atomically; returns the body file's path."""
        key = cache_key(method, url)
        meta_path = self._meta_path(key)
        suffix = ".pdf" if looks_like_pdf(content) else ".body"
        body_path = meta_path.with_name(key + suffix)
        write_bytes_atomic(body_path, content)
        meta = {
            "url": url,
            "method": method.upper(),
            "status": status,
            "content_type": content_type,
            "retrieved_at": retrieved_at.isoformat(),
            "sha256": hashlib.sha256(content).hexdigest(),
            "body": body_path.name,
        }
        write_bytes_atomic(meta_path, json.dumps(meta, indent=1).encode("utf-8"))
        return body_path

    def info(self) -> CacheInfo:
        """Count entries, PDFs and bytes on disk."""
        entries = pdfs = size = 0
        if self.root.is_dir():
            for path in self.root.rglob("*"):
                if not path.is_file():
                    continue
                size += path.stat().st_size
                entries += path.suffix == ".json"
                pdfs += path.suffix == ".pdf"
        return CacheInfo(root=self.root, entries=entries, pdfs=pdfs, bytes=size)

    def clear(self) -> int:
        """Delete every entry; returns how many were removed."""
        removed = 0
        if not self.root.is_dir():
            return 0
        for path in sorted(self.root.rglob("*"), reverse=True):
            if path.is_file():
                removed += path.suffix == ".json"
                path.unlink()
            elif path.is_dir():
                path.rmdir()
        return removed
