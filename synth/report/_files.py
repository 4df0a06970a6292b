"""File helpers for report folders: durable atomic writes and artifact hashes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from synth.atomic import write_bytes_atomic


def write_atomic(path: Path, data: bytes) -> None:
    """Write a report file durably and atomically."""
    write_bytes_atomic(path, data, durable=True)


def sha256_hex(data: bytes) -> str:
    """Hex sha256 of bytes (artifact hashes)."""
    return hashlib.sha256(data).hexdigest()
