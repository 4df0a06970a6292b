"""The inputs digest: one hash of everything a report is built from.

Request fields, the settings digest, synth's version, the bytes of every corpus file, the
templates, the verifier's fitted parameters and the review rubric. Equal digests mean a stored
report is current, which is how `synth batch` and `synth regenerate` skip work.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from synth import __version__
from synth.records import ReportRequest
from synth.resources import data_dir, templates_dir
from synth.settings import Settings


def _hash_files(paths: Iterable[Path], digest: Any) -> None:
    for path in sorted(paths):
        # The name's own bytes: a file name that is not valid UTF-8 holds lone surrogates.
        digest.update(os.fsencode(path.name))
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError as exc:  # gone or unreadable since the scan: the scan records why
            digest.update(f"unreadable:{exc.errno}".encode())


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


def inputs_digest(request: ReportRequest, settings: Settings) -> str:
    """Hash of everything a report is built from; equal digests mean the report is current."""
    digest = hashlib.sha256()
    fields = request.model_dump(mode="json", exclude={"out_dir"})
    digest.update(json.dumps(fields, sort_keys=True).encode())
    digest.update(f"{settings.digest()}|{__version__}".encode())
    _hash_files(_corpus_files(request.corpus), digest)
    _hash_files(
        (p for p in templates_dir(settings.report.templates_dir).rglob("*") if p.is_file()), digest
    )
    _hash_files((p for p in (data_dir() / "verifier").rglob("*") if p.is_file()), digest)
    _hash_files([data_dir() / "rubric.toml"], digest)  # the review rules decide the tier
    return digest.hexdigest()[:16]
