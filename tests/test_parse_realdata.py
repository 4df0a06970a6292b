"""parse_pdf on the real papers in ../shared/realdata/pdfs (skipped when the folder is absent).

Each PDF is parsed at most once per test session. The default run reads four papers; the
``slow`` tests read all eleven and check the quality bar on every passage.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest

from synth.parse.pdf import parse_pdf
from synth.parse.sentences import is_prose
from synth.records import NON_CLAIM_SECTIONS, Document
from synth.settings import ParseSettings

HINTON = "arxiv_1503.02531v1_distilling-knowledge-neural-network.pdf"
BERT = "arxiv_1810.04805v2_bert.pdf"
TOKENIZER = "arxiv_2601.14658v1_tokenizer-betrays-reasoning-llms.pdf"
MOLECULAR = "doi_10.1021_acs.jctc.2c01235_explanations-molecular-prediction.pdf"

_STAMP = re.compile(r"arXiv:\d{4}\.\d{4,5}v\d+\s*\[")
_BROKEN_WORD = re.compile(r"\b[a-z]{2,}- [a-z]{2,}\b")
_EMAIL = re.compile(r"\S+@[\w-]+\.[a-z]{2,}")
_REFERENCE_ENTRY = re.compile(r"^\[\d+\]\s+[A-Z]|\bIn Proceedings of\b|\bpp\. \d+")


@pytest.fixture(scope="session")
def parsed(real_pdfs: Path) -> Callable[[str], Document]:
    """Parse a real PDF by file name, once per session."""
    memo: dict[str, Document] = {}

    def get(name: str) -> Document:
        if name not in memo:
            memo[name] = parse_pdf(real_pdfs / name, ParseSettings())
        return memo[name]

    return get


def _all_names(real_pdfs: Path) -> list[str]:
    return sorted(p.name for p in real_pdfs.glob("*.pdf"))


def test_hinton_metadata_and_sections(parsed: Callable[[str], Document]) -> None:
    doc = parsed(HINTON)
    assert "Distilling the Knowledge" in doc.work.title
    assert doc.work.arxiv_id == "1503.02531v1"
    assert doc.work.year == 2015
    assert doc.work.authors == ["Geoffrey Hinton", "Oriol Vinyals", "Jeff Dean"]
    kinds = {s.kind for s in doc.sections}
    assert {"title", "front", "abstract", "introduction", "references"} <= kinds
    abstract = [p.text for p in doc.passages if p.section_kind == "abstract"]
    assert abstract[0].startswith("A very simple way to improve the performance")


def test_hinton_text_is_clean(parsed: Callable[[str], Document]) -> None:
    doc = parsed(HINTON)
    assert "arXiv:1503.02531" not in doc.text
    assert "\ufb01" not in doc.text
    assert "deployment to a large number of users" in doc.text  # "de-" / "ployment"
    body = [p for p in doc.passages if p.section_kind not in NON_CLAIM_SECTIONS]
    assert not any("Also affiliated" in p.text for p in body)  # a footnote
    assert not any(_EMAIL.search(p.text) for p in body)
    refs = [p for p in doc.passages if p.section_kind == "references"]
    assert refs
    assert any("Caruana" in p.text for p in refs)


def test_bert_two_columns(parsed: Callable[[str], Document]) -> None:
    doc = parsed(BERT)
    assert doc.work.arxiv_id == "1810.04805v2"
    assert doc.work.year == 2018
    assert doc.work.title.startswith("BERT: Pre-training of Deep Bidirectional Transformers")
    kinds = [s.kind for s in doc.sections]
    assert kinds.index("references") < kinds.index("appendix")
    intro = " ".join(p.text for p in doc.passages if p.section_kind == "introduction")
    assert (
        "There are two existing strategies for applying pre-trained language representations"
        in intro
    )


def test_bert_contributions_are_sentences_without_their_bullets(
    parsed: Callable[[str], Document],
) -> None:
    # BERT lists its contributions as bullets; each is a prose sentence a claim can be.
    texts = {p.text for p in parsed(BERT).passages if p.section_kind == "introduction"}
    item = (
        "We demonstrate the importance of bidirectional pre-training for language representations."
    )
    assert item in texts and is_prose(item)
    assert not any(t.startswith("•") for t in texts)


def test_metadata_from_info_and_file_name(parsed: Callable[[str], Document]) -> None:
    tok = parsed(TOKENIZER)
    assert tok.work.title == "Say Anything but This: When Tokenizer Betrays Reasoning in LLMs"
    assert tok.work.arxiv_id == "2601.14658v1"
    assert tok.work.year == 2026
    mol = parsed(MOLECULAR)
    assert mol.work.doi == "10.1021/acs.jctc.2c01235"
    assert mol.work.arxiv_id is None
    assert mol.work.year == 2023
    assert mol.work.title == "A Perspective on Explanations of Molecular Prediction Models"
    assert "Andrew D. White" in mol.work.authors


@pytest.mark.slow
def test_every_real_pdf_meets_the_quality_bar(
    real_pdfs: Path, parsed: Callable[[str], Document]
) -> None:
    names = _all_names(real_pdfs)
    assert len(names) >= 11
    for name in names:
        doc = parsed(name)
        assert doc.passages, name
        for p in doc.passages:
            assert doc.text[p.char_start : p.char_end] == p.text, name
        assert not _STAMP.search(doc.text), name
        assert not re.search("[\ufb00-\ufb06]", doc.text), name
        kinds = {s.kind for s in doc.sections}
        assert "references" in kinds, name
        assert kinds & {"abstract", "introduction"}, name
        body = [p.text for p in doc.passages if p.section_kind not in NON_CLAIM_SECTIONS]
        prose = [t for t in body if is_prose(t)]
        assert len(prose) > 50, name
        assert not [t for t in prose if _BROKEN_WORD.search(t)], name
        assert not [t for t in prose if _EMAIL.search(t)], name
        assert not [t for t in prose if _REFERENCE_ENTRY.search(t)], name
        starts = [s.char_start for s in doc.sections]
        assert starts == sorted(starts), name
        spans = doc.pages
        assert all(a.char_end <= b.char_start for a, b in pairwise(spans)), name
        for p in doc.passages:
            span = spans[p.page - 1]
            assert span.char_start <= p.char_start <= span.char_end, name


@pytest.mark.slow
def test_real_metadata_is_sane(real_pdfs: Path, parsed: Callable[[str], Document]) -> None:
    for name in _all_names(real_pdfs):
        work = parsed(name).work
        expected = re.match(r"arxiv_(\d{4}\.\d{4,5}(?:v\d+)?)_", name)
        if expected:
            assert work.arxiv_id is not None, name
            assert work.arxiv_id.startswith(expected.group(1)), name
            assert work.year == 2000 + int(expected.group(1)[:2]), name
        assert len(work.title) > 10, name
        assert "\n" not in work.title, name


@pytest.mark.slow
def test_real_author_lists(parsed: Callable[[str], Document]) -> None:
    attention = parsed("arxiv_1706.03762v5_attention-is-all-you-need.pdf").work.authors
    assert attention[0] == "Ashish Vaswani"
    assert "\u0141ukasz Kaiser" in attention
    assert len(attention) == 8
    survey = parsed("arxiv_2006.05525v4_knowledge-distillation-survey.pdf").work.authors
    assert survey == ["Jianping Gou", "Baosheng Yu", "Stephen J. Maybank", "Dacheng Tao"]
    # BERT's first page runs the names together; they are split at the capital letters.
    assert parsed(BERT).work.authors == [
        "Jacob Devlin",
        "Ming-Wei Chang",
        "Kenton Lee",
        "Kristina Toutanova",
    ]


def test_hinton_results_sections_are_results(parsed: Callable[[str], Document]) -> None:
    # "Preliminary experiments on MNIST" reports results, and "5.5 Results" inside "5 Training
    # ensembles of specialists" holds them: neither is background or method.
    doc = parsed(HINTON)
    kinds = {s.title: s.kind for s in doc.sections}
    assert kinds["3 Preliminary experiments on MNIST"] == "results"
    assert kinds["5.5 Results"] == "results"
    assert kinds["5.4 Performing inference with ensembles of specialists"] == "method"
