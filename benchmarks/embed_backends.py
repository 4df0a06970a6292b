"""Embedding backends side by side: speed, agreement with torch, and SciFact retrieval quality.

    SYNTH_HOME=/tmp/synth-onnx-home nice -n 10 python benchmarks/embed_backends.py \\
        [--scifact ../shared/realdata/scifact] [--passages 2000] [--repeats 3] [--skip-ndcg]

(a) Speed: passages/s of each backend on a fixed set of SciFact abstract sentences (the first
    ``--passages`` in corpus order), uncached, model loaded and warmed; the backends take turns
    within each repeat so load on a shared machine falls on all of them; medians of the repeats
    and the ratio against torch in the same run. Load time (export and quantization on the first
    run, cached after) is reported apart.
(b) Agreement: the largest and the mean 1 - cos between each backend's vector and torch's.
(c) Quality: BEIR SciFact test nDCG@10 of synth's hybrid retrieval (and dense alone) over the
    5,183 whole abstracts, each backend's vectors from its own entries in the embedding cache
    under SYNTH_HOME (keys carry the backend). Embedding the abstracts takes ~10-15 min per
    backend on two cores the first time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from synth.embed import BACKENDS, TORCH, build_embedder, build_inner_embedder
from synth.settings import Settings, load_settings
from synth.verify.evidence import EvidencePool
from synth.verify.scifact import load_beir_queries, load_corpus, load_qrels

# The BEIR benchmark's nDCG and its one-passage-per-abstract documents, so both agree.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from verifier_scifact import DEFAULT_SCIFACT, ndcg_at_k, whole_abstract_doc


def _settings(backend: str) -> Settings:
    return load_settings(overrides={"embed": {"backend": backend}})


def fixed_passages(root: Path, count: int) -> list[str]:
    """The first ``count`` abstract sentences of the corpus, in corpus order."""
    out: list[str] = []
    for abstract in load_corpus(root).values():
        out.extend(abstract.sentences)
        if len(out) >= count:
            break
    return out[:count]


def speed(texts: list[str], backends: list[str], repeats: int) -> dict[str, Any]:
    """Median passages/s per backend (turns interleaved), load seconds, vectors of the last run."""
    embedders, load_s, vecs = {}, {}, {}
    rates: dict[str, list[float]] = {b: [] for b in backends}
    for backend in backends:
        t0 = time.perf_counter()
        embedders[backend] = build_inner_embedder(_settings(backend))
        embedders[backend].encode(texts[:64])  # loads (exports once) and warms up
        load_s[backend] = time.perf_counter() - t0
    for _ in range(repeats):
        for backend in backends:
            t0 = time.perf_counter()
            vecs[backend] = embedders[backend].encode(texts)
            rates[backend].append(len(texts) / (time.perf_counter() - t0))
    return {
        "load_s": load_s,
        "rate": {b: statistics.median(r) for b, r in rates.items()},
        "runs": rates,
        "vecs": vecs,
    }


def agreement(vecs: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """Max and mean 1 - cosine against the torch vectors of the same texts."""
    out = {}
    for backend, v in vecs.items():
        gap = 1.0 - np.sum(v * vecs[TORCH], axis=1) if TORCH in vecs else np.full(len(v), np.nan)
        out[backend] = {"max": float(np.max(np.abs(gap))), "mean": float(np.mean(np.abs(gap)))}
    return out


def ndcg(root: Path, backend: str) -> dict[str, float]:
    """nDCG@10 (hybrid and dense) on the BEIR test qrels with this backend's vectors."""
    settings = _settings(backend)
    vs = settings.verify
    embedder = build_embedder(settings)
    docs = [whole_abstract_doc(a) for a in load_corpus(root).values()]
    queries, qrels = load_beir_queries(root), load_qrels(root, "test")
    qids = sorted(qrels)
    t0 = time.perf_counter()
    # A fresh index folder per backend: the index sidecar names the model, not the backend.
    with tempfile.TemporaryDirectory() as tmp:
        pool = EvidencePool(docs, embedder, vs, Path(tmp))
        qvecs = embedder.encode([queries[q] for q in qids])
        ids = [r.doc_id for r in pool.refs]
        hybrid, dense = [], []
        for qid, vec in zip(qids, qvecs, strict=True):
            rel = qrels[qid]
            hybrid.append(ndcg_at_k([ids[r] for r, _, _ in pool.rank(queries[qid], vec, 100)], rel))
            _, rows = pool.dense.search(vec[None, :], 10)
            dense.append(ndcg_at_k([ids[r] for r in rows[0]], rel))
    seconds = time.perf_counter() - t0
    result = {"hybrid": float(np.mean(hybrid)), "dense": float(np.mean(dense)), "seconds": seconds}
    result |= {"cache_hits": embedder.hits, "cache_misses": embedder.misses}
    embedder.close()
    return result


def print_speed(n: int, repeats: int, sp: dict[str, Any], agree: dict[str, Any]) -> None:
    """The speed and agreement table."""
    base = sp["rate"].get(TORCH)
    print(f"\n(a, b) {n} SciFact abstract sentences, uncached; medians of {repeats} runs")
    print(
        "| backend | passages/s | × torch | runs (passages/s) | load s | max 1-cos | mean 1-cos |"
    )
    print("|---|---|---|---|---|---|---|")
    for b, rate in sp["rate"].items():
        ratio = f"{rate / base:.2f}" if base else "-"
        runs = ", ".join(f"{r:.0f}" for r in sp["runs"][b])
        print(
            f"| {b} | {rate:.1f} | {ratio} | {runs} | {sp['load_s'][b]:.1f} | "
            f"{agree[b]['max']:.2e} | {agree[b]['mean']:.2e} |"
        )


def print_ndcg_row(backend: str, q: dict[str, dict[str, float]]) -> None:
    """One backend's nDCG row, printed as soon as it is measured (the part takes minutes)."""
    r = q[backend]
    delta = f"{r['hybrid'] - q[TORCH]['hybrid']:+.4f}" if TORCH in q else "-"
    print(
        f"| {backend} | {r['hybrid']:.4f} | {delta} | {r['dense']:.4f} | {r['seconds']:.0f} | "
        f"{r['cache_hits']} / {r['cache_misses']} |",
        flush=True,
    )


def main() -> None:
    """Run the measurements and print the tables (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scifact", type=Path, default=DEFAULT_SCIFACT, help="SciFact folder")
    parser.add_argument("--passages", type=int, default=2000, help="Passages timed per run")
    parser.add_argument("--repeats", type=int, default=3, help="Timed runs per backend")
    parser.add_argument(
        "--backends", default=",".join(BACKENDS), help="Comma-separated backends to compare"
    )
    parser.add_argument("--skip-ndcg", action="store_true", help="Only speed and agreement")
    parser.add_argument("--json", action="store_true", help="Print the results as JSON")
    args = parser.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = sorted(set(backends) - set(BACKENDS))
    if unknown:
        parser.error(
            f"--backends: unknown {', '.join(unknown)} (choose from {', '.join(BACKENDS)})"
        )
    texts = fixed_passages(args.scifact, args.passages)
    sp = speed(texts, backends, args.repeats)
    agree = agreement(sp["vecs"])
    if not args.json:
        print_speed(len(texts), args.repeats, sp, agree)
    q: dict[str, dict[str, float]] = {}
    if not args.skip_ndcg:
        if not args.json:
            print("\n(c) BEIR SciFact test nDCG@10 (300 queries, 5,183 abstracts)")
            print("| backend | hybrid | Δ hybrid vs torch | dense | s | cache hits / misses |")
            print("|---|---|---|---|---|---|", flush=True)
        # torch first, so every other row carries its difference from torch.
        for backend in sorted(backends, key=lambda b: b != TORCH):
            q[backend] = ndcg(args.scifact, backend)
            if not args.json:
                print_ndcg_row(backend, q)
    if args.json:
        out = {k: v for k, v in sp.items() if k != "vecs"} | {"agreement": agree, "ndcg": q}
        print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
