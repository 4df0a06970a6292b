"""Render a Manifest to Markdown, self-contained HTML and plain text, and write the report folder.

HTML is rendered with autoescaping on, so every piece of source text is escaped; Markdown output
escapes the characters Markdown or embedded HTML would interpret; plain text is wrapped.
"""

from __future__ import annotations

import re
import textwrap
from functools import lru_cache
from pathlib import Path

import jinja2

from synth.corrections import is_extension
from synth.errors import ManifestError, TemplateError
from synth.report._files import sha256_hex, write_atomic
from synth.report._models import Artifact, Format, Manifest
from synth.report._store import load_manifest, write_manifest
from synth.report.view import build_view
from synth.resources import templates_dir
from synth.settings import ReportSettings

TEMPLATE_NAMES: dict[str, str] = {
    "md": "report.md.j2",
    "html": "report.html.j2",
    "txt": "report.txt.j2",
}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")
# An ampersand that Markdown would read as the start of a character reference.
_REFERENCE_START = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
# CommonMark raw HTML and autolinks open with "<" and a letter, "/", "!" or "?".
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
_TAG_CLOSE = re.compile(r"(?<!\s)>")


def md_escape(text: object) -> str:
    """Escape text for Markdown, touching only what Markdown or embedded HTML would interpret.

    Markup characters get a backslash. ``<`` becomes ``&lt;`` only where it could open a tag,
    comment or autolink, and ``>`` becomes ``&gt;`` unless a space precedes it (so it cannot close
    a tag or start a quote); "p < 0.05", "n > 3" and "Ba & Caruana" stay as written. An ``&``
    gets a backslash only where it would start a character reference (``&amp;``, ``&#60;``).
    """
    s = _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    s = _REFERENCE_START.sub(r"\\&", s)
    return _TAG_CLOSE.sub("&gt;", _TAG_OPEN.sub("&lt;", s))


def _wrap(text: object, width: int, indent: str = "", first: str | None = None) -> str:
    return textwrap.fill(
        " ".join(str(text).split()),
        width=width,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _environment(settings: ReportSettings) -> jinja2.Environment:
    return _cached_environment(settings.templates_dir, settings.txt_width)


# One environment per (templates folder, width) and process: Jinja then compiles each template
# once (0.3 s a report otherwise) and still recompiles a template whose file changed.
@lru_cache(maxsize=8)
def _cached_environment(override: Path | None, txt_width: int) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if override is not None:
        # The override comes first; templates it lacks fall back to synth's own.
        loaders.append(jinja2.FileSystemLoader(str(templates_dir(override))))
    loaders.append(jinja2.FileSystemLoader(str(templates_dir())))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.filters["wrap"] = lambda text, indent="", first=None: _wrap(text, txt_width, indent, first)
    env.globals["width"] = txt_width
    return env


def render_report(m: Manifest, settings: ReportSettings) -> dict[str, str]:
    """Render the formats the settings ask for: {"md": ..., "html": ..., "txt": ...}."""
    env = _environment(settings)
    view = build_view(m, settings.abstract_findings)
    out: dict[str, str] = {}
    for fmt in settings.formats:
        name = TEMPLATE_NAMES[fmt]
        try:
            text = env.get_template(name).render(**view)
        except jinja2.TemplateError as exc:
            raise TemplateError(f"template {name} failed to render: {exc}") from exc
        # One trailing newline and no trailing spaces: stable bytes whatever the template does.
        out[fmt] = "\n".join(line.rstrip() for line in text.strip("\n").splitlines()) + "\n"
    return out


def _check_history(out_dir: Path, m: Manifest) -> None:
    path = out_dir / "manifest.json"
    if not path.exists():
        return
    try:
        old = load_manifest(path)
    except ManifestError as exc:
        raise ManifestError(
            f"{path}: existing manifest is unreadable ({exc}); move it away to write a new report "
            f"(its correction history would otherwise be lost)"
        ) from exc
    if old.report_id == m.report_id and not is_extension(old.corrections, m.corrections):
        raise ManifestError(
            f"{path}: the new manifest drops or edits earlier correction records; "
            f"corrections are append-only (merge them with merge_corrections)"
        )


def write_report(out_dir: Path, m: Manifest, files: dict[str, str]) -> Manifest:
    """Write report.<fmt> and manifest.json atomically; return the manifest with its artifacts."""
    out_dir = Path(out_dir)
    _check_history(out_dir, m)
    artifacts = []
    for fmt in sorted(files):
        if fmt not in TEMPLATE_NAMES:
            raise TemplateError(f"unknown report format {fmt!r}")
        data = files[fmt].encode("utf-8")
        name = f"report.{fmt}"
        write_atomic(out_dir / name, data)
        fmt_name: Format = fmt  # type: ignore[assignment]  # checked against TEMPLATE_NAMES above
        artifacts.append(Artifact(format=fmt_name, path=name, sha256=sha256_hex(data)))
    final = m.model_copy(update={"artifacts": artifacts})
    write_manifest(out_dir / "manifest.json", final)
    return final
