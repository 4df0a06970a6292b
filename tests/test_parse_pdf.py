"""parse_pdf on PDFs written by tests/pdf_factory.py, on broken bytes, and on hostile PDFs."""

from __future__ import annotations

import itertools
import pickle
from pathlib import Path

import pytest

from synth.errors import ParseError
from synth.parse.pdf import parse_pdf
from synth.records import Document
from synth.settings import ParseSettings
from tests.pdf_factory import Text, build_pdf, sample_paper


@pytest.fixture(scope="module")
def sample_doc(tmp_path_factory: pytest.TempPathFactory) -> Document:
    path = tmp_path_factory.mktemp("pdf") / "paper.pdf"
    path.write_bytes(build_pdf(sample_paper()))
    return parse_pdf(path, ParseSettings())


def _passage(doc: Document, needle: str) -> str:
    found = [p.text for p in doc.passages if needle in p.text]
    assert found, f"no passage contains {needle!r}"
    return found[0]


def test_offsets_hold_for_every_passage(sample_doc: Document) -> None:
    for p in sample_doc.passages:
        assert sample_doc.text[p.char_start : p.char_end] == p.text
    assert [p.idx for p in sample_doc.passages] == list(range(len(sample_doc.passages)))


def test_metadata_from_first_page_and_stamp(sample_doc: Document) -> None:
    work = sample_doc.work
    assert work.title == "Tiny Students Learn Fast"
    assert work.authors == ["Ada Lovelace", "Alan Turing"]
    assert work.arxiv_id == "2101.00001v2"
    assert work.year == 2021
    assert work.url == "https://arxiv.org/abs/2101.00001v2"
    assert sample_doc.text_level == "fulltext"
    assert sample_doc.retrieval.service == "local"
    assert sample_doc.retrieval.url.startswith("file://")
    assert len(sample_doc.retrieval.sha256) == 64
    assert sample_doc.page_count == 4


def test_page_furniture_and_stamp_are_gone(sample_doc: Document) -> None:
    assert "arXiv:2101.00001" not in sample_doc.text
    # The running header repeats the title; only the title itself remains.
    assert sample_doc.text.count("Tiny Students Learn Fast") == 1
    for p in sample_doc.passages:
        assert not p.text.strip().isdigit()


def test_hyphenation_and_ligatures_are_mended(sample_doc: Document) -> None:
    assert "Knowledge distillation transfers" in sample_doc.text
    assert "fitted to soft targets that flow" in sample_doc.text
    assert "\ufb01" not in sample_doc.text
    assert "\ufb02" not in sample_doc.text


def test_sentence_across_a_page_break_stays_whole(sample_doc: Document) -> None:
    text = _passage(sample_doc, "we set it to")
    assert text.endswith("as Fig. 2 shows for the schedule.")
    passage = next(p for p in sample_doc.passages if p.text == text)
    assert passage.page == 2
    assert passage.section_kind == "method"


def test_abbreviations_do_not_split_sentences(sample_doc: Document) -> None:
    assert _passage(sample_doc, "(Hinton et al., 2015)").startswith("Knowledge distillation")
    assert "e.g. on short prompts" in _passage(sample_doc, "e.g.")
    assert "vs. the baseline" in _passage(sample_doc, "vs.")
    assert _passage(sample_doc, "G. Hinton proposed").startswith("G. Hinton proposed")


def test_sections_and_kinds(sample_doc: Document) -> None:
    kinds = [s.kind for s in sample_doc.sections]
    assert kinds == [
        "title", "front", "abstract", "introduction", "method", "results", "conclusion",
        "references", "appendix",
    ]  # fmt: skip
    front = [p.text for p in sample_doc.passages if p.section_kind == "front"]
    assert "University of Examples" in front
    assert "ada@example.org" in front
    refs = [p for p in sample_doc.passages if "Vinyals" in p.text]
    assert refs
    assert all(p.section_kind == "references" for p in refs)
    for section in sample_doc.sections:
        assert section.char_start <= section.char_end


def test_page_spans_cover_the_text_in_order(sample_doc: Document) -> None:
    spans = sample_doc.pages
    assert [s.page for s in spans] == [1, 2, 3, 4]
    assert all(a.char_end <= b.char_start for a, b in itertools.pairwise(spans))
    for p in sample_doc.passages:
        span = spans[p.page - 1]
        assert span.char_start <= p.char_start < span.char_end


def test_info_title_wins_when_it_looks_real(tmp_path: Path) -> None:
    path = tmp_path / "x.pdf"
    info = {"/Title": "Distilling Small Code Models", "/Author": "Grace Hopper; Edsger Dijkstra"}
    path.write_bytes(build_pdf(sample_paper(), info=info))
    work = parse_pdf(path, ParseSettings()).work
    assert work.title == "Distilling Small Code Models"
    assert work.authors == ["Grace Hopper", "Edsger Dijkstra"]


def test_unicode_is_preserved(tmp_path: Path) -> None:
    lines = [
        Text(
            72,
            700 - 12 * k,
            "Les r\u00e9sultats na\u00effs co\u00fbtent 5\u00b0 de plus \u2014 voil\u00e0.",
        )
        for k in range(8)
    ]
    path = tmp_path / "u.pdf"
    path.write_bytes(build_pdf([lines]))
    doc = parse_pdf(path, ParseSettings())
    assert "r\u00e9sultats na\u00effs co\u00fbtent 5\u00b0 de plus \u2014 voil\u00e0." in doc.text


def _two_pages(end_of_first: str, start_of_second: str) -> list[list[Text]]:
    prose = "The student is trained on the teacher's soft targets and on the true labels."
    first = [Text(72, 700 - 12 * k, prose) for k in range(6)] + [Text(72, 628, end_of_first)]
    second = [Text(72, 700, start_of_second)] + [Text(72, 688 - 12 * k, prose) for k in range(6)]
    return [first, second]


def test_a_sentence_open_on_an_article_goes_on_past_a_page_break(tmp_path: Path) -> None:
    # FitNets: "... and designed a" / (page 7) / "FitNet twice as deep as the teacher network".
    path = tmp_path / "a.pdf"
    path.write_bytes(
        build_pdf(
            _two_pages(
                "We trained a teacher network of maxout layers and designed a",
                "FitNet twice as deep as the teacher network with 8% of its parameters.",
            )
        )
    )
    doc = parse_pdf(path, ParseSettings())
    whole = "and designed a FitNet twice as deep as the teacher network with 8% of its parameters."
    assert any(p.text.endswith(whole) for p in doc.passages)
    # A table's head row after the break is no continuation: "of the" stays open.
    path = tmp_path / "b.pdf"
    path.write_bytes(
        build_pdf(
            _two_pages(
                "We add information about the position of the",
                "Layer Type Complexity per Layer Sequential Operations",
            )
        )
    )
    doc = parse_pdf(path, ParseSettings())
    assert not any("of the Layer Type" in p.text for p in doc.passages)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "not a PDF"),
        (b"hello, I am not a PDF at all", "not a PDF"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer garbage", "broken PDF"),
    ],
)
def test_broken_bytes_raise_parse_error(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    with pytest.raises(ParseError) as info:
        parse_pdf(path, ParseSettings())
    assert reason in info.value.reason
    assert "\n" not in str(info.value)
    assert pickle.loads(pickle.dumps(info.value)).reason == info.value.reason


def test_truncated_pdf_raises_parse_error(tmp_path: Path) -> None:
    data = build_pdf(sample_paper())
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(ParseError):
        parse_pdf(path, ParseSettings())


def test_missing_file_raises_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="cannot read file"):
        parse_pdf(tmp_path / "absent.pdf", ParseSettings())


def test_page_without_text_is_image_only(tmp_path: Path) -> None:
    path = tmp_path / "blank.pdf"
    path.write_bytes(build_pdf([[], []]))
    with pytest.raises(ParseError, match="no text layer"):
        parse_pdf(path, ParseSettings())


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("encrypted-aes_empty-user-password_algo4.pdf", "no text layer (scanned/image-only)"),
        ("encrypted-rc4_user-password-is-password_skew.pdf", "encrypted"),
        ("scanned-image-only_c02-22_huckleberry-finn-page.pdf", "OCR it first"),
        ("scanned-image-only_linn-brochure.pdf", "OCR it first"),
    ],
)
def test_hostile_pdfs_give_one_line_reasons(real_pdfs: Path, name: str, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_pdf(real_pdfs / "hostile" / name, ParseSettings())
    assert reason in info.value.reason
    assert "\n" not in info.value.reason


def test_page_count_reads_the_page_tree_and_names_a_bad_file(tmp_path: Path) -> None:
    from synth.parse.pdf import page_count

    paper = tmp_path / "paper.pdf"
    paper.write_bytes(build_pdf(sample_paper() * 2))
    assert page_count(paper, ParseSettings()) == 2 * len(sample_paper())
    assert page_count(paper, ParseSettings(max_pages=1)) == 1  # what a parse would read
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf at all")
    with pytest.raises(ParseError, match="no %PDF header"):
        page_count(bad, ParseSettings())
