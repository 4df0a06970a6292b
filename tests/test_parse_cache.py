"""load_document: parsed PDFs are cached by content, settings and parser version."""

from __future__ import annotations

from pathlib import Path

import pytest

import synth.parse.cache as cache
from synth.errors import ParseError
from synth.records import Document
from synth.settings import ParseSettings
from tests.pdf_factory import build_pdf, sample_paper


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = cache.parse_pdf

    def spy(path: Path, settings: ParseSettings) -> Document:
        calls.append(path)
        return real(path, settings)

    monkeypatch.setattr(cache, "parse_pdf", spy)
    return calls


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    path = tmp_path / "paper.pdf"
    path.write_bytes(build_pdf(sample_paper()))
    return path


def test_second_load_does_not_parse_again(pdf: Path, tmp_path: Path, counted: list[Path]) -> None:
    first = cache.load_document(pdf, ParseSettings(), tmp_path / "cache")
    second = cache.load_document(pdf, ParseSettings(), tmp_path / "cache")
    assert len(counted) == 1
    assert second.text == first.text
    assert second.passages == first.passages
    assert second.doc_id == first.doc_id


def test_same_bytes_elsewhere_hit_the_cache_with_their_own_url(
    pdf: Path, tmp_path: Path, counted: list[Path]
) -> None:
    cache.load_document(pdf, ParseSettings(), tmp_path / "cache")
    other = tmp_path / "copy.pdf"
    other.write_bytes(pdf.read_bytes())
    doc = cache.load_document(other, ParseSettings(), tmp_path / "cache")
    assert len(counted) == 1
    assert doc.retrieval.url == other.resolve().as_uri()


def test_settings_and_version_change_the_key(pdf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = pdf.read_bytes()
    base = cache.cache_key(data, ParseSettings())
    assert cache.cache_key(data, ParseSettings(max_pages=3)) != base
    monkeypatch.setattr(cache, "PARSER_VERSION", "parse-test")
    assert cache.cache_key(data, ParseSettings()) != base


def test_corrupt_entry_is_parsed_again(pdf: Path, tmp_path: Path, counted: list[Path]) -> None:
    folder = tmp_path / "cache"
    cache.load_document(pdf, ParseSettings(), folder)
    (entry,) = folder.glob("*.json")
    entry.write_text("{ not json", encoding="utf-8")
    doc = cache.load_document(pdf, ParseSettings(), folder)
    assert len(counted) == 2
    assert doc.work.title == "Tiny Students Learn Fast"
    assert Document.model_validate_json(entry.read_text(encoding="utf-8")).doc_id == doc.doc_id
    assert not list(folder.glob("*.tmp"))


def test_unreadable_pdf_is_not_cached(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"nope")
    with pytest.raises(ParseError):
        cache.load_document(bad, ParseSettings(), tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("*.json")) if (tmp_path / "cache").exists() else True
