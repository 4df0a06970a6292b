"""Per-stage times of `synth report` on the real PDFs, cold and warm, against a baseline.

Baseline (measured in the same run): pypdf text extraction of every page of the same PDFs plus
embedding the same passages with the same, already loaded model, with no cache. The model is
loaded once before any timing, so neither side pays for it.

    python benchmarks/report_e2e.py [--pdfs ../shared/realdata/pdfs] [--repeats 3]
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import tempfile
import time
import warnings
from pathlib import Path

QUESTION = (
    "To what extent can knowledge distillation transfer the generalization of a large teacher "
    "network to a smaller student network?"
)
STAGES = ["parse", "embed", "relevance", "extract", "verify", "synthesize", "review", "render"]


def _baseline(pdfs: list[Path], texts: list[str], inner: object) -> tuple[float, float]:
    import pypdf

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # font-encoding chatter, as in synth
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for pdf in pdfs:
            for page in pypdf.PdfReader(pdf).pages:
                page.extract_text()
    extract = time.perf_counter() - start
    start = time.perf_counter()
    inner.encode(texts)  # type: ignore[attr-defined]
    return extract, time.perf_counter() - start


def _run(
    pdf_dir: Path, home: Path, out: Path, inner: object
) -> tuple[dict[str, float], float, list[str]]:
    from synth.embed import CachedEmbedder
    from synth.extract.relevance import body_passages
    from synth.gather import gather_documents
    from synth.pipeline import run_report
    from synth.records import ReportRequest
    from synth.settings import load_settings

    settings = load_settings(overrides={"home": str(home)})
    request = ReportRequest(question=QUESTION, corpus=[pdf_dir], out_dir=out)
    embedder = CachedEmbedder(inner, settings.cache_dir("embeddings"))  # type: ignore[arg-type]
    start = time.perf_counter()
    outcome = run_report(request, settings, embedder=embedder)
    total = time.perf_counter() - start
    docs, _ = gather_documents(request, settings)
    texts = [p.text for d in docs for p in body_passages(d)]
    embedder.close()
    return outcome.timings, total, texts


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pdfs",
        type=Path,
        default=Path(__file__).resolve().parents[1].parent / "shared/realdata/pdfs",
    )
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from synth.embed import PACKAGED_DEFAULT, SentenceTransformerEmbedder

    inner = SentenceTransformerEmbedder(PACKAGED_DEFAULT)
    inner.encode(["warm up the model"])
    pdfs = sorted(args.pdfs.glob("*.pdf"))
    cold: list[dict[str, float]] = []
    warm: list[dict[str, float]] = []
    base: list[tuple[float, float]] = []
    for _ in range(args.repeats):
        work = Path(tempfile.mkdtemp(prefix="synth-bench-"))
        try:
            timings, total, texts = _run(args.pdfs, work / "home", work / "reports", inner)
            cold.append({**timings, "total": total})
            timings, total, _ = _run(args.pdfs, work / "home", work / "reports", inner)
            warm.append({**timings, "total": total})
            base.append(_baseline(pdfs, texts, inner))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    med = statistics.median
    b_extract, b_embed = med(b[0] for b in base), med(b[1] for b in base)
    b_total = b_extract + b_embed
    print(
        f"{len(pdfs)} PDFs, {len(texts)} passages embedded, median of {args.repeats} runs (seconds)\n"
    )
    print("| stage | cold | warm |\n|---|---:|---:|")
    for stage in [*STAGES, "total"]:
        print(
            f"| {stage} | {med(r.get(stage, 0.0) for r in cold):.2f} | {med(r.get(stage, 0.0) for r in warm):.2f} |"
        )
    print(
        f"\nbaseline: pypdf extraction {b_extract:.2f} s + embedding {b_embed:.2f} s = {b_total:.2f} s"
    )
    c_total, w_total = med(r["total"] for r in cold), med(r["total"] for r in warm)
    print(f"cold / baseline = {c_total / b_total:.2f} (goal <= 1.30)")
    print(f"warm / cold     = {w_total / c_total:.2f} (goal <= 0.10)")


if __name__ == "__main__":
    main()
