"""SciFact loaders for the verifier's fit script and benchmark (never used by the pipeline)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from synth.embed import Embedder
from synth.records import Claim, Document, Passage, Retrieval, Verdict, Work, standalone_claim
from synth.settings import VerifySettings
from synth.verify.score import FittedModel, build_claim_features
from synth.verify.verifier import verify_claims

_EPOCH = datetime(2020, 1, 1, tzinfo=timezone.utc)  # SciFact records carry no retrieval time

# Labels of a claim against one cited abstract, as the classifier sees them.
SUPPORT, CONTRADICT, NEI = "SUPPORT", "CONTRADICT", "NEI"


@dataclass(frozen=True)
class Abstract:
    """One SciFact corpus entry: a title and its abstract split into sentences."""

    doc_id: str
    title: str
    sentences: tuple[str, ...]

    @property
    def text(self) -> str:
        """Title and abstract as one string (what dense and lexical retrieval index)."""
        return " ".join((self.title, *self.sentences))


@dataclass(frozen=True)
class ClaimPair:
    """A claim, one abstract it cites, the label for that pair and its rationale sentences."""

    claim_id: str
    claim: str
    doc_id: str
    label: str
    rationale: tuple[int, ...]


def load_corpus(root: Path) -> dict[str, Abstract]:
    """Read the corpus, which is stored in several ``corpus*.jsonl`` parts."""
    corpus: dict[str, Abstract] = {}
    parts = sorted(root.glob("corpus*.jsonl"))
    for part in parts:
        with part.open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                sents = tuple(s.strip() for s in row["abstract"] if s.strip())
                doc_id = str(row["doc_id"])
                corpus[doc_id] = Abstract(doc_id, row["title"].strip(), sents)
    return corpus


def load_claim_pairs(root: Path, split: str) -> list[ClaimPair]:
    """One ClaimPair per (claim, cited abstract) in ``claims_<split>.jsonl``."""
    pairs: list[ClaimPair] = []
    with (root / f"claims_{split}.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            for doc in row.get("cited_doc_ids", []):
                sets = row.get("evidence", {}).get(str(doc), [])
                label = sets[0]["label"] if sets else NEI
                rationale = tuple(sorted({i for s in sets for i in s["sentences"]}))
                pairs.append(ClaimPair(str(row["id"]), row["claim"], str(doc), label, rationale))
    return pairs


def load_beir_queries(root: Path) -> dict[str, str]:
    """BEIR query id -> claim text."""
    out: dict[str, str] = {}
    with (root / "beir" / "queries.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            out[str(row["_id"])] = row["text"]
    return out


def load_qrels(root: Path, split: str) -> dict[str, dict[str, int]]:
    """BEIR qrels: query id -> {doc id: relevance}."""
    qrels: dict[str, dict[str, int]] = {}
    with (root / "beir" / "qrels" / f"{split}.tsv").open(encoding="utf-8") as fh:
        next(fh)  # header row
        for line in fh:
            qid, did, score = line.split()
            qrels.setdefault(qid, {})[did] = int(score)
    return qrels


LABEL_INDEX = {SUPPORT: 0, CONTRADICT: 1, NEI: 2}  # order of score.CLASSES


def pair_features_rows(
    pairs: list[ClaimPair], corpus: dict[str, Abstract], embedder: Embedder
) -> list[dict[str, float]]:
    """Claim-level features of each claim against the sentences of its cited abstract.

    The same features the verifier computes when one abstract is the only document (all its
    sentences are then candidates), so a model fitted on these serves ``verify_claims``.
    """
    claim_vecs = embedder.encode([p.claim for p in pairs])
    rows = []
    for pair, vec in zip(pairs, claim_vecs, strict=True):
        texts = list(corpus[pair.doc_id].sentences)
        cos = embedder.encode(texts) @ vec
        rows.append(build_claim_features(pair.claim, cos.astype(np.float64), texts))
    return rows


def to_document(abstract: Abstract) -> Document:
    """A SciFact abstract as a synth Document: the title, then one passage per sentence."""
    parts, passages, pos = [], [], 0
    for idx, (text, kind) in enumerate(
        [(abstract.title, "title"), *((s, "abstract") for s in abstract.sentences)]
    ):
        passages.append(
            Passage(
                idx=idx,
                text=text,
                page=1,
                section=kind,
                section_kind=kind,
                char_start=pos,
                char_end=pos + len(text),
            )
        )
        parts.append(text)
        pos += len(text) + 1
    retrieval = Retrieval(
        service="local", url=f"scifact:{abstract.doc_id}", retrieved_at=_EPOCH, sha256=""
    )
    return Document(
        doc_id=f"scifact-{abstract.doc_id}",
        work=Work(title=abstract.title, doi=None, arxiv_id=None),
        text_level="abstract",
        retrieval=retrieval,
        text=" ".join(parts),
        passages=passages,
        page_count=1,
    )


def verify_pairs(
    pairs: list[ClaimPair],
    corpus: dict[str, Abstract],
    embedder: Embedder,
    settings: VerifySettings,
    cache_dir: Path,
    stack: FittedModel | str | None = None,
) -> list[Verdict]:
    """Run the real verifier on each claim against its cited abstract only (in input order)."""
    by_doc: dict[str, list[int]] = {}
    for i, pair in enumerate(pairs):
        by_doc.setdefault(pair.doc_id, []).append(i)
    out: dict[int, Verdict] = {}
    for doc_id, idxs in by_doc.items():
        claims = [_claim(pairs[i], i) for i in idxs]
        doc = to_document(corpus[doc_id])
        for i, verdict in zip(
            idxs, verify_claims(claims, [doc], embedder, settings, cache_dir, stack), strict=True
        ):
            out[i] = verdict
    return [out[i] for i in range(len(pairs))]


def _claim(pair: ClaimPair, i: int) -> Claim:
    # The claim is not a sentence of the abstract: its doc_id names the claim set instead.
    return standalone_claim(f"P{i}", pair.claim, f"scifact-claim-{pair.claim_id}", "claim")
