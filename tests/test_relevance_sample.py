"""Relevance reads a long body through a sample first, and in full only where a source may pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from synth.embed import CachedEmbedder
from synth.extract.relevance import (
    BODY_K,
    BODY_SAMPLE,
    HEAD_K,
    FirstPass,
    body_passages,
    relevance_sample,
    relevance_texts,
    score_relevance,
)
from synth.records import Document, ReportRequest
from synth.settings import ExtractSettings, load_settings
from tests.doc_factory import make_document

QUESTION = (
    "Can knowledge distillation transfer the accuracy of a large teacher network to a small "
    "student network?"
)
KD_ABSTRACT = [
    "We distill a large teacher network into a small student network with soft targets.",
    "The student keeps most of the teacher's accuracy at a tenth of its size.",
]
KD_FINDINGS = [
    "Knowledge distillation transfers 96% of the teacher network's accuracy to the student.",
    "A student network trained on soft targets beats one trained on hard labels by 3 points.",
]
SOIL_ABSTRACT = [
    "We measure soil moisture at three depths in irrigated maize fields.",
    "Drip irrigation saves water compared with furrow irrigation.",
]


def _filler(topic: str, n: int) -> list[str]:
    return [
        f"Plot {i} of the {topic} survey was sampled on day {i + 3} of the season."
        for i in range(n)
    ]


def _long_kd() -> Document:
    # The findings sit at the end, past the first BODY_SAMPLE sentences: only a sample chosen
    # by the question's words (not the first sentences) finds them.
    body = _filler("field", 90) + KD_FINDINGS
    return make_document(
        "Knowledge distillation from large teachers to small students",
        [("abstract", KD_ABSTRACT), ("results", body)],
    )


def _long_soil() -> Document:
    return make_document(
        "Soil moisture dynamics under irrigated maize",
        [("abstract", SOIL_ABSTRACT), ("results", _filler("soil", 100))],
    )


class _Counting:
    """An embedder that records every text it is asked to encode."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seen: list[str] = []

    @property
    def name(self) -> str:
        return str(self.inner.name)

    @property
    def dim(self) -> int:
        return int(self.inner.dim)

    def encode(self, texts: list[str]) -> np.ndarray:
        self.seen += texts
        return np.asarray(self.inner.encode(texts))


def test_a_short_body_is_its_own_sample() -> None:
    doc = make_document("Short", [("abstract", KD_ABSTRACT), ("results", KD_FINDINGS)])
    assert relevance_sample(QUESTION, doc) == body_passages(doc)


def test_the_sample_finds_the_sentences_with_the_question_words() -> None:
    doc = _long_kd()
    sample = relevance_sample(QUESTION, doc)
    texts = [p.text for p in sample]
    assert len(body_passages(doc)) > BODY_SAMPLE
    assert len(sample) <= BODY_SAMPLE + len(KD_ABSTRACT)
    assert set(KD_FINDINGS) <= set(texts)
    assert set(KD_ABSTRACT) <= set(texts)
    assert [p.idx for p in sample] == sorted(p.idx for p in sample)  # document order
    assert relevance_sample(QUESTION, doc) == sample  # ties broken the same way every time


def test_a_source_that_cannot_pass_costs_its_sample_only(embedder: Any) -> None:
    kd, soil = _long_kd(), _long_soil()
    counting = _Counting(embedder)
    rel = score_relevance(QUESTION, [kd, soil], counting, ExtractSettings())
    assert rel[0].used and not rel[1].used
    seen = set(counting.seen)
    sample = {p.text for p in relevance_sample(QUESTION, soil)}
    unsampled = {p.text for p in body_passages(soil)} - sample
    assert unsampled and not unsampled & seen
    assert {p.text for p in body_passages(kd)} <= seen  # a passing source is read in full
    first = FirstPass(QUESTION, [kd, soil], counting)
    assert [[kd, soil][i].doc_id for i in first.contenders(ExtractSettings())] == [kd.doc_id]


def test_a_source_read_in_full_scores_on_its_whole_body(embedder: Any) -> None:
    kd, soil = _long_kd(), _long_soil()
    rel = score_relevance(QUESTION, [kd, soil], embedder, ExtractSettings())
    q = embedder.encode([QUESTION])[0]
    head = np.sort(embedder.encode([kd.work.title, *KD_ABSTRACT]) @ q)[::-1][:HEAD_K]
    body = np.sort(embedder.encode([p.text for p in body_passages(kd)]) @ q)[::-1][:BODY_K]
    assert rel[0].dense == pytest.approx(0.5 * head.mean() + 0.5 * body.mean(), abs=1e-4)


def test_relevance_texts_are_what_a_first_pass_embeds(embedder: Any) -> None:
    kd, soil = _long_kd(), _long_soil()
    counting = _Counting(embedder)
    samples = [relevance_sample(QUESTION, d) for d in (kd, soil)]
    texts = relevance_texts(QUESTION, [kd, soil], samples)
    cached = CachedEmbedder(counting, load_settings().cache_dir("embeddings"))
    cached.encode(texts)
    before = len(counting.seen)
    # Nothing the soil paper needs is left to embed; the kd paper's body is read in full.
    first = FirstPass(QUESTION, [kd, soil], cached, samples)
    assert first.contenders(ExtractSettings()) == [0]
    assert len(counting.seen) == before
    score_relevance(QUESTION, [soil], cached, ExtractSettings())
    assert len(counting.seen) == before
    cached.close()


class _Recorder:
    """A Progress that keeps the counted stages and their counts."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, int | None]] = []
        self.counts: dict[int, int] = {}

    def stage(self, name: str, total: int | None = None) -> None:
        self.stages.append((name, total))

    def advance(self, count: int = 1) -> None:
        i = len(self.stages) - 1
        self.counts[i] = self.counts.get(i, 0) + count

    def warn(self, message: str) -> None:
        """Warnings are not what this test is about."""


def _record(doc_id: str, title: str, abstract: list[str], body: list[str]) -> dict[str, Any]:
    text = "Abstract\n" + " ".join(abstract) + "\n3 Results\n" + " ".join(body) + "\n"
    return {"id": doc_id, "title": title, "authors": ["Ada Lovelace"], "year": 2020, "text": text}


def test_a_report_embeds_samples_and_passing_bodies_only(tmp_path: Path, embedder: Any) -> None:
    from synth.pipeline import run_report

    soil_body = _filler("soil", 100)
    records = [
        _record("kd", "Knowledge distillation to small students", KD_ABSTRACT, KD_FINDINGS),
        _record("soil", "Soil moisture dynamics under irrigated maize", SOIL_ABSTRACT, soil_body),
    ]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    # The library's first stage reads both (no cosine margin): the soil paper reaches relevance.
    settings = load_settings(overrides={"library": {"cosine_margin": 1.0}})
    counting = _Counting(embedder)
    cached = CachedEmbedder(counting, settings.cache_dir("embeddings"))
    progress = _Recorder()
    request = ReportRequest(question=QUESTION, corpus=[corpus], out_dir=tmp_path / "out")
    try:
        outcome = run_report(request, settings, embedder=cached, progress=progress)
    finally:
        cached.close()
    assert outcome.sources_used == 1
    embeds = [i for i, (name, _) in enumerate(progress.stages) if name == "embed"]
    assert embeds
    for i in embeds:  # every counted embed step counts up to its total
        assert progress.counts.get(i, 0) == progress.stages[i][1]
    assert outcome.sources_found == 2
    assert not any("first stage" in r["reason"] for r in outcome.relevance)  # both were read
    seen = set(counting.seen)
    unread = [s for s in soil_body if s not in seen]
    assert len(unread) >= len(soil_body) - BODY_SAMPLE
    assert set(KD_FINDINGS) <= seen
