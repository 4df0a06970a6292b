"""Batch workers: model loads and wall time, one model per job (before) vs one per worker.

N SciFact dev claims are the questions (as in issue 11), over a JSONL corpus of the abstracts
they cite plus distractors, written at run time outside the repository. Every measurement runs
in a fresh process (cold imports, as a pool worker starts) against caches warmed once
(parsed documents and passage embeddings), with ``--force`` so every job runs:

* ``per-job``: the jobs one after another, each ``run_report`` building its own embedder, as
  batch workers did before (the embedder's SQLite connection left open);
* ``pool -j1`` / ``pool -j2``: ``run_batch`` with one model per worker, loaded once.

Model loads are counted by wrapping the embedder factory (one line per load in a file); the
pair model is loaded once per process in every mode (it is cached in the process). Prints a
table of medians over ``--repeats`` runs and the ratio j1/j2.

    SYNTH_HOME=/tmp/synth-bench-home HF_HUB_OFFLINE=1 nice -n 10 \\
        python benchmarks/batch_workers.py [--questions 8] [--repeats 3] [--distractors 32]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SCIFACT = REPO.parent / "shared" / "realdata" / "scifact"
MODES = ("per-job", "pool -j1", "pool -j2")


def write_corpus(folder: Path, questions: int, distractors: int) -> tuple[Path, list[str]]:
    """The sub-corpus (cited abstracts + distractors) as JSONL, and the claims used as questions."""
    claims = []
    for line in (SCIFACT / "claims_dev.jsonl").read_text().splitlines():
        row = json.loads(line)
        if row.get("evidence"):  # a claim whose cited abstract bears on it
            claims.append(row)
        if len(claims) == questions:
            break
    cited = {str(d) for c in claims for d in c["cited_doc_ids"]}
    rows: list[dict[str, Any]] = []
    extra = 0
    for part in sorted(SCIFACT.glob("corpus*.jsonl")):
        for line in part.read_text().splitlines():
            row = json.loads(line)
            if str(row["doc_id"]) in cited or extra < distractors:
                extra += str(row["doc_id"]) not in cited
                rows.append(row)
    path = folder / "corpus.jsonl"
    with path.open("w") as out:
        for row in rows:
            record = {
                "id": f"scifact:{row['doc_id']}",
                "title": row["title"],
                "abstract": " ".join(row["abstract"]),
            }
            out.write(json.dumps(record) + "\n")
    return path, [c["claim"] for c in claims]


class CountingFactory:
    """The configured embedder, noting 'PID' in a file at every load (picklable for the pool)."""

    def __init__(self, log: Path) -> None:
        self.log = log

    def __call__(self, settings: Any) -> Any:
        """build_embedder, counted."""
        from synth.embed import build_embedder

        with self.log.open("a") as handle:
            handle.write(f"{os.getpid()}\n")
        return build_embedder(settings)


def _loads(log: Path) -> int:
    return len(log.read_text().split()) if log.exists() else 0


def run_one(mode: str, corpus: Path, questions: list[str], out: Path, log: Path) -> float:
    """One measurement in this (fresh) process; returns wall seconds."""
    from synth.records import ReportRequest
    from synth.settings import load_settings

    settings = load_settings()
    requests = [ReportRequest(question=q, corpus=[corpus], out_dir=out) for q in questions]
    start = time.perf_counter()
    if mode == "per-job":
        from synth import pipeline
        from synth.errors import SynthError

        factory = CountingFactory(log)
        pipeline.build_embedder = factory  # type: ignore[assignment]  # count the old loads
        for request in requests:
            with contextlib.suppress(SynthError):  # a failed job costs its time, as in a batch
                pipeline.run_report(request, settings)
    else:
        from synth.batch import run_batch

        workers = int(mode.rsplit("j", 1)[1])
        run_batch(
            requests, settings, workers=workers, force=True, embedder_factory=CountingFactory(log)
        )
    return time.perf_counter() - start


def _measure(mode: str, corpus: Path, questions: Path, work: Path, n: int) -> tuple[float, int]:
    out, log = work / f"out-{n}-{mode.replace(' ', '')}", work / f"loads-{n}-{mode[-2:]}"
    cmd = [sys.executable, __file__, "--one", mode, "--corpus-file", str(corpus)]
    cmd += ["--questions-file", str(questions), "--out", str(out), "--log", str(log)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return float(done.stdout.strip().splitlines()[-1]), _loads(log)


def main() -> None:
    """Warm the caches, then time each mode ``--repeats`` times and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=8, help="SciFact dev claims to ask")
    parser.add_argument("--distractors", type=int, default=32, help="uncited abstracts added")
    parser.add_argument("--repeats", type=int, default=3, help="runs per mode (medians)")
    parser.add_argument("--one", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--corpus-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--questions-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--log", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        questions = json.loads(args.questions_file.read_text())
        print(run_one(args.one, args.corpus_file, questions, args.out, args.log))
        return
    work = Path(tempfile.mkdtemp(prefix="batch-workers-"))
    corpus, questions = write_corpus(work, args.questions, args.distractors)
    qfile = work / "questions.json"
    qfile.write_text(json.dumps(questions))
    warm, _ = _measure("pool -j1", corpus, qfile, work, -1)  # parse + embed once, for all
    print(
        f"{len(questions)} questions, corpus {sum(1 for _ in corpus.open())} abstracts; "
        f"warm-up run (cold caches) {warm:.1f} s; cpus {os.cpu_count()}"
    )
    rows: dict[str, list[tuple[float, int]]] = {m: [] for m in MODES}
    for n in range(args.repeats):
        for mode in MODES:  # interleaved, so drift in machine load spreads over all modes
            rows[mode].append(_measure(mode, corpus, qfile, work, n))
    print(f"\n| mode | model loads | wall s (median of {args.repeats}) | s per job | runs |")
    print("|---|---|---|---|---|")
    med = {}
    for mode in MODES:
        walls = [w for w, _ in rows[mode]]
        med[mode] = statistics.median(walls)
        loads = sorted({c for _, c in rows[mode]})
        print(
            f"| {mode} | {'/'.join(map(str, loads))} | {med[mode]:.1f} | "
            f"{med[mode] / len(questions):.2f} | {', '.join(f'{w:.1f}' for w in walls)} |"
        )
    print(
        f"\nper-job / pool -j1: {med['per-job'] / med['pool -j1']:.2f}x; "
        f"pool -j1 / pool -j2: {med['pool -j1'] / med['pool -j2']:.2f}x"
    )


if __name__ == "__main__":
    main()
