"""Re-check every cited source of finished reports and bring the reports up to date.

Online, the services are asked again (cached answers are not reused, but the new ones are
stored); offline, only cached answers are used and every service that could not be asked is
named per source. Each identifier is asked once per run, however many reports cite it. All
manifests are read and validated before the first request, so a bad input writes nothing.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from synth.errors import InputError, ManifestError
from synth.recheck.apply import AddedRecord, apply_checks
from synth.recheck.notices import IdentifierCheck, SourceCheck, Unchecked, fetch_identifier_check
from synth.recheck.retraction_watch import SERVICE as WATCH
from synth.recheck.retraction_watch import (
    RetractionIndex,
    load_retraction_watch,
    match_retraction_watch,
)
from synth.records import Record
from synth.report.manifest import INDEX_NAME, Manifest, ManifestSource, load_manifest, update_index
from synth.report.render import render_report, write_report
from synth.retrieve import open_client
from synth.settings import Settings


class UncheckedSource(Record):
    """A service that could not be asked about one source of a report."""

    source: str
    identifier: str
    service: str
    reason: str


class ReportCheck(Record):
    """The outcome of re-checking one report."""

    report_id: str
    path: str
    sources: int
    status_before: str
    status_after: str
    tier_before: str
    tier_after: str
    added: list[AddedRecord]
    unchecked: list[UncheckedSource]


def find_reports(paths: list[Path]) -> list[Path]:
    """Report folders named by the arguments (a folder, a manifest.json, or an --out folder)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            found.append(path.parent)
        elif (path / "manifest.json").is_file():
            found.append(path)
        elif (path / INDEX_NAME).is_file():
            folders = sorted(p.parent for p in path.glob("*/manifest.json"))
            if not folders:
                raise InputError(f"{path}: has {INDEX_NAME} but no report folder with a manifest")
            found.extend(folders)
        else:
            raise InputError(
                f"{path}: not a report folder, a manifest.json or a reports folder with "
                f"{INDEX_NAME}"
            )
    return list(dict.fromkeys(p.resolve() for p in found))


def _load(folder: Path) -> Manifest:
    path = folder / "manifest.json"
    if not path.is_file():
        raise ManifestError(f"{folder} holds no manifest.json; is it a report folder?")
    return load_manifest(path)


def _identifier(s: ManifestSource) -> str:
    parts = [f"doi:{s.doi}" if s.doi else "", f"arXiv:{s.arxiv_id}" if s.arxiv_id else ""]
    return " ".join(p for p in parts if p) or f"title '{s.title}'"


def _source_check(
    s: ManifestSource, asked: IdentifierCheck | None, watch: RetractionIndex | None
) -> SourceCheck:
    result = asked or IdentifierCheck(checked=[], unchecked=[], notices=[], updates=[])
    checked, notices = list(result.checked), list(result.notices)
    unchecked = list(result.unchecked)
    if asked is None:
        unchecked.append(
            Unchecked(service="crossref, arxiv", reason="no DOI or arXiv id to look up")
        )
    if watch is not None:
        checked.append(WATCH)
        notices += match_retraction_watch(watch, s.doi, s.title)
    return SourceCheck(
        key=s.key,
        identifier=_identifier(s),
        checked=checked,
        unchecked=unchecked,
        notices=notices,
        updates=result.updates,
    )


def _outcome(
    folder: Path, before: Manifest, after: Manifest, checks: list[SourceCheck]
) -> dict[str, Any]:
    return {
        "report_id": before.report_id,
        "path": str(folder),
        "sources": len(checks),
        "status_before": before.corrections.status,
        "status_after": after.corrections.status,
        "tier_before": before.quality.tier,
        "tier_after": after.quality.tier,
        "unchecked": [
            UncheckedSource(
                source=c.key, identifier=c.identifier, service=u.service, reason=u.reason
            )
            for c in checks
            for u in c.unchecked
        ],
    }


def check_reports(
    paths: list[Path], settings: Settings, retraction_watch: Path | None = None
) -> list[ReportCheck]:
    """Re-check the sources of each report; append records, re-render and re-index changed ones."""
    folders = find_reports(paths)
    manifests = [_load(folder) for folder in folders]
    watch = load_retraction_watch(retraction_watch) if retraction_watch else None
    now = datetime.now(timezone.utc)
    asked: dict[tuple[str | None, str | None], IdentifierCheck] = {}
    results: list[ReportCheck] = []
    with open_client(settings.retrieve, settings.cache_dir("http"), refresh=True) as client:
        for folder, manifest in zip(folders, manifests, strict=True):
            checks = []
            for s in manifest.sources:
                ident = (s.doi, s.arxiv_id)
                if (s.doi or s.arxiv_id) and ident not in asked:
                    asked[ident] = fetch_identifier_check(*ident, client, settings.retrieve)
                checks.append(_source_check(s, asked.get(ident), watch))
            applied = apply_checks(manifest, checks, now, settings.review)
            final = applied.manifest
            if applied.changed:
                final = write_report(folder, final, render_report(final, settings.report))
                if (folder.parent / INDEX_NAME).exists():
                    update_index(folder.parent, final)
            outcome = _outcome(folder, manifest, final, checks)
            results.append(ReportCheck(added=applied.added, **outcome))
    return results
