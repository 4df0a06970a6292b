"""Benchmark `synth verify` on hand-written claims about the real papers, by kind of claim.

    SYNTH_HOME=/tmp/synth-bench-home python benchmarks/verifier_realpdf.py [--verbose]

The claims are tests/data/realpdf_claims.jsonl: one {id, source, claim, label, kind, page, note}
per line, written in our own words about the PDFs in ../shared/realdata/pdfs (--pdfs to change).
Kinds: paraphrase and rounded (labelled supported), altered_number, reversed and unrelated
(labelled not_supported). Every claim goes through one `synth verify --claims FILE --json` call,
run in-process with click's CliRunner: the command a user would type, with the model loaded once
and each PDF parsed once. A verdict of "supported" counts as predicted supported; "contradicted"
and "unverified" both count as not supported.

Prints, per kind: n, the verdict counts, the share predicted supported and the accuracy of
supported-vs-not; the overall accuracy; and the altered_number/reversed claims that came out
supported (there should be none). --verbose adds one row per claim.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from synth.cli import main as synth_main

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CLAIMS = REPO / "tests" / "data" / "realpdf_claims.jsonl"
DEFAULT_PDFS = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "pdfs"
KINDS = ("paraphrase", "rounded", "altered_number", "reversed", "unrelated")
# A supported verdict on one of these kinds means the verifier missed a changed fact.
MUST_NOT_SUPPORT = ("altered_number", "reversed")
VERDICTS = ("supported", "contradicted", "unverified")


@dataclass(frozen=True)
class KindRow:
    """Scores for one kind of claim."""

    kind: str
    n: int
    verdicts: dict[str, int]
    predicted_supported: float
    accuracy: float


@dataclass(frozen=True)
class Summary:
    """Scores for the whole claim set."""

    rows: list[KindRow]
    n: int
    accuracy: float
    leaks: list[str]  # ids of altered_number/reversed claims predicted supported


def load_claims(path: Path) -> list[dict[str, Any]]:
    """The claim rows of a realpdf_claims.jsonl file, in file order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def run_verify(claims: list[dict[str, Any]], pdfs: Path) -> dict[str, dict[str, Any]]:
    """Verify every claim against its source PDF in one `synth verify` call; results by id."""
    missing = sorted({c["source"] for c in claims if not (pdfs / c["source"]).is_file()})
    if missing:
        raise FileNotFoundError(f"PDFs missing from {pdfs}: {', '.join(missing)}")
    jobs = [
        {"id": c["id"], "claim": c["claim"], "sources": [str(pdfs / c["source"])]} for c in claims
    ]
    with tempfile.TemporaryDirectory() as tmp:
        jobs_file = Path(tmp) / "claims.jsonl"
        jobs_file.write_text("".join(json.dumps(j) + "\n" for j in jobs), encoding="utf-8")
        result = CliRunner().invoke(synth_main, ["verify", "--claims", str(jobs_file), "--json"])
    if result.exit_code != 0:
        raise RuntimeError(f"synth verify exited {result.exit_code}: {result.output[-2000:]}")
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    by_id = {row["id"]: row for row in rows}
    absent = [c["id"] for c in claims if c["id"] not in by_id]
    if absent:
        raise RuntimeError(f"synth verify printed no verdict for {', '.join(absent)}")
    return by_id


def is_correct(claim: dict[str, Any], result: dict[str, Any]) -> bool:
    """Whether the supported-vs-not prediction matches the label."""
    return (result["verdict"] == "supported") == (claim["label"] == "supported")


def score(claims: list[dict[str, Any]], results: dict[str, dict[str, Any]]) -> Summary:
    """Per-kind and overall supported-vs-not scores, plus the changed facts that slipped through."""
    rows = []
    for kind in [k for k in KINDS if any(c["kind"] == k for c in claims)]:
        group = [c for c in claims if c["kind"] == kind]
        verdicts = Counter(results[c["id"]]["verdict"] for c in group)
        rows.append(
            KindRow(
                kind=kind,
                n=len(group),
                verdicts={v: verdicts.get(v, 0) for v in VERDICTS},
                predicted_supported=verdicts.get("supported", 0) / len(group),
                accuracy=sum(is_correct(c, results[c["id"]]) for c in group) / len(group),
            )
        )
    correct = sum(is_correct(c, results[c["id"]]) for c in claims)
    leaks = [
        c["id"]
        for c in claims
        if c["kind"] in MUST_NOT_SUPPORT and results[c["id"]]["verdict"] == "supported"
    ]
    return Summary(rows=rows, n=len(claims), accuracy=correct / len(claims), leaks=leaks)


def _short(text: str, width: int) -> str:
    text = " ".join(text.split()).replace("|", "/")
    return text if len(text) <= width else text[: width - 1] + "…"


def format_summary(summary: Summary, claims: list[dict[str, Any]]) -> str:
    """Markdown: the per-kind table, overall accuracy and the list of leaked claims."""
    lines = [
        "| kind | n | supported | contradicted | unverified | predicted supported | accuracy |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in summary.rows:
        counts = " | ".join(str(r.verdicts[v]) for v in VERDICTS)
        lines.append(
            f"| {r.kind} | {r.n} | {counts} | {r.predicted_supported:.0%} | {r.accuracy:.0%} |"
        )
    correct = round(summary.accuracy * summary.n)
    lines.append(f"\nOverall accuracy: {summary.accuracy:.1%} ({correct}/{summary.n})")
    by_id = {c["id"]: c for c in claims}
    lines.append(f"altered_number/reversed claims predicted supported: {len(summary.leaks)}")
    lines.extend(
        f"  {i} [{by_id[i]['kind']}] {_short(by_id[i]['claim'], 110)}" for i in summary.leaks
    )
    return "\n".join(lines)


def format_claims(claims: list[dict[str, Any]], results: dict[str, dict[str, Any]]) -> str:
    """Markdown: one row per claim with its verdict and the verifier's top evidence."""
    lines = [
        "| id | kind | label | verdict | conf | ok | claim | top evidence (page: text) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in claims:
        r = results[c["id"]]
        top = r["evidence"][0] if r["evidence"] else None
        evidence = f"p.{top['page']}: {_short(top['text'], 70)}" if top else "—"
        ok = "yes" if is_correct(c, r) else "NO"
        lines.append(
            f"| {c['id']} | {c['kind']} | {c['label']} | {r['verdict']} | "
            f"{r['confidence']:.2f} | {ok} | {_short(c['claim'], 70)} | {evidence} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=Path, default=DEFAULT_CLAIMS, help="claims JSONL")
    parser.add_argument("--pdfs", type=Path, default=DEFAULT_PDFS, help="folder of the PDFs")
    parser.add_argument("--verbose", action="store_true", help="also print one row per claim")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if not args.pdfs.is_dir():
        parser.error(f"PDF folder {args.pdfs} not found (pass --pdfs)")
    claims = load_claims(args.claims)
    start = time.perf_counter()
    results = run_verify(claims, args.pdfs)
    wall = time.perf_counter() - start
    sources = len({c["source"] for c in claims})
    print(f"# synth verify on {len(claims)} claims about {sources} real PDFs\n")
    print(format_summary(score(claims, results), claims))
    print(f"\nOne CLI run, model load and PDF parsing included: {wall:.0f} s")
    if args.verbose:
        print("\n" + format_claims(claims, results))


if __name__ == "__main__":
    main()
