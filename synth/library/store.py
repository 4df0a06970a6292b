"""The library's on-disk state under ``<cache>/library``: per-document rows and built indexes.

``entries.sqlite`` holds what is expensive to recompute per document: the entry of each parsed
PDF (or why it could not be read) and one vector per (model, document key). SQLite commits are
atomic, and concurrent batch workers wait on its lock. A built index is a folder named by the
library digest, written under a temporary name and renamed into place, so a reader sees a whole
index or none.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from synth.library.entries import LibraryEntry

log = logging.getLogger(__name__)

# Older index folders kept beside the newest (other corpora in use at the same time).
KEEP_INDEXES = 8


class EntryStore:
    """Per-document rows: parsed-PDF entries, unreadable PDFs, document vectors."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(folder / "entries.sqlite", timeout=120)
        with self._db:
            self._db.execute("CREATE TABLE IF NOT EXISTS entry (key TEXT PRIMARY KEY, json TEXT)")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS failure (key TEXT PRIMARY KEY, reason TEXT)"
            )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS vector "
                "(model TEXT, key TEXT, vec BLOB, PRIMARY KEY (model, key))"
            )

    def _select(self, sql: str, keys: list[str], *lead: str) -> list[tuple[str, object]]:
        rows: list[tuple[str, object]] = []
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows += self._db.execute(sql.format(marks=marks), [*lead, *chunk]).fetchall()
        return rows

    def load_entries(self, keys: list[str]) -> dict[str, LibraryEntry]:
        """Stored entries of the given keys."""
        rows = self._select("SELECT key, json FROM entry WHERE key IN ({marks})", keys)
        entries: dict[str, LibraryEntry] = {}
        for key, raw in rows:
            try:
                entries[key] = LibraryEntry.model_validate_json(str(raw))
            except ValidationError:
                # A row another synth version wrote (other fields) is a cache miss: the document
                # is read again and its row replaced, rather than failing the report.
                log.info("library: stored entry %s unreadable by this version; re-reading", key)
        return entries

    def load_failures(self, keys: list[str]) -> dict[str, str]:
        """Why each of the given keys could not be read, for those that could not."""
        rows = self._select("SELECT key, reason FROM failure WHERE key IN ({marks})", keys)
        return {k: str(v) for k, v in rows}

    def save_entries(self, entries: list[LibraryEntry], failures: dict[str, str]) -> None:
        """Store new entries and failures in one transaction."""
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO entry VALUES (?, ?)",
                [(e.key, e.model_dump_json()) for e in entries],
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO failure VALUES (?, ?)", list(failures.items())
            )

    def load_vectors(self, model: str, keys: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of the given keys under one model."""
        rows = self._select(
            "SELECT key, vec FROM vector WHERE model = ? AND key IN ({marks})", keys, model
        )
        return {k: np.frombuffer(v, dtype=np.float32) for k, v in rows}  # type: ignore[call-overload]  # BLOB rows are bytes

    def save_vectors(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        """Store vectors under one model in one transaction."""
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vector VALUES (?, ?, ?)",
                [(model, k, v.astype(np.float32).tobytes()) for k, v in vectors.items()],
            )

    def close(self) -> None:
        """Close the database."""
        self._db.close()


@contextlib.contextmanager
def open_store(folder: Path) -> Iterator[EntryStore]:
    """An EntryStore that is closed on exit."""
    store = EntryStore(folder)
    try:
        yield store
    finally:
        store.close()


def write_index_folder(target: Path, write: Callable[[Path], None]) -> None:
    """Let ``write`` fill a temporary folder, then rename it to ``target`` (atomic).

    When another process renamed its copy first, that one is kept and this one dropped: both
    hold the same index, named by the same digest.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        write(tmp)
        try:
            tmp.rename(target)
        except OSError:
            if not target.is_dir():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _prune(target.parent, target)


def _prune(parent: Path, keep: Path) -> None:
    """Remove all but the KEEP_INDEXES most recently used index folders (never ``keep``)."""
    folders = sorted(
        (p for p in parent.glob("index-*") if p.is_dir() and p != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in folders[KEEP_INDEXES:]:
        shutil.rmtree(old, ignore_errors=True)
