"""Acronyms a claim defines otherwise than its source does: such a claim is not supported.

A claim that writes "AMP-activated protein kinase (IPF) activation reduces fibrosis" against an
abstract that defines "AMP-activated protein kinase (AMPK)" and "idiopathic pulmonary fibrosis
(IPF)" names one thing with another's acronym. The pair model reads the two almost alike (one
token of many differs), and the name rule finds every name somewhere in the abstract.

A *definition* is a parenthesised short form (2–10 characters, two capitals at least, "IPF",
"LLMs") after the words it abbreviates. Its long form is found by the usual right-to-left
letter match (in the manner of Schwartz and Hearst): each letter of the short form, right to
left, in the words before the bracket, the first at the start of a word, within ``len + 5``
words; a plural "s" of the short form is not matched. A claim's definition whose letters do not
spell the words before it is *misdefined* against a document when the document

* defines the same short form with a long form none of whose words (of four letters or more)
  stands before it in the claim ("idiopathic pulmonary fibrosis (IPF)"; "p53-bound enhancer
  regions (p53BERs)" is not otherwise than the claim's "enhancer regions (p53BERs)"), or
* defines another short form with a long form the claim's words end with ("AMP-activated
  protein kinase (AMPK)").

A claim whose definition spells its words ("cerebrospinal fluid (CSF)"), or that the document
never defines otherwise ("the C-type lectin receptor (CLEC-2)" against an abstract that writes
"CLEC-2" without brackets), is left alone.
"""

from __future__ import annotations

import re

__all__ = ["definitions", "long_form", "misdefined"]

_DEFINED = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9-]{1,9})\s*\)")
_PLURAL = re.compile(r"^([A-Z0-9-]*[A-Z][A-Z0-9-]*)s$")
_SPACE = re.compile(r"\s+")


def _singular(short: str) -> str:
    match = _PLURAL.match(short)
    return match.group(1) if match else short


def long_form(short: str, before: str) -> str | None:
    """The words at the end of ``before`` whose letters spell ``short``, or None."""
    letters = [c.lower() for c in _singular(short) if c.isalnum()]
    words = before.split()[-(len(letters) + 5) :]
    text = " ".join(words).rstrip(" ,;:\u201c\u201d\"'")
    pos = len(text) - 1
    for n in range(len(letters) - 1, -1, -1):
        while pos >= 0 and (
            text[pos].lower() != letters[n] or (n == 0 and pos > 0 and text[pos - 1].isalnum())
        ):
            pos -= 1
        if pos < 0:
            return None
        if n:
            pos -= 1
    return text[pos:].strip(" \u201c\u201d\"'") or None


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


def _content(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower())}


def definitions(text: str) -> list[tuple[str, str | None, str]]:
    """(short form, its long form or None when the letters do not spell it, the text before
    the bracket) for every definition in a text."""
    out = []
    for match in _DEFINED.finditer(text):
        short = match.group(1)
        if sum(c.isupper() for c in short) < 2:
            continue
        before = text[: match.start()]
        out.append((_singular(short), long_form(short, before), before))
    return out


def misdefined(claim: str, document: str) -> list[str]:
    """One note per claim definition the document defines otherwise (see the module
    docstring); [] when there is none."""
    loose = [(short, before) for short, long, before in definitions(claim) if long is None]
    if not loose:  # the document is read only for a claim whose letters do not spell its words
        return []
    known = [(short, long) for short, long, _ in definitions(document) if long is not None]
    notes = []
    for short, before in loose:
        tail = _norm(before)[-200:]
        near = _content(" ".join(before.split()[-(len(short) + 5) :]))
        # The same acronym for other words: none of the source's words stands before it in the
        # claim ("enhancer regions (p53BERs)" for "p53-bound enhancer regions" is a shortening).
        same = [lf for s, lf in known if s == short and not _content(lf) & near]
        other = [(s, lf) for s, lf in known if s != short and tail.endswith(_norm(lf))]
        if same:
            notes.append(f"the claim's {short} is the source's '{same[0]}'")
        elif other:
            notes.append(f"the source abbreviates '{other[0][1]}' as {other[0][0]}, not {short}")
    return notes
