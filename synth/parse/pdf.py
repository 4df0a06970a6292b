"""Read a PDF with pypdf into positioned lines, and parse it into a Document."""

from __future__ import annotations

import hashlib
import io
import logging
import math
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synth.errors import ParseError
from synth.parse.layout import Line
from synth.records import Document
from synth.settings import ParseSettings

log = logging.getLogger(__name__)

_NO_TEXT = "no text layer (scanned/image-only); OCR it first"
_BOLD_FONT = re.compile(r"bold|cmbx|-medi|black|heavy|semibold|\bbd\b|-bd", re.IGNORECASE)
# Raised small pieces made only of these characters are footnote/affiliation markers.
_MARKER_TEXT = re.compile(r"^[\s\d∗*†‡§¶,–-]+$")


@dataclass
class _Piece:
    text: str
    x: float
    y: float
    size: float
    bold: bool
    rotated: bool


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """Silence pypdf's warnings and log chatter (pytest treats warnings as errors)."""
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        pypdf_log.setLevel(level)


def _open(data: bytes, path: Path) -> Any:
    """A PdfReader for the bytes, decrypted with the empty password when that works."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    if b"%PDF" not in data[:1024]:
        raise ParseError(str(path), "not a PDF file (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ParseError(str(path), "encrypted (password-protected); decrypt it first")
        _ = len(reader.pages)
    except ParseError:
        raise
    except FileNotDecryptedError as exc:
        raise ParseError(str(path), "encrypted (password-protected); decrypt it first") from exc
    except DependencyError as exc:
        raise ParseError(str(path), f"encrypted and unreadable: {exc}") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ParseError(str(path), f"broken PDF ({_one_line(exc)})") from exc
    except Exception as exc:  # a hostile page tree (cycles, depth) raises anything: one line
        raise ParseError(str(path), f"broken PDF ({type(exc).__name__}: {_one_line(exc)})") from exc
    return reader


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:160]


def _matmul(m: list[float], n: list[float]) -> tuple[float, ...]:
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (
        a * p + b * r,
        a * q + b * s,
        c * p + d * r,
        c * q + d * s,
        e * p + f * r + t,
        e * q + f * s + u,
    )


def _page_pieces(page: Any) -> list[_Piece]:
    pieces: list[_Piece] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, font_size: float) -> None:
        if not text:
            return
        a, b, c, d, e, f = _matmul(list(tm), list(cm))
        name = str(font.get("/BaseFont", "")) if font is not None else ""
        size = abs(font_size) * math.hypot(c, d)
        rotated = abs(b) > 1e-3 or abs(c) > 1e-3 or a <= 0
        pieces.append(_Piece(text, e, f, size, bool(_BOLD_FONT.search(name)), rotated))

    page.extract_text(visitor_text=visit)
    return pieces


def _split_lines(pieces: list[_Piece]) -> list[list[_Piece]]:
    """Group pieces into lines at pypdf's newlines, keeping each piece's attributes."""
    lines: list[list[_Piece]] = [[]]
    for piece in pieces:
        parts = piece.text.split("\n")
        for k, part in enumerate(parts):
            if k > 0:
                lines.append([])
            if part:
                lines[-1].append(
                    _Piece(part, piece.x, piece.y, piece.size, piece.bold, piece.rotated)
                )
    return [ln for ln in lines if any(p.text.strip() for p in ln)]


def _dominant(pieces: list[_Piece]) -> _Piece:
    weight: dict[float, int] = {}
    for p in pieces:
        weight[round(p.size, 1)] = weight.get(round(p.size, 1), 0) + len(p.text.strip())
    size = max(weight, key=lambda s: weight[s])
    return next(p for p in pieces if round(p.size, 1) == size and p.text.strip())


def _is_marker(piece: _Piece, main: _Piece, before: str) -> bool:
    """A raised, smaller piece of digits/symbols right after a word: a footnote marker."""
    if not _MARKER_TEXT.match(piece.text) or piece.size > main.size * 0.85:
        return False
    if piece.y < main.y + main.size * 0.15:
        return False
    if any(ch.isdigit() for ch in piece.text):
        # Digits after a short token are more likely math (x^2, 10^6) than a footnote.
        word = re.search(r"([A-Za-z]+)[\"'”’)\].,;:]{0,3}$", before)
        after_punct = re.search(r"[A-Za-z)\]][.,;:]$", before) is not None  # "as A.³ We"
        return before == "" or after_punct or (word is not None and len(word.group(1)) >= 3)
    return True


def _make_line(pieces: list[_Piece], page: int, height: float) -> Line:
    main = _dominant(pieces)
    text = ""
    marker = gap = False
    kept: list[_Piece] = []
    for piece in pieces:
        if _is_marker(piece, main, text.rstrip()):
            marker = marker or not text.strip()
            gap = True
            continue
        if gap and text and not text.endswith(" ") and not re.match(r"[\s,.;:)\]]", piece.text):
            text += " "
        elif gap and re.match(r" [,.;:)\]]", piece.text):
            text = text.rstrip()
            piece = _Piece(
                piece.text.lstrip(), piece.x, piece.y, piece.size, piece.bold, piece.rotated
            )
        gap = False
        text += piece.text
        kept.append(piece)
    first = next(p for p in pieces if p.text.strip())
    bold_chars = sum(len(p.text.strip()) for p in kept if p.bold)
    all_chars = sum(len(p.text.strip()) for p in kept)
    return Line(
        text=" ".join(text.split()),
        page=page,
        x=first.x,
        y=main.y,
        size=main.size,
        bold=bold_chars >= 0.9 * all_chars,
        rotated=all(p.rotated for p in pieces if p.text.strip()),
        marker=marker,
        height=height,
    )


@dataclass(frozen=True)
class PageLines:
    """The text lines of the pages read, the page count, and why each unreadable page failed."""

    lines: list[Line]
    page_count: int
    errors: list[str]


def read_lines(reader: Any, path: Path, max_pages: int) -> PageLines:
    """All text lines of the first ``max_pages`` pages, the page count and the page errors."""
    from pypdf.errors import DependencyError

    lines: list[Line] = []
    errors: list[str] = []
    pages = reader.pages
    for number, page in enumerate(pages, start=1):
        if number > max_pages:
            break
        try:
            height = float(page.mediabox.height)
            pieces = _page_pieces(page)
        except DependencyError:
            raise
        except Exception as exc:  # pypdf raises many types on a damaged page; skip just it
            log.warning("%s: page %d unreadable: %s", path, number, _one_line(exc))
            errors.append(f"page {number}: {_one_line(exc)}")
            continue
        lines.extend(_make_line(group, number, height) for group in _split_lines(pieces))
    return PageLines(lines, len(pages), errors)


@dataclass(frozen=True)
class RawPdf:
    """What pypdf gave us: the bytes, every text line, the page count and the info dictionary."""

    data: bytes
    lines: list[Line]
    page_count: int
    info: dict[str, str]


def _info(reader: Any) -> dict[str, str]:
    try:
        meta = reader.metadata or {}
        return {str(k): str(v) for k, v in meta.items() if isinstance(v, str | int | float)}
    except Exception:  # a damaged info dictionary is not worth failing the document for
        return {}


def load_pdf_lines(path: Path, settings: ParseSettings) -> RawPdf:
    """Bytes, text lines, page count and info of a PDF; ParseError when it cannot be read."""
    from pypdf.errors import DependencyError

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ParseError(str(path), f"cannot read file ({exc.strerror or exc})") from exc
    with _quiet_pypdf():
        reader = _open(data, path)
        try:
            read = read_lines(reader, path, settings.max_pages)
        except DependencyError as exc:
            raise ParseError(str(path), f"encrypted and unreadable: {_one_line(exc)}") from exc
        except Exception as exc:  # whatever pypdf raises, the user gets one ParseError line
            raise ParseError(str(path), f"unreadable PDF ({_one_line(exc)})") from exc
        info = _info(reader)
    lines, count = read.lines, read.page_count
    chars = sum(len(ln.text.replace(" ", "")) for ln in lines if not ln.rotated)
    if count == 0 or chars < settings.min_chars_per_page * min(count, settings.max_pages):
        raise ParseError(str(path), _no_text_reason(read, settings.max_pages))
    return RawPdf(data, lines, count, info)


def page_count(path: Path, settings: ParseSettings) -> int:
    """The pages a parse of this PDF would read (its page count, at most ``max_pages``);
    ParseError when it cannot be opened. Cheap: the page tree only, no text."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ParseError(str(path), f"cannot read file ({exc.strerror or exc})") from exc
    with _quiet_pypdf():
        return min(len(_open(data, path).pages), settings.max_pages)


def _no_text_reason(read: PageLines, max_pages: int) -> str:
    """Why too little text came out: pages that failed to decode, or no text layer at all."""
    if not read.errors:
        return "no pages" if read.page_count == 0 else _NO_TEXT
    tried = min(read.page_count, max_pages)
    return f"damaged PDF: {len(read.errors)} of {tried} pages failed to decode ({read.errors[0]})"


def parse_pdf(path: Path, settings: ParseSettings) -> Document:
    """Read one PDF into a Document: cleaned text, sections, sentence passages, metadata."""
    from synth.parse.assemble import build_document

    raw = load_pdf_lines(path, settings)
    digest = hashlib.sha256(raw.data).hexdigest()
    return build_document(Path(path), digest, raw.lines, raw.page_count, raw.info)
