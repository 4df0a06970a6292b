"""The name rule: the names a claim gives must be named by the evidence that supports it.

A claim about CD150 is not supported by a sentence about CD44, however alike the two read to a
model: the pair model weighs a gene, drug, acronym or model name as one token among many, so a
swapped name barely moves its reading. Like the number rule, this rule only ever withholds
support; it never makes a contradiction.

A claim's names are its name-like tokens (:func:`synth.verify.features.name_tokens`), split at
hyphens and slashes into the parts that look like names ("IP3R" of "IP3R-mediated"; letters
alone, as in "C-type", are no name). A name the claim spells out itself ("epigenetic modulating
agents (EMAs)") adds nothing the words do not say, so it is not required. A name counts as
stated by a passage when the passage, the passages around it (``verify.name_context`` on each
side: the sentences before say what "it" is) or the title of its document (where a paper names
the system its sentences call "our model") have it, ignoring case, hyphens and a plural "s", or
spells it out (its letters begin consecutive words: "hematopoietic stem cell" for HSC).

A *substituted* name (``substituted_names``, the ``substituted`` mode of ``verify.name_rule``)
is a claim name the passage lacks where the passage gives another name in the same place: a
name of the passage that the claim does not give, with at least ``SUBSTITUTE_CONTEXT`` of its
nearest content words (``SUBSTITUTE_WINDOW`` on each side; names and the shared
``lexical.EVIDENCE_STOPWORDS`` skipped) also among the missing name's nearest content words in
the claim. "The Prdm14 gene is a key determinant of primordial germ cells" against "Blimp1 is a
key determinant of primordial germ cell specification": the passage says the same of another
gene. A claim writer's own word for
what the passage says ("Th2 cells" for a passage on "T helper cells") has no other name in its
place, so it is not withheld.
"""

from __future__ import annotations

import itertools
import re

from synth.lexical import EVIDENCE_STOPWORDS
from synth.verify.features import name_tokens
from synth.verify.lexical import to_tokens

_WORD = re.compile(r"[A-Za-z0-9]+")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-/]*")
_PARTS = re.compile(r"[-/]")


def _key(word: str) -> str:
    # "DCs" is the plural of DC, but "KRAS" is no plural of KRA.
    if len(word) > 2 and word.endswith("s") and sum(ch.isupper() for ch in word) >= 2:
        word = word[:-1]
    return _PARTS.sub("", word).lower()


def _looks_like_name(part: str) -> bool:
    if len(part) < 2:
        return False
    return any(ch.isdigit() for ch in part) or sum(ch.isupper() for ch in part) >= 2


def _spelled_out(key: str, initials: str) -> bool:
    return key.isalpha() and key in initials


def _initials(text: str) -> str:
    # Names themselves spell nothing out ("GC content" does not define GC).
    return "".join(w[0].lower() for w in _WORD.findall(text) if not _looks_like_name(w))


def claim_names(claim: str) -> list[list[str]]:
    """The names a claim gives that its own words do not spell out: each name as the keys of
    its whole token then of its name-like parts ("CK-666" -> ck666, ck, 666)."""
    initials = _initials(claim)
    out: list[list[str]] = []
    for token in name_tokens(claim):
        parts = [_key(p) for p in _PARTS.split(token) if _looks_like_name(p)]
        parts = [p for p in parts if not _spelled_out(p, initials)]
        if parts and [_key(token), *parts] not in out:
            out.append([_key(token), *parts])
    return out


def missing_names(claim: str, evidence: str, title: str = "") -> list[str]:
    """The claim's names (genes, drugs, acronyms, models) that the evidence does not state."""
    names = claim_names(claim)
    if not names:
        return []
    text = f"{title} {evidence}"
    words = _WORD.findall(text)
    keys = {_key(w) for w in words} | {_key(t) for t in _TOKEN.findall(text)}
    # "IL-6" and "IL 6" both name IL6: join a word to a number after it too.
    keys |= {_key(a + b) for a, b in itertools.pairwise(words) if b.isdigit()}
    initials = _initials(text)
    missing = []
    for whole, *parts in names:
        if whole in keys or all(p in keys or _spelled_out(p, initials) for p in parts):
            continue
        missing.append(whole)
    return missing


# How many words on each side of a name are its context, and how many context words a
# passage's name must share with a missing claim name to stand in its place.
SUBSTITUTE_WINDOW = 3
SUBSTITUTE_CONTEXT = 2
_CONTENT = re.compile(r"[A-Za-z][A-Za-z\-]{2,}")


def _is_content(word: str) -> bool:
    return (
        bool(_CONTENT.fullmatch(word))
        and word.lower() not in EVIDENCE_STOPWORDS
        and not _looks_like_name(word)
    )


def _context_words(words: list[str], i: int) -> set[str]:
    """The ``SUBSTITUTE_WINDOW`` nearest content words on each side of word ``i``."""
    before = [w.lower() for w in words[:i] if _is_content(w)][-SUBSTITUTE_WINDOW:]
    after = [w.lower() for w in words[i + 1 :] if _is_content(w)][:SUBSTITUTE_WINDOW]
    return set(before) | set(after)


def substituted_names(claim: str, passage: str) -> list[tuple[str, str]]:
    """(claim name, passage name) pairs where the passage names another thing in the place of a
    claim name it lacks (see the module docstring)."""
    missing = set(missing_names(claim, passage))
    if not missing:
        return []
    claim_keys = {k for name in claim_names(claim) for k in name}
    claim_words = _TOKEN.findall(claim)
    passage_words = _TOKEN.findall(passage)
    passage_names = set(name_tokens(passage))
    others = [
        (i, w)
        for i, w in enumerate(passage_words)
        if w.strip("-") in passage_names
        and _key(w) not in claim_keys
        and _looks_like_name(w.strip("-/"))
    ]
    out: list[tuple[str, str]] = []
    for i, word in enumerate(claim_words):
        if _key(word) not in missing:
            continue
        mine = _context_words(claim_words, i)
        for j, other in others:
            if len(mine & _context_words(passage_words, j)) >= SUBSTITUTE_CONTEXT:
                out.append((word, other))
                break
    return out


def content_words(text: str) -> set[str]:
    """A text's content words as the verifier compares them: stemmed tokens, numbers and "-ly"
    adverbs aside."""
    return {w for w in to_tokens(text) if not w.isdigit() and not w.endswith("ly")}


def shares_content(claim: str, evidence: str) -> bool:
    """Whether the evidence names any content word of the claim (numbers and "-ly" adverbs
    aside) or any of its names as :func:`missing_names` reads them ("BCL-2" for "Bcl2"): a
    passage about other things entirely is no support, whatever a model reads."""
    words = content_words(claim)
    if words & set(to_tokens(evidence)):
        return True
    names = claim_names(claim)
    return bool(names) and len(missing_names(claim, evidence)) < len(names)
