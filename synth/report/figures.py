"""The report's figures: inline SVG drawn from manifest data, with no script and no external file.

Each ``build_*`` function is pure: it takes manifest records and returns a :class:`Figure` (or
``None`` when there is nothing to draw) whose ``svg`` is complete markup, every piece of manifest
text escaped by ``_svg``, so the HTML template places it as it is. Geometry is in SVG user units
on a ``viewBox`` that the page scales to its column; widths stay near a phone's so that labels
remain legible when scaled down.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from synth.records import Record
from synth.report._models import ManifestClaim, ManifestFinding, ManifestSource
from synth.report._svg import MUTED, RULE, axis, cross, el, label, line, short, svg, tip

__all__ = [
    "Figure",
    "RelevanceCut",
    "build_bench_figure",
    "build_claims_figure",
    "build_figures",
    "build_findings_figure",
    "build_relevance_figure",
    "relevance_cut",
]

VERDICT_ORDER = ("supported", "contradicted", "unverified")
VERDICT_NAMES = {
    "supported": "Supported",
    "contradicted": "Contradicted",
    "unverified": "Unverified",
}
GREEN, RED, GREY = "#2e7d4f", "#b3261e", "#7a828c"
ACCENT, PALE, OUT = "#1f3a5f", "#a9b8cc", "#d3d6db"
VERDICT_COLORS = {"supported": GREEN, "contradicted": RED, "unverified": GREY}
DOT_R = 4.5
# extract/relevance.py writes these reasons for the sources its rule cut. The manifest records the
# rule's outcome, not the settings, so the cut is read back from them; tests/test_figures.py
# builds the reasons with passing_reason, so a changed wording fails there.
_FLOOR = re.compile(r"below the floor (\d+(?:\.\d+)?)")
_MARGIN = re.compile(
    r"is below (\d+(?:\.\d+)?), the best source's (\d+(?:\.\d+)?) less (\d+(?:\.\d+)?)%"
)
_PASS_K = re.compile(r"pass@(\d+)")


class Figure(Record):
    """One figure: anchor id, title, the SVG markup, its caption and a one-line text summary."""

    key: str
    title: str
    svg: str
    caption: str
    summary: str


def _levels(xs: list[float], gap: float) -> list[int]:
    """Stacking levels for dots at sorted xs, so no two on one level are closer than gap."""
    last: list[float] = []
    levels = []
    for x in xs:
        level = next((i for i, prev in enumerate(last) if x - prev >= gap), len(last))
        if level == len(last):
            last.append(x)
        last[level] = x
        levels.append(level)
    return levels


def _claim_dot(claim: ManifestClaim, x: float, y: float, corrected: bool) -> str:
    note = " (corrected)" if corrected else ""
    text = f"{claim.id}: {VERDICT_NAMES[claim.verdict]}, confidence {claim.confidence:.2f}{note}"
    ring = {"stroke": "#000", "stroke_width": 1.8} if corrected else {"stroke": "#fff"}
    dot = el("circle", tip(text), cx=x, cy=y, r=DOT_R, fill=VERDICT_COLORS[claim.verdict], **ring)
    return el("a", dot, href=f"#{claim.id}")


def build_claims_figure(
    claims: Sequence[ManifestClaim], corrected: Iterable[str] = ()
) -> Figure | None:
    """Claims as dots by verdict (rows) and calibrated confidence (x); None without claims."""
    if not claims:
        return None
    marked = set(corrected) & {c.id for c in claims}
    x0, x1, step = 104.0, 346.0, 2 * DOT_R + 1
    body: list[str] = []
    y = 6.0
    for verdict in VERDICT_ORDER:
        group = sorted((c for c in claims if c.verdict == verdict), key=lambda c: c.confidence)
        xs = [x0 + c.confidence * (x1 - x0) for c in group]
        levels = _levels(xs, step)
        height = max(26.0, (max(levels, default=0) + 1) * step + 12)
        name = f"{VERDICT_NAMES[verdict]} ({len(group)})"
        body.append(
            label(4, y + height / 2 + 4, name, fill=VERDICT_COLORS[verdict], font_weight=700)
        )
        body.append(line(x0, y + height, x1, y + height, stroke=RULE, stroke_dasharray="2 3"))
        base = y + height - 6 - DOT_R
        for claim, x, level in zip(group, xs, levels, strict=True):
            body.append(_claim_dot(claim, x, base - level * step, claim.id in marked))
        y += height
    body += axis(x0, x1, y, (0, 0.25, 0.5, 0.75, 1), "confidence that the claim is supported")
    counts = {v: sum(c.verdict == v for c in claims) for v in VERDICT_ORDER}
    return Figure(
        key="fig-claims",
        title="Claims by verdict and confidence",
        svg=svg("fig-claims", "Claims by verdict and calibrated confidence", 360, y + 36, body),
        caption=(
            "Each dot is one extracted claim, in the row of its verdict, placed left to right by "
            "the verifier's calibrated confidence that other source text supports it (0 to 1; it "
            "does not measure the claim's truth). Dots far right in the Supported row are "
            "well-backed claims; any dot under Contradicted is a point the sources disagree on"
            + ("; a black ring marks a corrected claim" if marked else "")
            + ". Hover a dot for its id; select it to go to the claim."
        ),
        summary=", ".join(f"{counts[v]} {v}" for v in VERDICT_ORDER) + " claims",
    )


class RelevanceCut(Record):
    """The relevance rule's cut as far as the unused sources' reasons state it."""

    value: float
    floor: float | None = None
    # The margin as a share of the best source's relevance (0.4 for "less 40%").
    margin: float | None = None
    best: float | None = None

    def wording(self) -> str:
        """How the cut was made, in one sentence for the caption."""
        if self.margin is not None and self.best is not None and self.value > (self.floor or 0):
            return (
                f"The dashed line is the cut at {self.value:.2f}: the best source's relevance "
                f"{self.best:.2f} less the allowed margin of {self.margin:.0%}; grey bars left of "
                "it were not used."
            )
        return (
            f"The dashed line is the absolute floor {self.value:.2f}; grey bars left of it were "
            "not used, and every bar right of it was within the allowed margin of the best."
        )


def relevance_cut(sources: Sequence[ManifestSource]) -> RelevanceCut | None:
    """The relevance below which the rule left sources out, read from their reasons (or None)."""
    floor = margin = best = cut = None
    for s in sources:
        if s.used:
            continue
        if m := _FLOOR.search(s.unused_reason):
            floor = float(m.group(1))
        if m := _MARGIN.search(s.unused_reason):
            cut, best, margin = float(m.group(1)), float(m.group(2)), float(m.group(3)) / 100
    values = [] if floor is None else [floor]
    if cut is not None:
        values.append(cut)
    if not values:
        return None
    return RelevanceCut(value=round(max(values), 2), floor=floor, margin=margin, best=best)


def _relevance_legend(x0: float) -> list[str]:
    out = []
    for dx, color, text in (
        (0, ACCENT, "used"),
        (48, OUT, "below the relevance cut"),
        (204, PALE, "left out for another reason"),
    ):
        out.append(el("rect", x=x0 + dx, y=4, width=10, height=9, fill=color))
        out.append(label(x0 + dx + 14, 12, text, fill=MUTED))
    return out


def _relevance_bar(
    s: ManifestSource, y: float, x0: float, span: float, cut: RelevanceCut | None
) -> str:
    fill = ACCENT if s.used else PALE
    if not s.used and (_FLOOR.search(s.unused_reason) or _MARGIN.search(s.unused_reason)):
        fill = OUT
    why = "used" if s.used else f"not used: {s.unused_reason or 'no reason recorded'}"
    text = f"{s.key} ({s.citation}): {s.title}. Relevance {s.relevance:.2f}; {why}"
    name = f"{s.key} {s.citation}" if s.citation else s.key
    width = max(1.0, s.relevance * span)
    return "".join(
        [
            label(x0 - 6, y + 11, short(name, 28), "end"),
            el("rect", tip(text), x=x0, y=y + 2, width=width, height=12, fill=fill),
            label(x0 + width + 3, y + 11, f"{s.relevance:.2f}", fill=MUTED, font_size=9),
        ]
    )


def build_relevance_figure(sources: Sequence[ManifestSource]) -> Figure | None:
    """Candidate sources as bars of relevance, most relevant first, with the used/unused cut."""
    if not sources:
        return None
    cut = relevance_cut(sources)
    ranked = sorted(sources, key=lambda s: (-s.relevance, s.key))
    x0, x1, row, top = 168.0, 440.0, 17.0, 22.0
    body = _relevance_legend(4)
    body += [_relevance_bar(s, top + i * row, x0, x1 - x0, cut) for i, s in enumerate(ranked)]
    bottom = top + len(ranked) * row + 2
    if cut is not None:
        xc = x0 + cut.value * (x1 - x0)
        body.append(
            line(xc, top - 2, xc, bottom, stroke=RED, stroke_dasharray="4 3", stroke_width=1.5)
        )
        body.append(label(xc + 3, bottom + 10, f"cut {cut.value:.2f}", fill=RED, font_size=10))
    body += axis(x0, x1, bottom + 14, (0, 0.25, 0.5, 0.75, 1), "relevance to the question")
    cut_text = (
        cut.wording()
        if cut is not None
        else "No source was left out by the relevance rule, so no cut is drawn."
    )
    used = sum(s.used for s in sources)
    return Figure(
        key="fig-relevance",
        title="Source relevance and the used/unused cut",
        svg=svg(
            "fig-relevance", "Source relevance and the used/unused cut", 480, bottom + 50, body
        ),
        caption=(
            "Each bar is one candidate source's relevance to the research question (0 unrelated, "
            f"1 on topic), most relevant first. {cut_text} A pale bar was left out for another "
            "reason (no claim, or an earlier filter), stated in its tooltip and the sources table. "
            "Hover a bar for the source's title and reason."
        ),
        summary=f"{used} of {len(sources)} sources used"
        + (f"; relevance cut {cut.value:.2f}" if cut is not None else ""),
    )


def _role(f: ManifestFinding, key: str) -> str:
    if key in f.contrasted_by:
        return "contrasts"
    if key in f.reported_by:
        return "reports"
    return "corroborates" if key in f.corroborated_by else ""


def _mark(role: str, cx: float, cy: float, text: str) -> str:
    if role == "reports":
        return el("rect", tip(text), x=cx - 7, y=cy - 7, width=14, height=14, fill=ACCENT)
    if role == "corroborates":
        return el("circle", tip(text), cx=cx, cy=cy, r=6.5, fill=GREEN)
    return cross(cx, cy, 6, RED, 3, tip(text))


def _findings_legend() -> list[str]:
    return [
        el("rect", x=4, y=4, width=11, height=11, fill=ACCENT),
        label(19, 13, "reports it", fill=MUTED),
        el("circle", cx=90, cy=9.5, r=5.5, fill=GREEN),
        label(99, 13, "corroborates it", fill=MUTED),
        cross(192, 9.5, 5, RED, 2.5),
        label(202, 13, "contrasts it", fill=MUTED),
    ]


def _finding_row(f: ManifestFinding, cols: Sequence[ManifestSource], cy: float) -> list[str]:
    cell, x0 = 26.0, 92.0
    out = [
        el("a", label(4, cy + 4, f.id, font_weight=700), href=f"#{f.id}"),
        label(28, cy + 4, f"{f.strength:.2f}", fill=MUTED, font_size=10),
        el("rect", x=52, y=cy - 4, width=36 * f.strength, height=8, fill=PALE),
    ]
    for j, s in enumerate(cols):
        cx = x0 + cell * j + cell / 2
        box = {"width": cell, "height": cell, "fill": "none", "stroke": RULE, "stroke_width": 0.5}
        out.append(el("rect", x=cx - cell / 2, y=cy - cell / 2, **box))
        role = _role(f, s.key)
        if role:
            text = f"{s.key} ({s.citation}) {role} {f.id}: {short(f.statement, 120)}"
            out.append(_mark(role, cx, cy, text))
    return out


def build_findings_figure(
    findings: Sequence[ManifestFinding], sources: Sequence[ManifestSource]
) -> Figure | None:
    """A findings × sources grid: which source reports, corroborates or contrasts each finding."""
    if not findings:
        return None
    named = {k for f in findings for k in (*f.reported_by, *f.corroborated_by, *f.contrasted_by)}
    cols = [s for s in sources if s.key in named]
    cell, x0, top = 26.0, 92.0, 40.0
    body = _findings_legend()
    body.append(label(28, top - 6, "strength", fill=MUTED, font_size=9))
    for j, s in enumerate(cols):
        head = s.key + tip(f"{s.key}: {s.citation}. {s.title}")
        x = x0 + cell * j + cell / 2
        body.append(el("text", head, x=x, y=top - 6, text_anchor="middle", font_weight=700))
    for i, f in enumerate(findings):
        body += _finding_row(f, cols, top + cell * i + cell / 2)
    width = max(360.0, x0 + cell * len(cols) + 8)
    height = top + cell * len(findings) + 8
    contrasted = sum(bool(f.contrasted_by) for f in findings)
    title = "Which sources support or contrast each finding"
    return Figure(
        key="fig-findings",
        title=title,
        svg=svg("fig-findings", title, width, height, body),
        caption=(
            "One row per finding (its strength, 0 to 1, beside the id) and one column per source "
            "that bears on any finding. A dark square: the source states the finding; a green dot: "
            "another source's passage supports it; a red cross: a source's claim or passage "
            "contradicts it. A row with several marks rests on several papers. Columns: "
            + "; ".join(f"{s.key} {s.citation}" for s in cols)
            + "."
        ),
        summary=f"{len(findings)} findings over {len(cols)} sources, {contrasted} contrasted",
    )


_Point = tuple[str, float, float, "float | None", int]


def _bench_points(rows: Sequence[dict[str, object]]) -> list[_Point]:
    """(label, ms/token, pass@lowest k, pass@highest k or None, highest k) per nominal row."""
    points: list[_Point] = []
    for r in rows:
        ms = r.get("ms/token")
        if r.get("perturbation", "nominal") != "nominal" or not isinstance(ms, int | float):
            continue
        values: dict[int, float] = {}
        for key, value in r.items():
            m = _PASS_K.fullmatch(key)
            if m and isinstance(value, int | float):
                values[int(m.group(1))] = float(value)
        if values:
            ks = sorted(values)
            last = values[ks[-1]] if len(ks) > 1 else None
            name = f"{r.get('model', '?')} ({r.get('dataset', '?')})"
            points.append((name, float(ms), values[ks[0]], last, ks[-1]))
    return points


def _bench_axes(x0: float, x1: float, y0: float, y1: float, top_ms: float) -> list[str]:
    mid = (y0 + y1) / 2
    out = [line(x0, y1, x0, y0), line(x0, y0, x1, y0)]
    out.append(label(12, mid, "pass@k", "middle", fill=MUTED, transform=f"rotate(-90 12 {mid})"))
    for t in (0, 0.5, 1):
        y = y0 - t * (y0 - y1)
        out.append(label(x0 - 5, y + 4, f"{t:g}", "end", fill=MUTED))
        out.append(line(x0, y, x1, y, stroke=RULE, stroke_dasharray="2 3"))
        out.append(label(x0 + t * (x1 - x0), y0 + 15, f"{t * top_ms:.2f}", "middle", fill=MUTED))
    axis_name = "latency, ms per generated token (batch 1)"
    out.append(label((x0 + x1) / 2, y0 + 30, axis_name, "middle", fill=MUTED))
    return out


def build_bench_figure(rows: Sequence[dict[str, object]]) -> Figure | None:
    """pass@k against latency per model (nominal prompts); None when no row has both."""
    points = _bench_points(rows)
    if not points:
        return None
    x0, x1, y0, y1 = 46.0, 462.0, 200.0, 14.0
    top_ms = max(p[1] for p in points) * 1.15 or 1.0
    body = _bench_axes(x0, x1, y0, y1, top_ms)
    for i, (name, ms, first, last, k) in enumerate(points):
        x, y = x0 + ms / top_ms * (x1 - x0), y0 - first * (y0 - y1)
        if last is not None:
            yk = y0 - last * (y0 - y1)
            body.append(line(x, y, x, yk, stroke=ACCENT))
            ring = tip(f"{name}: pass@{k} {last:.3f}")
            body.append(el("circle", ring, cx=x, cy=yk, r=4.5, fill="#fff", stroke=ACCENT))
        dot = tip(f"{name}: pass@1 {first:.3f} at {ms:.3f} ms/token")
        body.append(el("circle", dot, cx=x, cy=y, r=4.5, fill=ACCENT))
        # Labels right of the dot, or left of it in the right third where they would be cut.
        right = x < x0 + 0.66 * (x1 - x0)
        anchor = "start" if right else "end"
        spot = (x + 7 if right else x - 7, y - 6 - 11 * (i % 2))
        body.append(label(*spot, short(name, 30), anchor, font_size=10))
    return Figure(
        key="fig-bench",
        title="pass@k against latency",
        svg=svg("fig-bench", "pass@k against latency (synth bench)", 480, 250, body),
        caption=(
            "Measured by synth bench on unperturbed prompts: each model is a filled dot at its "
            "pass@1 (the share of tasks one sample solves, 0 to 1) against its latency in "
            "milliseconds per generated token; a hollow dot above it is its pass@k for the "
            "largest k measured. Up and to the left is better: more tasks solved, faster."
        ),
        summary=f"{len(points)} models measured, pass@k against ms/token",
    )


def build_figures(
    claims: Sequence[ManifestClaim],
    sources: Sequence[ManifestSource],
    findings: Sequence[ManifestFinding],
    bench_rows: Sequence[dict[str, object]] = (),
    corrected: Iterable[str] = (),
) -> dict[str, Figure]:
    """Every figure there is data for, by name: claims, relevance, findings, bench."""
    built = {
        "claims": build_claims_figure(claims, corrected),
        "relevance": build_relevance_figure(sources),
        "findings": build_findings_figure(findings, sources),
        "bench": build_bench_figure(bench_rows),
    }
    return {name: fig for name, fig in built.items() if fig is not None}
