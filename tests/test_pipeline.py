"""`synth report` end to end through click's CliRunner on a small JSONL corpus of our own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from synth.cli import main

QUESTION = "Can knowledge distillation transfer the accuracy of a large teacher network to a small student network?"

_RECORDS = [
    {
        "id": "kd-a",
        "title": "Soft targets let small student networks match large teachers",
        "authors": ["Mira Okafor", "Jonas Lind"],
        "year": 2021,
        "venue": "Journal of Compact Models",
        "doi": "10.5555/kd.2021.001",
        "abstract": "We distill a large teacher network into a small student network using softened teacher outputs.",
        "text": (
            "Abstract\nWe distill a large teacher network into a small student network using softened "
            "teacher outputs. The distilled student reaches 94.1% accuracy on the held-out set, within "
            "1.2 points of the teacher, while running 6 times faster.\n"
            "1 Introduction\nLarge networks generalize well but are expensive to deploy. Knowledge "
            "distillation trains a small student to imitate the predictions of a large teacher.\n"
            "4 Results\nStudents trained on the teacher's soft targets outperform students trained on hard "
            "labels by 3.4 points of accuracy. A temperature of 4 gave the best transfer of the "
            "teacher's generalization to the student. Without soft targets the student overfits the "
            "small training set and its accuracy drops to 88.0%.\n"
            "5 Conclusion\nKnowledge distillation transfers most of the generalization of a large "
            "teacher network to a student network that is ten times smaller.\n"
        ),
    },
    {
        "id": "kd-b",
        "title": "Hint-based training of thin deep student networks",
        "authors": ["Priya Raman"],
        "year": 2019,
        "venue": "Workshop on Efficient Learning",
        "arxiv_id": "1901.00001v2",
        "abstract": "Intermediate hints from a teacher help train deeper and thinner students.",
        "text": (
            "Abstract\nIntermediate hints from a teacher network help train deeper and thinner student "
            "networks. Thin students guided by hints outperform their teacher while using 10 times "
            "fewer parameters.\n"
            "3 Experiments\nOn the image benchmark, the hint-trained student reaches 91.6% accuracy "
            "compared with 90.2% for the teacher. Distillation from the teacher's soft outputs alone "
            "transfers less of the teacher's accuracy than hints combined with soft outputs.\n"
        ),
    },
    {
        "id": "off",
        "title": "Soil moisture dynamics under irrigated maize",
        "authors": ["Tom Weber"],
        "year": 2018,
        "abstract": "We measure soil moisture at three depths in irrigated maize fields over two seasons.",
        "text": (
            "Abstract\nWe measure soil moisture at three depths in irrigated maize fields over two "
            "seasons. Drip irrigation reduced water use by 23% compared with furrow irrigation.\n"
        ),
    },
]


def write_corpus(path: Path) -> Path:
    """Write the test corpus as JSONL and return its path."""
    path.write_text("\n".join(json.dumps(r) for r in _RECORDS) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def report_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, object]:
    base = tmp_path_factory.mktemp("pipeline")
    corpus = write_corpus(base / "corpus.jsonl")
    mp = pytest.MonkeyPatch()
    mp.setenv("SYNTH_HOME", str(base / "home"))
    mp.setenv("HF_HUB_OFFLINE", "1")
    try:
        result = CliRunner().invoke(
            main,
            ["report", QUESTION, "--corpus", str(corpus), "--out", str(base / "reports"), "--json"],
        )
        assert result.exit_code == 0, result.output
        summary = json.loads(result.stdout)
        again = CliRunner().invoke(
            main,
            [
                "report",
                QUESTION,
                "--corpus",
                str(corpus),
                "--out",
                str(base / "reports2"),
                "--json",
            ],
        )
        assert again.exit_code == 0, again.output
    finally:
        mp.undo()
    return base, summary, json.loads(again.stdout)


def test_report_writes_four_files_and_index(report_run) -> None:
    base, summary, _ = report_run
    folder = Path(summary["dir"])
    assert folder.name == summary["report_id"].replace(":", "-")
    for name in ("manifest.json", "report.md", "report.html", "report.txt"):
        assert (folder / name).is_file(), name
    index = (base / "reports" / "index.jsonl").read_text().splitlines()
    assert len(index) == 1 and json.loads(index[0])["report_id"] == summary["report_id"]


def test_json_summary_has_the_promised_keys(report_run) -> None:
    _, summary, _ = report_run
    assert {"report_id", "dir", "sources", "claims", "verified", "score", "tier"} <= set(summary)
    assert summary["report_id"].startswith("SRCH:") and len(summary["report_id"]) == 13
    # The soil paper is never used; the hints paper's sentences fall below the claim relevance
    # gate (cosine-based, so short results phrased unlike the question miss it).
    assert 1 <= summary["sources"] <= 2
    assert summary["claims"] >= 1


def test_manifest_validates_and_is_deterministic(report_run) -> None:
    _, summary, again = report_run
    assert (
        CliRunner()
        .invoke(main, ["validate", str(Path(summary["dir"]) / "manifest.json")])
        .exit_code
        == 0
    )
    first = json.loads((Path(summary["dir"]) / "manifest.json").read_text())
    second = json.loads((Path(again["dir"]) / "manifest.json").read_text())

    def strip(m: dict) -> dict:
        m = {
            k: v
            for k, v in m.items()
            if k not in ("created_at", "updated_at", "artifacts", "timings")
        }
        for s in m["sources"]:
            s["retrieval"].pop("retrieved_at", None)
        m["corrections"]["records"] = [
            {k: v for k, v in r.items() if k != "date"} for r in m["corrections"]["records"]
        ]
        return m

    assert strip(first) == strip(second)


def test_claims_are_located_and_independently_evidenced(report_run) -> None:
    _, summary, _ = report_run
    manifest = json.loads((Path(summary["dir"]) / "manifest.json").read_text())
    keys = {s["key"]: s for s in manifest["sources"]}
    assert not keys[next(k for k, s in keys.items() if "Soil" in s["title"])]["used"]
    for claim in manifest["claims"]:
        assert len(claim["text"]) >= 40 and claim["text"][-1] in ".!?"
        assert keys[claim["source"]]["used"]
        assert claim["evidence"], claim
        assert all(e["text"] != claim["text"] for e in claim["evidence"])
        assert 0.0 <= claim["confidence"] <= 1.0


def test_no_readable_source_exits_nonzero(tmp_path: Path) -> None:
    broken = tmp_path / "papers"
    broken.mkdir()
    (broken / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    result = CliRunner().invoke(
        main, ["report", QUESTION, "--corpus", str(broken), "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 1
    assert "no readable source" in result.output
    assert "broken.pdf" in result.output
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").rglob("manifest.json"))


def test_irrelevant_corpus_exits_nonzero(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps(_RECORDS[2]) + "\n")
    result = CliRunner().invoke(
        main, ["report", QUESTION, "--corpus", str(corpus), "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 1
    assert "relevant enough" in result.output


def test_malformed_identifier_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["report", QUESTION, "--doi", "not-a-doi", "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 2
    assert "not-a-doi" in result.output
    assert not (tmp_path / "r").exists()


def test_corrupt_existing_manifest_is_reported_not_overwritten(report_run, tmp_path: Path) -> None:
    base, summary, _ = report_run
    out = tmp_path / "reports"
    folder = out / Path(summary["dir"]).name
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text("{ this is not json")
    result = CliRunner().invoke(
        main, ["report", QUESTION, "--corpus", str(base / "corpus.jsonl"), "--out", str(out)]
    )
    assert result.exit_code == 1
    assert "manifest.json" in result.output and "unreadable" in result.output
    assert (folder / "manifest.json").read_text() == "{ this is not json"
    assert not (folder / "report.html").exists()
