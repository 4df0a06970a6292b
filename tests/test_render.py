"""Rendering: genre order, escaping, self-contained HTML, citations, abstract numbers, writing."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from synth.corrections import append_correction, user_correction
from synth.errors import ManifestError
from synth.records import Claim
from synth.report.manifest import Manifest, ManifestFinding, validate_manifest_file
from synth.report.render import md_escape, render_report, write_report
from synth.report.synthesis import build_abstract, cite, disambiguate, reference_entry, surname
from synth.settings import ReportSettings
from tests import report_samples as rs
from tests.test_manifest import sample_manifest

SCRIPT = "<script>alert('x')</script>"
ORDER = [
    "Abstract",
    "Research question",
    "Verification level",
    "Quality tier",
    "Quality dimensions",
    "Correction record",
    "Provenance",
    "Sources and relevance",
    "Extracted claims",
    "Limitations",
    "References",
    "How to read this report",
]


def _hostile_manifest() -> Manifest:
    claims = rs.claims()
    claims[0] = claims[0].model_copy(
        update={"text": f"Students {SCRIPT} run 4.1x faster & <b>cheaper</b>."}
    )
    docs = rs.documents()
    work = docs[1].work.model_copy(update={"title": "Soft <img src=x onerror=alert(1)> Targets"})
    docs[1] = docs[1].model_copy(update={"work": work})
    return sample_manifest(claims=claims, documents=docs)


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return render_report(sample_manifest(), ReportSettings())


def test_renders_all_formats(files: dict[str, str]) -> None:
    assert sorted(files) == ["html", "md", "txt"]
    assert render_report(sample_manifest(), ReportSettings(formats=["md"])).keys() == {"md"}


@pytest.mark.parametrize("fmt", ["md", "html", "txt"])
def test_sections_follow_the_genre_order(files: dict[str, str], fmt: str) -> None:
    text = files[fmt].lower()
    text = text[text.index("<body>") :] if fmt == "html" else text
    id_line = text.index("srch:3b06c412")
    title = text.index("literature synthesis: to what extent")
    headings = [ORDER[0].lower()] + [f"{i}. {name.lower()}" for i, name in enumerate(ORDER[1:], 1)]
    positions = [text.index(h) for h in headings]
    assert id_line < title < positions[0]
    assert positions == sorted(positions)


def test_html_is_self_contained(files: dict[str, str]) -> None:
    html = files["html"]
    assert html.startswith("<!DOCTYPE html>")
    for banned in ("<script", "<link", "src=", "@import", "url(", "@font-face", "<img"):
        assert banned not in html
    assert "<style>" in html


def test_html_escapes_source_text() -> None:
    html = render_report(_hostile_manifest(), ReportSettings())["html"]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<img" not in html
    assert "&amp; &lt;b&gt;cheaper&lt;/b&gt;" in html


def test_markdown_escapes_source_text() -> None:
    md = render_report(_hostile_manifest(), ReportSettings())["md"]
    assert "<script>" not in md
    assert "<img" not in md
    assert md_escape("a|b <c> *d* _e_") == r"a\|b &lt;c&gt; \*d\* \_e\_"


def test_verdicts_are_labelled_in_words(files: dict[str, str]) -> None:
    for label in ("Supported", "Contradicted", "Unverified"):
        assert label in files["html"]
    assert "[✗ CONTRADICTED] confidence 0.12" in files["txt"]


def test_plain_text_wraps_at_width(files: dict[str, str]) -> None:
    assert max(len(line) for line in files["txt"].splitlines()) <= 100
    narrow = render_report(sample_manifest(), ReportSettings(formats=["txt"], txt_width=72))
    assert max(len(line) for line in narrow["txt"].splitlines()) <= 72


def test_every_printed_kind_of_number_is_explained(files: dict[str, str]) -> None:
    txt = files["txt"]
    reading = txt[txt.index("HOW TO READ THIS REPORT") :]
    for term in (
        "Relevance:",
        "Confidence:",
        "Evidence score:",
        "Review score:",
        "Tier:",
        "Strength:",
        "Claim relevance:",
        "Answer:",
        "Finding:",
    ):
        assert term in reading
    assert rs.CONFIDENCE_NOTE[:60] in reading


def test_unused_sources_say_why_and_failures_are_listed(files: dict[str, str]) -> None:
    txt = files["txt"]
    assert "why not used: relevance 0.21 below the threshold 0.45" in txt
    assert "10.5555/missing.1 (retrieve): no open full text and no abstract" in txt


def test_references_link_doi_and_arxiv(files: dict[str, str]) -> None:
    html = files["html"]
    assert '<a href="https://doi.org/10.5555/ecm.2023.014">' in html
    assert '<a href="https://arxiv.org/abs/2104.01234v2">' in html


def test_unsafe_urls_are_not_links() -> None:
    docs = rs.documents()
    work = docs[3].work.model_copy(update={"url": "javascript:alert(1)"})
    docs[3] = docs[3].model_copy(update={"work": work})
    html = render_report(sample_manifest(documents=docs), ReportSettings())["html"]
    assert 'href="javascript' not in html


@pytest.mark.parametrize(
    ("authors", "year", "expected"),
    [
        (["Geoffrey Hinton"], 2015, "Hinton, 2015"),
        (["Geoffrey Hinton", "Oriol Vinyals"], 2015, "Hinton and Vinyals, 2015"),
        (["Geoffrey Hinton", "Oriol Vinyals", "Jeff Dean"], 2015, "Hinton et al., 2015"),
        (["Hinton, Geoffrey E."], None, "Hinton, n.d."),
        (["Laurens van der Maaten"], 2008, "van der Maaten, 2008"),
        (["Martin Luther King Jr."], 1963, "King, 1963"),
        ([], 2020, "Anon., 2020"),
        (["A. Author"], 20231, "Author, n.d."),
    ],
)
def test_citation_formats(authors: list[str], year: int | None, expected: str) -> None:
    assert cite(authors, year) == expected


def test_an_anonymous_work_is_cited_by_its_title() -> None:
    long = "Vitamin D and obesity: current perspectives and future directions."
    assert cite([], None, long) == "\u201cVitamin D and obesity …\u201d, n.d."
    assert cite([" "], 2020, "Soft targets.") == "\u201cSoft targets\u201d, 2020"
    assert cite([], 2020, "") == "Anon., 2020"
    source = sample_manifest().sources[0].model_copy(update={"authors": [], "year": None})
    assert reference_entry(source).startswith(f"{source.title.rstrip('.')}. (n.d.).")


def test_equal_citations_are_disambiguated() -> None:
    assert disambiguate(["Li et al., 2023", "Chen, 2020", "Li et al., 2023"]) == [
        "Li et al., 2023a",
        "Chen, 2020",
        "Li et al., 2023b",
    ]
    assert disambiguate(["Ko, n.d.", "Ko, n.d."]) == ["Ko, n.d.-a", "Ko, n.d.-b"]
    assert surname("  ") == ""


def test_citation_year_never_comes_from_text() -> None:
    # The claim's text mentions a weekday and a year; the citation must still come from metadata.
    claims = rs.claims()
    claims[2] = claims[2].model_copy(
        update={"text": "Published Thu, 12 May 2022: pass@1 rose by 5 points."}
    )
    m = sample_manifest(claims=claims)
    assert m.sources[2].citation == "Alvarez, n.d."
    assert "(Thu" not in render_report(m, ReportSettings())["md"]


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?", text)


def test_abstract_numbers_all_come_from_the_manifest() -> None:
    m = sample_manifest()
    abstract = build_abstract(m)
    # Quoted claims and the question are source text; citations are metadata.
    bare = re.sub(r"\u201c[^\u201d]*\u201d", "", abstract)
    for s in m.sources:
        bare = bare.replace(s.citation, "")
    supported = sum(c.verdict == "supported" for c in m.claims)
    allowed = {
        str(len(m.sources)),
        str(sum(s.used for s in m.sources)),
        str(len(m.claims)),
        str(supported),
        str(m.verification.independently_supported),
        str(m.verification.claims_contradicted),
        str(m.verification.claims_unverified),
        str(len(m.source_failures)),
        f"{m.review.score:.1f}",
        "10",
        str(sum(s.used and s.text_level == "fulltext" for s in m.sources)),
        str(sum(s.used and s.text_level == "abstract" for s in m.sources)),
        "4",  # the contradicted claim's id, C4
    }
    assert _numbers(bare)
    assert set(_numbers(bare)) <= allowed
    assert "(Li et al., 2023)" in abstract
    assert "4.1x" in abstract  # the main supported finding is quoted whole
    assert ".." not in abstract


def test_abstract_quotes_one_result_once_when_two_claims_state_it() -> None:
    m = sample_manifest()
    # C1 and C2 grouped as one finding: the abstract quotes only the first-ranked of them.
    finding = ManifestFinding(
        id="F1", statement=m.claims[0].text, representative="C1", claims=["C1", "C2"],
        reported_by=["S1", "S2"], relevance=0.9, strength=0.6, verdict="supported",
    )  # fmt: skip
    grouped = m.model_copy(update={"findings": [finding]})
    abstract = build_abstract(grouped)
    assert abstract.count("\u201c") == 2  # the question and one finding
    assert "The main supported finding is" in abstract
    assert "Main supported findings:" in build_abstract(m)


def test_abstract_quotes_a_finding_s_whole_words_for_a_claim_that_points_back() -> None:
    m = sample_manifest()
    back = m.claims[0].model_copy(update={"text": "It also exceeds the baseline by 4.1x."})
    whole = "The distilled model exceeds the baseline by 4.1x on the benchmark."
    finding = ManifestFinding(
        id="F1", statement=whole, representative="C1", claims=["C1"],
        reported_by=["S1"], relevance=0.9, strength=0.6, verdict="supported",
    )  # fmt: skip
    pointing = m.model_copy(update={"claims": [back, *m.claims[1:]], "findings": [finding]})
    abstract = build_abstract(pointing)
    assert whole.rstrip(".") in abstract and "It also exceeds" not in abstract


def test_abstract_without_claims_says_so() -> None:
    m = sample_manifest(claims=[], verdicts=[])
    abstract = build_abstract(m)
    assert "No claim bearing on the question" in abstract
    assert "Main supported" not in abstract


def test_rendering_is_deterministic() -> None:
    a = render_report(sample_manifest(), ReportSettings())
    b = render_report(sample_manifest(), ReportSettings())
    assert a == b
    later = render_report(sample_manifest(updated=rs.LATER), ReportSettings())
    pairs = zip(a["txt"].splitlines(), later["txt"].splitlines(), strict=True)
    diff = [x for x, y in pairs if x != y]
    assert diff == [a["txt"].splitlines()[0]]


def test_write_report_records_artifacts(tmp_path: Path) -> None:
    m = sample_manifest()
    final = write_report(tmp_path, m, render_report(m, ReportSettings()))
    assert [a.format for a in final.artifacts] == ["html", "md", "txt"]
    for artifact in final.artifacts:
        data = (tmp_path / artifact.path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == artifact.sha256
    assert validate_manifest_file(tmp_path / "manifest.json") == final
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "manifest.json",
        "report.html",
        "report.md",
        "report.txt",
    ]


def test_write_report_refuses_to_drop_corrections(tmp_path: Path) -> None:
    m = sample_manifest()
    record = user_correction(m.corrections, "note", "Checked by hand.", [], ["C1"], rs.NOW)
    noted = m.model_copy(update={"corrections": append_correction(m.corrections, record)})
    write_report(tmp_path, noted, render_report(noted, ReportSettings()))
    with pytest.raises(ManifestError, match="append-only"):
        write_report(tmp_path, m, render_report(m, ReportSettings()))
    data = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert data["corrections"]["count"] == 1


def test_withdrawn_report_shows_a_banner() -> None:
    m = sample_manifest()
    record = user_correction(
        m.corrections, "withdrawal", "Built on a retracted study.", ["C1"], ["C1"], rs.NOW
    )
    withdrawn = m.model_copy(update={"corrections": append_correction(m.corrections, record)})
    files = render_report(withdrawn, ReportSettings())
    assert "WITHDRAWN." in files["html"]
    assert "Built on a retracted study." in files["md"]
    assert "see correction 1" in files["txt"]
    assert "It has been withdrawn" in build_abstract(withdrawn)


def test_template_override_falls_back_per_file(tmp_path: Path) -> None:
    (tmp_path / "report.md.j2").write_text("custom {{ m.report_id }}\n", encoding="utf-8")
    files = render_report(sample_manifest(), ReportSettings(templates_dir=tmp_path))
    assert files["md"] == "custom SRCH:3B06C412\n"
    assert files["html"].startswith("<!DOCTYPE html>")


def test_claim_type_is_the_pipeline_record() -> None:
    # The sample claims are real pipeline records, not stand-ins.
    assert all(isinstance(c, Claim) for c in rs.claims())


def test_bench_block_is_rendered_as_measured_evidence() -> None:
    bench = {
        "path": "runs/kd.json",
        "rows": [
            {"model": "student-350m", "pass@1": 0.3125, "latency_p50_ms": 41.0},
            {"model": "teacher<15b>", "pass@1": 0.5, "latency_p50_ms": None},
        ],
    }
    files = render_report(sample_manifest(extra={"bench": bench}), ReportSettings())
    assert "<td>0.312</td>" in files["html"] or "<td>0.313</td>" in files["html"]
    assert "teacher&lt;15b&gt;" in files["html"]
    assert "| student-350m | 0.312 | 41.000 |" in files["md"]
    assert "Benchmark values:" in files["txt"]
    assert "Measured evidence" not in render_report(sample_manifest(), ReportSettings())["md"]
