"""``synth fetch`` (identifiers -> work records) and ``synth cache info|clear``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from synth.cli._common import echo_json, get_settings, handle_errors
from synth.errors import NotFoundError, OfflineMissError, RetrievalError
from synth.gather import brief_reason
from synth.ids import parse_identifier
from synth.records import Work
from synth.retrieve._cache import ResponseCache
from synth.retrieve._http import build_client
from synth.retrieve.resolve import fetch_pdf, resolve_identifier


def _describe(work: Work, pdf: Path | None) -> str:
    lines = [work.title, "  authors: " + ("; ".join(work.authors) or "-")]
    for name in ("year", "venue", "doi", "arxiv_id", "license", "pdf_url", "citation_count"):
        value = getattr(work, name)
        if value is not None:
            lines.append(f"  {name}: {value}")
    if work.is_retracted:
        lines.append("  RETRACTED")
    for update in work.updates:
        lines.append(
            f"  {update.relation} {update.kind}: {update.doi or '-'} ({update.date or '-'})"
        )
    if pdf is not None:
        lines.append(f"  pdf file: {pdf}")
    sources: dict[tuple[str, str, str], list[str]] = {}
    for name, origin in work.origins.items():
        when = f"{origin.retrieved_at:%Y-%m-%dT%H:%M:%SZ}"
        sources.setdefault((origin.service, origin.url, when), []).append(name)
    for (service, url, when), names in sorted(sources.items()):
        lines.append(f"  from {service} ({', '.join(names)}): {url} at {when}")
    return "\n".join(lines)


def _record(work: Work, pdf: Path | None, want_pdf: bool) -> dict[str, Any]:
    data = work.model_dump(mode="json")
    if want_pdf:
        data["pdf_path"] = str(pdf) if pdf else None
    return data


def _combined_error(errors: list[RetrievalError]) -> RetrievalError:
    message = "\n".join(str(e) for e in errors)
    if all(isinstance(e, NotFoundError) for e in errors):
        return NotFoundError(message)
    if all(isinstance(e, OfflineMissError) for e in errors):
        return OfflineMissError(message)
    return RetrievalError(message)


@click.command()
@click.argument("identifiers", nargs=-1, required=True)
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON (one object, or a list for several)."
)
@click.option(
    "--pdf", is_flag=True, help="Download the open full text (arXiv or Unpaywall) into the cache."
)
@click.option("--offline", is_flag=True, help="Serve only from the cache; name what is missing.")
@click.pass_context
@handle_errors
def fetch(
    ctx: click.Context, identifiers: tuple[str, ...], as_json: bool, pdf: bool, offline: bool
) -> None:
    """Resolve DOIs / arXiv ids to work records, with where each field came from."""
    for raw in identifiers:  # reject malformed input before any request (exit 2)
        parse_identifier(raw)
    settings = get_settings(ctx, {"retrieve": {"offline": True}} if offline else None)
    records: list[dict[str, Any]] = []
    errors: list[RetrievalError] = []
    with build_client(settings.retrieve, settings.cache_dir("http")) as client:
        for raw in identifiers:
            try:
                work = resolve_identifier(raw, client, settings.retrieve)
                path = fetch_pdf(work, client, settings.retrieve) if pdf else None
            except RetrievalError as exc:
                errors.append(exc)
                continue
            records.append(_record(work, path, pdf))
            if not as_json:
                click.echo(_describe(work, path))
    if as_json and records:
        echo_json(records[0] if len(identifiers) == 1 else records)
        if errors:
            # stdout holds one JSON document (what was found); what was not goes to stderr.
            for failed in errors:
                click.echo(f"Error: {brief_reason(str(failed))}", err=True)
            ctx.exit(1)
    if errors:
        raise _combined_error(errors)


@click.group()
def cache() -> None:
    """Inspect or empty the on-disk HTTP and PDF cache."""


@cache.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handle_errors
def cache_info(ctx: click.Context, as_json: bool) -> None:
    """Show where the cache is and how much it holds."""
    info = ResponseCache(get_settings(ctx).cache_dir("http")).info()
    data = {"path": str(info.root), "entries": info.entries, "pdfs": info.pdfs, "bytes": info.bytes}
    if as_json:
        echo_json(data)
    else:
        click.echo(f"{info.root}\n  {info.entries} responses, {info.pdfs} PDFs, {info.bytes} bytes")


@cache.command("clear")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handle_errors
def cache_clear(ctx: click.Context, as_json: bool) -> None:
    """Delete every cached response and PDF."""
    store = ResponseCache(get_settings(ctx).cache_dir("http"))
    removed = store.clear()
    if as_json:
        echo_json({"path": str(store.root), "removed": removed})
    else:
        click.echo(f"removed {removed} cached responses from {store.root}")


COMMANDS: list[click.Command] = [fetch, cache]
