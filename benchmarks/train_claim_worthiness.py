"""Fit the claim-worthiness model (finding vs background or method) from SciFact's section labels.

Weak supervision, no hand labels:

* SciFact's *structured* abstracts open each part with a label ("BACKGROUND ...", "RESULTS ...");
  the sentences after it belong to that part until the next label. RESULTS / CONCLUSIONS /
  FINDINGS / INTERPRETATION sentences state findings (1); BACKGROUND / INTRODUCTION /
  OBJECTIVE / AIM / METHODS / DESIGN / SETTING / PARTICIPANTS ... sentences do not (0).
  Mixed or unrelated parts ("METHODS AND RESULTS", "FUNDING") are skipped.
* The rationale sentences of ``claims_train.jsonl`` are findings (1).

The label words are stripped from the sentence text. The abstracts of the benchmark sub-corpus
(``tests/data/question_set.jsonl``) are left out, so the thresholds chosen on those questions are
not chosen on training data. 20 % of the abstracts (sha256 of the doc id) are held out; the
classes are balanced by down-sampling the larger one in each split, and the training split is
capped. Features: the packaged MiniLM sentence embedding (cached on disk) and
``synth.extract.cues.worthiness_features``: the cue counts of ``count_cues``, a few discourse
cues (present perfect, "we", past passive, modal, purpose clause, "is/are"), each capped at 3,
and three 0/1 flags (background truism, definition, set-up phrasing). Model: L2 logistic regression (scikit-learn),
its C picked by 5-fold cross-validation on the training split. Writes
``data/extract/claim_worthiness.json`` atomically.

    SYNTH_HOME=/tmp/synth-bench-home HF_HUB_OFFLINE=1 \\
        python benchmarks/train_claim_worthiness.py [--max-train 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SCIFACT = REPO.parent / "shared" / "realdata" / "scifact"
QUESTIONS = REPO / "tests" / "data" / "question_set.jsonl"
OUT = REPO / "data" / "extract" / "claim_worthiness.json"
SEED = 13

FINDING_PARTS = frozenset(
    {
        "RESULTS", "RESULT", "MAIN RESULTS", "FINDINGS", "RECENT FINDINGS", "CONCLUSIONS",
        "CONCLUSION", "CONCLUSIONS AND RELEVANCE", "CONCLUSIONS/SIGNIFICANCE", "INTERPRETATION",
        "MEASUREMENTS AND MAIN RESULTS",
    }
)  # fmt: skip
OTHER_PARTS = frozenset(
    {
        "BACKGROUND", "INTRODUCTION", "CONTEXT", "IMPORTANCE", "RATIONALE", "MOTIVATION",
        "OBJECTIVE", "OBJECTIVES", "AIM", "AIMS", "PURPOSE", "PURPOSE OF REVIEW",
        "BACKGROUND & AIMS", "BACKGROUND AND AIMS", "BACKGROUND AND PURPOSE", "METHODS", "METHOD",
        "MATERIALS AND METHODS", "PATIENTS AND METHODS", "DESIGN", "STUDY DESIGN",
        "EXPERIMENTAL DESIGN", "DESIGN AND SETTING", "DESIGN AND METHODS",
        "RESEARCH DESIGN AND METHODS", "DESIGN, SETTING, AND PARTICIPANTS",
        "DESIGN, SETTING, AND PATIENTS", "SETTING", "PARTICIPANTS", "PATIENTS", "SUBJECTS",
        "INTERVENTION", "INTERVENTIONS", "EXPOSURES", "MAIN OUTCOME MEASURE",
        "MAIN OUTCOME MEASURES", "MAIN OUTCOMES AND MEASURES", "OUTCOME MEASURES", "DATA SOURCES",
        "STUDY SELECTION", "DATA EXTRACTION", "SELECTION CRITERIA", "SEARCH STRATEGY",
        "DATA COLLECTION AND ANALYSIS",
    }
)  # fmt: skip
# Parts that mix findings with set-up: skipped (listed so that "METHODS" does not match them).
MIXED_PARTS = frozenset(
    {
        "METHODS AND RESULTS", "METHODS AND FINDINGS", "METHODOLOGY/PRINCIPAL FINDINGS",
        "RESULTS AND CONCLUSIONS", "RESULTS AND DISCUSSION", "BACKGROUND AND RESULTS",
        "PRINCIPAL FINDINGS", "DATA SYNTHESIS", "SUMMARY", "DISCUSSION",
    }
)  # fmt: skip
_KNOWN = sorted(FINDING_PARTS | OTHER_PARTS | MIXED_PARTS, key=len, reverse=True)
# Any other part label ("FUNDING", "TRIAL REGISTRATION", "METHODS AND RESULTS"): upper-case words
# opening the sentence, then a capitalised word. Such parts are skipped.
_OTHER_LABEL = re.compile(r"^[A-Z][A-Z&/,-]{3,}(?:\s+[A-Z&][A-Z&/,-]*)*\s+(?=[A-Z0-9])")


def _benchmark_ids() -> set[str]:
    ids: set[str] = set()
    for line in QUESTIONS.read_text().splitlines():
        q = json.loads(line) if line.strip() else {}
        if q.get("corpus") == "scifact":
            ids.update(q["relevant"] + q["ambiguous"] + q["irrelevant"])
    return ids


def split_label(sentence: str) -> tuple[str | None, str]:
    """(part label or None, the sentence without it)."""
    for label in _KNOWN:
        if sentence.startswith(label) and sentence[len(label) : len(label) + 1].isspace():
            return label, sentence[len(label) :].strip()
    match = _OTHER_LABEL.match(sentence)
    # Acronyms open sentences too ("HIV infection ..."): a short one is not a label.
    if match and len(match.group(0).strip()) >= 6:
        return match.group(0).strip(), sentence[match.end() :].strip()
    return None, sentence.strip()


def label_abstract(sentences: list[str]) -> list[tuple[str, int]]:
    """(text, 1 finding / 0 other) for the sentences of a structured abstract's known parts."""
    out: list[tuple[str, int]] = []
    part: str | None = None
    for raw in sentences:
        label, text = split_label(raw)
        if label is not None:
            part = label
        if part in FINDING_PARTS:
            out.append((text, 1))
        elif part in OTHER_PARTS:
            out.append((text, 0))
    return out


def _bucket(doc_id: str) -> int:
    return int(hashlib.sha256(doc_id.encode()).hexdigest(), 16) % 5


def build_dataset() -> list[dict[str, Any]]:
    """Every labelled sentence: doc id, text, label, held-out flag (benchmark abstracts left out)."""
    skip = _benchmark_ids()
    corpus = {}
    for part in sorted(SCIFACT.glob("corpus*.jsonl")):
        for line in part.read_text().splitlines():
            row = json.loads(line)
            corpus[str(row["doc_id"])] = row
    seen: set[tuple[str, str]] = set()
    rows: list[dict[str, Any]] = []

    def add(doc_id: str, text: str, label: int) -> None:
        if doc_id in skip or len(text) < 30 or (doc_id, text) in seen:
            return
        seen.add((doc_id, text))
        rows.append({"doc": doc_id, "text": text, "label": label, "test": _bucket(doc_id) == 0})

    for doc_id, row in corpus.items():
        if row.get("structured"):
            for text, label in label_abstract(row["abstract"]):
                add(doc_id, text, label)
    for line in (SCIFACT / "claims_train.jsonl").read_text().splitlines():
        claim = json.loads(line)
        for doc_id, sets in claim["evidence"].items():
            for evidence in sets:
                for i in evidence["sentences"]:
                    add(doc_id, split_label(corpus[doc_id]["abstract"][i])[1], 1)
    return rows


def balance(rows: list[dict[str, Any]], cap: int, rng: random.Random) -> list[dict[str, Any]]:
    """Equal numbers of each class, at most ``cap`` in all, in a fixed shuffled order."""
    pos = [r for r in rows if r["label"] == 1]
    neg = [r for r in rows if r["label"] == 0]
    n = min(len(pos), len(neg), cap // 2)
    picked = rng.sample(pos, n) + rng.sample(neg, n)
    rng.shuffle(picked)
    return picked


def features(texts: list[str], embedder: Any) -> np.ndarray:
    """[embedding, capped cue counts] per sentence (the same features claims.py computes)."""
    from synth.extract.cues import WORTHINESS_FEATURES, worthiness_features

    vecs = np.asarray(embedder.encode(texts), dtype=np.float64)
    extra = [worthiness_features(t) for t in texts]
    return np.hstack(
        [vecs, np.array(extra, dtype=np.float64).reshape(-1, len(WORTHINESS_FEATURES))]
    )


def fit(x: np.ndarray, y: np.ndarray) -> tuple[Any, float]:
    """L2 logistic regression, C by 5-fold cross-validated log loss."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV

    search = GridSearchCV(
        LogisticRegression(max_iter=2000),
        {"C": [0.1, 0.3, 1.0, 3.0, 10.0]},
        cv=5,
        scoring="neg_log_loss",
    )
    search.fit(x, y)
    return search.best_estimator_, float(search.best_params_["C"])


def write_atomic(path: Path, payload: dict[str, Any]) -> None:
    """Write JSON to a temporary file beside ``path`` and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".claim_worthiness.", suffix=".tmp")
    with os.fdopen(fd, "w") as out:
        json.dump(payload, out, indent=1)
        out.write("\n")
    os.chmod(tmp, 0o644)  # mkstemp makes it private; the file ships in the wheel
    os.replace(tmp, path)


def main() -> None:
    """Build the dataset, fit, report held-out metrics, write the weights."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-train", type=int, default=10000)
    parser.add_argument("--max-test", type=int, default=2400)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    from sklearn.metrics import accuracy_score, roc_auc_score

    from synth.embed import build_embedder
    from synth.extract.cues import CUE_CAP, WORTHINESS_FEATURES
    from synth.settings import load_settings

    rng = random.Random(SEED)
    rows = build_dataset()
    train = balance([r for r in rows if not r["test"]], args.max_train, rng)
    test = balance([r for r in rows if r["test"]], args.max_test, rng)
    print(f"labelled sentences {len(rows)} (findings {sum(r['label'] for r in rows)})")
    print(f"train {len(train)}, held out {len(test)} (balanced)")
    settings = load_settings()
    embedder = build_embedder(settings)
    x_train = features([r["text"] for r in train], embedder)
    x_test = features([r["text"] for r in test], embedder)
    embedder.close()
    y_train = np.array([r["label"] for r in train])
    y_test = np.array([r["label"] for r in test])
    model, c = fit(x_train, y_train)
    prob = model.predict_proba(x_test)[:, 1]
    metrics = {
        "accuracy": round(float(accuracy_score(y_test, prob >= 0.5)), 4),
        "auroc": round(float(roc_auc_score(y_test, prob)), 4),
    }
    print(f"C={c}  held-out accuracy {metrics['accuracy']:.3f}  AUROC {metrics['auroc']:.3f}")
    dim = x_train.shape[1] - len(WORTHINESS_FEATURES)
    payload = {
        "model": settings.verify.model,
        "features": [f"emb{i}" for i in range(dim)] + list(WORTHINESS_FEATURES),
        "cue_cap": CUE_CAP,
        "intercept": round(float(model.intercept_[0]), 6),
        "weights": [round(float(w), 6) for w in model.coef_[0]],
        "l2_c": c,
        "counts": {
            "train": len(train),
            "train_findings": int(y_train.sum()),
            "held_out": len(test),
            "held_out_findings": int(y_test.sum()),
            "labelled_sentences": len(rows),
        },
        "held_out": metrics,
        "date": dt.date.today().isoformat(),
        "command": "python benchmarks/train_claim_worthiness.py " + " ".join(sys.argv[1:]),
        "source": "SciFact structured-abstract part labels and claims_train rationales; "
        "abstracts of tests/data/question_set.jsonl left out; 20% held out by sha256(doc_id)",
    }
    write_atomic(args.out, payload)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
