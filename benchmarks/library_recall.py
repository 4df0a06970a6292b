"""Where a SciFact claim's gold-cited abstract is lost between the library and the used sources.

Each of --questions SciFact claims (--split train for tuning, dev for the acceptance figure of
``benchmarks/scale.py`` part (d)) is asked as a question over the library of --corpus (the
5,183 abstracts written by ``benchmarks/scifact_corpus.py`` and the real PDFs), and its stages
run as ``synth report`` runs them (``synth/pipeline.py``: gather with the library shortlist,
relevance with the question's aspects, extraction, sources without claims marked unused). The
furthest stage any gold-cited abstract reaches is counted:

* not shortlisted: outside the first stage's ``library.candidates``;
* set aside: shortlisted, but its document cosine is more than ``library.cosine_margin``
  below the best candidate's, so it is not read;
* below the relevance cut: read, but ``score_relevance`` does not pass it (floor, margin to
  the best source, or the key aspect);
* no claim: passes relevance but gives no claim, so it is not used;
* used.

--lost prints each question whose gold abstract is not used: its stage, the gold abstract's
title and first sentence, its place in a 100-document shortlist, and the relevance stage's
reason (score against the floor or the best source, or the missing claim).

The table also gives the documents read per question and the median seconds (wall and CPU)
of one question's stages up to the used sources (warm caches: run it twice to compare).

--sweep adds a first-stage table only (no extraction: a few milliseconds a question) of how
often the gold abstract is shortlisted and read under a grid of candidates, margins and BM25
weights. The library is built (or loaded) under SYNTH_HOME as ``synth report`` builds it.

    python benchmarks/scifact_corpus.py --out /tmp/scifact-corpus.jsonl
    SYNTH_HOME=/tmp/synth-scale-home HF_HUB_OFFLINE=1 nice -n 10 \\
        python benchmarks/library_recall.py --split train --questions 100 [--sweep] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
STAGES = ("not shortlisted", "set aside", "below the relevance cut", "no claim", "used")
# First-stage grid of --sweep: (candidates, cosine margin, BM25 weight).
SWEEP = [
    (c, m, w)
    for c in (8, 12, 16, 24)
    for m in (0.15, 0.20, 0.25, 0.30, 1.0)
    for w in (0.0, 0.2, 0.3, 0.4, 0.5)
]


def load_claims(scifact: Path, split: str, n: int) -> list[dict[str, Any]]:
    """The first n claims of a SciFact split (claims_<split>.jsonl)."""
    path = scifact / f"claims_{split}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return rows[:n]


def _scifact_id(record_id: str | None) -> str | None:
    if record_id and record_id.startswith("scifact:"):
        return record_id.split(":", 1)[1]
    return None


def gold_keys(library: Any) -> dict[str, str]:
    """SciFact doc id -> library key, from the records the library holds."""
    out: dict[str, str] = {}
    for key, pairs in library.records.items():
        for record, _ in pairs:
            sid = _scifact_id(record.id)
            if sid is not None:
                out[sid] = key
    return out


def origin_ids(scan: Any) -> dict[str, str]:
    """Record origin (file URI#L<n>, a Document's retrieval url) -> SciFact doc id."""
    out: dict[str, str] = {}
    for record, origin in zip(scan.records, scan.record_origins, strict=True):
        sid = _scifact_id(record.id)
        if sid is not None:
            out[origin] = sid
    return out


def run_stages(question: str, corpus: list[Path], settings: Any, embedder: Any) -> dict[str, Any]:
    """One question through gather (library shortlist), relevance and extraction, as
    ``synth.pipeline.run_report`` runs them; the documents of each stage by retrieval url."""
    from synth.extract.claims import extract_claims
    from synth.extract.relevance import mark_sources_without_claims, score_relevance
    from synth.gather import gather_documents
    from synth.library import Shortlist
    from synth.parse.sentences import is_prose
    from synth.records import ReportRequest
    from synth.synthesize.coverage import question_aspects

    request = ReportRequest(question=question, corpus=corpus, search=False)
    shortlist = Shortlist(question, settings, embedder)
    docs, _ = gather_documents(request, settings, shortlist=shortlist)
    read = {d.doc_id for d in docs}
    aside = [d for d, _ in shortlist.set_aside if d.doc_id not in read]
    relevance = score_relevance(
        question, docs, embedder, settings.extract, question_aspects(question)
    )
    # The pipeline's order (by relevance, then title): claims are picked in document order.
    pairs = sorted(
        zip(docs, relevance, strict=True), key=lambda p: (-p[1].score, p[0].work.title, p[0].doc_id)
    )
    passing = [d for d, r in pairs if r.used]
    claims = extract_claims(question, passing, embedder, settings.extract, is_prose)
    final = mark_sources_without_claims([r for _, r in pairs], claims)
    url = {d.doc_id: d.retrieval.url for d in [*docs, *aside]}
    return {
        "set_aside": {url[d.doc_id] for d in aside},
        "read": {url[d.doc_id] for d in docs},
        "passing": {url[d.doc_id] for d in passing},
        "used": {url[r.doc_id] for r in final if r.used},
        "reasons": {url[r.doc_id]: r.reason for r in relevance},
    }


def gold_stage(gold_urls: set[str], stages: dict[str, Any]) -> str:
    """The furthest stage any gold-cited abstract reaches."""
    for name, key in (
        ("used", "used"),
        ("no claim", "passing"),
        ("below the relevance cut", "read"),
    ):
        if gold_urls & stages[key]:
            return name
    return "set aside" if gold_urls & stages["set_aside"] else "not shortlisted"


def wide_rank(library: Any, question_vec: np.ndarray, question: str, gold: set[str]) -> Any:
    """The gold's best place in a 100-document shortlist and its cosine below the best."""
    from synth.library.rank import rank_documents
    from synth.settings import LibrarySettings

    ranked = rank_documents(library.index, question, question_vec, LibrarySettings(candidates=100))
    best = max(r.cosine for r in ranked)
    places = [(i + 1, best - r.cosine) for i, r in enumerate(ranked) if r.key in gold]
    return min(places) if places else (None, None)


def sweep(
    library: Any, vecs: np.ndarray, claims: list[dict[str, Any]], keys: dict[str, str]
) -> list[dict[str, Any]]:
    """First stage only: gold shortlisted / read under each (candidates, margin, weight)."""
    from synth.library.rank import rank_documents
    from synth.settings import LibrarySettings

    rows = []
    for candidates, margin, weight in SWEEP:
        s = LibrarySettings(candidates=candidates, cosine_margin=margin, lexical_weight=weight)
        listed = read = reads = 0
        for claim, vec in zip(claims, vecs, strict=True):
            gold = {keys[str(d)] for d in claim["cited_doc_ids"] if str(d) in keys}
            ranked = rank_documents(library.index, claim["claim"], vec, s)
            listed += any(r.key in gold for r in ranked)
            read += any(r.key in gold and r.read for r in ranked)
            reads += sum(r.read for r in ranked)
        n = len(claims)
        rows.append(
            {
                "candidates": candidates,
                "margin": margin,
                "weight": weight,
                "shortlisted": listed / n,
                "read": read / n,
                "docs_read": reads / n,
            }
        )
    return rows


def gold_heads(library: Any, keys: dict[str, str], gold_ids: set[str]) -> list[str]:
    """Title and first abstract sentence of each gold-cited abstract the library holds."""
    heads = []
    for sid in sorted(gold_ids):
        for record, _ in library.records.get(keys.get(sid, ""), [])[:1]:
            first = (record.abstract or "").split(". ")[0][:160]
            heads.append(f"{record.title[:100]} | {first}")
    return heads


def print_lost(details: list[dict[str, Any]]) -> None:
    """One block per question whose gold abstract is not used."""
    for d in details:
        if d["stage"] == "used":
            continue
        print(f"[{d['stage']}] {d['id']}{' (NEI)' if d['nei'] else ''}: {d['claim']}")
        print(f"  wide rank {d['wide_rank']}, cosine {d['cosine_gap']} below the best")
        for head in d["gold"]:
            print(f"  gold: {head}")
        for reason in d["gold_reasons"]:
            print(f"  reason: {reason or 'passes relevance, but no sentence is a claim'}")


def main(argv: list[str] | None = None) -> int:
    """Print the per-stage table (and the first-stage sweep with --sweep)."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--corpus",
        type=Path,
        default=Path("/tmp/scifact-corpus.jsonl"),
        help="The SciFact JSONL written by benchmarks/scifact_corpus.py.",
    )
    p.add_argument("--pdfs", type=Path, default=REALDATA / "pdfs", help="Folder of real PDFs.")
    p.add_argument("--scifact", type=Path, default=REALDATA / "scifact", help="SciFact folder.")
    p.add_argument(
        "--split",
        choices=["train", "dev"],
        default="train",
        help="Claims asked: train (tuning) or dev (the acceptance figure).",
    )
    p.add_argument("--questions", type=int, default=100, help="First N claims of the split.")
    p.add_argument("--sweep", action="store_true", help="Also the first-stage grid.")
    p.add_argument("--sweep-only", action="store_true", help="Only the first-stage grid.")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SECTION.FIELD=VALUE",
        help="A setting for this run, e.g. library.candidates=16 (repeatable).",
    )
    p.add_argument("--details", type=Path, default=None, help="Per-question JSONL to write.")
    p.add_argument("--lost", action="store_true", help="Print the questions whose gold is lost.")
    p.add_argument("--json", action="store_true", help="Print the result as JSON.")
    cli = p.parse_args(argv)
    if not os.environ.get("SYNTH_HOME"):
        print("library_recall: set SYNTH_HOME (e.g. /tmp/synth-scale-home)", file=sys.stderr)
        return 2
    for path, flag in ((cli.corpus, "--corpus"), (cli.pdfs, "--pdfs"), (cli.scifact, "--scifact")):
        if not path.exists():
            print(f"library_recall: {flag} {path}: no such file or folder", file=sys.stderr)
            return 2
    overrides: dict[str, Any] = {}
    for item in cli.set:
        name, eq, value = item.partition("=")
        section, dot, field = name.partition(".")
        if not (eq and dot):
            print(f"library_recall: --set {item}: not SECTION.FIELD=VALUE", file=sys.stderr)
            return 2
        overrides.setdefault(section, {})[field] = json.loads(value)

    from synth.embed import build_embedder
    from synth.library import load_library
    from synth.retrieve.local import scan_corpus
    from synth.settings import load_settings

    settings = load_settings(overrides=overrides)
    embedder = build_embedder(settings)
    corpus = [cli.corpus, cli.pdfs]
    scan = scan_corpus(corpus)
    library = load_library(scan, settings, embedder)
    keys, origins = gold_keys(library), origin_ids(scan)
    claims = load_claims(cli.scifact, cli.split, cli.questions)
    vecs = embedder.encode([c["claim"] for c in claims])
    result: dict[str, Any] = {
        "split": cli.split,
        "questions": len(claims),
        "library": settings.library.model_dump(mode="json"),
    }
    if cli.sweep or cli.sweep_only:
        result["sweep"] = sweep(library, vecs, claims, keys)
    if not cli.sweep_only:
        counts: Counter[str] = Counter()
        details = []
        for claim, vec in zip(claims, vecs, strict=True):
            gold_ids = {str(d) for d in claim["cited_doc_ids"]}
            gold_urls = {o for o, sid in origins.items() if sid in gold_ids}
            wall, cpu = time.perf_counter(), time.process_time()
            stages = run_stages(claim["claim"], corpus, settings, embedder)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            stage = gold_stage(gold_urls, stages)
            counts[stage] += 1
            place, gap = wide_rank(
                library, vec, claim["claim"], {keys[g] for g in gold_ids if g in keys}
            )
            details.append(
                {
                    "id": claim["id"],
                    "claim": claim["claim"],
                    "stage": stage,
                    "wide_rank": place,
                    "cosine_gap": None if gap is None else round(float(gap), 4),
                    "nei": not claim["evidence"],
                    "docs_read": len(stages["read"]),
                    "seconds": round(wall, 3),
                    "cpu_seconds": round(cpu, 3),
                    "used": len(stages["used"]),
                    "gold_reasons": [
                        stages["reasons"][u] for u in gold_urls if u in stages["reasons"]
                    ],
                    "gold": gold_heads(library, keys, gold_ids),
                }
            )
        result["stages"] = {s: counts[s] for s in STAGES}
        # NEI claims (no evidence in SciFact) cite an abstract that need not bear on them.
        for kind, nei in (("evidence", False), ("nei", True)):
            rows = [d for d in details if d["nei"] is nei]
            result[f"stages_{kind}"] = {s: sum(d["stage"] == s for d in rows) for s in STAGES}
        result["docs_read"] = float(np.mean([d["docs_read"] for d in details]))
        # Medians: a shared machine's stalls land on a few questions, not on the middle one.
        result["seconds"] = statistics.median(d["seconds"] for d in details)
        result["cpu_seconds"] = statistics.median(d["cpu_seconds"] for d in details)
        if cli.details:
            cli.details.write_text("".join(json.dumps(d) + "\n" for d in details))
        if cli.lost and not cli.json:
            print_lost(details)
    embedder.close()
    if cli.json:
        print(json.dumps(result))
        return 0
    print(f"{result['questions']} SciFact {cli.split} claims; library {result['library']}")
    if "stages" in result:
        cols = [result["stages"], result["stages_evidence"], result["stages_nei"]]
        sizes = [sum(c.values()) for c in cols]
        print(
            f"| furthest stage of a gold-cited abstract | all {sizes[0]} | with evidence "
            f"{sizes[1]} | NEI {sizes[2]} |\n|---|---|---|---|"
        )
        for s in STAGES:
            cells = " | ".join(
                f"{c[s]} ({c[s] / max(n, 1):.0%})" for c, n in zip(cols, sizes, strict=True)
            )
            print(f"| {s} | {cells} |")
        print(f"| (documents read per question, mean) | {result['docs_read']:.1f} | | |")
        print(
            f"| (seconds per question to the used sources, median: wall / CPU) | "
            f"{result['seconds']:.2f} / {result['cpu_seconds']:.2f} | | |"
        )
    if "sweep" in result:
        print("\n| candidates | margin | BM25 weight | shortlisted | read | docs read |")
        print("|---|---|---|---|---|---|")
        for r in result["sweep"]:
            print(
                f"| {r['candidates']} | {r['margin']:.2f} | {r['weight']:.1f} | "
                f"{r['shortlisted']:.0%} | {r['read']:.0%} | {r['docs_read']:.1f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
