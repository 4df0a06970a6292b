"""The library stage: first-stage ranking over a corpus, built once and updated by content.

A hashed bag-of-words embedder stands in for MiniLM (texts sharing words are close), wrapped
in a counter, so each test sees exactly which texts were embedded. FAISS, BM25, SQLite and the
parse cache are the real ones; one real PDF joins the records where the real data is present.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from synth.library import Library, load_library, select_documents
from synth.records import Document, PaperRecord, ReportRequest
from synth.retrieve.local import scan_corpus
from synth.settings import Settings
from synth.vector_index import build_faiss
from tests.word_embedder import WordEmbedder

HINTON = "arxiv_1503.02531v1_distilling-knowledge-neural-network.pdf"

RECORDS = [
    {
        "id": "irrigation",
        "title": "Drip irrigation saves water in maize fields",
        "abstract": "Drip irrigation used 38% less water than furrow irrigation in maize fields. "
        "Maize yield under drip irrigation was 12% higher than under furrow irrigation.",
    },
    {
        "id": "coral",
        "title": "Ocean warming bleaches coral reefs",
        "abstract": "Reefs exposed to warmer water bleached twice as often as cooler reefs. "
        "Coral cover fell by 30% on reefs that bleached in two consecutive years.",
    },
    {
        "id": "sleep",
        "title": "Sleep deprivation impairs working memory",
        "abstract": "Participants deprived of sleep recalled 20% fewer items than rested ones. "
        "Working memory recovered after one night of normal sleep.",
    },
]
EXTRA = {
    "id": "bees",
    "title": "Neonicotinoid pesticides reduce bee colony growth",
    "abstract": "Colonies exposed to neonicotinoid pesticides grew 40% more slowly than control "
    "colonies. Queen production fell by 85% in exposed bee colonies.",
}


def _write(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    _write(folder / "papers.jsonl", RECORDS)
    return folder


def _settings(**library: object) -> Settings:
    return Settings.model_validate({"verify": {"method": "features"}, "library": library})


def _library(folder: Path, settings: Settings, embedder: WordEmbedder) -> Library:
    return load_library(scan_corpus([folder]), settings, embedder)


def test_first_stage_ranks_the_matching_document_first(corpus: Path, real_pdfs: Path) -> None:
    shutil.copy(real_pdfs / HINTON, corpus / HINTON)
    settings, embedder = _settings(candidates=2, cosine_margin=1.0), WordEmbedder(dim=128)
    scan = scan_corpus([corpus])
    water = select_documents(scan, "How much water does drip irrigation save?", settings, embedder)
    assert water.scan.records[0].id == "irrigation"
    assert len(water.scan.records) + len(water.scan.pdfs) == 2
    soft = select_documents(
        scan,
        "Do soft targets let a small student network distill the knowledge of an ensemble?",
        settings,
        embedder,
    )
    assert soft.scan.pdfs == [corpus / HINTON]
    assert soft.library_size == 4


def test_cosine_margin_sets_far_documents_aside(corpus: Path) -> None:
    settings = _settings(candidates=3, cosine_margin=0.05, always_read=0)
    embedder = WordEmbedder(dim=128)
    selection = select_documents(
        scan_corpus([corpus]), "Does sleep deprivation impair working memory?", settings, embedder
    )
    assert [r.id for r in selection.scan.records] == ["sleep"]
    aside = {doc.work.title: rel for doc, rel in selection.set_aside}
    assert set(aside) == {RECORDS[0]["title"], RECORDS[1]["title"]}
    assert all(not r.used and "first stage" in r.reason for r in aside.values())


def test_adding_a_file_embeds_only_that_file(corpus: Path) -> None:
    settings = _settings()
    _library(corpus, settings, WordEmbedder(dim=128))
    _write(corpus / "more.jsonl", [EXTRA])
    embedder = WordEmbedder(dim=128)
    library = _library(corpus, settings, embedder)
    assert embedder.seen == [f"{EXTRA['title']} {EXTRA['abstract']}"]
    assert library.index is not None and len(library.index) == 4


def test_removing_a_file_drops_it_without_embedding(corpus: Path) -> None:
    settings = _settings()
    _write(corpus / "more.jsonl", [EXTRA])
    before = _library(corpus, settings, WordEmbedder(dim=128))
    (corpus / "more.jsonl").unlink()
    embedder = WordEmbedder(dim=128)
    after = _library(corpus, settings, embedder)
    assert before.index is not None and after.index is not None
    assert embedder.seen == []
    assert len(after.index) == 3
    assert set(after.index.keys) < set(before.index.keys)
    selection = select_documents(
        scan_corpus([corpus]), "Do pesticides reduce bee colony growth?", settings, embedder
    )
    assert "bees" not in [r.id for r in selection.scan.records]


def test_rebuild_is_a_cache_hit(
    corpus: Path, real_pdfs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import synth.library.select as select
    import synth.parse.cache as parse_cache

    shutil.copy(real_pdfs / HINTON, corpus / HINTON)
    settings = _settings()
    first = _library(corpus, settings, WordEmbedder(dim=128))
    assert first.parsed == 1 and first.index is not None

    def no_parse(*_args: object) -> object:
        raise AssertionError("parsed again")

    def no_build(*_args: object) -> object:
        raise AssertionError("index built again")

    monkeypatch.setattr(parse_cache, "parse_pdf", no_parse)
    monkeypatch.setattr(select, "build_index", no_build)
    embedder = WordEmbedder(dim=128)
    again = _library(corpus, settings, embedder)
    assert embedder.seen == [] and again.parsed == 0
    assert again.index is not None and again.index.keys == first.index.keys
    assert again.index.kind == "flat"


def test_unreadable_pdf_is_a_failure_recorded_once(corpus: Path) -> None:
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    settings = _settings()
    first = _library(corpus, settings, WordEmbedder(dim=128))
    again = _library(corpus, settings, WordEmbedder(dim=128))
    for library in (first, again):
        assert [Path(f.input).name for f in library.failures] == ["broken.pdf"]
        assert library.index is not None and len(library.index) == 3


def test_index_kind_is_flat_up_to_the_threshold() -> None:
    vecs = np.eye(4, dtype=np.float32)
    assert type(build_faiss(vecs, exact_max=4)).__name__ == "IndexFlatIP"
    assert type(build_faiss(vecs, exact_max=3)).__name__ == "IndexHNSWFlat"


def test_only_candidates_are_parsed_and_embedded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import synth.parse.record as record_module
    from synth.embed import CachedEmbedder
    from synth.pipeline import run_report

    filler = [
        {"id": f"f{i}", "title": f"Survey number {i} of {topic}", "abstract": f"We review {topic}."}
        for i, topic in enumerate(["volcanoes", "glaciers", "deserts", "tides", "comets"] * 4)
    ]
    path = _write(tmp_path / "big.jsonl", [*RECORDS, EXTRA, *filler])
    parsed: list[str | None] = []
    real_parse = record_module.parse_record

    def counting_parse(record: PaperRecord, origin: str) -> Document:
        parsed.append(record.id)
        return real_parse(record, origin)

    monkeypatch.setattr(record_module, "parse_record", counting_parse)
    # One document read whatever its cosine (the best); the filler shortlisted after it is not.
    settings = _settings(candidates=3, always_read=1)
    inner = WordEmbedder(dim=128)
    embedder = CachedEmbedder(inner, settings.cache_dir("embeddings"))
    request = ReportRequest(
        question="How much water does drip irrigation save in maize fields?",
        corpus=[path],
        out_dir=tmp_path / "reports",
    )
    run_report(request, settings, embedder=embedder)
    assert "irrigation" in parsed and len(parsed) <= 3
    sentences = [s for s in inner.seen if s.startswith("We review")]
    # The filler abstracts were embedded once, as documents (title first), never as sentences.
    assert sentences == []
    manifest = json.loads(next((tmp_path / "reports").rglob("manifest.json")).read_text())
    assert len(manifest["sources"]) <= 3


def test_new_pdfs_are_parsed_in_a_pool_in_order(tmp_path: Path) -> None:
    from synth.errors import ParseError
    from synth.parse.cache import load_documents
    from synth.settings import ParseSettings
    from tests.pdf_factory import build_pdf, sample_paper

    good = tmp_path / "paper.pdf"
    good.write_bytes(build_pdf(sample_paper()))
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 truncated")
    cache = tmp_path / "parsed"
    cache.mkdir()
    docs = load_documents([bad, good], ParseSettings(), cache, workers=2)
    assert isinstance(docs[0], ParseError) and not isinstance(docs[1], ParseError)
    assert len(list(cache.glob("*.json"))) == 1  # written by the worker, read from now on
    again = load_documents([good], ParseSettings(), cache, workers=2)
    assert [d.doc_id for d in again if not isinstance(d, ParseError)] == [docs[1].doc_id]


def test_the_pool_returns_documents_in_the_callers_order_whatever_their_length(
    tmp_path: Path,
) -> None:
    # The pool parses the longest PDF first (it would otherwise run alone at the end); the
    # documents still come back in the order asked.
    from synth.errors import ParseError
    from synth.parse.cache import load_documents
    from synth.settings import ParseSettings
    from tests.pdf_factory import build_pdf, sample_paper

    paper = sample_paper()
    paths = []
    for name, pages in (("short", paper[:1]), ("mid", paper), ("long", paper * 3)):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(build_pdf(pages, {"Title": name}))
        paths.append(path)
    cache = tmp_path / "parsed"
    cache.mkdir()
    docs = load_documents(paths, ParseSettings(), cache, workers=2)
    assert not any(isinstance(d, ParseError) for d in docs)
    pages = [max(p.page for p in d.passages) for d in docs]  # type: ignore[union-attr]
    assert pages[0] < pages[1] < pages[2]


def test_an_entry_another_version_wrote_is_read_again(corpus: Path, real_pdfs: Path) -> None:
    import sqlite3

    shutil.copy(real_pdfs / HINTON, corpus / HINTON)
    settings = _settings()
    first = _library(corpus, settings, WordEmbedder(dim=128))
    assert first.parsed == 1
    # A newer synth sharing the home stored the entry with a field this version does not know.
    db = sqlite3.connect(settings.cache_dir("library") / "entries.sqlite")
    with db:
        for key, raw in db.execute("SELECT key, json FROM entry").fetchall():
            row = {**json.loads(raw), "version": "library-2"}
            db.execute("UPDATE entry SET json = ? WHERE key = ?", (json.dumps(row), key))
    db.close()
    again = _library(corpus, settings, WordEmbedder(dim=128))
    assert again.parsed == 1 and again.failures == []
    assert again.index is not None and again.index.keys == first.index.keys
    # the row was replaced, so a third run is a cache hit
    assert _library(corpus, settings, WordEmbedder(dim=128)).parsed == 0


class _Interrupted(Exception):
    """Stands in for a build stopped midway (killed, out of memory)."""


class _ChunkRecorder(WordEmbedder):
    """A WordEmbedder that records each call's size and can stop the build at a given call."""

    def __init__(self, stop_at_call: int = 0) -> None:
        super().__init__(dim=64)
        self.calls: list[int] = []
        self._stop_at = stop_at_call

    def encode(self, texts: list[str]) -> np.ndarray:
        """Record the call, then embed (or stop the build at the chosen call)."""
        self.calls.append(len(texts))
        if len(self.calls) == self._stop_at:
            raise _Interrupted
        return super().encode(texts)


def test_new_vectors_are_embedded_and_stored_a_chunk_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import synth.library.select as select

    monkeypatch.setattr(select, "EMBED_CHUNK", 4)
    records = [
        {"id": f"r{i}", "title": f"Study {i} of topic {i}", "abstract": "finding " * (i + 1)}
        for i in range(10)
    ]
    path = _write(tmp_path / "many.jsonl", records)
    settings = _settings()
    stopped = _ChunkRecorder(stop_at_call=2)
    with pytest.raises(_Interrupted):
        load_library(scan_corpus([path]), settings, stopped)
    assert stopped.calls == [4, 4]
    first_chunk = set(stopped.seen)
    # The stopped build stored its first chunk: the next one embeds only the other six.
    embedder = _ChunkRecorder()
    library = load_library(scan_corpus([path]), settings, embedder)
    assert embedder.calls == [4, 2]
    assert not first_chunk & set(embedder.seen)
    assert library.embedded == 6
    assert library.index is not None and len(library.index) == 10


def test_the_best_ranked_documents_are_read_whatever_their_cosine(corpus: Path) -> None:
    question = "Does sleep deprivation impair working memory?"
    scan = scan_corpus([corpus])
    embedder = WordEmbedder(dim=128)
    one = select_documents(
        scan, question, _settings(candidates=3, cosine_margin=0.0, always_read=1), embedder
    )
    assert [r.id for r in one.scan.records] == ["sleep"]
    three = select_documents(
        scan, question, _settings(candidates=3, cosine_margin=0.0, always_read=3), embedder
    )
    assert len(three.scan.records) == 3 and not three.set_aside
