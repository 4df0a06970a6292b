"""sha256 of files, remembered by what ``stat`` says about them, so an unchanged file is not read.

Every job of a batch, and every rerun, needs the inputs digest, which covers the bytes of every
corpus file (18 MB for the 5,194-paper SciFact library): read each time, that was most of an
unchanged rerun. A file's hash is kept with its stat key (absolute path, device, inode, size,
mtime and ctime in nanoseconds) in memory for the process and in ``hashes.sqlite`` under the
cache; any change in the key reads the file again. ctime is in the key because no ``touch`` can
set it back: a rewrite that restores size and mtime still changes it.

A hash taken less than ``RACY_NS`` after the file last changed is used but not kept: a rewrite
within the filesystem's timestamp granularity could leave the key unchanged (git's "racily
clean" entries). A cache that cannot be opened or written is skipped with one warning; hashes
are then read from the files, never guessed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import time
from pathlib import Path
from types import TracebackType

log = logging.getLogger(__name__)

# Two seconds covers the coarsest timestamps in use (FAT's 2 s; ext4 and NFS are finer).
RACY_NS = 2_000_000_000
DB_NAME = "hashes.sqlite"

StatKey = tuple[bytes, int, int, int, int, int]

# Hashes this process has taken or read, by stat key: later jobs of a batch only stat.
_MEMO: dict[StatKey, bytes] = {}


def stat_key(path: Path, st: os.stat_result) -> StatKey:
    """What identifies one version of a file: where it is, which inode, its size and times."""
    name = os.fsencode(os.path.abspath(path))
    return (name, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _read_sha256(path: Path) -> bytes:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.digest()


class FileHashes:
    """sha256 digests of files, read only when their stat key is new (``folder`` None: memory)."""

    def __init__(self, folder: Path | None) -> None:
        self._folder = folder
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[bytes, int, int, int, int, int, bytes]] = []
        self.reads = 0  # files read (not known by their stat key)

    def _open(self) -> sqlite3.Connection | None:
        if self._db is None and self._folder is not None:
            try:
                self._folder.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self._folder / DB_NAME, timeout=60)
                db.execute(
                    "CREATE TABLE IF NOT EXISTS hash (path BLOB, dev INTEGER, ino INTEGER, "
                    "size INTEGER, mtime INTEGER, ctime INTEGER, sha BLOB, "
                    "PRIMARY KEY (path, dev, ino, size, mtime, ctime))"
                )
                self._db = db
            except (OSError, sqlite3.Error) as exc:
                self._give_up(exc)
        return self._db

    def _give_up(self, exc: Exception) -> None:
        log.warning("file hash cache in %s unusable (%s); reading files instead", self._folder, exc)
        self._folder, self._db, self._pending = None, None, []

    def _stored(self, key: StatKey) -> bytes | None:
        db = self._open()
        if db is None:
            return None
        try:
            row = db.execute(
                "SELECT sha FROM hash WHERE path = ? AND dev = ? AND ino = ? AND size = ? "
                "AND mtime = ? AND ctime = ?",
                key,
            ).fetchone()
        except sqlite3.Error as exc:
            self._give_up(exc)
            return None
        return bytes(row[0]) if row else None

    def sha256(self, path: Path) -> bytes:
        """The file's sha256 (raises OSError when it cannot be read)."""
        key = stat_key(path, path.stat())
        known = _MEMO.get(key) or self._stored(key)
        if known is not None:
            _MEMO[key] = known
            return known
        sha = _read_sha256(path)
        self.reads += 1
        # Kept only when the file had been still for RACY_NS before it was read.
        if time.time_ns() - max(key[4], key[5]) > RACY_NS and stat_key(path, path.stat()) == key:
            _MEMO[key] = sha
            self._pending.append((*key, sha))
        return sha

    def flush(self) -> None:
        """Store the hashes taken since the last flush (one transaction)."""
        db = self._open() if self._pending else None
        if db is None:
            return
        try:
            with db:
                db.executemany(
                    "INSERT OR REPLACE INTO hash VALUES (?, ?, ?, ?, ?, ?, ?)", self._pending
                )
            self._pending = []
        except sqlite3.Error as exc:
            self._give_up(exc)

    def close(self) -> None:
        """Store what is pending and close the database."""
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> FileHashes:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
