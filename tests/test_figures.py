"""The report's figures: SVG drawn from small manifests, read back as XML; their place in each format."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from synth.corrections import append_correction, user_correction
from synth.extract.relevance import passing_reason
from synth.report.figures import (
    build_bench_figure,
    build_claims_figure,
    build_figures,
    build_findings_figure,
    build_relevance_figure,
    relevance_cut,
)
from synth.report.manifest import Manifest
from synth.report.render import md_escape, render_report
from synth.settings import ExtractSettings, ReportSettings
from tests import report_samples as rs
from tests.test_manifest import sample_manifest

SVG = "{http://www.w3.org/2000/svg}"
PAYLOAD = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def _parse(svg: str) -> ET.Element:
    """The figure as XML: this fails on any unescaped text that would break the markup."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("viewBox", "").startswith("0 0 ")
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter(f"{SVG}foreignObject"))
    for element in root.iter():
        assert not any(name.lower().startswith("on") for name in element.attrib), element.attrib
    return root


def _titles(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}title")]


def _findings() -> list[dict[str, object]]:
    base = {"quantities": [], "relevance": 0.8, "verdict": "supported"}
    return [
        {
            **base,
            "id": "F1",
            "statement": "Students run 4.1x faster.",
            "representative": "C1",
            "claims": ["C1"],
            "reported_by": ["S1"],
            "corroborated_by": ["S2"],
            "contrasted_by": [],
            "strength": 0.64,
        },
        {
            **base,
            "id": "F2",
            "statement": "Distilled models lose 2 points.",
            "representative": "C4",
            "claims": ["C4"],
            "reported_by": ["S1"],
            "contrasted_by": ["S2"],
            "contrasting_claims": ["C2"],
            "strength": 0.05,
            "verdict": "contradicted",
        },
    ]


def _manifest(**update: object) -> Manifest:
    """The sample manifest with fields replaced, validated again."""
    data = sample_manifest().model_dump(mode="json")
    data.update(update)
    return Manifest.model_validate(data)


def _with_reasons(m: Manifest) -> Manifest:
    """The sample's unused source with a reason worded by the relevance rule itself."""
    settings = ExtractSettings()
    best = max(s.relevance for s in m.sources)
    sources = [
        s.model_dump(mode="json")
        | ({"unused_reason": passing_reason(s.relevance, best, settings)} if not s.used else {})
        for s in m.sources
    ]
    return _manifest(sources=sources)


def test_claims_figure_has_one_linked_dot_per_claim_in_its_verdict_colour() -> None:
    m = sample_manifest()
    fig = build_claims_figure(m.claims, corrected=["C2"])
    assert fig is not None
    root = _parse(fig.svg)
    links = [a.get("href", "") for a in root.iter(f"{SVG}a")]
    assert sorted(links) == ["#C1", "#C2", "#C3", "#C4"]
    dots = {c.find(f"{SVG}title").text.split(":")[0]: c for c in root.iter(f"{SVG}circle")}  # type: ignore[union-attr]
    assert dots["C1"].get("fill") == dots["C2"].get("fill") != dots["C4"].get("fill")
    # x follows confidence: 0.12 (C4) < 0.31 (C3) < 0.74 (C2) < 0.86 (C1)
    xs = [float(dots[c].get("cx", "nan")) for c in ("C4", "C3", "C2", "C1")]
    assert xs == sorted(xs) and xs[0] < xs[-1]
    assert dots["C2"].get("stroke") == "#000" and dots["C1"].get("stroke") == "#fff"
    assert (
        "corrected" in fig.caption
        and fig.summary == "2 supported, 1 contradicted, 1 unverified claims"
    )
    assert build_claims_figure([]) is None


def test_dots_at_the_same_confidence_stack_instead_of_hiding_each_other() -> None:
    first = sample_manifest().claims[0]
    same = [first.model_copy(update={"id": f"C{i}", "confidence": 0.5}) for i in range(1, 6)]
    root = _parse(build_claims_figure(same).svg)  # type: ignore[union-attr]
    centres = {(c.get("cx"), c.get("cy")) for c in root.iter(f"{SVG}circle")}
    assert len(centres) == 5 and len({x for x, _ in centres}) == 1


def test_relevance_cut_is_read_from_the_rule_s_own_reasons() -> None:
    m = _with_reasons(sample_manifest())
    settings = ExtractSettings()
    best = max(s.relevance for s in m.sources)
    # S4 scores 0.21, under the floor 0.30. No source lies between the floor and best - margin
    # (0.83 less 40%, 0.50), so no reason names the margin and the cut drawn is the floor.
    cut = relevance_cut(m.sources)
    assert cut is not None and cut.value == pytest.approx(settings.relevance_threshold)
    assert "absolute floor 0.30" in cut.wording()
    margin_reason = passing_reason(0.40, best, settings)
    assert "the best source's 0.83 less 40%" in margin_reason
    sources = [
        s.model_copy(update={"unused_reason": margin_reason}) if not s.used else s
        for s in m.sources
    ]
    cut = relevance_cut(sources)
    assert cut is not None and cut.value == pytest.approx(
        round(best * (1 - settings.relevance_margin), 2)
    )
    assert "best source's relevance 0.83 less the allowed margin of 40%" in cut.wording()
    assert relevance_cut([s for s in m.sources if s.used]) is None


def test_relevance_figure_draws_every_source_and_the_cut() -> None:
    m = _with_reasons(sample_manifest())
    fig = build_relevance_figure(m.sources)
    assert fig is not None
    root = _parse(fig.svg)
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == len(m.sources)
    widths = [float(b.get("width", "0")) for b in bars]
    assert widths == sorted(widths, reverse=True)  # most relevant first
    fills = [b.get("fill") for b in bars]
    assert len(set(fills[:3])) == 1 and fills[3] != fills[0]  # three used, S4 below the cut
    assert "cut 0.30" in "".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert fig.summary == "3 of 4 sources used; relevance cut 0.30"
    assert "dashed line is the absolute floor 0.30" in fig.caption
    # A source left out by something other than the relevance rule is told apart from one cut.
    other = [
        s.model_copy(update={"used": False, "unused_reason": "gave no claim"})
        if s.key == "S3"
        else s
        for s in m.sources
    ]
    by_key = {
        b.find(f"{SVG}title").text.split(" ")[0]: b.get("fill")  # type: ignore[union-attr]
        for b in _parse(build_relevance_figure(other).svg).iter(f"{SVG}rect")  # type: ignore[union-attr]
        if b.find(f"{SVG}title") is not None
    }
    assert len({by_key["S1"], by_key["S3"], by_key["S4"]}) == 3


def test_findings_figure_marks_reported_corroborated_and_contrasted() -> None:
    m = _manifest(findings=_findings())
    fig = build_findings_figure(m.findings, m.sources)
    assert fig is not None
    root = _parse(fig.svg)
    marks = [t for t in _titles(root) if " F" in t]
    assert any(t.startswith("S1 (Li et al., 2023) reports F1") for t in marks)
    assert any(t.startswith("S2 (van der Berg and Rossi, 2021) corroborates F1") for t in marks)
    assert any(t.startswith("S2 (van der Berg and Rossi, 2021) contrasts F2") for t in marks)
    assert not any("S3" in t or "S4" in t for t in marks)  # columns only for sources named
    assert "Columns: S1 Li et al., 2023; S2 van der Berg and Rossi, 2021." in fig.caption
    assert fig.summary == "2 findings over 2 sources, 1 contrasted"
    assert build_findings_figure([], m.sources) is None


def test_bench_figure_plots_nominal_rows_with_latency_only() -> None:
    rows: list[dict[str, object]] = [
        {"model": "oracle", "dataset": "humaneval", "perturbation": "nominal", "pass@1": 1.0},
        {
            "model": "tiny",
            "dataset": "humaneval",
            "perturbation": "nominal",
            "pass@1": 0.25,
            "pass@2": 0.4,
            "ms/token": 0.9,
        },
        {
            "model": "tiny",
            "dataset": "humaneval",
            "perturbation": "syntax#0",
            "pass@1": 0.1,
            "ms/token": 0.9,
        },
        {
            "model": "small",
            "dataset": "mbpp",
            "perturbation": "nominal",
            "pass@1": 0.5,
            "ms/token": 1.8,
        },
    ]
    fig = build_bench_figure(rows)
    assert fig is not None
    titles = _titles(_parse(fig.svg))
    assert "tiny (humaneval): pass@1 0.250 at 0.900 ms/token" in titles
    assert "tiny (humaneval): pass@2 0.400" in titles
    assert "small (mbpp): pass@1 0.500 at 1.800 ms/token" in titles
    assert not any("oracle" in t or "0.100" in t for t in titles)
    assert build_bench_figure(rows[:1]) is None and build_bench_figure([]) is None


def test_hostile_source_text_stays_text_inside_every_figure() -> None:
    m = _manifest(findings=_findings())
    sources = [s.model_copy(update={"title": PAYLOAD, "citation": PAYLOAD}) for s in m.sources]
    rows: list[dict[str, object]] = [
        {"model": PAYLOAD, "dataset": "x", "perturbation": "nominal", "pass@1": 0.5, "ms/token": 1}
    ]
    figures = build_figures(m.claims, sources, m.findings, rows)
    assert sorted(figures) == ["bench", "claims", "findings", "relevance"]
    for fig in figures.values():
        assert "<script" not in fig.svg and "<img" not in fig.svg
        root = _parse(fig.svg)
        if fig.key != "fig-claims":
            # The payload comes back, whole or shortened, as the text of a tooltip or label.
            texts = _titles(root) + [t.text or "" for t in root.iter(f"{SVG}text")]
            assert any(PAYLOAD[:20] in t for t in texts), fig.key


def test_html_places_each_figure_with_a_caption_and_the_key_figure_by_the_answer() -> None:
    m = _manifest(
        findings=_findings(),
        bench={
            "path": "b.json",
            "rows": [
                {
                    "model": "tiny",
                    "dataset": "humaneval",
                    "perturbation": "nominal",
                    "pass@1": 0.25,
                    "ms/token": 0.9,
                }
            ],
        },
    )
    html = render_report(m, ReportSettings())["html"]
    for key in ("fig-claims", "fig-findings", "fig-relevance", "fig-bench"):
        start = html.index(f'<figure class="fig" id="{key}">')
        figure = html[start : html.index("</figure>", start)]
        assert "<svg" in figure and "<figcaption><strong>" in figure
    lead = html[html.index('<div class="lead">') : html.index('<section id="findings">')]
    assert 'id="answer"' in lead and 'id="fig-claims"' in lead
    assert "<script" not in html
    plain = render_report(sample_manifest(), ReportSettings())["html"]
    assert 'id="fig-bench"' not in plain and 'id="fig-findings"' not in plain


def test_markdown_and_text_point_to_the_figures() -> None:
    files = render_report(_manifest(findings=_findings()), ReportSettings())
    assert (
        "*Figures, drawn in report.html:* Claims by verdict and confidence (2 supported"
        in files["md"]
    )
    assert "Figures (drawn in report.html):" in files["txt"]
    assert "Which sources support or contrast each finding: 2 findings" in files["txt"]
    assert "<svg" not in files["md"] and "<svg" not in files["txt"]


def test_ampersands_are_not_html_escaped_outside_html() -> None:
    assert md_escape("Ba & Caruana (2014)") == "Ba & Caruana (2014)"
    assert md_escape("p < 0.05 and n > 3") == "p < 0.05 and n > 3"
    assert md_escape("literal &amp; in the source") == r"literal \&amp; in the source"
    claims = rs.claims()
    claims[0] = claims[0].model_copy(update={"text": "Beats Ba & Caruana (2014) by 4.1x & more."})
    files = render_report(sample_manifest(claims=claims), ReportSettings())
    for fmt in ("md", "txt"):
        assert "Ba & Caruana (2014)" in files[fmt] and "&amp;" not in files[fmt], fmt
    assert "Ba &amp; Caruana (2014)" in files["html"]


def test_a_corrected_claim_has_its_own_section_in_every_format() -> None:
    m = sample_manifest()
    record = user_correction(
        m.corrections, "correction", "The speed-up is 3.1x, not 4.1x.", ["C1"], ["C1", "C2"], rs.NOW
    )
    note = user_correction(
        m.corrections, "note", "Checked C2 by hand.", ["C2"], ["C1", "C2"], rs.NOW
    )
    corrections = append_correction(append_correction(m.corrections, record), note)
    files = render_report(m.model_copy(update={"corrections": corrections}), ReportSettings())
    ends = {"md": "## Findings", "html": "</section>", "txt": "FINDINGS"}
    for fmt, heading in (
        ("md", "## Corrected claims"),
        ("html", "<h2>Corrected claims</h2>"),
        ("txt", "CORRECTED CLAIMS"),
    ):
        text = files[fmt]
        start = text.index(heading)
        section = text[start : text.index(ends[fmt], start)]
        assert "C1" in section and "CORRECTED" in section, fmt
        assert "The speed-up is 3.1x, not 4.1x." in section, fmt
        assert "C2" not in section, fmt  # a note is not a correction
    html = files["html"]
    assert html.index('id="corrected-claims"') < html.index('id="findings"')
    assert '<a href="#C1" class="cid">C1</a>' in html
