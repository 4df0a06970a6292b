"""Experiment: a "joint encoding" feature for the verifier (frozen MiniLM + logistic head).

    SYNTH_HOME=/tmp/synth-bench-home python benchmarks/experiment_joint_head.py

Each (claim, sentence) pair is encoded as ONE text, ``claim + " [SEP] " + sentence``, with the
packaged all-MiniLM-L6-v2 (mean-pooled, 384 dims), so attention sees both texts. A small L2
logistic head (scikit-learn, 3 classes) is fitted on SciFact train sentence pairs: rationale
sentences carry their pair's label (SUPPORT / CONTRADICT), every other sentence of a cited
abstract (including all sentences of NEI abstracts) is NEI (capped per claim-abstract pair).
The head's outputs on a claim's top sentences by cosine (max P(sup), max P(con), max
1 - P(NEI)) become extra claim-level features of the existing multinomial model, which is then
refitted with ``fit_verifier`` exactly as ``fit_verifier.py`` does. Train rows get out-of-fold
head outputs (same claim folds as ``fit_verifier``), so the stacked model never sees a head
that was fitted on its own rows. Dev is only ever scored, never used for a choice: the head's
C and the aggregation (top-3 vs all sentences) are picked on train out-of-fold numbers.

Dev numbers come from the real verifier (``verify_pairs``: candidates, hard rules, Platt),
with the model and the feature builder swapped in memory (nothing in synth/ or data/ changes).
Pair embeddings are cached under SYNTH_HOME/cache/joint-pairs.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
from sklearn.linear_model import LogisticRegression

import synth.verify.verifier as verifier_mod
from synth.embed import CachedEmbedder, SentenceTransformerEmbedder
from synth.settings import VerifySettings, load_settings
from synth.verify.calibrate import auroc, fit_verifier, fold_of, label_metrics
from synth.verify.scifact import (
    LABEL_INDEX,
    NEI,
    Abstract,
    ClaimPair,
    load_claim_pairs,
    load_corpus,
    pair_features_rows,
    verify_pairs,
)
from synth.verify.score import (
    FEATURE_NAMES,
    TOP_N,
    build_claim_features,
    load_model,
    model_from_dict,
    top_order,
)

DEFAULT_SCIFACT = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "scifact"
JOINT_NAMES = ("joint_sup_max", "joint_con_max", "joint_ev_max")
N_FOLDS = 5
NEI_CAP = 8  # NEI sentences kept per claim-abstract pair for fitting the head
C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
SEED = 0


def pair_text(claim: str, sentence: str) -> str:
    """The joint input: the tokenizer turns " [SEP] " into the real separator token."""
    return f"{claim} [SEP] {sentence}"


class TokenizerPairEncoder:
    """The tokenizer's own pair encoding ([CLS] claim [SEP] sentence [SEP], segment ids 0/1)
    through the underlying transformer, mean-pooled over the mask and L2-normalized."""

    def __init__(self, raw: SentenceTransformerEmbedder, batch_size: int = 64) -> None:
        self.raw, self.batch_size = raw, batch_size

    @property
    def name(self) -> str:
        return f"tokenizer-pair:{self.raw.name}"

    @property
    def dim(self) -> int:
        return self.raw.dim

    def encode(self, texts: list[str]) -> np.ndarray:
        import torch

        st = self.raw._load()
        tok, bert = st.tokenizer, st[0].auto_model  # type: ignore[attr-defined,index]
        out = []
        for start in range(0, len(texts), self.batch_size):
            chunk = [t.split(" [SEP] ", 1) for t in texts[start : start + self.batch_size]]
            enc = tok(
                [a for a, _ in chunk],
                [b for _, b in chunk],
                padding=True,
                truncation=True,
                max_length=256,
                return_tensors="pt",
            )
            with torch.inference_mode():
                hidden = bert(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).float()
            vec = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            out.append(torch.nn.functional.normalize(vec, dim=1).numpy())
        return np.concatenate(out).astype(np.float32)


class HeadInput:
    """What the head sees for (claim, sentence) pairs.

    ``joint``: the joint embedding alone. ``residual``: the joint embedding minus the mean of
    the two separate embeddings (what attention across the pair adds over encoding each text
    alone; both separate vectors are ones the verifier already computes), plus their cosine.
    """

    def __init__(self, kind: str, pair_embedder: CachedEmbedder, embedder: CachedEmbedder):
        self.kind, self.pair_embedder, self.embedder = kind, pair_embedder, embedder

    def __call__(self, claims: list[str], sents: list[str]) -> np.ndarray:
        joint = self.pair_embedder.encode(
            [pair_text(c, s) for c, s in zip(claims, sents, strict=True)]
        )
        if self.kind == "joint":
            return joint
        c, s = self.embedder.encode(claims), self.embedder.encode(sents)
        return np.asarray(np.c_[joint - (c + s) / 2, (c * s).sum(1)])


def split_pairs(texts: list[str]) -> tuple[list[str], list[str]]:
    """Undo pair_text."""
    parts = [t.split(" [SEP] ", 1) for t in texts]
    return [a for a, _ in parts], [b for _, b in parts]


def sentence_table(
    pairs: list[ClaimPair], corpus: dict[str, Abstract]
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Every (claim, sentence) of every pair: joint texts, labels, pair index, head-fit mask."""
    rng = np.random.default_rng(SEED)
    texts, labels, owner, keep = [], [], [], []
    for i, p in enumerate(pairs):
        sents = corpus[p.doc_id].sentences
        nei = [j for j in range(len(sents)) if j not in p.rationale]
        kept_nei = set(rng.permutation(nei)[:NEI_CAP].tolist())
        for j, s in enumerate(sents):
            texts.append(pair_text(p.claim, s))
            rat = j in p.rationale and p.label != NEI
            labels.append(LABEL_INDEX[p.label] if rat else LABEL_INDEX[NEI])
            owner.append(i)
            keep.append(rat or j in kept_nei)
    return texts, np.array(labels), np.array(owner), np.array(keep)


def fit_head(x: np.ndarray, y: np.ndarray, c: float) -> LogisticRegression:
    """Multinomial L2 logistic head on (normalized) joint embeddings."""
    head = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    return head.fit(x, y)


def head_oof(
    x: np.ndarray, y: np.ndarray, keep: np.ndarray, folds: np.ndarray, c: float
) -> np.ndarray:
    """Out-of-fold head probabilities for every sentence row (fitted on kept rows only)."""
    out = np.zeros((len(y), 3))
    for k in range(N_FOLDS):
        hold = folds == k
        head = fit_head(x[~hold & keep], y[~hold & keep], c)
        out[hold] = head.predict_proba(x[hold])
    return out


def joint_features(probs: np.ndarray, cos: np.ndarray, mode: str) -> dict[str, float]:
    """Claim-level head features over the top sentences by cosine (or all of them)."""
    if len(probs) == 0:
        return dict.fromkeys(JOINT_NAMES, 0.0)
    rows = probs[top_order(cos)] if mode == "top3" else probs
    return {
        "joint_sup_max": float(rows[:, 0].max()),
        "joint_con_max": float(rows[:, 1].max()),
        "joint_ev_max": float((1.0 - rows[:, 2]).max()),
    }


def claim_rows(
    pairs: list[ClaimPair],
    corpus: dict[str, Abstract],
    embedder: CachedEmbedder,
    sent_probs: np.ndarray,
    owner: np.ndarray,
    mode: str,
) -> list[dict[str, float]]:
    """Base features plus joint features per pair (cosines as the verifier computes them)."""
    base = pair_features_rows(pairs, corpus, embedder)
    claim_vecs = embedder.encode([p.claim for p in pairs])
    out = []
    for i, (p, row, vec) in enumerate(zip(pairs, base, claim_vecs, strict=True)):
        cos = embedder.encode(list(corpus[p.doc_id].sentences)) @ vec
        out.append({**row, **joint_features(sent_probs[owner == i], cos, mode)})
    return out


def fit_stack(
    rows: list[dict[str, float]], pairs: list[ClaimPair], names: tuple[str, ...]
) -> dict[str, Any]:
    """fit_verifier on the given feature names (same folds, L2 grid, Platt, thresholds)."""
    x = np.array([[r[n] for n in names] for r in rows])
    y = np.array([LABEL_INDEX[p.label] for p in pairs])
    return fit_verifier(x, y, [p.claim_id for p in pairs], names)


def dev_metrics(
    dev: list[ClaimPair],
    corpus: dict[str, Abstract],
    embedder: CachedEmbedder,
    vs: VerifySettings,
    params: dict[str, Any] | None = None,
    feature_fn: Callable[..., dict[str, float]] | None = None,
) -> dict[str, Any]:
    """The real verifier on dev pairs, optionally with swapped model / feature builder."""
    patches: list[Any] = []
    if params is not None:
        model = model_from_dict(params)
        patches.append(mock.patch.object(verifier_mod, "load_model", return_value=model))
    if feature_fn is not None:
        patches.append(mock.patch.object(verifier_mod, "build_claim_features", feature_fn))
    with tempfile.TemporaryDirectory() as tmp:
        for p in patches:
            p.start()
        try:
            t0 = time.perf_counter()
            verdicts = verify_pairs(dev, corpus, embedder, vs, Path(tmp))
            secs = time.perf_counter() - t0
        finally:
            for p in patches:
                p.stop()
    conf = np.array([v.confidence for v in verdicts])
    p_ev = np.array([1.0 - v.features["p_unverified"] for v in verdicts])
    y = np.array([LABEL_INDEX[p.label] for p in dev])
    m = label_metrics(conf, p_ev, [v.label for v in verdicts], y)
    m["seconds"] = secs
    m["conf"], m["y"] = conf, y
    return m


def paired_delta_ci(
    a: dict[str, Any], b: dict[str, Any], n: int = 1000
) -> tuple[float, float, float]:
    """Bootstrap over dev pairs (same resamples for both) of AUROC(b) - AUROC(a): mean, 95% CI."""
    rng = np.random.default_rng(SEED)
    pos = a["y"] == 0
    deltas = []
    for _ in range(n):
        i = rng.integers(0, len(pos), len(pos))
        deltas.append(auroc(b["conf"][i], pos[i]) - auroc(a["conf"][i], pos[i]))
    d = np.array(deltas)
    return float(d.mean()), float(np.percentile(d, 2.5)), float(np.percentile(d, 97.5))


def make_feature_fn(
    head: LogisticRegression, head_input: HeadInput, mode: str
) -> Callable[..., dict[str, float]]:
    """build_claim_features plus the head's features on the same candidates."""

    def fn(claim, cos, texts, pairs=None):  # type: ignore[no-untyped-def]
        feats = build_claim_features(claim, cos, texts, pairs)
        if len(texts) == 0:
            feats.update(dict.fromkeys(JOINT_NAMES, 0.0))
            return feats
        idx = top_order(cos) if mode == "top3" else np.arange(len(texts))
        probs = head.predict_proba(head_input([claim] * len(idx), [texts[i] for i in idx]))
        feats.update(joint_features(probs, np.arange(len(idx), 0, -1, dtype=float), "all"))
        return feats

    return fn


def sentence_diagnostics(
    train: list[ClaimPair],
    dev: list[ClaimPair],
    corpus: dict[str, Abstract],
    embedder: CachedEmbedder,
    head_input: HeadInput,
    oof: np.ndarray,
    ys: np.ndarray,
    head: LogisticRegression,
) -> None:
    """Sentence level: does the head rank rationale sentences better than plain cosine?"""

    def cosines(pairs: list[ClaimPair]) -> np.ndarray:
        out: list[float] = []
        for p in pairs:
            vec = embedder.encode([p.claim])[0]
            out.extend((embedder.encode(list(corpus[p.doc_id].sentences)) @ vec).tolist())
        return np.array(out)

    is_rat = ys != LABEL_INDEX[NEI]
    print("sentence-level AUROC, rationale vs not (train: head out-of-fold):")
    print(
        f"  train: cosine {auroc(cosines(train), is_rat):.4f}  "
        f"head 1-P(NEI) {auroc(1 - oof[:, 2], is_rat):.4f}  "
        f"head P(sup) for SUPPORT rationale {auroc(oof[:, 0], ys == 0):.4f}"
    )
    dtexts, dys, _, _ = sentence_table(dev, corpus)
    dprobs = head.predict_proba(head_input(*split_pairs(dtexts)))
    d_rat = dys != LABEL_INDEX[NEI]
    print(
        f"  dev (diagnostic only): cosine {auroc(cosines(dev), d_rat):.4f}  "
        f"head 1-P(NEI) {auroc(1 - dprobs[:, 2], d_rat):.4f}  "
        f"head P(sup) for SUPPORT rationale {auroc(dprobs[:, 0], dys == 0):.4f}"
    )


def latency(
    raw: SentenceTransformerEmbedder,
    head: LogisticRegression,
    dev: list[ClaimPair],
    corpus: dict[str, Abstract],
    n_claims: int = 60,
    pair_encoder: TokenizerPairEncoder | None = None,
) -> dict[str, float]:
    """Uncached cost per claim: encode its top-3 (or all) joint pairs and run the head."""
    seen: dict[str, ClaimPair] = {}
    for p in dev:
        seen.setdefault(p.claim_id, p)
    sample = list(seen.values())[:n_claims]
    raw.encode(["warm up"])
    enc = raw.encode if pair_encoder is None else pair_encoder.encode
    out = {}
    for mode in ("top3", "all"):
        t0 = time.perf_counter()
        for p in sample:
            sents = list(corpus[p.doc_id].sentences)
            if mode == "top3":
                sents = sents[:TOP_N]
            joint = enc([pair_text(p.claim, s) for s in sents])
            if head.n_features_in_ > joint.shape[1]:  # residual input: the separate vectors
                joint = np.c_[joint, np.zeros((len(joint), 1))]  # exist in the verifier already
            head.predict_proba(joint)
        out[mode] = (time.perf_counter() - t0) / len(sample) * 1000
    t0 = time.perf_counter()
    for p in sample:
        raw.encode([p.claim])
    out["claim_only"] = (time.perf_counter() - t0) / len(sample) * 1000
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scifact", type=Path, default=DEFAULT_SCIFACT, help="SciFact folder")
    parser.add_argument(
        "--pair",
        choices=["sep", "tokenizer"],
        default="sep",
        help='joint input: one string with " [SEP] " (sentence-transformers encode) or the '
        "tokenizer's pair encoding with segment ids",
    )
    parser.add_argument(
        "--head-input",
        choices=["joint", "residual"],
        default="joint",
        help="head features: the joint embedding, or joint minus the mean of the separate "
        "claim and sentence embeddings plus their cosine",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    settings = load_settings()
    vs = settings.verify
    raw = SentenceTransformerEmbedder(vs.model, vs.device, vs.batch_size)
    embedder = CachedEmbedder(raw, settings.cache_dir("embeddings"))
    inner = raw if args.pair == "sep" else TokenizerPairEncoder(raw, vs.batch_size)
    pair_embedder = CachedEmbedder(inner, settings.cache_dir("joint-pairs"))
    head_input = HeadInput(args.head_input, pair_embedder, embedder)
    print(f"joint input: {args.pair}; head input: {args.head_input}")
    corpus = load_corpus(args.scifact)
    train = load_claim_pairs(args.scifact, "train")
    dev = load_claim_pairs(args.scifact, "dev")

    # 1. Joint embeddings of every train sentence pair (cached after the first run).
    t0 = time.perf_counter()
    texts, ys, owner, keep = sentence_table(train, corpus)
    xs = head_input(*split_pairs(texts))
    print(
        f"train sentence pairs: {len(texts)} ({keep.sum()} used to fit the head; "
        f"labels {np.bincount(ys[keep], minlength=3).tolist()}), "
        f"encoded in {time.perf_counter() - t0:.1f} s"
    )
    folds = np.array([fold_of(train[i].claim_id, N_FOLDS) for i in owner])

    # 2. Head C by train out-of-fold log loss on the kept rows.
    best_c, best_ll, oof = C_GRID[0], np.inf, None
    for c in C_GRID:
        probs = head_oof(xs, ys, keep, folds, c)
        ll = -np.mean(np.log(np.clip(probs[keep, ys[keep]], 1e-12, 1)))
        print(f"head C={c}: train OOF log loss {ll:.4f}")
        if ll < best_ll:
            best_c, best_ll, oof = c, ll, probs
    assert oof is not None
    head = fit_head(xs[keep], ys[keep], best_c)
    print(f"head: C={best_c}, {head.coef_.size + head.intercept_.size} parameters")
    sentence_diagnostics(train, dev, corpus, embedder, head_input, oof, ys, head)

    # 3. Stack: baseline refit and baseline + joint features; aggregation picked on train OOF.
    base_params = fit_stack(
        claim_rows(train, corpus, embedder, oof, owner, "top3"), train, FEATURE_NAMES
    )
    stacks = {}
    for mode in ("top3", "all"):
        rows = claim_rows(train, corpus, embedder, oof, owner, mode)
        stacks[mode] = fit_stack(rows, train, FEATURE_NAMES + JOINT_NAMES)
        print(f"stack ({mode}) train OOF: {stacks[mode]['train_oof']}")
    print(f"baseline refit train OOF: {base_params['train_oof']}")
    mode = min(stacks, key=lambda k: stacks[k]["train_oof"]["log_loss"])
    print(f"aggregation picked on train OOF log loss: {mode}")

    # 4. Dev, through the real verifier.
    results = {
        "baseline (packaged params.json)": dev_metrics(dev, corpus, embedder, vs),
        "baseline (refit in this run)": dev_metrics(dev, corpus, embedder, vs, base_params),
    }
    for agg in ("top3", "all"):
        tag = " [picked]" if agg == mode else " [not picked]"
        fn = make_feature_fn(head, head_input, agg)
        dev_metrics(dev, corpus, embedder, vs, stacks[agg], fn)  # warm the pair cache
        results[f"+ joint head ({agg}){tag}"] = dev_metrics(
            dev, corpus, embedder, vs, stacks[agg], fn
        )
    lat = latency(
        raw,
        head,
        dev,
        corpus,
        pair_encoder=inner if isinstance(inner, TokenizerPairEncoder) else None,
    )

    print(f"\nSciFact dev, {len(dev)} claim-abstract pairs, real verifier (fitted on train only)")
    print("| model | AUROC(supported) | AUROC(evidence) | macro-F1 | ECE | verify s (cached) |")
    print("|---|---|---|---|---|---|")
    for name, res in results.items():
        print(
            f"| {name} | {res['auroc_supported']:.4f} | {res['auroc_evidence']:.4f} | "
            f"{res['macro_f1']:.4f} | {res['ece']:.4f} | {res['seconds']:.1f} |"
        )
    ref = results["baseline (refit in this run)"]
    print(
        "\nPaired bootstrap of the AUROC(supported) change vs the refit baseline (1000 resamples):"
    )
    for name, res in results.items():
        if name.startswith("+"):
            d, lo, hi = paired_delta_ci(ref, res)
            print(f"| {name} | {d:+.4f} | 95% CI [{lo:+.4f}, {hi:+.4f}] |")
    print("\nAdded latency per claim (uncached, CPU, MiniLM pair encodings + head):")
    print(
        f"| top-3 pairs | {lat['top3']:.1f} ms |\n| all abstract sentences | {lat['all']:.1f} ms |"
    )
    print(f"| (reference: encoding the claim alone) | {lat['claim_only']:.1f} ms |")
    print("\nstack coefficients of the joint features (standardized, classes sup/con/nei):")
    for m, p in stacks.items():
        coef = np.array(p["classifier"]["coef"])[:, -len(JOINT_NAMES) :]
        print(f"  {m}: {np.round(coef, 3).tolist()}  (l2 {p['classifier']['l2']})")
    load_model.cache_clear()


if __name__ == "__main__":
    main()
