"""Reversed restatements a reader can point at, found lexically in one passage.

A small pair model reads "KDFlow transfers hidden states rather than full logits" as support for
"KDFlow transfers full logits instead of hidden states": the words are the same, only their
order carries the sense. Two checks read what the model cannot:

* **swapped comparands** — claim and passage state the same relation ("A outperforms B", "A is
  better than B", "A instead of B", "A, whereas B"), with the two sides exchanged;
* **opposite in place** — a passage that restates the claim uses the opposite of one of its
  direction or comparison words beside the same content word ("much less attention to ..."
  where the claim has "much more attention to ...").

Each returns a one-line note naming the spans, so the verdict "contradicted" has evidence a
reader can check. Both are deliberately narrow: a passage must restate the claim (most of its
content words) before a word's opposite counts, and two reversals in one passage cancel out.
Known limit: a sentence about another condition that shares most of the claim's words ("X was
not associated with kidney cancer" against "X is associated with liver cancer") reads as a
negated restatement; the verifier therefore keeps a claim that a closer passage supports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from synth.lexical import EVIDENCE_STOPWORDS, light_stem
from synth.verify.opposites import opposites

# Share of the claim's content words a passage must contain to count as restating it.
RESTATES = 0.5
# Content words of each side quoted in a note.
SIDE_WORDS = 3
# Content words after a relation word that name what it compares ("than deeper ones").
HEAD_WORDS = 2

# Words and their parts: "FSDP2-based" meets "FSDP2", "KDFlow's" meets "KDFlow".
_TOKEN = re.compile(r"[A-Za-z0-9]+")
_NOT = re.compile(r"n['’]t\b")
_CLAUSE_END = re.compile(r"[;:.!?]\s|[;:]|,\s+(?:and|but|which|so)\b")
# Relation words by kind; a pair of texts is compared only on relations of one kind. The value
# says which way the relation points, so "A outperforms B" and "B underperforms A" agree.
_RELATIONS: dict[str, tuple[str, int]] = {
    "than": ("than", 1),
    "instead of": ("instead", 1),
    "rather than": ("instead", 1),
    "in place of": ("instead", 1),
    "outperform": ("beat", 1),
    "outperforms": ("beat", 1),
    "outperformed": ("beat", 1),
    "surpass": ("beat", 1),
    "surpasses": ("beat", 1),
    "surpassed": ("beat", 1),
    "exceed": ("beat", 1),
    "exceeds": ("beat", 1),
    "exceeded": ("beat", 1),
    "beat": ("beat", 1),
    "beats": ("beat", 1),
    "underperform": ("beat", -1),
    "underperforms": ("beat", -1),
    "underperformed": ("beat", -1),
    "whereas": ("contrast", 1),
    "while": ("contrast", 1),
}
_RELATION = re.compile(
    r"\b(" + "|".join(sorted((re.escape(k) for k in _RELATIONS), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_EXTRA_STOPWORDS = frozenset({"ones", "one", "much", "far", "even", "still", "more", "less"})


@dataclass(frozen=True)
class _Word:
    key: str  # stem, comparative folded ("deeper" -> "deep")
    text: str
    start: int


def _key(word: str) -> str:
    stem = light_stem(word.lower())
    # The light stemmer leaves "matches" as "matche" and "transferring" as "transferr".
    if stem.endswith("e") and len(stem) > 3:
        stem = stem[:-1]
    if len(stem) > 4 and stem[-1] == stem[-2] and stem[-1] not in "aeiouls":
        stem = stem[:-1]
    # Comparatives meet their base ("deeper" / "deep", "shallower" / "shallow"); both texts are
    # folded alike, so an odd fold ("layer" -> "lay") still matches only itself.
    if stem.endswith("er") and len(stem) > 5:
        stem = stem[:-2]
    return stem


def word_key(word: str) -> str:
    """The folded stem two texts' words are matched by ("deeper" meets "deep")."""
    return _key(word)


def _content(text: str, start: int = 0, end: int | None = None) -> list[_Word]:
    span = text[start:end]
    return [
        _Word(_key(m.group(0)), m.group(0), start + m.start())
        for m in _TOKEN.finditer(span)
        if m.group(0).lower() not in EVIDENCE_STOPWORDS
        and m.group(0).lower() not in _EXTRA_STOPWORDS
    ]


@lru_cache(maxsize=1 << 14)
def _keys(text: str) -> frozenset[str]:
    # The verifier asks about one claim against several passages and one passage for several
    # claims: each text is tokenized once.
    return frozenset(w.key for w in _content(text))


def coverage(claim: str, passage: str) -> float:
    """Share of the claim's content words (stemmed) that the passage contains."""
    keys = _keys(claim)
    return len(keys & _keys(passage)) / len(keys) if keys else 0.0


def closeness(claim: str, passage: str) -> float:
    """How closely a passage restates a claim: F1 of their content words (a long passage that
    contains the claim's words among many others is not a restatement)."""
    keys, found = _keys(claim), _keys(passage)
    shared = len(keys & found)
    return 2 * shared / (len(keys) + len(found)) if shared else 0.0


def restates(claim: str, passage: str) -> bool:
    """True when the passage contains most of the claim's content words."""
    return coverage(claim, passage) >= RESTATES


@dataclass(frozen=True)
class _Relation:
    kind: str
    sense: int
    word: str
    left: list[_Word]  # content words of the clause before the relation word
    right: list[_Word]  # content words of the clause after it
    comparative: str  # the word before "than" ("better"), "" for other relations
    fronted: bool = False  # "Rather than X, Y": the first side follows the second


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    before = [m.end() for m in _CLAUSE_END.finditer(text, 0, start)]
    after = _CLAUSE_END.search(text, end)
    return (before[-1] if before else 0), (after.start() if after else len(text))


def _comparative(words: list[str]) -> str:
    """The comparison word among the last few words before "than" ("better performances")."""
    for word in reversed(words[-3:]):
        w = word.lower().strip(",")
        if opposites(w) or (w.endswith("er") and len(w) > 4):
            return w
    return words[-1].lower().strip(",") if words else ""


@lru_cache(maxsize=1 << 14)
def _relations(text: str) -> tuple[_Relation, ...]:
    found = []
    for m in _RELATION.finditer(text):
        word = " ".join(m.group(1).lower().split())
        kind, sense = _RELATIONS[word]
        lo, hi = _clause_bounds(text, m.start(), m.end())
        comparative = _comparative(text[lo : m.start()].split()) if kind == "than" else ""
        left, right = _content(text, lo, m.start()), _content(text, m.end(), hi)
        comma = text.find(",", m.end(), hi)
        fronted = kind == "instead" and len(left) <= 1 and comma > 0
        if fronted:
            # "Rather than X, Y" (after at most a "Moreover") says "Y rather than X".
            left, right = _content(text, comma, hi), _content(text, m.end(), comma)
        found.append(_Relation(kind, sense, word, left, right, comparative, fronted))
    return tuple(found)


def _same_direction(a: _Relation, b: _Relation) -> bool | None:
    """True when the two relations point the same way, False when opposite, None if unknown."""
    if a.kind != b.kind:
        return None
    if a.kind != "than":
        return a.sense == b.sense
    ca, cb = _key(a.comparative), _key(b.comparative)
    if ca == cb:
        return True
    if b.comparative in opposites(a.comparative):
        return False
    return None


def _head(text: str, words: list[_Word]) -> set[str]:
    """What a relation's second side names: its first content words, up to the next function
    word ("deeper ones for a fixed budget" -> {deep})."""
    head: set[str] = set()
    for prev, w in zip([None, *words], words[:HEAD_WORDS], strict=False):
        if prev is not None and _TOKEN.search(text, prev.start + len(prev.text), w.start):
            break
        head.add(w.key)
    return head


def _crossed(claim: str, c: _Relation, passage: str, p: _Relation) -> bool:
    """What the claim compares against sits on the passage's first side and vice versa."""
    c_left, p_left = {w.key for w in c.left}, {w.key for w in p.left}
    c_right, p_right = {w.key for w in c.right}, {w.key for w in p.right}
    # Words on both sides of one text ("the teacher's ... the teacher") place nothing.
    c_head, p_head = _head(claim, c.right) - c_left, _head(passage, p.right) - p_left
    return bool(
        c_head & p_left and not c_head & p_right and p_head & c_left and not p_head & c_right
    )


def _votes(c: _Relation, p: _Relation) -> tuple[int, int]:
    """(words on the same side in both texts, words on opposite sides): words on one side only."""
    cl, cr = {w.key for w in c.left}, {w.key for w in c.right}
    pl, pr = {w.key for w in p.left}, {w.key for w in p.right}
    c_only = {k: "L" for k in cl - cr} | {k: "R" for k in cr - cl}
    p_only = {k: "L" for k in pl - pr} | {k: "R" for k in pr - pl}
    shared = c_only.keys() & p_only.keys()
    same = sum(c_only[k] == p_only[k] for k in shared)
    return same, len(shared) - same


def _order(claim: str, passage: str) -> tuple[bool, str] | None:
    """(sense reversed, note) when claim and passage state one relation with its sides
    exchanged; None when they share no such relation."""
    for c in _relations(claim):
        for p in _relations(passage):
            direction = _same_direction(c, p)
            if direction is None:
                continue
            same, crossed = _votes(c, p)
            # Two clauses in contrast ("A needs X, whereas B needs Y") have no head to place;
            # their words vote. A comparison's words do not: a modifier ("on CIFAR-10") moves
            # freely between its sides.
            voted = c.kind == "contrast" and crossed >= 3 and crossed >= same + 2
            if voted or _crossed(claim, c, passage, p):
                first = p.left[:SIDE_WORDS] if p.fronted else p.left[-SIDE_WORDS:]
                words = sorted(first + p.right[:SIDE_WORDS], key=lambda w: w.start)
                span = passage[words[0].start : words[-1].start + len(words[-1].text)]
                note = f"states the comparison the other way round: '…{span}…'"
                # "B is worse than A" says what "A is better than B" says.
                return direction, note
    return None


def compares(claim: str) -> bool:
    """True when the claim states a comparison or contrast ("than", "instead of", "whereas")."""
    return bool(_relations(claim))


def same_order(claim: str, passage: str) -> bool:
    """True when the passage states the claim's comparison the same way round: the same
    relation, pointing the same way, against the same second side."""
    for c in _relations(claim):
        for p in _relations(passage):
            c_head = _head(claim, c.right) - {w.key for w in c.left}
            p_head = _head(passage, p.right) - {w.key for w in p.left}
            if c_head & p_head and _same_direction(c, p):
                return True
    return False


def swapped_comparands(claim: str, passage: str) -> str | None:
    """A note when the passage states the claim's relation with its two sides exchanged."""
    order = _order(claim, passage)
    return order[1] if order is not None and order[0] else None


# Negations that govern the next word ("not", "no benefit", "fails to match"); nouns of absence
# ("lack of FGF21", "deficiency") name a condition rather than deny a statement, so they are
# not read here.
_NEGATORS = frozenset({"not", "no", "never", "cannot", "neither", "nor", "unable"})
_NEGATING_VERBS = frozenset({"fail", "fails", "failed", "struggle", "struggles", "struggled"})
# A negation flip needs a closer restatement than an opposite word: on SciFact train, looser
# matches were other sentences of the abstract about another condition.
NEGATION_RESTATES = 0.7


def _tokens(text: str) -> list[_Word]:
    """Every word of a text, lower-cased, with its offset (stopwords kept)."""
    return [_Word(m.group(0).lower(), m.group(0), m.start()) for m in _TOKEN.finditer(text)]


def _context(tokens: list[_Word], content: list[_Word], i: int) -> set[str]:
    """The nearest content word on each side of token ``i`` (stopwords skipped)."""
    start = tokens[i].start
    before = [w for w in content if w.start < start]
    after = [w for w in content if w.start > start]
    return {w.key for w in before[-1:]} | {w.key for w in after[:1]}


def _negated(tokens: list[_Word], i: int) -> bool:
    """True when a negation governs token ``i``: it is the first content word after one."""
    for m in range(i - 1, max(-1, i - 4), -1):
        tok = tokens[m]
        verb = tok.key in _NEGATING_VERBS and m + 1 < len(tokens) and tokens[m + 1].key == "to"
        if tok.key in _NEGATORS or verb:
            return True
        if tok.key not in EVIDENCE_STOPWORDS and tok.key not in _EXTRA_STOPWORDS:
            return False
    return False


def _negation_flip(
    tokens_c: list[_Word],
    content_c: list[_Word],
    tokens_p: list[_Word],
    content_p: list[_Word],
) -> str | None:
    """A note when a claim word and the passage's occurrences of it in the same context
    (a neighbouring content word shared) differ in negation; None when they agree."""
    for i, tc in enumerate(tokens_c):
        if tc.key in EVIDENCE_STOPWORDS or tc.key in _EXTRA_STOPWORDS:
            continue
        key, around = _key(tc.key), _context(tokens_c, content_c, i)
        aligned = [
            _negated(tokens_p, j)
            for j, tp in enumerate(tokens_p)
            if _key(tp.key) == key and _context(tokens_p, content_p, j) & around
        ]
        if not aligned or len(set(aligned)) > 1:
            continue
        if aligned[0] != _negated(tokens_c, i):
            where = "the passage" if aligned[0] else "the claim"
            return f"{where} negates {tc.text!r}, the other does not"
    return None


def opposite_in_place(claim: str, passage: str) -> str | None:
    """A note when a passage that restates the claim reverses it in place: the opposite of one
    of its direction words beside the same content word, or a negation over a word the claim
    states plainly (or the other way round). An odd number of such flips reverses the sense;
    two cancel out."""
    if not restates(claim, passage):
        return None
    # "doesn't" reads as "does not" (offsets below are into these normalised texts).
    claim, passage = _NOT.sub(" not", claim), _NOT.sub(" not", passage)
    tokens_c, tokens_p = _tokens(claim), _tokens(passage)
    content_c, content_p = _content(claim), _content(passage)

    flips: list[str] = []
    own = [(tc.key, _context(tokens_c, content_c, k)) for k, tc in enumerate(tokens_c)]
    for i, tc in enumerate(tokens_c):
        opp = opposites(tc.key)
        if not opp:
            continue
        around = _context(tokens_c, content_c, i)
        same_here = any(
            tp.key == tc.key and _context(tokens_p, content_p, j) & around
            for j, tp in enumerate(tokens_p)
        )
        if same_here:
            continue
        # A passage word the claim itself says in that place is the claim's own ("a smaller
        # model with Skills exceeds a larger model without Skills" against "smaller model +
        # Skills exceeds larger model without Skills": the passage's 'without' is the claim's
        # second 'without', not the opposite of its 'with').
        hit = next(
            (
                tp
                for j, tp in enumerate(tokens_p)
                if tp.key in opp
                and (here := _context(tokens_p, content_p, j)) & around
                and not any(key == tp.key and ctx & here for key, ctx in own)
            ),
            None,
        )
        if hit is not None:
            flips.append(f"the passage says {hit.text!r} where the claim says {tc.text!r}")
    if coverage(claim, passage) >= NEGATION_RESTATES:
        note = _negation_flip(tokens_c, content_c, tokens_p, content_p)
        if note:
            flips.append(note)
    return flips[0] if len(flips) % 2 == 1 else None


def reversed_restatement(claim: str, passage: str) -> str | None:
    """A note when the passage restates the claim with its sense reversed (either check).

    When the two state one comparison with its sides exchanged, the order decides alone: the
    words compared then sit in other places, so their opposites say nothing by position.
    """
    # Like an opposite in place, a swapped order counts only in a passage that restates the
    # claim: "While parameter scaling is often assumed to improve ..., our experiments show
    # ..." shares a contrast word and three words with a translation result, not its statement.
    order = _order(claim, passage) if restates(claim, passage) else None
    if order is not None:
        return order[1] if order[0] else None
    return opposite_in_place(claim, passage)
