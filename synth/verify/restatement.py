"""The restatement rule: a passage that says the claim in nearly its own words supports it.

The pair model reads some near-verbatim restatements as "neither" ("All of the KDFlow
experiments were run on a single server with 8 NVIDIA H20 GPUs" against "All experiments are
conducted on a single server equipped with 8 NVIDIA H20 GPUs": P(supports) 0.46), and then the
number rule withholds support, since no passage the model reads as support states the 8 GPUs.
A passage *restates* a claim when the two share at least ``verify.restatement_share`` (0.5)
of their content words together (:func:`synth.verify.names.content_words`; shared over the
union, so a passage that says more or other things restates nothing; words of the passage's
document title aside, which its passages leave unsaid: "KDFlow"), and the passage or its title
names every name the claim names (:func:`synth.verify.names.missing_names`). The pair judge
supports an otherwise unverified claim through such a passage only when, besides, the passage
states every quantity of the claim within its precision, holds no conflict a reader can point
at (another number, a negation, a reversed direction word), and the model does not read it as
a contradiction; the passage is then shown as support, with a note.

Half is the definition, not a fitted value ("more of their words shared than not"); it was
checked on the SciFact **train** perturbation suite (``python benchmarks/verifier_perturbations.py
--split train --only pair`` with ``SYNTH_VERIFY__RESTATEMENT_SHARE``): no perturbed item is
supported at any share from 0.6 down to 0.3 (17.3 % as without the rule), originals 62.7 %
(0.5, as without) to 63.0 % (0.4, 0.3). Lower shares are not taken: SciFact's edits do not test
a swapped adjective the direction lists lack ("severe" for "mild"), and such a claim shares a
third of its words with its source sentence. A first version that counted the claim's words
alone (share of the claim said by the passage) supported "Adverse events were severe in the
placebo group" through "Adverse events were mild ... in both groups" at 0.6.
"""

from __future__ import annotations

from synth.verify.names import content_words, missing_names


def restated_share(claim: str, passage: str, title: str = "") -> float:
    """The share of the content words of claim and passage together (their title's aside)
    that both say: 1 for the same words, low for a passage that says more or other things."""
    aside = content_words(title)
    wanted, said = content_words(claim) - aside, content_words(passage) - aside
    if not wanted:
        return 0.0
    return len(wanted & said) / len(wanted | said)


def restates(claim: str, passage: str, title: str, share: float) -> bool:
    """Whether the passage says the claim in nearly its words and names all it names."""
    if share <= 0 or restated_share(claim, passage, title) < share:
        return False
    return not missing_names(claim, passage, title)
