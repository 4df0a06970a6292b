"""Passages that present a paper's contents ("In this paper, we present a comprehensive review
on ...") and so state no finding a claim could rest on.

Such a sentence shares the words of nearly every claim of its paper, and the pair model reads
some of them as support (a survey's "In this paper, we present a comprehensive review on
knowledge distillation, from the perspectives of ... teacher-student architectures ..." at
P(supports) 0.65 for "the relationship between the structures of the teacher and the student
significantly influences the performance"). What a paper covers is not what it found, so the
judge never shows such a passage as support. A presentation that states a result as well
("..., confirming genes associated with ...", "we show that ...") is not one.

On SciFact train, 1 of the 1,025 gold rationale sentences is a presentation ("In this study, we
describe a strategy for inducing aging-related features ..."), and 185 of the corpus's 45,952
sentences are (``python benchmarks/presentation_rule.py``).
"""

from __future__ import annotations

import re

_PRESENTS = re.compile(
    r"^(?:In|Through(?:out)?) (?:this|the present|our) (?:paper|survey|review|article|work|study|"
    r"chapter|section)s?,? (?:we|the authors) (?:\w+ )?(?:present|review|survey|propose|describe|"
    r"introduce|provide|summari[sz]e|discuss|outline|cover|give|offer|report on|focus on)\b"
    r"|^(?:This|The present|Our) (?:paper|survey|review|article|chapter|section)s? (?:\w+ )?"
    r"(?:presents?|reviews?|surveys?|describes?|introduces?|provides?|summari[sz]es?|"
    r"discuss(?:es)?|outlines?|covers?|contains?|is organi[sz]ed)\b"
    r"|^The (?:body|rest|remainder|structure) of this (?:paper|survey|review|article)\b",
    re.IGNORECASE,
)
_STATES_RESULT = re.compile(
    r"\b(?:show(?:s|ed|n|ing)?|find(?:s|ing)?|found|demonstrat\w*|confirm\w*|reveal\w*|"
    r"observ\w*|indicat\w*|outperform\w*|improv\w*|achiev\w*)\b",
    re.IGNORECASE,
)


def presents_only(text: str) -> bool:
    """Whether a passage only presents its paper's contents, stating no result."""
    stripped = text.strip().lstrip("•-–* ")
    return bool(_PRESENTS.search(stripped)) and not _STATES_RESULT.search(stripped)
