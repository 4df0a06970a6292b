"""The inputs digest: one hash of everything a report is built from.

Request fields, the settings digest, synth's version, the bytes of every corpus file, the
templates, the verifier's fitted parameters and the review rubric. Equal digests mean a stored
report is current, which is how `synth batch` and `synth regenerate` skip work.

A batch asks for the digest of every job, mostly over the same corpus: ``Digester`` hashes each
corpus (and the templates, verifier and rubric) once for all of them, and file contents come
from ``FileHashes``, so an unchanged file is stat'ed, not read. The bytes hashed are the same
as one ``inputs_digest`` call's, so both give the same digest.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from synth import __version__
from synth.file_hashes import FileHashes
from synth.records import ReportRequest
from synth.resources import data_dir, templates_dir
from synth.settings import Settings


def _files_part(paths: Iterable[Path], hashes: FileHashes) -> bytes:
    """Each file's name and content hash, in path order (the bytes the digest takes in)."""
    parts: list[bytes] = []
    for path in sorted(paths):
        # The name's own bytes: a file name that is not valid UTF-8 holds lone surrogates.
        parts.append(os.fsencode(path.name))
        try:
            parts.append(hashes.sha256(path))
        except OSError as exc:  # gone or unreadable since the scan: the scan records why
            parts.append(f"unreadable:{exc.errno}".encode())
    return b"".join(parts)


def _corpus_files(corpus: list[Path]) -> list[Path]:
    """The regular corpus files (is_file follows links: dangling ones, loops and FIFOs are out)."""
    files: list[Path] = []
    for root in corpus:
        if root.is_dir():
            files += [
                p for p in root.rglob("*") if p.suffix.lower() in (".pdf", ".jsonl") and p.is_file()
            ]
        elif root.is_file():
            files.append(root)
    return files


def _hash_cache(settings: Settings) -> Path | None:
    try:
        return settings.cache_dir("file-hashes")
    except OSError:  # an unwritable home: hashes are read from the files
        return None


class Digester:
    """Inputs digests of many requests under one Settings; shared parts are hashed once."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.hashes = FileHashes(_hash_cache(settings))
        self._head = f"{settings.digest()}|{__version__}".encode()
        self._tail: bytes | None = None
        self._corpora: dict[tuple[Path, ...], bytes] = {}

    def _shared_tail(self) -> bytes:
        """Templates, the verifier's fitted parameters and the review rubric."""
        if self._tail is None:
            templates = templates_dir(self._settings.report.templates_dir).rglob("*")
            verifier = (data_dir() / "verifier").rglob("*")
            self._tail = (
                _files_part((p for p in templates if p.is_file()), self.hashes)
                + _files_part((p for p in verifier if p.is_file()), self.hashes)
                # the review rules decide the tier
                + _files_part([data_dir() / "rubric.toml"], self.hashes)
            )
        return self._tail

    def digest(self, request: ReportRequest) -> str:
        """Hash of everything the request's report is built from."""
        corpus = tuple(request.corpus)
        if corpus not in self._corpora:
            self._corpora[corpus] = _files_part(_corpus_files(list(corpus)), self.hashes)
        digest = hashlib.sha256()
        fields = request.model_dump(mode="json", exclude={"out_dir"})
        digest.update(json.dumps(fields, sort_keys=True).encode())
        digest.update(self._head)
        digest.update(self._corpora[corpus])
        digest.update(self._shared_tail())
        return digest.hexdigest()[:16]

    def close(self) -> None:
        """Keep the file hashes taken (the hash cache) and close it."""
        self.hashes.close()

    def __enter__(self) -> Digester:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def inputs_digest(request: ReportRequest, settings: Settings) -> str:
    """Hash of everything a report is built from; equal digests mean the report is current."""
    with Digester(settings) as digester:
        return digester.digest(request)
