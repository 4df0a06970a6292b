"""parse_record: JSONL paper records become Documents at the right text level."""

from __future__ import annotations

from synth.parse.record import parse_record
from synth.records import PaperRecord

ORIGIN = "file:///corpus/papers.jsonl#L3"


def test_fulltext_record() -> None:
    record = PaperRecord(
        title="Tiny Students",
        authors=["Ada Lovelace"],
        year=2021,
        doi="https://doi.org/10.1000/ABC",
        arxiv_id="arXiv:2101.00001v2",
        text=(
            "1 Introduction\n\nDistillation helps small models. It is cheap, e.g. at inference.\n\n"
            "2 Results\n\nThe student reaches 91.5% accuracy vs. 88.1% before."
        ),
    )
    doc = parse_record(record, ORIGIN)
    assert doc.text_level == "fulltext"
    assert doc.retrieval.service == "local"
    assert doc.retrieval.url == ORIGIN
    assert doc.work.doi == "10.1000/abc"
    assert doc.work.arxiv_id == "2101.00001v2"
    assert doc.work.url == "https://arxiv.org/abs/2101.00001v2"
    texts = [p.text for p in doc.passages]
    assert texts == [
        "Distillation helps small models.",
        "It is cheap, e.g. at inference.",
        "The student reaches 91.5% accuracy vs. 88.1% before.",
    ]
    assert [p.section_kind for p in doc.passages] == ["introduction", "introduction", "results"]
    for p in doc.passages:
        assert doc.text[p.char_start : p.char_end] == p.text


def test_abstract_only_record() -> None:
    record = PaperRecord(title="T", abstract="We distil a teacher. The student is fast.")
    doc = parse_record(record, ORIGIN)
    assert doc.text_level == "abstract"
    assert [p.section_kind for p in doc.passages] == ["abstract", "abstract"]
    assert doc.work.abstract == "We distil a teacher. The student is fast."


def test_metadata_only_record_and_bad_identifiers() -> None:
    record = PaperRecord(title="Only a title", doi="not-a-doi", arxiv_id="??")
    doc = parse_record(record, ORIGIN)
    assert doc.text_level == "metadata"
    assert doc.passages == []
    assert doc.text == ""
    assert doc.work.doi is None
    assert doc.work.arxiv_id is None


def test_unicode_and_stable_ids() -> None:
    record = PaperRecord(
        title="Na\u00efve B\u00e4yes \u2014 \u4e2d\u6587",
        abstract="R\u00e9sum\u00e9 \u00e0 la carte works well.",
    )
    first, second = parse_record(record, ORIGIN), parse_record(record, ORIGIN)
    assert first.work.title == "Na\u00efve B\u00e4yes \u2014 \u4e2d\u6587"
    assert "R\u00e9sum\u00e9 \u00e0 la carte" in first.text
    assert first.doc_id == second.doc_id


def test_heading_lines_without_blank_lines() -> None:
    text = (
        "1 Introduction\nWe distil a teacher into a student.\n2 Method\n2.1 Results\n"
        "The student is 2.5x faster."
    )
    doc = parse_record(PaperRecord(title="T", text=text), ORIGIN)
    assert [(p.text, p.section) for p in doc.passages] == [
        ("We distil a teacher into a student.", "1 Introduction"),
        ("The student is 2.5x faster.", "2.1 Results"),
    ]
