"""A claim that restricts something to one thing, against a passage that names more than it.

"BERT conditions only on the left context" and "BERT conditions jointly on both left and right
context" share nearly every word, and the small pair model reads the second as support for the
first. The difference is one restriction: the claim says *only* X ("solely X", "exclusively X",
"X alone"); a passage that restates the claim coordinates X with something else ("both X and
Y", "X and Y", "Y and X", "X as well as Y", "not only X but also Y", "jointly ... X"). That is
the claim's sense reversed, and :func:`exclusivity_reversal` returns a note naming both spans.

The check is narrow on purpose:

* the passage must restate the claim (:func:`synth.verify.reversal.restates`);
* "only" must restrict a thing: not "not only", "the only", "only if/when/after", a number
  ("only 3%"), "only a few" or a degree adverb ("only slightly"), which minimise rather than
  exclude;
* the coordinated Y must be a content word the claim does not name (a claim that names Y
  itself is about something else than X's company);
* a passage that restricts X itself ("only X") or negates the coordination ("not both X and
  Y") agrees with the claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from synth.lexical import EVIDENCE_STOPWORDS
from synth.verify.reversal import restates, word_key

__all__ = ["exclusivity_reversal"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TOKEN = re.compile(r"[A-Za-z0-9]+")
# Markers that restrict what follows them, and the one that restricts what precedes it.
RESTRICT_NEXT = frozenset({"only", "solely", "exclusively"})
RESTRICT_PREVIOUS = frozenset({"alone"})
# After "only", words that make it a minimiser or a condition, not a restriction to one thing.
_NOT_RESTRICTING = _words(
    """if when whenever where after before once until then a an one few little some several
    modest moderate minor small slight weak partial recently just occasionally sometimes rarely"""
)
# Words before a marker that make it no restriction of a thing ("not only", "the only option").
_NOT_BEFORE = frozenset({"not", "the", "an", "a", "if"})
# Coordinators that add a second thing to X; multi-word ones as tuples of tokens.
_COORDINATORS: tuple[tuple[str, ...], ...] = (
    ("and",),
    ("as", "well", "as"),
    ("but", "also"),
    ("together", "with"),
    ("along", "with"),
    ("in", "addition", "to"),
    ("plus",),
)
# "jointly" says X goes with something else, named or not.
_JOINT = frozenset({"jointly"})
_NEGATORS = frozenset({"not", "no", "never", "neither", "nor", "without", "cannot"})
# Content words after a marker that name what it restricts ("only on the left context").
HEAD_WORDS = 2
# Function words skipped between a marker and what it restricts ("only on the left context").
SKIP_WORDS = 3
# Tokens before X searched for "jointly".
LOOKBACK = 4


@dataclass(frozen=True)
class _Tok:
    low: str
    key: str
    start: int
    end: int


def _tokens(text: str) -> list[_Tok]:
    return [
        _Tok(m.group(0).lower(), word_key(m.group(0)), m.start(), m.end())
        for m in _TOKEN.finditer(text)
    ]


def _content(tok: _Tok) -> bool:
    return tok.low not in EVIDENCE_STOPWORDS and not tok.low.isdigit()


def _restricted(toks: list[_Tok], i: int) -> list[_Tok]:
    """What the marker at ``i`` restricts: its first content words, or none when it does not
    restrict a thing."""
    word = toks[i].low
    if i > 0 and toks[i - 1].low in _NOT_BEFORE:
        return []
    if word in RESTRICT_PREVIOUS:
        before = toks[max(0, i - HEAD_WORDS) : i]
        return [t for t in before if _content(t)][-HEAD_WORDS:]
    head: list[_Tok] = []
    for k, tok in enumerate(toks[i + 1 : i + 1 + SKIP_WORDS + HEAD_WORDS]):
        # A number, a degree adverb or a condition right after "only" minimises or conditions
        # ("only 3%", "only slightly", "only if"); it restricts no thing.
        if not head and (
            tok.low in _NOT_RESTRICTING or tok.low[0].isdigit() or tok.low.endswith("ly")
        ):
            return []
        if _content(tok):
            head.append(tok)
        elif head or k >= SKIP_WORDS:
            break
        if len(head) == HEAD_WORDS:
            break
    return head


def _coordinator_at(toks: list[_Tok], j: int) -> int:
    """The number of tokens of a coordinator starting at ``j`` (0 when none)."""
    for words in _COORDINATORS:
        if tuple(t.low for t in toks[j : j + len(words)]) == words:
            return len(words)
    return 0


def _partner(toks: list[_Tok], j: int, skip: set[str]) -> _Tok | None:
    """A content word coordinated with token ``j``, not one of ``skip``: the first after a
    coordinator that follows ``j`` (past a few function words) or the one right before a
    coordinator that precedes it."""
    n = _coordinator_at(toks, j + 1)
    if n:
        # Past the function words of a repeated phrase: "but also on the right context".
        after = [t for t in toks[j + 1 + n : j + 2 + n + SKIP_WORDS] if _content(t)][:1]
        if after and after[0].key not in skip:
            return after[0]
    for n in (1, 2, 3):
        if j - n - 1 >= 0 and _coordinator_at(toks, j - n) == n:
            before = toks[j - n - 1]
            if _content(before) and before.key not in skip:
                return before
    return None


def _joint(toks: list[_Tok], j: int) -> _Tok | None:
    """A "jointly" among the few tokens before ``j``."""
    return next((t for t in toks[max(0, j - LOOKBACK) : j] if t.low in _JOINT), None)


def _negated(text: str, toks: list[_Tok], j: int) -> bool:
    """True when a negation stands in the clause before token ``j``; the "not" of "not only"
    negates nothing (it adds a second thing)."""
    start = max(text.rfind(p, 0, toks[j].start) for p in ",;:.()")
    return any(
        t.low in _NEGATORS and not (t.low == "not" and toks[k + 1].low == "only")
        for k, t in enumerate(toks[:j])
        if t.start > start
    )


def _restricts_itself(toks: list[_Tok], keys: set[str]) -> bool:
    """True when the passage puts a restriction marker on X too ("only X")."""
    return any(
        t.low in RESTRICT_NEXT | RESTRICT_PREVIOUS and {h.key for h in _restricted(toks, i)} & keys
        for i, t in enumerate(toks)
    )


def _span(text: str, toks: list[_Tok]) -> str:
    return text[min(t.start for t in toks) : max(t.end for t in toks)]


def exclusivity_reversal(claim: str, passage: str) -> str | None:
    """A note when the claim restricts something to X ("only X", "X alone") and a passage that
    restates it names X together with something else ("both X and Y", "jointly ... X")."""
    if not restates(claim, passage):
        return None
    ctoks, ptoks = _tokens(claim), _tokens(passage)
    claim_keys = {t.key for t in ctoks if _content(t)}
    for i, marker in enumerate(ctoks):
        if marker.low not in RESTRICT_NEXT | RESTRICT_PREVIOUS:
            continue
        head = _restricted(ctoks, i)
        keys = {t.key for t in head}
        if not keys or _restricts_itself(ptoks, keys):
            continue
        for j, tok in enumerate(ptoks):
            if tok.key not in keys or _negated(passage, ptoks, j):
                continue
            partner, joint = _partner(ptoks, j, claim_keys), _joint(ptoks, j)
            if partner is None and joint is None:
                continue
            said = _span(claim, [marker, *head])
            shown = [tok, partner] if partner is not None else [tok]
            # The words that make it a second thing ("both", "not only") belong in the quote.
            lo = max(0, j - LOOKBACK)
            if lo > 0 and ptoks[lo].low == "only" and ptoks[lo - 1].low == "not":
                lo -= 1
            lead = [t for t in ptoks[lo:j] if t.low in ("both", "not", "only")]
            found = _span(passage, [t for t in (*shown, *lead, joint) if t is not None])
            return f"the claim says {said!r}; the passage says {found!r}"
    return None
