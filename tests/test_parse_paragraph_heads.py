"""Bold paragraph heads: kept in the text, out of the sentences; a bold lead-in joins its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from synth.parse.pdf import parse_pdf
from synth.records import Document
from synth.settings import ParseSettings
from tests.pdf_factory import Text, build_pdf


def _paper() -> list[list[Text]]:
    body = [
        "Students copy the teacher's errors when the vocabulary splits words the same way,",
        "and the copied errors account for most of the gap we measure on the test set.",
    ]
    return [
        [
            Text(72, 720, "Heads and Lead-ins", 17, bold=True),
            Text(72, 690, "1 Introduction", 12, bold=True),
            Text(72, 672, "We look at how a student inherits the errors of its teacher model."),
            Text(72, 650, "2 Method", 12, bold=True),
            Text(72, 632, "We count the errors of each kind on a held-out set of prompts."),
            Text(72, 610, "3 Results", 12, bold=True),
            Text(72, 590, "Error 6: morphological boundary surfacing", bold=True),
            *[Text(72, 578 - 12 * k, line) for k, line in enumerate(body)],
            Text(72, 540, "Finding 3: Copied errors give negligible or", bold=True),
            Text(72, 528, "negative benefit. When larger, it copies fewer."),
            Text(72, 500, "4 Conclusion", 12, bold=True),
            Text(72, 482, "A student inherits its teacher's tokenization errors in this study."),
        ]
    ]


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> Document:
    path: Path = tmp_path_factory.mktemp("heads") / "heads.pdf"
    path.write_bytes(build_pdf(_paper()))
    return parse_pdf(path, ParseSettings())


def test_paragraph_head_is_no_part_of_the_first_sentence(doc: Document) -> None:
    first = next(p for p in doc.passages if "copy the teacher's errors" in p.text)
    assert first.text.startswith("Students copy the teacher's errors")
    assert not any(p.text.startswith("Error 6") for p in doc.passages)
    # The head stays in the document text, on its own line, above its paragraph.
    assert "Error 6: morphological boundary surfacing\n\nStudents copy" in doc.text
    assert first.section == "3 Results"


def test_bold_lead_in_broken_mid_sentence_is_joined_to_its_line(doc: Document) -> None:
    texts = [p.text for p in doc.passages]
    assert "Finding 3: Copied errors give negligible or negative benefit." in texts
    assert "When larger, it copies fewer." in texts


def test_offsets_still_hold(doc: Document) -> None:
    for p in doc.passages:
        assert doc.text[p.char_start : p.char_end] == p.text
