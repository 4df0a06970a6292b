"""Character- and word-level text cleaning: entities, ligatures, odd spaces, stamps, hyphens."""

from __future__ import annotations

import html
import re
import unicodedata
from itertools import pairwise

# Typographic ligatures pypdf passes through; NFKC would also rewrite math, so map only these.
_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
    "\u0132": "IJ",
    "\u0133": "ij",
}
_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# A complete character reference ("&amp;", "&#38;", "&#x26;"); a bare "&" (as in "R&D") is text.
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# The arXiv side stamp, e.g. "arXiv:1503.02531v1 [stat.ML] 9 Mar 2015".
ARXIV_STAMP = re.compile(
    r"arXiv:\s?(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?\s+\[[^\]]{2,20}\]\s+"
    r"(\d{1,2})\s+([A-Z][a-z]{2})\s+(\d{4})"
)
_WORD_CHARS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
_URL_OPEN = re.compile(r"https?://\S*[/._-]$")
_HYPHEN_END = re.compile(r"([^\W\d_]+)-$")
_LEADING_WORD = re.compile(r"^([^\W\d_]+)")


def decode_entities(text: str) -> str:
    """Decode HTML character references one level ("&amp;lt;" becomes "&lt;", not "<").

    Abstracts and titles from APIs and scraped JSONL often arrive HTML-escaped; decoding them
    here, at parse time, means every later stage and every report format sees the characters.
    """
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)


def normalize_chars(text: str) -> str:
    """Decode entities; replace ligatures, exotic spaces, invisible characters; keep the rest."""
    text = decode_entities(text)
    for lig, plain in _LIGATURES.items():
        text = text.replace(lig, plain)
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text)


def remove_stamps(text: str) -> str:
    """Remove an arXiv side stamp that pypdf placed inside a line."""
    return " ".join(ARXIV_STAMP.sub(" ", text).split())


def build_vocabulary(lines: list[str]) -> set[str]:
    """Lower-cased words (and hyphenated compounds) the document prints whole inside lines."""
    vocab: set[str] = set()
    broken = False
    for line in lines:
        words = _WORD_CHARS.findall(line)
        # Halves of a word broken across lines ("distil-" / "lation") vouch for nothing.
        if broken and words:
            words = words[1:]
        broken = line.rstrip().endswith("-")
        if broken and words:
            words = words[:-1]
        vocab.update(w.lower() for w in words)
        # "sales-pivot-analysis" also vouches for "sales-pivot" and "pivot-analysis".
        for word in words:
            parts = word.lower().split("-")
            vocab.update(f"{a}-{b}" for a, b in pairwise(parts))
    return vocab


_SPACED_HYPHEN = re.compile(r"\b([^\W\d_]+)- ([^\W\d_]+)")


def mend_spaced_hyphens(text: str, vocab: set[str]) -> str:
    """Close 'sales- pivot' to 'sales-pivot' when the document writes that compound elsewhere."""

    def close(match: re.Match[str]) -> str:
        a, b = match.group(1), match.group(2)
        return f"{a}-{b}" if f"{a}-{b}".lower() in vocab else match.group(0)

    mended = _SPACED_HYPHEN.sub(close, text)
    while mended != text:  # chains like "sales- pivot- analysis" need a second pass
        text, mended = mended, _SPACED_HYPHEN.sub(close, mended)
    return mended


# Word endings that never stand alone: "improve-ment" is one word.
_SUFFIXES = frozenset(
    [
        "ing",
        "ity",
        "ally",
        "ization",
        "izing",
        "ized",
        "ize",
        "ise",
        "ed",
        "tion",
        "tions",
        "ment",
        "ments",
        "ness",
        "able",
        "ible",
        "ies",
        "al",
        "ly",
        "ous",
        "ive",
        "ively",
        "ion",
        "ions",
        "ance",
        "ence",
        "er",
        "ers",
        "est",
        "ist",
        "ists",
        "ism",
        "ful",
        "less",
    ]
)
# Second halves that usually form a hyphenated compound ("feature-based").
_COMPOUND_TAILS = frozenset(
    [
        "based",
        "level",
        "wise",
        "aware",
        "free",
        "specific",
        "like",
        "following",
        "constrained",
        "oriented",
        "scale",
        "time",
        "class",
        "grained",
        "tuned",
        "trained",
        "supervised",
        "shot",
        "world",
        "step",
        "layer",
        "order",
        "dependent",
        "agnostic",
        "intensive",
        "efficient",
        "friendly",
        "related",
        "driven",
        "end",
        "term",
    ]
)
# Prefixes that English writes closed ("overlooking", "understandable").
_CLOSED_PREFIXES = frozenset(["over", "under", "out", "inter", "intra", "super", "with"])
# First halves that usually open a hyphenated compound ("well-annotated", "self-attention").
_COMPOUND_HEADS = frozenset(
    [
        "well",
        "self",
        "one",
        "two",
        "three",
        "non",
        "multi",
        "cross",
        "semi",
        "high",
        "low",
        "long",
        "short",
        "large",
        "small",
        "fine",
        "coarse",
        "open",
        "zero",
        "few",
        "state",
        "single",
        "double",
        "top",
        "bottom",
        "left",
        "right",
    ]
)


def join_hyphenated(a: str, b: str, vocab: set[str]) -> str:
    """Mend the word split as ``a-`` / ``b`` at a line break.

    The rule: keep the hyphen when the document writes the compound with one elsewhere
    ("pre-trained"), drop it when it writes the word whole ("distillation"); otherwise keep it
    for a capitalized second half, a usual compound tail ("feature-based") or two words of four
    letters or more that both occur in the document; else drop it (most line-end hyphens are
    soft hyphenation: "improve-ment", "com-pression").
    """
    low_a, low_b = a.lower(), b.lower()
    if f"{low_a}-{low_b}" in vocab:
        return f"{a}-{b}"
    if f"{low_a}{low_b}" in vocab:
        return f"{a}{b}"
    if low_b in _SUFFIXES or low_a in _CLOSED_PREFIXES:
        return f"{a}{b}"
    if b[0].isupper() or low_b in _COMPOUND_TAILS or low_a in _COMPOUND_HEADS:
        return f"{a}-{b}"
    if low_a.endswith("ly") and len(a) >= 5:
        return f"{a}-{b}"  # "highly-optimized"
    if len(a) >= 4 and len(b) >= 4 and low_a in vocab and low_b in vocab:
        return f"{a}-{b}"
    return f"{a}{b}"


def join_lines(left: str, right: str, vocab: set[str]) -> str:
    """Join two consecutive lines of one paragraph, mending a word broken by hyphenation."""
    if not left:
        return right
    if not right:
        return left
    if _URL_OPEN.search(left):
        return f"{left}{right}"  # a URL broken after '/' or '.' continues without a space
    head = _HYPHEN_END.search(left)
    tail = _LEADING_WORD.match(right)
    if head is not None and tail is not None and not left.endswith("--"):
        before = left[: head.start()]
        after = right[tail.end() :]
        # Inside a longer compound ("state-of-" / "the-art") the hyphen is a real one.
        if before.endswith("-") or after.startswith("-"):
            return f"{left}{right}"
        return before + join_hyphenated(head.group(1), tail.group(1), vocab) + after
    if head is not None and right[:1].isdigit():
        return f"{left}{right}"  # "PaSa-" / "7b": a name broken at its own hyphen
    return f"{left} {right}"
