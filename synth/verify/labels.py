"""Category labels: "grade 2", "type 1", "phase III", "stage 4", "class I".

A numbered category is not a quantity: :data:`synth.quantities.CATEGORY_WORDS` are among the
reference words that keep "grade 2" out of the number rule, so it never conflicts with "grade 3"
as 2 against 3 would. Yet a category label names *which* thing a finding is about: type 1
diabetes is not type 2 diabetes, and a result for grade 2 lesions says nothing of grade 1. So a
passage that names the claim's category word with other numbers only ("grade 2 or 3" for a claim
about grade 1) does not support the claim. Like the number rule, this only ever withholds
support.
"""

from __future__ import annotations

import re

from synth.quantities import CATEGORY_WORDS

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8}
_NUMBER = r"(?:\d+|[IVX]{1,4}|[ivx]{1,4})[a-c]?"
_LABEL = re.compile(
    rf"\b(?P<word>{'|'.join(CATEGORY_WORDS)})s?\s+(?P<numbers>{_NUMBER}"
    rf"(?:\s*(?:,|/|-|–|or|and|to)\s*{_NUMBER}(?![\w]))*)(?![\w])",
    re.IGNORECASE,
)
_PART = re.compile(rf"(?P<link>-|–|\bto\b)?\s*(?P<number>{_NUMBER})")


def _value(part: str) -> str:
    low = part.lower()
    return str(_ROMAN[low]) if low in _ROMAN else low


def category_labels(text: str) -> dict[str, set[str]]:
    """Category word -> the numbers the text gives it ("grade 2 or 3" -> {"grade": {"2", "3"}})."""
    out: dict[str, set[str]] = {}
    for m in _LABEL.finditer(text):
        numbers: list[str] = []
        for part in _PART.finditer(m.group("numbers")):
            value = _value(part.group("number"))
            if (
                part.group("link")
                and numbers
                and numbers[-1].isdigit()
                and value.isdigit()
                and int(value) - int(numbers[-1]) <= 20
            ):
                # "stages 2-4" and "grades II to IV" name every category between.
                numbers += [str(n) for n in range(int(numbers[-1]) + 1, int(value))]
            numbers.append(value)
        out.setdefault(m.group("word").lower(), set()).update(numbers)
    return out


def other_category(claim: str, evidence: str) -> str | None:
    """The first claim label the evidence names only with other numbers, as "grade 1", if any."""
    stated = category_labels(evidence)
    for word, numbers in category_labels(claim).items():
        given = stated.get(word)
        if given and not numbers & given:
            return f"{word} {'/'.join(sorted(numbers))}"
    return None
