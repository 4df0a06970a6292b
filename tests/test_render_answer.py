"""The answer and the findings in the manifest and in every format: first, cited, checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from synth.cli import main
from synth.records import Answer, AnswerSentence, Finding, FindingQuantity
from synth.report.manifest import Manifest, manifest_to_json
from synth.report.render import render_report
from synth.settings import ReportSettings
from tests.test_manifest import sample_manifest

D1, D2 = "d1" * 8, "d2" * 8
FINDINGS = [
    Finding(
        finding_id="F1",
        statement="Distilling a 15B teacher into a 350M student reduced median latency by 4.1x.",
        representative="C1",
        claims=["C1"],
        reported_by=[D1],
        corroborated_by=[D2],
        quantities=[FindingQuantity(raw="4.1x", value=4.1, unit="times", claim_id="C1")],
        relevance=0.82,
        strength=0.6,
        verdict="supported",
    ),
    Finding(
        finding_id="F2",
        statement="Soft targets improved pass@1 of the small model by 6.2 points.",
        representative="C2",
        claims=["C2"],
        reported_by=[D2],
        relevance=0.7,
        strength=0.3,
        verdict="supported",
    ),
]
ANSWER = Answer(
    text="",
    sentences=[
        AnswerSentence(
            text="The sources quantify the extent: latency fell by 4.1x",
            citations=["F1"],
            verified=True,
        ),
        AnswerSentence(text="Soft targets added 6.2 points", citations=["F2"], verified=False),
        AnswerSentence(text="No used source addresses DS-1000.", citations=[], verified=False),
    ],
    writer="openai-compatible:tiny",
    dropped=[
        AnswerSentence(
            text="Energy use halved.", citations=["F1"], verified=False, note="verifier: unverified"
        )
    ],
    uncovered=["DS-1000"],
    note="",
)


@pytest.fixture(scope="module")
def manifest() -> Manifest:
    return sample_manifest(findings=FINDINGS, answer=ANSWER)


@pytest.fixture(scope="module")
def files(manifest: Manifest) -> dict[str, str]:
    return render_report(manifest, ReportSettings())


def test_manifest_carries_findings_and_answer_with_source_keys(manifest: Manifest) -> None:
    data = json.loads(manifest_to_json(manifest))
    f1 = data["findings"][0]
    assert f1["reported_by"] == ["S1"] and f1["corroborated_by"] == ["S2"]
    assert f1["quantities"] == [{"raw": "4.1x", "value": 4.1, "unit": "times", "claim": "C1"}]
    first = data["answer"]["sentences"][0]
    assert first["citations"] == ["F1"] and first["sources"] == ["S1", "S2"]
    assert data["answer"]["dropped"][0]["note"] == "verifier: unverified"


def test_answer_and_findings_come_first_in_every_format(files: dict[str, str]) -> None:
    for fmt, (answer, findings, abstract) in {
        "md": ("## Answer", "## Findings", "## Abstract"),
        "html": ("<h2>Answer</h2>", "<h2>Findings</h2>", "<h2>Abstract</h2>"),
        "txt": ("\nANSWER\n", "\nFINDINGS\n", "\nABSTRACT\n"),
    }.items():
        text = files[fmt]
        assert text.index(answer) < text.index(findings) < text.index(abstract), fmt


def test_each_answer_sentence_shows_its_citations_and_check(files: dict[str, str]) -> None:
    md = files["md"]
    line = next(x for x in md.splitlines() if x.startswith("The sources quantify"))
    assert "F1)" in line and "not verified" not in line
    unverified = next(x for x in md.splitlines() if x.startswith("Soft targets added"))
    assert "not verified" in unverified
    coverage = next(x for x in md.splitlines() if x.startswith("No used source addresses"))
    assert "(" not in coverage and "not verified" not in coverage  # it cites nothing to check
    assert "Energy use halved." in md and "verifier: unverified" in md
    assert "| F1 |" in md and "4.1x" in md


def test_references_list_used_sources_and_the_left_out_apart(
    manifest: Manifest, files: dict[str, str]
) -> None:
    md = files["md"]
    refs = md[md.index("## 10. References") : md.index("## 11.")]
    used, _, rest = refs.partition("Candidates read but not used")
    unused = [s.key for s in manifest.sources if not s.used]
    assert unused
    assert "[S1]" in used
    for key in unused:
        assert f"[{key}]" not in used and f"[{key}]" in rest


def test_unknown_top_level_fields_and_dangling_ids_are_rejected(
    manifest: Manifest, tmp_path: Path
) -> None:
    data = json.loads(manifest_to_json(manifest))
    for broken, message in (
        ({**data, "surprise": 1}, "surprise"),
        (
            {
                **data,
                "answer": {
                    **data["answer"],
                    "sentences": [{**data["answer"]["sentences"][0], "citations": ["F9"]}],
                },
            },
            "F9",
        ),
        ({**data, "findings": [{**data["findings"][0], "claims": ["C99"]}]}, "C99"),
    ):
        path = tmp_path / "m.json"
        path.write_text(json.dumps(broken))
        result = CliRunner().invoke(main, ["validate", str(path)])
        assert result.exit_code == 1, message
        assert message in result.output


def test_claims_show_their_question_relevance(files: dict[str, str]) -> None:
    header = next(x for x in files["md"].splitlines() if x.startswith("### C1 "))
    assert "relevance 0." in header
    assert "Claim relevance:" in files["txt"]
