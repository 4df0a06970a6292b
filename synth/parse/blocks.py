"""Group cleaned lines into blocks: paragraphs, headings and debris, in reading order."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median

from synth.parse.clean import join_lines
from synth.parse.layout import Line
from synth.parse.sections import Heading
from synth.parse.sentences import ends_with_abbreviation

_ENDS_SENTENCE = re.compile(r"[.!?:][\"'”’)\]]*$")
_CAPTION = re.compile(r"^(fig(ure)?\.?|table|tab\.|algorithm|listing)\s*[A-Z]?\d", re.I)
_CITATION = re.compile(r"\[[\d,;\s–-]+\]")
_NUMERIC_TOKEN = re.compile(r"^[(\[]?[-+±−]?\d[\d.,]*%?[)\]]?$|^[-–—±×/|]$")


@dataclass
class Block:
    """A run of lines read as one unit (a paragraph, a heading, a table row group)."""

    text: str
    page: int
    first: Line
    last: Line
    heading: Heading | None = None
    role: str = "text"  # text, heading, runin (a paragraph's bold head), title, front
    page_marks: list[tuple[int, int]] = field(default_factory=list)  # (offset, page) changes

    def add(self, line: Line, vocab: set[str]) -> None:
        """Append a line of the same paragraph, mending a hyphenated word break."""
        joined = join_lines(self.text, line.text, vocab)
        if line.page != self.last.page:
            self.page_marks.append((max(0, len(joined) - len(line.text)), line.page))
        self.text = joined
        self.last = line

    def page_at(self, offset: int) -> int:
        """Page on which the character at ``offset`` of this block was printed."""
        page = self.page
        for start, number in self.page_marks:
            if offset >= start:
                page = number
        return page


def is_tabular(text: str) -> bool:
    """A line that is mostly numbers or symbols: a table row or an axis, not prose."""
    # Citation brackets ("[38, 24, 15]") are prose, not numbers.
    tokens = _CITATION.sub(" ", text).split()
    if len(tokens) < 2:
        return bool(tokens) and _NUMERIC_TOKEN.match(tokens[0]) is not None
    numeric = sum(1 for t in tokens if _NUMERIC_TOKEN.match(t.rstrip(".,;:")))
    return numeric >= 0.45 * len(tokens)


def ends_sentence(text: str) -> bool:
    """Whether text ends like a finished sentence (or a lead-in colon), not on 'et al.'."""
    text = text.rstrip()
    return _ENDS_SENTENCE.search(text) is not None and not ends_with_abbreviation(text)


_OPEN_END = re.compile(
    r"(?:[,;]|\b(?:and|or|of|the|a|an|to|in|with|by|for|on|as|that|from|is|are|than|via))$"
)


_ARTICLE_END = re.compile(r"(?:^|\s)(?:a|an|the)$")


def _starts_lower(text: str) -> bool:
    return bool(text) and (text[0].islower() or text[0] in ",;)")


def _leaves_open(prev: str, nxt: str) -> bool:
    """Whether ``prev`` leaves a sentence open (a lead-in colon counts when lower case follows)."""
    end = prev.rstrip()
    return not ends_sentence(end) or end.endswith("-") or (end.endswith(":") and _starts_lower(nxt))


def _carries_on(prev: str, nxt: str) -> bool:
    """Whether ``nxt`` reads as the rest of the sentence that ``prev`` leaves open."""
    # "... focus on 1) x, and" / "2) y": an enumeration goes on after a break.
    enumerated = re.match(r"^(\d{1,2}|[ivx]{1,4})\)\s", nxt) is not None
    tail = prev.rstrip()[-300:]
    unclosed = tail.count("(") > tail.count(")") or tail.endswith((",", ";"))
    unclosed = unclosed or ends_with_abbreviation(tail)
    # No sentence ends on an article: "... and designed a" / (page break) / "FitNet twice as
    # deep ..." is one sentence though the next page opens with a capital, when prose follows
    # the name (a table's head row, "Layer Type Complexity per Layer", is no continuation).
    words = nxt.split(maxsplit=2)
    prose_after = len(words) > 1 and words[1][:1].islower()
    caption = _CAPTION.match(prev) is not None  # a float's caption ends at its float
    unclosed = unclosed or (_ARTICLE_END.search(tail) is not None and prose_after and not caption)
    return _starts_lower(nxt) or unclosed or (_OPEN_END.search(tail) is not None and enumerated)


@dataclass(frozen=True)
class Metrics:
    """Document-wide measures that paragraph decisions are relative to."""

    width: float  # characters in a full prose line
    spacing: dict[float, float]  # usual baseline distance per font size

    def gap(self, size: float) -> float:
        """Baseline distance above which two lines of this size are not in one paragraph."""
        usual = self.spacing.get(round(size), size * 1.2)
        return max(size * 1.7, usual * 1.35)


def measure(lines: list[Line]) -> Metrics:
    """Line width and the most common line spacing per font size."""
    lengths = [len(ln.text) for ln in lines if len(ln.text) > 30]
    steps: dict[float, Counter[float]] = {}
    for prev, line in pairwise(lines):
        dy = prev.y - line.y
        if (
            prev.page == line.page
            and abs(prev.size - line.size) < 0.3
            and 0.8 * line.size < dy < 3 * line.size
        ):
            steps.setdefault(round(line.size), Counter())[round(dy, 1)] += 1
    spacing = {size: c.most_common(1)[0][0] for size, c in steps.items()}
    return Metrics(float(median(lengths)) if lengths else 80.0, spacing)


def _continues(block: Block, line: Line, m: Metrics) -> bool:
    """Whether ``line`` continues the paragraph that ``block`` has open."""
    prev = block.last
    same_page = line.page == prev.page
    dy = prev.y - line.y
    broken_word = re.search(r"[^\W\d_]-$", prev.text) is not None and _starts_lower(line.text)
    if (
        broken_word
        and same_page
        and abs(line.size - prev.size) <= 0.8
        and 0 < dy < m.gap(prev.size)
    ):
        return True
    if is_tabular(prev.text) or is_tabular(line.text) or _CAPTION.match(line.text):
        return False
    if abs(line.size - prev.size) > 0.8 or (line.bold != prev.bold and len(line.text) < 60):
        return False
    if is_paragraph_head(prev) and not line.bold:
        return False
    open_end = _leaves_open(prev.text, line.text)
    jump = not same_page or dy < 0 or dy > m.gap(prev.size) or abs(line.x - prev.x) > m.width * 0.5
    if jump:
        # Next column or page, past a float or a display equation; a caption ends at its float.
        if _CAPTION.match(block.text):
            return False
        return open_end and _carries_on(prev.text, line.text)
    if not open_end and len(prev.text) < 0.7 * m.width:
        return False  # a short line that ends a sentence closes its paragraph
    return not (not open_end and line.x > prev.x + prev.size * 1.2)


def is_paragraph_head(line: Line) -> bool:
    """A short bold line that ends no sentence: the head of the paragraph below it.

    "Error 6: morphological boundary surfacing", printed bold above its paragraph, names what
    follows; read into the paragraph it glues onto the first sentence ("... surfacing
    Tokenizers exploit ...").
    """
    text = line.text.strip()
    return (
        line.bold
        and len(text) < 60
        and len(text.split()) <= 8
        and not re.search(r"[.!?]$", text)
        and _OPEN_END.search(text) is None
        and any(ch.isalpha() for ch in text)
    )


def typical_width(lines: list[Line]) -> float:
    """Median length in characters of long-ish lines: how wide a full prose line is."""
    return measure(lines).width


def build_blocks(lines: list[Line], headings: list[Heading | None], vocab: set[str]) -> list[Block]:
    """Blocks in reading order; each heading line becomes a block of its own."""
    metrics = measure(lines)
    blocks: list[Block] = []
    for line, heading in zip(lines, headings, strict=True):
        if heading is not None:
            blocks.append(Block(line.text, line.page, line, line, heading, "heading"))
            continue
        last = blocks[-1] if blocks else None
        if last is not None and last.role == "text" and _continues(last, line, metrics):
            last.add(line, vocab)
        else:
            blocks.append(Block(line.text, line.page, line, line))
    for block, nxt in pairwise(blocks):
        # A paragraph head stays in the text but is no sentence of its own.
        if (
            block.role == "text"
            and block.first is block.last
            and is_paragraph_head(block.first)
            and nxt.role == "text"
            and not nxt.first.bold
        ):
            block.role = "runin"
    return blocks


def _interrupts(block: Block, anchor: Block, width: float) -> bool:
    """Whether a block can sit inside a paragraph's flow: a float, caption or table debris."""
    if block.role != "text":
        return False
    small = block.first.size < anchor.last.size - 0.8
    caption = _CAPTION.match(block.text)
    return small or caption is not None or is_tabular(block.text) or len(block.text) < 1.5 * width


def _absorb(block: Block, other: Block, vocab: set[str]) -> None:
    base = len(join_lines(block.text, other.text, vocab)) - len(other.text)
    if other.page != block.last.page:
        block.page_marks.append((base, other.page))
    block.page_marks.extend((base + off, page) for off, page in other.page_marks)
    block.text = join_lines(block.text, other.text, vocab)
    block.last = other.last


def mend_interrupted(blocks: list[Block], vocab: set[str], width: float) -> list[Block]:
    """Rejoin a paragraph split by a float, table or page break; the interruption moves aside.

    Interrupting blocks printed on the paragraph's first page move before it, those on the
    continuation's page after it, so page order stays monotone (else nothing moves).
    """
    out = list(blocks)
    i = 0
    while i < len(out):
        block = out[i]
        j = _continuation_of(out, i, width) if _open_paragraph(block) else None
        if j is None:
            i += 1
            continue
        cand = out[j]
        between = out[i + 1 : j]
        before = [b for b in between if b.last.page <= block.page and b.page < cand.page]
        after = [b for b in between if b.page >= cand.last.page]
        if len(before) + len(after) != len(between):
            i += 1  # moving the interruption would break page order; leave it be
            continue
        _absorb(block, cand, vocab)
        out[i : j + 1] = [*before, block, *after]
        i += len(before)  # look at the grown block again: it may still be open
    return out


def _open_paragraph(block: Block) -> bool:
    end = block.text.rstrip()
    unfinished = not ends_sentence(end) or end.endswith(":")
    return block.role == "text" and unfinished and not is_tabular(block.text)


def _continuation_of(out: list[Block], i: int, width: float) -> int | None:
    """Index of the block that carries on ``out[i]``'s open sentence, past interruptions."""
    block = out[i]
    for j in range(i + 1, min(i + 80, len(out))):
        cand = out[j]
        if cand.role != "text":
            return None
        fits = _leaves_open(block.text, cand.text) and _carries_on(block.text, cand.text)
        fits = fits and not is_tabular(cand.text) and not _CAPTION.match(cand.text)
        same_print = abs(cand.first.size - block.last.size) <= 1.5
        if fits and same_print and cand.page - block.last.page <= 1:
            return j
        if not _interrupts(cand, block, width):
            return None
    return None
