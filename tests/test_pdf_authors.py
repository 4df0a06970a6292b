"""Metadata of real PDFs: authors read from the first page; entities decoded at parse time.

The PDFs are the real third-party papers in ../shared/realdata/pdfs (see PROVENANCE.md),
found by the title they print; the tests skip when that folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from synth.parse.clean import decode_entities
from synth.parse.pdf import parse_pdf
from synth.parse.record import parse_record
from synth.records import PaperRecord
from synth.settings import ParseSettings

# (title the first page prints, authors it states) for papers whose names stand side by side.
CASES = [
    (
        "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
        ["Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova"],
    ),
    (
        "PaSa: An LLM Agent for Comprehensive Academic Paper Search",
        [
            "Yichen He",
            "Guanhua Huang",
            "Peiyuan Feng",
            "Yuan Lin",
            "Yuchen Zhang",
            "Hang Li",
            "Weinan E",
        ],
    ),
]


def _by_title(folder: Path, title: str) -> Path:
    # The file names carry a slug of the title: parse only the likely file, then check its title.
    word = title.split(":")[0].lower()
    for path in sorted(folder.glob("*.pdf")):
        if word in path.name.lower():
            return path
    pytest.skip(f"no PDF for {title!r} in {folder}")


@pytest.mark.parametrize(("title", "authors"), CASES, ids=["bert", "pasa"])
def test_authors_recovered_from_the_first_page(
    real_pdfs: Path, title: str, authors: list[str]
) -> None:
    doc = parse_pdf(_by_title(real_pdfs, title), ParseSettings())
    assert doc.work.title == title
    assert doc.work.authors == authors


def test_entities_decoded_once_in_records() -> None:
    record = PaperRecord(
        title="Do Deep Nets Really Need to Be Deep? (Ba &amp; Caruana)",
        authors=["Jimmy Ba", "Rich Caruana &amp; co"],
        abstract="Shallow nets &lt; deep nets? We show &#x3c;5% loss; write &amp;lt; for &lt;.",
        text="Abstract\nBa &amp; Caruana (2014) train shallow nets. R&D stays as written.\n",
    )
    doc = parse_record(record, "test#L1")
    assert doc.work.title == "Do Deep Nets Really Need to Be Deep? (Ba & Caruana)"
    assert doc.work.authors[1] == "Rich Caruana & co"
    assert doc.work.abstract == "Shallow nets < deep nets? We show <5% loss; write &lt; for <."
    assert "Ba & Caruana (2014)" in doc.text
    assert "&amp;" not in doc.text
    assert "R&D stays as written." in doc.text


def test_a_bare_ampersand_is_text() -> None:
    assert decode_entities("AT&T and R&D &c") == "AT&T and R&D &c"
    assert decode_entities("&amp;amp;") == "&amp;"
