"""A tiny PDF writer for tests: text lines at given positions, several pages, standard fonts.

It emits just enough PDF (catalog, pages, Helvetica fonts, content streams, xref) for pypdf to
read the text back. The code 0x80 is mapped to the 'fi' ligature glyph and 0x81 to 'fl', so
tests can put typographic ligatures into a page the way LaTeX output does.
"""

from __future__ import annotations

from dataclasses import dataclass

_LIGATURE_CODES = {"\ufb01": b"\x80", "\ufb02": b"\x81"}


@dataclass(frozen=True)
class Text:
    """One line of text on a page, at baseline (x, y) in points from the bottom-left corner."""

    x: float
    y: float
    text: str
    size: float = 10.0
    bold: bool = False
    rotated: bool = False  # turned 90 degrees, like arXiv's side stamp


def _encode(text: str) -> bytes:
    out = bytearray()
    for ch in text:
        if ch in _LIGATURE_CODES:
            out += _LIGATURE_CODES[ch]
        elif ch in "()\\":
            out += b"\\" + ch.encode("latin-1")
        else:
            out += ch.encode("cp1252")
    return bytes(out)


def _content(lines: list[Text]) -> bytes:
    ops = []
    for line in lines:
        font = b"/F2" if line.bold else b"/F1"
        matrix = b"0 1 -1 0" if line.rotated else b"1 0 0 1"
        ops.append(
            b"BT %s %.2f Tf %s %.2f %.2f Tm (%s) Tj ET"
            % (font, line.size, matrix, line.x, line.y, _encode(line.text))
        )
    return b"\n".join(ops)


def _font(name: bytes) -> bytes:
    return (
        b"<< /Type /Font /Subtype /Type1 /BaseFont /" + name + b" /Encoding << /Type /Encoding"
        b" /BaseEncoding /WinAnsiEncoding /Differences [128 /fi /fl] >> >>"
    )


def _info(info: dict[str, str]) -> bytes:
    fields = b" ".join(b"/%s (%s)" % (k.lstrip("/").encode(), _encode(v)) for k, v in info.items())
    return b"<< " + fields + b" >>"


def build_pdf(pages: list[list[Text]], info: dict[str, str] | None = None) -> bytes:
    """PDF bytes with one US-letter page per list of lines."""
    objects: list[bytes] = [b"", b"", _font(b"Helvetica"), _font(b"Helvetica-Bold")]
    kids = []
    for lines in pages:
        stream = _content(lines)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        content_ref = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R"
            b" /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>" % content_ref
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    if info:
        objects.append(_info(info))
    return _serialize(objects, info_ref=len(objects) if info else None)


def _serialize(objects: list[bytes], info_ref: int | None) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    trailer = b"trailer\n<< /Size %d /Root 1 0 R" % (len(objects) + 1)
    if info_ref is not None:
        trailer += b" /Info %d 0 R" % info_ref
    out += trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _column(x: float, top: float, lines: list[str], step: float = 12.0) -> list[Text]:
    return [Text(x, top - k * step, line) for k, line in enumerate(lines)]


def _furniture(page: int, header: bool) -> list[Text]:
    marks = [Text(303, 40, str(page), 10)]
    if header:
        marks.append(Text(230, 760, "Tiny Students Learn Fast", 9))
    return marks


def sample_paper() -> list[list[Text]]:
    """A four-page paper with the usual traps: side stamp, running header, page numbers,
    a hyphenated line break, ligatures, a sentence running across a page break,
    abbreviations, a reference list and an appendix."""
    page1 = [
        Text(30, 250, "arXiv:2101.00001v2  [cs.CL]  5 Jan 2021", 20, rotated=True),
        Text(72, 700, "Tiny Students Learn Fast", 17, bold=True),
        Text(72, 670, "Ada Lovelace, Alan Turing", 10, bold=True),
        Text(72, 658, "University of Examples"),
        Text(72, 646, "ada@example.org"),
        Text(72, 620, "Abstract", 12, bold=True),
        *_column(
            72,
            600,
            [
                "We study knowledge distillation for small language models. Our students",
                "reach 91.5% accuracy on the test set, e.g. on short prompts, with 3.2 times",
                "lower latency than the teacher.",
            ],
        ),
        Text(72, 550, "1 Introduction", 12, bold=True),
        *_column(
            72,
            530,
            [
                "Knowledge distil-",
                "lation transfers what a large teacher has learned to a small student model",
                "(Hinton et al., 2015). The student is \ufb01tted to soft targets that",
                "\ufb02ow from",
                "the teacher. This makes the student cheaper to run at inference time.",
            ],
        ),
        *_furniture(1, header=False),
    ]
    page2 = [
        Text(72, 700, "2 Method", 12, bold=True),
        *_column(
            72,
            680,
            [
                "We train the student on the teacher's softened outputs and on the true labels.",
                "The temperature T controls how soft the targets are, and we set it to",
            ],
        ),
        *_furniture(2, header=True),
    ]
    page3 = [
        *_column(
            72,
            700,
            [
                "a value of 2.5 in all runs, as Fig. 2 shows for the schedule.",
            ],
        ),
        Text(72, 670, "3 Results", 12, bold=True),
        *_column(
            72,
            650,
            [
                "Accuracy rose from 88.1% to 91.5% vs. the baseline without distillation.",
                "G. Hinton proposed the method in 2015 and it is widely used today.",
            ],
        ),
        Text(72, 610, "4 Conclusion", 12, bold=True),
        *_column(72, 590, ["Small students can match large teachers on this task."]),
        Text(72, 560, "References", 12, bold=True),
        *_column(
            72,
            540,
            [
                "[1] G. Hinton, O. Vinyals, and J. Dean. Distilling the knowledge in a neural",
                "network. arXiv preprint arXiv:1503.02531, 2015.",
            ],
        ),
        *_furniture(3, header=True),
    ]
    page4 = [
        Text(72, 700, "A Extra Details", 12, bold=True),
        *_column(72, 680, ["The appendix lists the hyperparameters used for every run."]),
        *_furniture(4, header=True),
    ]
    return [page1, page2, page3, page4]
