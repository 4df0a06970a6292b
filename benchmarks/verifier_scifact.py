"""Benchmark the verifier on SciFact: retrieval nDCG@10, claim verification on dev, throughput.

    SYNTH_HOME=/tmp/synth-bench-home python benchmarks/verifier_scifact.py \\
        --scifact ../shared/realdata/scifact

(a) retrieval over the 5,183 abstracts on the BEIR test qrels: BM25, dense, plain RRF (k=60)
    and synth's hybrid (the fusion set in VerifySettings); (b) each dev claim against its cited
    abstract, the feature model and the pair model side by side (both fitted on train only):
    AUROC, macro-F1, ECE, reliability; (c) index build time over every abstract sentence and
    claims verified per second (pair model; its load time is reported apart).
Embeddings are cached under SYNTH_HOME: the first run embeds ~51k texts (about 15 minutes on two
cores), later runs take about a minute. ``--backend torch|onnx|onnx-int8`` picks the embedding
backend (default: the embed.backend setting); each backend has its own cache entries.
"""

from __future__ import annotations

import argparse
import logging
import math
import tempfile
import time
from pathlib import Path

import numpy as np

from synth.embed import BACKENDS, CachedEmbedder, build_embedder
from synth.records import Document, Passage, Retrieval, Work, standalone_claim
from synth.settings import VerifySettings, load_settings
from synth.verify.calibrate import label_metrics
from synth.verify.evidence import EvidencePool
from synth.verify.pair_model import load_pair_model
from synth.verify.scifact import (
    LABEL_INDEX,
    Abstract,
    load_beir_queries,
    load_claim_pairs,
    load_corpus,
    load_qrels,
    to_document,
    verify_pairs,
)
from synth.verify.verifier import verify_claims

DEFAULT_SCIFACT = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "scifact"


def ndcg_at_k(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    """BEIR-style nDCG@k with graded relevance and log2 discounts."""
    dcg = sum(relevant.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def whole_abstract_doc(a: Abstract) -> Document:
    """One abstract as a single passage (title and text): the unit BEIR ranks."""
    text = a.text
    passage = Passage(
        idx=0,
        text=text,
        page=1,
        section="abstract",
        section_kind="abstract",
        char_start=0,
        char_end=len(text),
    )
    retrieval = Retrieval(
        service="local", url=f"scifact:{a.doc_id}", retrieved_at="2020-01-01T00:00:00Z", sha256=""
    )
    return Document(
        doc_id=a.doc_id,
        work=Work(title=a.title, doi=None, arxiv_id=None),
        text_level="abstract",
        retrieval=retrieval,
        text=text,
        passages=[passage],
        page_count=1,
    )


def retrieval(
    root: Path,
    corpus: dict[str, Abstract],
    embedder: CachedEmbedder,
    vs: VerifySettings,
    cache: Path,
) -> None:
    """(a) nDCG@10 on the BEIR test qrels for BM25, dense, plain RRF and the configured hybrid."""
    docs = [whole_abstract_doc(a) for a in corpus.values()]
    pool = EvidencePool(docs, embedder, vs, cache / "docs")
    rrf = vs.model_copy(update={"fusion": "rrf", "rrf_k": 60, "lexical_weight": 0.5})
    pool_rrf = EvidencePool(docs, embedder, rrf, cache / "docs")
    queries, qrels = load_beir_queries(root), load_qrels(root, "test")
    qids = sorted(qrels)
    vecs = embedder.encode([queries[q] for q in qids])
    ids = [r.doc_id for r in pool.refs]
    runs: dict[str, list[float]] = {"BM25": [], "dense": [], "RRF k=60": [], "hybrid": []}
    for qid, vec in zip(qids, vecs, strict=True):
        text, rel = queries[qid], qrels[qid]
        lex_rows, _ = pool.lexical.search(text, 10)
        _, dense_rows = pool.dense.search(vec[None, :], 10)
        runs["BM25"].append(ndcg_at_k([ids[r] for r in lex_rows], rel))
        runs["dense"].append(ndcg_at_k([ids[r] for r in dense_rows[0]], rel))
        runs["RRF k=60"].append(
            ndcg_at_k([ids[r] for r, _, _ in pool_rrf.rank(text, vec, 100)], rel)
        )
        runs["hybrid"].append(ndcg_at_k([ids[r] for r, _, _ in pool.rank(text, vec, 100)], rel))
    print(f"\n(a) Retrieval, SciFact BEIR test ({len(qids)} queries, {len(docs)} abstracts)")
    print("| method | nDCG@10 |\n|---|---|")
    labels = {"hybrid": f"hybrid ({vs.fusion}, BM25 weight {vs.lexical_weight})"}
    for name, scores in runs.items():
        print(f"| {labels.get(name, name)} | {np.mean(scores):.4f} |")


def dev_claims(
    root: Path,
    corpus: dict[str, Abstract],
    embedder: CachedEmbedder,
    vs: VerifySettings,
    cache: Path,
) -> None:
    """(b) Each dev claim against its cited abstract, feature model and pair model side by side."""
    dev = load_claim_pairs(root, "dev")
    y = np.array([LABEL_INDEX[p.label] for p in dev])
    metrics, tables, rates = {}, {}, {}
    load_pair_model(vs.pair_model)  # loaded once per process; not part of the rate
    for method in ("features", "pair"):
        mvs = vs.model_copy(update={"method": method})
        verify_pairs(dev[:5], corpus, embedder, mvs, cache / f"warm-{method}")
        t0 = time.perf_counter()
        verdicts = verify_pairs(dev, corpus, embedder, mvs, cache / f"dev-{method}")
        rates[method] = len(dev) / (time.perf_counter() - t0)
        conf = np.array([v.confidence for v in verdicts])
        key = "p_unverified" if method == "features" else "pair_n_min"
        p_ev = np.array([1.0 - v.features[key] for v in verdicts])
        metrics[method] = label_metrics(conf, p_ev, [v.label for v in verdicts], y)
        tables[method] = metrics[method]["reliability"]
    print(f"\n(b) Claim vs cited abstract, SciFact dev ({len(dev)} pairs; fitted on train only)")
    print("| metric | feature model | pair model |\n|---|---|---|")
    for key in ("auroc_supported", "auroc_evidence", "macro_f1", "accuracy", "ece"):
        print(f"| {key} | {metrics['features'][key]:.4f} | {metrics['pair'][key]:.4f} |")
    print(
        f"| claims/s (each against its abstract, embeddings cached, model loaded) | "
        f"{rates['features']:.1f} | {rates['pair']:.1f} |"
    )
    for method, table in tables.items():
        print(f"\nReliability, {method} (P(supported) bins)")
        print("| bin | n | mean confidence | observed supported |\n|---|---|---|---|")
        for b in table:
            print(
                f"| {b['lo']:.1f}-{b['hi']:.1f} | {b['count']} | {b['mean_confidence']:.3f} | "
                f"{b['observed_rate']:.3f} |"
            )


def throughput(
    root: Path,
    corpus: dict[str, Abstract],
    embedder: CachedEmbedder,
    vs: VerifySettings,
    cache: Path,
) -> None:
    """(c) Build the sentence index over every abstract, then verify dev claims against it."""
    docs = [to_document(a) for a in corpus.values()]
    t0 = time.perf_counter()
    pool = EvidencePool(docs, embedder, vs, cache / "all")
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    EvidencePool(docs, embedder, vs, cache / "all")
    load = time.perf_counter() - t0
    seen: dict[str, str] = {}
    for p in load_claim_pairs(root, "dev"):
        seen.setdefault(p.claim_id, p.claim)
    claims = [standalone_claim(cid, text) for cid, text in seen.items()]
    t0 = time.perf_counter()
    load_pair_model(vs.pair_model)
    model_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    verdicts = verify_claims(claims, docs, embedder, vs, cache / "all")
    total = time.perf_counter() - t0
    labels = {
        k: sum(v.label == k for v in verdicts) for k in ("supported", "contradicted", "unverified")
    }
    kind = pool.dense.kind
    print(f"\n(c) Throughput ({len(pool)} sentences of {len(docs)} abstracts, {kind} index)")
    print("| measure | value |\n|---|---|")
    print(f"| index build (embeddings from cache, FAISS + BM25) | {build:.1f} s |")
    print(f"| index load (persisted, sidecar matches) | {load:.1f} s |")
    print(f"| pair model load (once per process) | {model_load:.1f} s |")
    print(f"| {len(claims)} dev claims verified against all abstracts | {total:.1f} s |")
    rate = len(claims) / max(total - load, 1e-9)
    print(f"| claims per second (excluding index load) | {rate:.1f} |")
    print(f"| labels | {labels} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scifact", type=Path, default=DEFAULT_SCIFACT, help="SciFact folder")
    parser.add_argument("--skip", choices=["a", "b", "c"], action="append", default=[])
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default=None,
        help="Embedding backend (default: the embed.backend setting, SYNTH_EMBED__BACKEND)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    settings = load_settings(overrides={"embed": {"backend": args.backend}} if args.backend else {})
    print(f"embedding backend: {settings.embed.backend}")
    vs = settings.verify
    embedder = build_embedder(settings)
    corpus = load_corpus(args.scifact)
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        for part, run in (("a", retrieval), ("b", dev_claims), ("c", throughput)):
            if part not in args.skip:
                run(args.scifact, corpus, embedder, vs, cache)


if __name__ == "__main__":
    main()
