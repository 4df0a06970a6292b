"""Sentence splitting that respects scientific abbreviations, and a prose-sentence test."""

from __future__ import annotations

import re

# Tokens ending in a period that do not end a sentence.
_ABBREVIATIONS = frozenset(
    [
        "al.",
        "e.g.",
        "i.e.",
        "eg.",
        "ie.",
        "fig.",
        "figs.",
        "eq.",
        "eqs.",
        "sec.",
        "secs.",
        "sect.",
        "vs.",
        "cf.",
        "no.",
        "nos.",
        "tab.",
        "ref.",
        "refs.",
        "approx.",
        "resp.",
        "ca.",
        "dr.",
        "mr.",
        "mrs.",
        "ms.",
        "prof.",
        "st.",
        "vol.",
        "vols.",
        "pp.",
        "p.",
        "ch.",
        "chap.",
        "app.",
        "appx.",
        "def.",
        "thm.",
        "lem.",
        "prop.",
        "alg.",
        "inc.",
        "ltd.",
        "corp.",
        "jr.",
        "sr.",
        "w.r.t.",
        "viz.",
        "incl.",
        "est.",
        "dept.",
        "univ.",
        "eqn.",
        "eqns.",
        "ex.",
        "op.",
        "cit.",
        "ibid.",
        "e.t.c.",
        "et.",
        "seq.",
    ]
)
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+)")
_NEXT_START = re.compile(r"\s+[\"'“‘(\[]?[A-Z0-9]")
# A list bullet opens an item of its own, whether or not the item before it ended on a period:
# "... can be summarized as • Knowledge distillation can be ... • The performance of ..." is
# three sentences, not one. The bullet itself is layout, not part of the sentence.
_BULLET = re.compile(r"(?:^|(?<=\s))[•◦▪‣●](?:\s+|$)")
_INITIAL = re.compile(r"^(?:[A-Z]\.)+$|^[A-Z][a-z]?\.$")
_TERMINAL = re.compile(r"[.!?][\"'”’)\]]*$")
_START = re.compile(r"^[\"'“‘]?[A-Z0-9]")
_WORD = re.compile(r"^[\"'“‘(\[]?[A-Za-z][\w’'\-]*[.,;:!?\"”’)\]]*$")
_FUNCTION_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "as",
        "at",
        "from",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "we",
        "our",
        "they",
        "their",
        "which",
        "who",
        "can",
        "could",
        "may",
        "might",
        "will",
        "would",
        "should",
        "has",
        "have",
        "had",
        "not",
        "than",
        "more",
        "less",
        "into",
        "also",
        "such",
        "both",
        "each",
        "when",
        "while",
        "where",
        "how",
        "than",
        "but",
        "or",
        "and",
    ]
)
_CAPTION = re.compile(
    r"^(?i:fig(?:ure)?s?\.?|table|tab\.|algorithm|listing)\s*[A-Z]?\d+[a-z]?\s*(?:[:.|]|[A-Z])"
)
_CONTACT = re.compile(
    r"\S+@[\w-]+\.[a-z]{2,}|https?://|www\.|\.com\b|\.org\b|\.edu\b|\.html?\b",
    re.I,
)
_AFFILIATION = re.compile(
    r"\b(universit|institut|department|dept\.|laborator|school of|college|faculty|academy"
    r"|corporation|inc\.|ltd\.)",
    re.I,
)
_VERBISH = re.compile(
    r"\b(is|are|was|were|be|has|have|had|can|could|may|show|shows|showed|shown|we|our|find"
    r"|found|improve[sd]?|achieve[sd]?|propose[sd]?|use[sd]?|provide[sd]?)\b",
    re.I,
)
_ADDRESS_WORDS = frozenset(["of", "and", "the", "at", "in", "for"])
_CITATIONS = re.compile(r"\((?:[^()]*?\b(?:19|20)\d\d[a-z]?)[^()]*\)|\[[\d,;\s–-]+\]")
_ENUMERATOR = re.compile(r"(?:^|[\s,;:])(?:\d{1,2}|[ivx]{1,4}|[a-h])\)$")
_SIGNED = re.compile(r"[+±−](?=\d)|(?<=\d)\+")
_MATH = re.compile(r"[=+×÷∑∏∂∫√≤≥≈∈∀∃∇λσθμαβγδεπφψω^_{}<>|~]")


# A month with a period before a day or year ("questions from Dec. 2023 to June. 2024") ends no
# sentence; before anything else it may ("... released in Dec. The model ...").
_MONTHS = frozenset(
    str.split(
        "jan. feb. mar. apr. jun. jul. aug. sep. sept. oct. nov. dec. january. february. march. "
        "april. may. june. july. august. september. october. november. december."
    )
)
_DATE_NUMBER = re.compile(r"\s*\d")


def _is_abbreviation(text: str, end: int) -> bool:
    """Whether the period ending at ``end`` belongs to an abbreviation or an initial."""
    start = max(text.rfind(" ", 0, end), text.rfind("(", 0, end), text.rfind("[", 0, end)) + 1
    token = text[start:end]
    if token.lower() in _MONTHS:
        return _DATE_NUMBER.match(text, end) is not None
    return token.lower() in _ABBREVIATIONS or _INITIAL.match(token) is not None


def ends_with_abbreviation(text: str) -> bool:
    """Whether text ends on an abbreviation such as 'et al.' or 'Fig.' (no sentence end)."""
    text = text.rstrip()
    return text.endswith(".") and _is_abbreviation(text, len(text))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of one paragraph (whitespace and list bullets trimmed)."""
    out: list[tuple[int, int]] = []
    start = 0
    for bullet in _BULLET.finditer(text):
        out.extend(_split_item(text, start, bullet.start()))
        start = bullet.end()
    out.extend(_split_item(text, start, len(text)))
    return out


def _split_item(text: str, first: int, last: int) -> list[tuple[int, int]]:
    """Sentence spans of text[first:last], one list item or a paragraph without bullets."""
    spans: list[tuple[int, int]] = []
    start = first
    for match in _BOUNDARY.finditer(text, first, last):
        end = match.end()
        if not _NEXT_START.match(text, end, last):
            continue
        period_end = match.start() + 1
        if text[match.start()] == "." and _is_abbreviation(text, period_end):
            continue
        spans.append((start, end))
        start = end
    spans.append((start, last))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _balanced(text: str) -> bool:
    for opening, closing in ("()", "[]", "{}"):
        depth = 0
        for k, ch in enumerate(text):
            if ch == closing and depth == 0 and _ENUMERATOR.search(text, 0, k + 1):
                continue  # "1) load, 2) train": an enumerator closes nothing
            depth += (ch == opening) - (ch == closing)
            if depth < 0:
                return False
        if depth != 0:
            return False
    return True


def _word_shares(tokens: list[str]) -> tuple[float, int]:
    words = [t for t in tokens if _WORD.match(t)]
    function = sum(1 for t in tokens if t.lower().strip(".,;:()") in _FUNCTION_WORDS)
    return len(words) / len(tokens), function


def _affiliation_line(text: str, tokens: list[str]) -> bool:
    """An address: affiliation words and next to no sentence glue ('of' and 'and' aside)."""
    if not _AFFILIATION.search(text) or _VERBISH.search(text):
        return False
    glue = [t for t in tokens if t.lower().strip(".,;:()") in _FUNCTION_WORDS - _ADDRESS_WORDS]
    return len(glue) < 2


def is_prose(text: str) -> bool:
    """True only for a well-formed prose sentence: no table row, caption, equation or address."""
    text = text.strip()
    tokens = text.split()
    if len(tokens) < 5 or len(text) < 25 or len(text) > 1200:
        return False
    if not _START.match(text) or not _TERMINAL.search(text) or not _balanced(text):
        return False
    if _CAPTION.match(text) or _CONTACT.search(text) or _affiliation_line(text, tokens):
        return False
    if "=" in " ".join(tokens[:4]):
        return False  # opens with an equation: "LS(y, p) = ... where ..."
    # Citations like "(Li et al., 2019b; Hu, 2020)" are prose furniture, not debris.
    bare = _CITATIONS.sub(" ", text)
    tokens = bare.split() or tokens
    word_share, function = _word_shares(tokens)
    if word_share < 0.6 or (function < 1 and (word_share < 0.9 or len(tokens) < 6)):
        return False
    chars = bare.replace(" ", "")
    digits = sum(ch.isdigit() for ch in chars)
    math = len(_MATH.findall(_SIGNED.sub("", bare)))
    single = sum(1 for t in tokens if len(t.strip(".,;:()")) == 1 and t.strip(".,;:()").isalpha())
    return (
        digits <= 0.25 * len(chars)
        and math <= max(2, 0.03 * len(chars))
        and single <= 0.25 * len(tokens)
    )
