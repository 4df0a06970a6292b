"""Files the benchmark writes: atomic replacements and an append-only keyed JSONL cache."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from synth.atomic import write_text_atomic

logger = logging.getLogger(__name__)


def write_jsonl_atomic(path: Path, rows: list[dict[str, Any]]) -> None:
    """Write rows as JSON lines atomically."""
    write_text_atomic(path, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))


def key_of(*parts: object) -> str:
    """Content hash of the parts, used as a cache key."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


class KeyedCache:
    """Append-only JSONL of ``{"key": ..., "value": ...}``; a torn last line is ignored on load."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: dict[str, Any] = {}
        if path.is_file():
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                try:
                    row = json.loads(line)
                    self._data[row["key"]] = row["value"]
                except (ValueError, KeyError, TypeError):
                    logger.warning("%s:%d: skipping an unreadable cache line", path, number)

    def get(self, key: str) -> Any:
        """The cached value for key, or None."""
        return self._data.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self._data

    def put(self, key: str, value: Any) -> None:
        """Store and append one value (flushed at once so that an interrupted run can resume)."""
        self._data[key] = value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"key": key, "value": value}, ensure_ascii=False) + "\n")
