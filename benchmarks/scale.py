"""Acceptance tables of issue 11: a cold report against the naive floor, and a 5,194-paper library.

    python benchmarks/scifact_corpus.py --out /tmp/scifact-corpus.jsonl
    SYNTH_HOME=/tmp/synth-scale-home nice -n 10 python benchmarks/scale.py \\
        --corpus /tmp/scifact-corpus.jsonl --questions 100

(a) the README example, cold (empty SYNTH_HOME, model already loaded) against the naive floor
    (pypdf text of every page + every sentence embedded with the same loaded model), medians of
    --repeats runs, and their ratio (goal <= 0.6);
(b) building the library (SciFact abstracts + the real PDFs) from an empty library store: time
    and peak RSS (the embedding cache is whatever SYNTH_HOME holds; --seed-embeddings copies one
    in first, and the table says how many document vectors were computed);
(c) --questions SciFact dev claims as questions over the library with ``run_batch``: median
    per-question time (workers 1, after the build), the unchanged rerun against the cold batch,
    --workers 2 against --workers 1 (both over warm caches, --speedup-questions of them) with
    the CPU seconds of each (batch process and pool workers: what 2 cores allow), the load
    average at the end of each run, and the peak RSS of the largest process;
(d) for the same answers, how often a gold-cited abstract is among the used sources.
Parts run alone with --skip-floor, --skip-build, --skip-batch. Every part runs its work in a
child process, so peak RSS is that part's own. A cold build alone (an empty home: no embedding
cache and no ONNX export yet, so the export's torch runs in that child too):

    SYNTH_HOME=$(mktemp -d) nice -n 10 python benchmarks/scale.py \\
        --corpus /tmp/scifact-corpus.jsonl --skip-floor --skip-batch
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
README_QUESTION = (
    "To what extent can knowledge distillation transfer the generalization of a large teacher "
    "network to a smaller student network?"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _child(part: str, args: dict[str, Any]) -> dict[str, Any]:
    """Run one part in a child process; its JSON result plus that child's peak RSS (MiB)."""
    with tempfile.TemporaryFile(mode="w+") as out, tempfile.TemporaryFile(mode="w+") as err:
        proc = subprocess.Popen(
            [sys.executable, __file__, "--part", part, "--part-args", json.dumps(args)],
            stdout=out,
            stderr=err,
            text=True,
        )
        # wait4, not RUSAGE_CHILDREN: the peak of this child (and the workers it waited for)
        # only, not of every part run before it.
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        sys.stderr.write(stderr[-4000:])
        raise SystemExit(f"scale: part {part} failed (exit {proc.returncode})")
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    result["peak_rss_mib"] = usage.ru_maxrss / 1024
    return result


# ---- (a) cold report against the naive floor -------------------------------------------------


def _floor_once(pdfs: list[Path], inner: Any) -> tuple[float, float, int]:
    """Seconds of the naive floor, of its pypdf part alone, and how many sentences it embeds."""
    from pypdf import PdfReader

    start = time.perf_counter()
    texts: list[str] = []
    for pdf in pdfs:
        try:
            for page in PdfReader(pdf).pages:
                texts += [s for s in _SENTENCE_END.split(page.extract_text() or "") if s.strip()]
        except Exception:  # the floor reads what pypdf reads; hostile files skipped
            continue
    read = time.perf_counter() - start
    inner.encode(texts)
    return time.perf_counter() - start, read, len(texts)


def _cold_once(pdf_dir: Path, inner: Any) -> tuple[float, dict[str, float], int]:
    """Seconds of one cold report, its per-stage seconds and how many texts it embedded."""
    from synth.embed import CachedEmbedder
    from synth.pipeline import run_report
    from synth.records import ReportRequest
    from synth.settings import load_settings

    with tempfile.TemporaryDirectory(prefix="synth-cold-") as home:
        settings = load_settings(overrides={"home": home})
        embedder = CachedEmbedder(inner, settings.cache_dir("embeddings"))
        request = ReportRequest(
            question=README_QUESTION, corpus=[pdf_dir], out_dir=Path(home) / "reports"
        )
        start = time.perf_counter()
        outcome = run_report(request, settings, embedder=embedder)
        elapsed = time.perf_counter() - start
        embedded = embedder.misses
        embedder.close()
    return elapsed, outcome.timings, embedded


def part_floor(args: dict[str, Any]) -> dict[str, Any]:
    """Medians of the naive floor and of the cold report, alternating, one loaded model."""
    from synth.embed import build_inner_embedder
    from synth.settings import load_settings

    pdf_dir = Path(args["pdfs"])
    pdfs = sorted(pdf_dir.rglob("*.pdf"))
    settings = load_settings()
    # The configured backend (SYNTH_EMBED__BACKEND), loaded once and shared by both sides.
    inner = build_inner_embedder(settings)
    inner.encode(["warm up"])
    floors, reads, sentences, colds, stages, embedded = [], [], [], [], [], []
    for _ in range(args["repeats"]):
        total, read, count = _floor_once(pdfs, inner)
        floors.append(total)
        reads.append(read)
        sentences.append(count)
        seconds, timings, count = _cold_once(pdf_dir, inner)
        colds.append(seconds)
        stages.append(timings)
        embedded.append(count)
    return {
        "floor": floors,
        "floor_read": reads,
        "floor_sentences": sentences,
        "cold": colds,
        "stages": stages,
        "embedded": embedded,
    }


def _print_stages(r: dict[str, Any]) -> None:
    """Both sides by part (medians): the floor's pypdf and embedding, the report's stages."""
    print("\nby part (medians; the report's parse includes the library load)")
    print("| part | seconds | runs |\n|---|---|---|")
    embed = [t - read for t, read in zip(r["floor"], r["floor_read"], strict=True)]
    for name, runs in [("floor: pypdf", r["floor_read"]), ("floor: embed", embed)]:
        print(f"| {name} | {statistics.median(runs):.1f} | {[round(x, 1) for x in runs]} |")
    for name in r["stages"][0]:
        runs = [t.get(name, 0.0) for t in r["stages"]]
        print(f"| report: {name} | {statistics.median(runs):.1f} | {[round(x, 1) for x in runs]} |")
    print(
        "| texts embedded: floor / report (cache misses) | "
        f"{statistics.median(r['floor_sentences']):.0f} / {statistics.median(r['embedded']):.0f} | |"
    )


# ---- (b) library build ------------------------------------------------------------------------


def part_build(args: dict[str, Any]) -> dict[str, Any]:
    """Build the library from an empty library store (embedding and parse caches as they are)."""
    from synth.embed import build_embedder
    from synth.library import load_library
    from synth.retrieve.local import scan_corpus
    from synth.settings import load_settings

    settings = load_settings()
    shutil.rmtree(settings.home_dir() / "cache" / "library", ignore_errors=True)
    if args["cold_parse"]:
        shutil.rmtree(settings.home_dir() / "cache" / "parsed", ignore_errors=True)
    embedder = build_embedder(settings)
    start = time.perf_counter()
    scan = scan_corpus([Path(p) for p in args["corpus"]])
    library = load_library(scan, settings, embedder)
    elapsed = time.perf_counter() - start
    embedder.close()
    assert library.index is not None
    return {
        "seconds": elapsed,
        "documents": len(library.index),
        "kind": library.index.kind,
        "parsed": library.parsed,
        "embedded": library.embedded,
        "failures": len(library.failures),
        "embed_cache_misses": embedder.misses,
    }


# ---- (c), (d) batches -------------------------------------------------------------------------


def _questions(scifact: Path, n: int) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in (scifact / "claims_dev.jsonl").open(encoding="utf-8")]
    return rows[:n]


def part_batch(args: dict[str, Any]) -> dict[str, Any]:
    """One run_batch over the questions; wall time and the gap before each result (workers 1)."""
    from synth.batch import run_batch
    from synth.records import ReportRequest
    from synth.settings import load_settings

    settings = load_settings()
    out = Path(args["out"])
    corpus = [Path(p) for p in args["corpus"]]
    requests = [
        ReportRequest(question=q, corpus=corpus, out_dir=out, search=False)
        for q in args["questions"]
    ]
    stamps: list[tuple[float, float]] = []
    cpu_start = _cpu_seconds()
    start = (time.perf_counter(), time.process_time())
    results = run_batch(
        requests,
        settings,
        workers=args["workers"],
        force=args["force"],
        on_result=lambda _r: stamps.append((time.perf_counter(), time.process_time())),
    )
    elapsed = time.perf_counter() - start[0]
    cpu = _cpu_seconds() - cpu_start
    pairs = list(zip([start, *stamps[:-1]], stamps, strict=True))
    return {
        "seconds": elapsed,
        # CPU seconds of the batch and of its pool workers (reaped when the pool shut down).
        "cpu_seconds": cpu,
        "load": os.getloadavg()[0],
        # Jobs a worker ran (skipped jobs and failures given again have no worker).
        "ran": sum(bool(r.worker) for r in results),
        "not_rerun_failures": sum(r.status == "failed" and not r.worker for r in results),
        # Per job: wall and this process's CPU seconds (the CPU share is meaningful with
        # workers 1, where jobs run in this process; the machine may be shared).
        "gaps": [b[0] - a[0] for a, b in pairs],
        "cpu_gaps": [b[1] - a[1] for a, b in pairs],
        "status": [r.status for r in results],
        "report_ids": [r.report_id for r in results],
    }


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process and of its children that have been reaped."""
    import resource

    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _norm(title: str) -> str:
    return " ".join(title.split()).lower()


def _gold_recall(out: Path, claims: list[dict[str, Any]], scifact: Path) -> tuple[int, int]:
    """How many questions have a gold-cited abstract among their report's used sources."""
    from synth.ids import report_dir_name, report_id
    from synth.verify.scifact import load_corpus

    titles = {doc_id: _norm(a.title) for doc_id, a in load_corpus(scifact).items()}
    hits = 0
    for claim in claims:
        manifest = out / report_dir_name(report_id(claim["claim"])) / "manifest.json"
        if not manifest.exists():
            continue
        used = {_norm(s["title"]) for s in json.loads(manifest.read_text())["sources"] if s["used"]}
        gold = {titles.get(str(d), "") for d in claim["cited_doc_ids"]}
        hits += bool(gold & used)
    return hits, len(claims)


def _speedup(base: dict[str, Any], few: list[str], work: Path, repeats: int) -> list[Any]:
    """Workers 1 and workers 2 over the same warm questions, alternating, ``repeats`` times."""
    pairs = []
    for n in range(repeats):
        args = {**base, "questions": few, "force": True}
        one = _child("batch", {**args, "out": str(work / f"w1-{n}")})
        two = _child("batch", {**args, "workers": 2, "out": str(work / f"w2-{n}")})
        pairs.append((one, two))
    return pairs


def _print_speedup(pairs: list[Any], questions: int) -> None:
    one = {k: statistics.median(p[0][k] for p in pairs) for k in ("seconds", "cpu_seconds")}
    two = {k: statistics.median(p[1][k] for p in pairs) for k in ("seconds", "cpu_seconds")}
    each = ", ".join(
        f"{a['seconds']:.0f}/{b['seconds']:.0f} s = {a['seconds'] / b['seconds']:.2f}x "
        f"(load {a['load']:.1f}/{b['load']:.1f})"
        for a, b in pairs
    )
    print(
        f"| {questions} questions, warm: workers 1 / workers 2, medians of {len(pairs)} "
        f"({each}) | {one['seconds']:.1f} s / {two['seconds']:.1f} s = "
        f"{one['seconds'] / two['seconds']:.2f}x | >= 1.6x |"
    )
    # What the cores allow: workers 2 cannot take less than its CPU seconds spread over every
    # core, so against this workers-1 time it gains at most this much (on an idle machine).
    cores = os.cpu_count() or 1
    best = two["cpu_seconds"] / cores
    print(
        f"| CPU seconds, all processes: workers 1 / workers 2 | {one['cpu_seconds']:.1f} / "
        f"{two['cpu_seconds']:.1f} (workers 2 at best {best:.1f} s on {cores} free cores: "
        f"{one['seconds'] / best:.2f}x) | |"
    )


def _batch_tables(cli: argparse.Namespace, corpus: list[str], work: Path) -> None:
    claims = _questions(cli.scifact, cli.questions)
    questions = [c["claim"] for c in claims]
    base = {"corpus": corpus, "questions": questions, "force": False, "workers": 1}
    few = questions[: cli.speedup_questions]
    if cli.speedup_only:
        print("\n(c) workers 1 against workers 2 (run_batch)\n| measure | value | goal |")
        print("|---|---|---|")
        _print_speedup(_speedup(base, few, work, cli.speedup_repeats), len(few))
        return
    cold = _child("batch", {**base, "out": str(work / "out1")})
    rerun = _child("batch", {**base, "out": str(work / "out1")})
    pairs = _speedup(base, few, work, cli.speedup_repeats) if few else []
    runs = [cold, *(r for pair in pairs for r in pair)]
    per_question = statistics.median(cold["gaps"])
    done = cold["status"].count("done")
    print(f"\n(c) {len(questions)} SciFact dev claims over the library (run_batch)")
    print("| measure | value | goal |\n|---|---|---|")
    print(f"| reports done / failed (no relevant source) | {done} / {len(questions) - done} | |")
    cpu = statistics.median(cold["cpu_gaps"])
    print(f"| median per-question time, workers 1 | {per_question:.2f} s | <= 3 s |")
    print(f"| median per-question CPU time of the batch process | {cpu:.2f} s | |")
    print(f"| cold batch, workers 1 (load {cold['load']:.1f}) | {cold['seconds']:.1f} s | |")
    ratio = rerun["seconds"] / cold["seconds"]
    print(
        f"| unchanged rerun (load {rerun['load']:.1f}; {rerun['ran']} jobs run again, "
        f"{rerun['not_rerun_failures']} settled failures reported without running) | "
        f"{rerun['seconds']:.2f} s ({ratio:.1%} of cold) | <= 5 % |"
    )
    if pairs:
        _print_speedup(pairs, len(few))
    peak = max(r["peak_rss_mib"] for r in runs)
    print(f"| peak RSS of the largest process | {peak:.0f} MiB | <= 2048 MiB |")
    hits, total = _gold_recall(work / "out1", claims, cli.scifact)
    print(f"\n(d) gold-cited abstract among the used sources: {hits}/{total} = {hits / total:.0%}")
    print("(goal >= 80 %)")


def main(argv: list[str] | None = None) -> int:
    """Print the tables (or run one part in a child, with --part)."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--corpus",
        type=Path,
        default=Path("/tmp/scifact-corpus.jsonl"),
        help="The SciFact JSONL written by benchmarks/scifact_corpus.py.",
    )
    p.add_argument("--pdfs", type=Path, default=REALDATA / "pdfs", help="Folder of real PDFs.")
    p.add_argument("--scifact", type=Path, default=REALDATA / "scifact", help="SciFact folder.")
    p.add_argument("--questions", type=int, default=100, help="Dev claims asked (c, d).")
    p.add_argument(
        "--speedup-questions",
        type=int,
        default=20,
        help="Questions of the workers 1 vs 2 comparison (0 leaves it out).",
    )
    p.add_argument(
        "--speedup-repeats",
        type=int,
        default=3,
        help="Alternating workers 1 / workers 2 runs of the comparison, medians taken.",
    )
    p.add_argument(
        "--speedup-only",
        action="store_true",
        help="(c) runs only the workers 1 / workers 2 comparison (no cold batch, no rerun, no d).",
    )
    p.add_argument("--repeats", type=int, default=3, help="Runs of (a), medians taken.")
    p.add_argument(
        "--seed-embeddings",
        type=Path,
        default=None,
        help="embeddings.sqlite copied into SYNTH_HOME first (unless one is there).",
    )
    p.add_argument("--cold-parse", action="store_true", help="(b) also empties the parse cache.")
    p.add_argument("--work", type=Path, default=None, help="Folder for the batch outputs.")
    p.add_argument("--skip-floor", action="store_true", help="Leave out (a).")
    p.add_argument("--skip-build", action="store_true", help="Leave out (b).")
    p.add_argument("--skip-batch", action="store_true", help="Leave out (c) and (d).")
    p.add_argument("--part", help=argparse.SUPPRESS)
    p.add_argument("--part-args", help=argparse.SUPPRESS)
    cli = p.parse_args(argv)
    if cli.part:
        parts = {"floor": part_floor, "build": part_build, "batch": part_batch}
        print(json.dumps(parts[cli.part](json.loads(cli.part_args))))
        return 0
    if not os.environ.get("SYNTH_HOME"):
        print("scale: set SYNTH_HOME (e.g. /tmp/synth-scale-home)", file=sys.stderr)
        return 2
    for path, flag in ((cli.corpus, "--corpus"), (cli.pdfs, "--pdfs"), (cli.scifact, "--scifact")):
        if not path.exists():
            print(f"scale: {flag} {path}: no such file or folder", file=sys.stderr)
            return 2
    if cli.seed_embeddings:
        target = Path(os.environ["SYNTH_HOME"]) / "cache" / "embeddings" / "embeddings.sqlite"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cli.seed_embeddings, target)
    corpus = [str(cli.corpus), str(cli.pdfs)]
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    if not cli.skip_floor:
        r = _child("floor", {"pdfs": str(cli.pdfs), "repeats": cli.repeats})
        floor, cold = statistics.median(r["floor"]), statistics.median(r["cold"])
        backend = os.environ.get("SYNTH_EMBED__BACKEND", "default")
        print(
            f"\n(a) README example, medians of {cli.repeats} (model loaded once, backend {backend})"
        )
        print("| run | seconds | runs |\n|---|---|---|")
        print(
            f"| naive floor (pypdf + embed all) | {floor:.1f} | {[round(x, 1) for x in r['floor']]} |"
        )
        print(f"| cold report | {cold:.1f} | {[round(x, 1) for x in r['cold']]} |")
        print(f"| ratio | {cold / floor:.2f}x | goal <= 0.6x |")
        _print_stages(r)
    if not cli.skip_build:
        r = _child("build", {"corpus": corpus, "cold_parse": cli.cold_parse})
        print("\n(b) library build (empty library store)")
        parse = "emptied" if cli.cold_parse else "as it was"
        print(
            f"| documents | index | seconds | peak RSS | PDFs read (parse cache {parse}) "
            "| vectors computed / needed (embedding cache as it was) |"
        )
        print("|---|---|---|---|---|---|")
        print(
            f"| {r['documents']} | {r['kind']} | {r['seconds']:.1f} | {r['peak_rss_mib']:.0f} MiB "
            f"| {r['parsed']} | {r['embed_cache_misses']} of {r['embedded']} |"
        )
    if not cli.skip_batch:
        work = cli.work or Path(tempfile.mkdtemp(prefix="synth-scale-"))
        _batch_tables(cli, corpus, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
