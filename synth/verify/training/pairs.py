"""Training pairs for the pair model, built from SciFact train and SciFact corpus sentences.

Two sources, both from what this machine has (no NLI data can be downloaded here):

- SciFact train claims: claim × rationale sentence → supports/contradicts; claim × the other
  sentences of its cited abstract and × the closest sentences of retrieved but uncited
  abstracts → neither (hard negatives, same topic). The claims are also edited (negation,
  antonym, number) against their supporting rationale → contradicts.
- Synthetic: corpus sentences that state a finding become short claims (``to_claim``) and are
  paired with their source sentence: kept as is, compressed or rounded → supports; with a number
  changed, the sense reversed or two quantities swapped → contradicts; with an entity swapped
  or against another sentence of the same abstract → neither.

Abstracts cited by SciFact dev or test claims are never used for synthetic pairs, and claims
are split into train and held-out by a hash of their id, so nothing evaluated leaks into training.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from synth.verify.calibrate import fold_of
from synth.verify.lexical import LexicalIndex, to_tokens
from synth.verify.scifact import Abstract, ClaimPair, load_claim_pairs
from synth.verify.training import perturb

SUPPORTS, CONTRADICTS, NEITHER = 0, 1, 2
HELD_OUT_FOLD, N_FOLDS = 0, 5  # one claim in five is held out for early stopping and stacking

# Sentences worth turning into claims: they report a result, not a method or a background fact.
_FINDING = re.compile(
    r"\b(increase[sd]?|decrease[sd]?|reduce[sd]?|higher|lower|more|fewer|less|greater|"
    r"associated|significant(?:ly)?|improve[sd]?|outperform(?:s|ed)?|inhibit(?:s|ed)?|"
    r"promote[sd]?|induce[sd]?|elevated|risk|compared|than|correlat\w+|predict\w*|"
    r"\d+(?:\.\d+)?\s*%|\d+(?:\.\d+)?-fold)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TrainingPair:
    """One (claim, passage) example with its label and where it came from."""

    claim: str
    passage: str
    label: int  # SUPPORTS, CONTRADICTS or NEITHER
    origin: str  # e.g. "scifact:rationale", "synthetic:antonym"
    group: str  # claim id or abstract id: the unit of the train/held-out split


def is_held_out(group: str) -> bool:
    """True for the claims (and abstracts) kept out of training for validation and stacking."""
    return fold_of(group, N_FOLDS) == HELD_OUT_FOLD


def _closest(claim: str, sentences: Iterable[str], n: int, skip: set[int]) -> list[str]:
    ct = set(to_tokens(claim))
    scored = [
        (len(ct & set(to_tokens(s))) / max(len(ct), 1), i, s)
        for i, s in enumerate(sentences)
        if i not in skip
    ]
    return [s for _, _, s in sorted(scored, key=lambda t: (-t[0], t[1]))[:n]]


_SCIFACT_EDITS: tuple[tuple[str, Callable[[str, random.Random], str | None]], ...] = (
    ("negation", lambda c, _: perturb.negate(c)),
    ("antonym", perturb.swap_antonym),
    ("number", perturb.change_number),
)


def scifact_pairs(
    pairs: list[ClaimPair], corpus: dict[str, Abstract], rng: random.Random
) -> list[TrainingPair]:
    """Pairs from SciFact claims against their cited and retrieved-but-uncited abstracts."""
    ids = sorted(corpus)
    index = LexicalIndex([corpus[d].text for d in ids])
    out: list[TrainingPair] = []
    for p in pairs:
        sents = corpus[p.doc_id].sentences
        g = p.claim_id
        label = {"SUPPORT": SUPPORTS, "CONTRADICT": CONTRADICTS}.get(p.label, NEITHER)
        rationale = [sents[i] for i in p.rationale if i < len(sents)]
        for s in rationale:
            out.append(TrainingPair(p.claim, s, label, "scifact:rationale", g))
        if len(rationale) > 1:
            out.append(TrainingPair(p.claim, " ".join(rationale), label, "scifact:rationale", g))
        hard = 3 if rationale else 4
        for s in _closest(p.claim, sents, hard, set(p.rationale)):
            out.append(TrainingPair(p.claim, s, NEITHER, "scifact:cited_other", g))
        rows, _ = index.search(p.claim, 4)
        uncited = [ids[r] for r in rows if ids[r] != p.doc_id][:2]
        for doc in uncited:
            for s in _closest(p.claim, corpus[doc].sentences, 1, set()):
                out.append(TrainingPair(p.claim, s, NEITHER, "scifact:retrieved", g))
        out.extend(_edited_claims(p, rationale, label, rng))
    return out


def _edited_claims(
    p: ClaimPair, rationale: list[str], label: int, rng: random.Random
) -> list[TrainingPair]:
    """SciFact claims edited against their rationale: a supported claim's reversal contradicts;
    a contradicted claim with its negation removed is supported (how SciFact made many of them)."""
    if not rationale:
        return []
    evidence = " ".join(rationale)
    out = []
    if label == SUPPORTS:
        for name, edit in _SCIFACT_EDITS:
            edited = edit(p.claim, rng)
            if edited and edited != p.claim:
                out.append(
                    TrainingPair(edited, evidence, CONTRADICTS, f"scifact:{name}", p.claim_id)
                )
    elif label == CONTRADICTS and re.search(r"\b(not|no|without)\b", p.claim, re.IGNORECASE):
        edited = perturb.negate(p.claim)
        if edited and edited != p.claim:
            out.append(
                TrainingPair(edited, evidence, SUPPORTS, "scifact:negation_removed", p.claim_id)
            )
    return out


def finding_sentences(abstract: Abstract) -> list[int]:
    """Indices of sentences that state a result (second half of the abstract, finding words)."""
    n = len(abstract.sentences)
    return [
        i
        for i, s in enumerate(abstract.sentences)
        if i >= n // 3 and _FINDING.search(s) and 12 <= len(s.split()) <= 60
    ]


_REFUTE: tuple[tuple[str, float], ...] = (
    ("antonym", 0.35),
    ("negation", 0.30),
    ("number", 0.25),
    ("swap_numbers", 0.10),
)


def _refute(claim: str, kind: str, rng: random.Random) -> str | None:
    if kind == "antonym":
        return perturb.swap_antonym(claim, rng)
    if kind == "negation":
        return perturb.negate(claim)
    if kind == "number":
        return perturb.change_number(claim, rng)
    return perturb.swap_numbers(claim)


def synthetic_pairs_for(
    abstract: Abstract, index: int, rng: random.Random, reword: bool = False
) -> list[TrainingPair]:
    """Supporting, refuting and unrelated pairs made from one sentence of an abstract.

    ``reword`` adds synonym rewordings (as support, and of each reversal, as contradiction);
    the shipped model was trained without them (see the model card).
    """
    source = abstract.sentences[index]
    claim = perturb.to_claim(source)
    if claim is None:
        return []
    g = f"doc{abstract.doc_id}"
    out = [TrainingPair(claim, source, SUPPORTS, "synthetic:compress", g)]
    for name, keep in (
        ("round", perturb.round_number(claim, rng)),
        ("drop_clause", perturb.drop_clause(claim)),
        ("reword", perturb.reword(claim, rng) if reword else None),
    ):
        if keep and keep != claim:
            out.append(TrainingPair(keep, source, SUPPORTS, f"synthetic:{name}", g))
    kinds = [k for k, _ in _REFUTE]
    weights = [w for _, w in _REFUTE]
    tried: set[str] = set()
    for _ in range(2 if rng.random() < 0.6 else 1):
        kind = rng.choices(kinds, weights)[0]
        edited = None if kind in tried else _refute(claim, kind, rng)
        tried.add(kind)
        if edited is None:
            edited, kind = _any_refutation(claim, rng)
        if edited and edited != claim:
            out.append(TrainingPair(edited, source, CONTRADICTS, f"synthetic:{kind}", g))
            # The same reversal in other words: the reversal, not the wording, contradicts.
            reworded = perturb.reword(edited, rng, 1) if reword else None
            if reworded and rng.random() < 0.5:
                out.append(
                    TrainingPair(reworded, source, CONTRADICTS, f"synthetic:{kind}+reword", g)
                )
    others = [s for i, s in enumerate(abstract.sentences) if i != index]
    if others:
        out.append(TrainingPair(claim, rng.choice(others), NEITHER, "synthetic:same_abstract", g))
        swapped = perturb.swap_entity(claim, " ".join(others), rng)
        if swapped and rng.random() < 0.5:
            out.append(TrainingPair(swapped, source, NEITHER, "synthetic:entity", g))
    return out


def _any_refutation(claim: str, rng: random.Random) -> tuple[str | None, str]:
    for kind, _ in _REFUTE:
        edited = _refute(claim, kind, rng)
        if edited and edited != claim:
            return edited, kind
    return None, ""


def _shuffled_findings(
    corpus: dict[str, Abstract], excluded: set[str], rng: random.Random
) -> list[tuple[str, int]]:
    """(abstract id, sentence index) of up to two finding sentences of each non-excluded
    abstract, shuffled."""
    candidates = [
        (doc, i)
        for doc in sorted(corpus)
        if doc not in excluded
        for i in finding_sentences(corpus[doc])[:2]
    ]
    rng.shuffle(candidates)
    return candidates


def synthetic_pairs(
    corpus: dict[str, Abstract],
    excluded: set[str],
    n_sentences: int,
    rng: random.Random,
    reword: bool = False,
) -> list[TrainingPair]:
    """Synthetic pairs from up to ``n_sentences`` finding sentences of non-excluded abstracts."""
    candidates = _shuffled_findings(corpus, excluded, rng)
    out: list[TrainingPair] = []
    for doc, i in candidates[:n_sentences]:
        out.extend(synthetic_pairs_for(corpus[doc], i, rng, reword))
    return out


def omission_pairs(
    corpus: dict[str, Abstract], excluded: set[str], n_sentences: int, rng: random.Random
) -> list[TrainingPair]:
    """Claims that leave out a detail their source states (a count, a change's size, a time, an
    intensifier) → supports; the same shortened claim reversed → contradicts.

    The synthetic contradictions teach that another figure contradicts, and the model came to
    read a missing figure as one ("a trial of adults" against "a trial of 400 adults": 0.99
    contradicts); SciFact's claims are mostly shorter and more general than their rationale.
    The reversed twin keeps "shorter" from meaning "supported".
    """
    candidates = _shuffled_findings(corpus, excluded, rng)
    out: list[TrainingPair] = []
    for doc, i in candidates:
        if len(out) >= 2 * n_sentences:
            break
        source = corpus[doc].sentences[i]
        claim = perturb.to_claim(source)
        shorter = perturb.drop_detail(claim, rng) if claim else None
        if shorter is None:
            continue
        g = f"doc{doc}"
        out.append(TrainingPair(shorter, source, SUPPORTS, "omission:keep", g))
        reversed_ = perturb.negate(shorter) or perturb.swap_antonym(shorter, rng)
        if reversed_ and reversed_ != shorter:
            out.append(TrainingPair(reversed_, source, CONTRADICTS, "omission:reversed", g))
    return out


# A title that states a finding has a verb (most titles are noun phrases: "Effects of X on Y").
_TITLE_VERB = re.compile(
    r"\b(is|are|was|were|has|have|can|may|does|do|reduce[sd]?|increase[sd]?|decrease[sd]?|"
    r"cause[sd]?|regulates?|requires?|mediates?|promotes?|inhibits?|induces?|enhances?|"
    r"impairs?|protects?|predicts?|prevents?|controls?|determines?|drives?|modulates?|"
    r"suppress(?:es)?|activates?|confers?|links?|contributes?|improves?|lowers?|raises?|"
    r"blocks?|triggers?|limits?|restricts?|underlies|affects?|alters?|elevates?|attenuates?|"
    r"rescues?|accelerates?|delays?|facilitates?|exacerbates?|ameliorates?|disrupts?|"
    r"maintains?|governs?|directs?|shapes?|associated|linked|required|involved)\b",
    re.IGNORECASE,
)
TITLE_MIN_OVERLAP = 0.35  # share of the title's words the chosen abstract sentences must hold


def _title_evidence(abstract: Abstract) -> str | None:
    """The two abstract sentences (in order) sharing most words with a finding title."""
    title = abstract.title.strip().rstrip(".")
    if "?" in title or len(title.split()) < 5 or not _TITLE_VERB.search(title):
        return None
    words = set(to_tokens(title))
    if not words or len(abstract.sentences) < 2:
        return None
    closest = set(_closest(title, abstract.sentences, 2, set()))
    chosen = [s for s in abstract.sentences if s in closest]
    if len(words & set(to_tokens(" ".join(chosen)))) / len(words) < TITLE_MIN_OVERLAP:
        return None
    return " ".join(chosen)


def title_pairs(
    corpus: dict[str, Abstract], excluded: set[str], n_titles: int, rng: random.Random
) -> list[TrainingPair]:
    """Pairs that restate a finding in other words: a paper's title against its own abstract.

    A title that states a finding ("Chronic exercise increases ... expression in ...") is what
    the abstract's result and conclusion sentences say at length in other words, which the
    compressed-sentence pairs never teach (they keep the source's wording). Title against its
    two closest abstract sentences → supports; the title reversed (negation, direction word)
    against them → contradicts; against the closest sentence of the 6th BM25-nearest other
    abstract → neither. Weak labels: a title can claim a little more than two sentences state.
    """
    ids = sorted(d for d in corpus if d not in excluded)
    chosen: list[tuple[str, str]] = []
    for doc in ids:
        evidence = _title_evidence(corpus[doc])
        if evidence is not None:
            chosen.append((doc, evidence))
    rng.shuffle(chosen)
    chosen = chosen[:n_titles]
    index = LexicalIndex([corpus[d].text for d in ids])
    out: list[TrainingPair] = []
    for doc, evidence in chosen:
        title = corpus[doc].title.strip().rstrip(".")
        g = f"title{doc}"
        out.append(TrainingPair(title, evidence, SUPPORTS, "title:abstract", g))
        for kind in ("negation", "antonym"):
            edited = (
                perturb.negate(title) if kind == "negation" else perturb.swap_antonym(title, rng)
            )
            if edited and edited != title:
                out.append(TrainingPair(edited, evidence, CONTRADICTS, f"title:{kind}", g))
        # The 6th-8th closest abstracts share the topic; the closest few often state the
        # same finding (another paper on it), which would make a false "neither".
        rows, _ = index.search(corpus[doc].text, 8)
        others = [ids[r] for r in rows if ids[r] != doc][5:6]
        for other in others:
            near = _closest(title, corpus[other].sentences, 1, set())
            out.append(TrainingPair(title, " ".join(near), NEITHER, "title:retrieved", g))
    return out


def evaluation_doc_ids(root: Path) -> set[str]:
    """Abstracts cited by SciFact dev and test claims (kept out of synthetic training data)."""
    ids: set[str] = set()
    for split in ("dev", "test"):
        path = root / f"claims_{split}.jsonl"
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                ids |= {str(d) for d in json.loads(line).get("cited_doc_ids", [])}
    return ids


def build_training_pairs(
    root: Path,
    corpus: dict[str, Abstract],
    n_synthetic: int,
    seed: int,
    reword: bool = False,
    n_titles: int = 0,
    n_omissions: int = 0,
) -> tuple[list[TrainingPair], list[TrainingPair]]:
    """(train, held-out) pairs; the held-out part holds one claim and abstract group in five."""
    rng = random.Random(seed)
    train_claims = load_claim_pairs(root, "train")
    pairs = scifact_pairs(train_claims, corpus, rng)
    pairs += synthetic_pairs(corpus, evaluation_doc_ids(root), n_synthetic, rng, reword)
    if n_titles:
        # Its own generator, so that the pairs above stay those of earlier runs.
        pairs += title_pairs(corpus, evaluation_doc_ids(root), n_titles, random.Random(seed + 1))
    if n_omissions:
        rng_omit = random.Random(seed + 2)
        pairs += omission_pairs(corpus, evaluation_doc_ids(root), n_omissions, rng_omit)
    train = [p for p in pairs if not is_held_out(p.group)]
    held = [p for p in pairs if is_held_out(p.group)]
    return train, held
