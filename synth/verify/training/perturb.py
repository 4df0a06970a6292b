"""Meaning-changing and meaning-keeping edits of a sentence, to train and test the pair model.

In the manner of FactCC and MiniCheck: a claim written from a source sentence is perturbed so
that the sentence no longer supports it (a number changed, the sense reversed, an entity
swapped) or rewritten so that it still does (compressed, rounded). Every function is pure and
returns ``None`` when the edit does not apply, so callers can try the next one; randomness
comes only from the ``random.Random`` passed in, so data builds are reproducible.
"""

from __future__ import annotations

import random
import re

from synth.verify.opposites import SWAP_OPPOSITES


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Leading phrases that frame a finding rather than state it ("We show that ...").
_FRAMES = re.compile(
    r"^(?:(?:in\s+)?(?:conclusion|summary|addition|contrast|particular|this\s+study|"
    r"these\s+(?:experiments|studies)|our\s+study)s?,?\s+)?"
    r"(?:(?:here,?\s+)?(?:we|our\s+(?:results|data|findings|study|analysis)|these\s+"
    r"(?:results|data|findings|observations)|this\s+(?:study|work|paper)|the\s+results?)\s+"
    r"(?:further\s+|also\s+|strongly\s+|clearly\s+)?"
    r"(?:show|shows|showed|demonstrate|demonstrates|demonstrated|suggest|suggests|suggested|"
    r"indicate|indicates|indicated|reveal|reveals|revealed|found|find|report|reports|"
    r"reported|confirm|confirms|confirmed|establish|establishes|established|provide\s+"
    r"evidence)\s+that\s+)?",
    re.IGNORECASE,
)
_PARENS = re.compile(r"\s*[\(\[][^\(\)\[\]]{0,120}[\)\]]")
_TRAILING_STATS = re.compile(
    r"[,;]\s*(?:p\s*[<=>]|95%|odds ratio|hazard ratio|relative risk|or\s*=|hr\s*=|rr\s*=).*$",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")
_MIN_WORDS, _MAX_WORDS = 6, 40


def to_claim(sentence: str) -> str | None:
    """A short declarative claim from a source sentence (framing, brackets, statistics dropped)."""
    text = _PARENS.sub("", sentence)
    text = _TRAILING_STATS.sub("", text)
    text = _FRAMES.sub("", text.strip())
    text = _SPACE.sub(" ", text).strip(" ,;:")
    if not text or not text[0].isalnum():
        return None
    words = text.split()
    if not _MIN_WORDS <= len(words) <= _MAX_WORDS:
        return None
    text = text[0].upper() + text[1:]
    return text if text.endswith(".") else text.rstrip(".") + "."


def drop_clause(claim: str) -> str | None:
    """The claim without its last subordinate clause (", which ..."): still true."""
    m = re.search(
        r",\s+(?:which|whereas|while|although|and\s+this|suggesting|indicating|as)\b", claim
    )
    if not m or len(claim[: m.start()].split()) < _MIN_WORDS:
        return None
    return claim[: m.start()].rstrip(" ,") + "."


# ---- numbers ---------------------------------------------------------------------------------

# A number not glued to a word on its left ("CD4", "IL-6" are names), not a year-like integer.
_NUM = re.compile(
    r"(?<![\w.\-/])(\d+(?:\.\d+)?)(?=(\s*%|-?fold\b|\s*times\b|\s*[x×]|[\s,;:)]|\.(?!\d)|$))"
)
_YEAR = re.compile(r"^(1[89]\d\d|20[0-3]\d)$")


def _numbers(text: str) -> list[re.Match[str]]:
    return [m for m in _NUM.finditer(text) if not _YEAR.match(m.group(1))]


def _unit(m: re.Match[str]) -> str:
    tail = m.group(2).strip().lower()
    return "%" if tail == "%" else "times" if tail and tail[0] in "fxt×" else ""


def _fmt(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def change_number(claim: str, rng: random.Random) -> str | None:
    """One number replaced by a plausible different value of the same kind (not a rounding)."""
    found = _numbers(claim)
    if not found:
        return None
    m = rng.choice(found)
    raw = m.group(1)
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    value = float(raw)
    percent = _unit(m) == "%"
    for _ in range(10):
        factor = rng.choice([0.3, 0.5, 0.6, 0.7, 1.4, 1.5, 2.0, 3.0])
        new = value * factor if value else rng.choice([1.0, 2.0, 5.0])
        if percent and new > 100:
            new = value * rng.choice([0.4, 0.6])
        new_s = _fmt(new, decimals)
        # Must differ beyond the precision stated, or the edit is a rounding, not a change.
        if abs(float(new_s) - value) >= max(10**-decimals, 0.15 * max(abs(value), 1e-9)):
            return claim[: m.start(1)] + new_s + claim[m.end(1) :]
    return None


def round_number(claim: str, rng: random.Random) -> str | None:
    """One decimal number rounded to fewer decimals, sometimes with "about": still true."""
    found = [m for m in _numbers(claim) if "." in m.group(1)]
    if not found:
        return None
    m = rng.choice(found)
    raw = m.group(1)
    decimals = len(raw.split(".")[1])
    keep = rng.randrange(0, decimals)
    new_s = _fmt(round(float(raw), keep), keep)
    prefix = "about " if keep == 0 and rng.random() < 0.5 else ""
    return claim[: m.start(1)] + prefix + new_s + claim[m.end(1) :]


def swap_numbers(claim: str) -> str | None:
    """Two different numbers of the same kind swapped ("from 12% to 20%" → "from 20% to 12%")."""
    found = _numbers(claim)
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            if _unit(a) == _unit(b) and a.group(1) != b.group(1):
                return (
                    claim[: a.start(1)]
                    + b.group(1)
                    + claim[a.end(1) : b.start(1)]
                    + a.group(1)
                    + claim[b.end(1) :]
                )
    return None


# ---- sense --------------------------------------------------------------------------------------

_ANTONYMS = SWAP_OPPOSITES
_WORDS = re.compile(r"[A-Za-z]+")


def _match_case(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    return word.capitalize() if like[0].isupper() else word


def _previous_word(text: str, pos: int) -> str:
    before = text[:pos].split()
    return before[-1].lower().strip(",;") if before else ""


def swap_antonym(claim: str, rng: random.Random) -> str | None:
    """One direction or comparison word replaced by its opposite (increase → decrease, with →
    without, outperforms → underperforms)."""
    hits = [
        m
        for m in _WORDS.finditer(claim)
        if m.group(0).lower() in _ANTONYMS
        and not (m.group(0).lower() == "with" and _previous_word(claim, m.start()) in _FIXED_WITH)
    ]
    if not hits:
        return None
    m = rng.choice(hits)
    new = _match_case(_ANTONYMS[m.group(0).lower()], m.group(0))
    return claim[: m.start()] + new + claim[m.end() :]


_AUX = re.compile(
    r"\b(is|are|was|were|can|could|may|might|will|would|should|does|do|did|has|have|had|must)"
    r"\b(?!\s+not\b)",
    re.IGNORECASE,
)
_DO_NOT = re.compile(r"\b(does|do|did) not\s+([a-z]+)", re.IGNORECASE)
_NEG_REMOVALS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(is|are|was|were|can|could|may|will|would|has|have|had) not\b", re.I), r"\1"),
    (re.compile(r"\bno significant\b", re.IGNORECASE), "a significant"),
    (re.compile(r"\bnot\s+", re.IGNORECASE), ""),
    (re.compile(r"\bwithout\b", re.IGNORECASE), "with"),
)
# A present-tense verb in third person that "does not" can precede ("reduces" → "does not
# reduce"): the first word ending in -es/-s after the subject, when no auxiliary is present.
_VERB_3SG = re.compile(r"\b([a-z]{3,}?)(es|s)\b")
_VERB_PAST = re.compile(r"\b([a-z]{3,}?)(ed)\b")
_NOT_VERBS = _wordset(
    "is was has this its always across thus less cells levels patients analysis mice rats "
    "series species status genes proteins mutations results effects studies rates increases "
    "decreases responses tumors tumours cases bias basis times its pass class process access "
    "does various previous numerous"
)
_DETERMINERS = _wordset("the a an of with in on for by to from and or than its their")
# Words before "with" that make it part of a fixed phrase, not a condition to reverse.
_FIXED_WITH = _wordset(
    "compared associated consistent along together line correlated combined treated "
    "coincides interacts interact deal dealing concomitant contrast par agreement"
)


def negate(claim: str) -> str | None:
    """The claim with its sense reversed by adding a negation, or by removing the one it has."""
    m = _DO_NOT.search(claim)
    if m:
        verb = _inflect(m.group(2), m.group(1).lower())
        return claim[: m.start()] + verb + claim[m.end() :]
    for pattern, repl in _NEG_REMOVALS:
        if pattern.search(claim):
            out = pattern.sub(repl, claim, count=1)
            return out[0].upper() + out[1:] if out else None
    m = _AUX.search(claim)
    if m:
        return claim[: m.end()] + " not" + claim[m.end() :]
    words = claim.split()
    for i, word in enumerate(words[1:], start=1):
        low = word.lower().strip(",.")
        prev = words[i - 1].lower()
        if low in _NOT_VERBS or not low.isalpha() or prev in _DETERMINERS or prev[0].isdigit():
            continue
        if _base(low) not in _VERBS:
            continue
        if _VERB_3SG.fullmatch(low):
            base = low[:-2] if low.endswith(("ses", "xes", "zes", "ches", "shes")) else low[:-1]
            return " ".join([*words[:i], "does not", base, *words[i + 1 :]])
        if _VERB_PAST.fullmatch(low) and i <= 8:
            return " ".join([*words[:i], "did not", _past_to_base(low), *words[i + 1 :]])
    return None


_TAKES_E = ("at", "ut", "ot", "ir", "ur", "iz", "yz", "v", "c", "us", "as", "os", "ng", "ag", "ud")


def _inflect(base: str, aux: str) -> str:
    if aux == "did":
        return base + ("d" if base.endswith("e") else "ed")
    if aux == "does":
        return base + ("es" if base.endswith(("s", "sh", "ch", "x")) else "s")
    return base


def _base(word: str) -> str:
    if word.endswith("ed"):
        return _past_to_base(word)
    if word.endswith(("ses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


# Verbs that state findings; only these are negated with "does not" / "did not", because
# without a part-of-speech tagger a plural noun ("parameters") looks like a verb.
_VERBS = _wordset(
    """increase decrease reduce improve enhance promote inhibit induce prevent cause predict
    affect require contribute regulate mediate correlate depend lead result enable achieve
    transfer exceed match show reach outperform underperform raise lower elevate suppress
    activate protect impair accelerate slow alter modulate restore block trigger drive
    stimulate attenuate worsen benefit help explain generalize converge learn capture yield
    produce influence determine control limit delay extend shorten lengthen confer facilitate
    support involve associate increase mimic reverse rescue abolish eliminate express bind
    target detect identify distinguish"""
)


def _past_to_base(word: str) -> str:
    # Regular past tense only: "increased" → "increase", "inhibited" → "inhibit".
    stem = word[:-2]
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "sl":
        return stem[:-1]
    if stem.endswith(_TAKES_E) and not stem.endswith(("ss", "ow", "ing")):
        return stem + "e"
    return stem


# ---- entities -----------------------------------------------------------------------------------

_ENTITY = re.compile(r"\b(?:[A-Za-z]*[A-Z][A-Za-z]*\d[\w\-]*|[A-Z][A-Z0-9\-]{1,}[a-z]?)\b")


# Capitalised words of structured abstracts' headings ("MAIN OUTCOME MEASURES"): not names.
_HEADING_WORDS = _wordset(
    "BACKGROUND CONTEXT OBJECTIVE OBJECTIVES PURPOSE AIM AIMS IMPORTANCE DESIGN SETTING "
    "SETTINGS PARTICIPANTS PATIENTS INTERVENTION INTERVENTIONS EXPOSURE EXPOSURES MAIN OUTCOME "
    "OUTCOMES MEASURE MEASURES METHODS RESULTS FINDINGS CONCLUSION CONCLUSIONS INTERPRETATION "
    "LIMITATIONS DATA SOURCES STUDY SELECTION EXTRACTION SYNTHESIS FUNDING"
)


def _whole(text: str, m: re.Match[str]) -> bool:
    # A match inside a longer name ("NF-" of "NF-κB", "Ca2" of "Ca2+", "HAM" of "HAM/TSP")
    # is a fragment: swapping it writes a malformed claim, not one about another entity.
    before = text[m.start() - 1] if m.start() else " "
    after = text[m.end()] if m.end() < len(text) else " "
    glued = "-+/'’"
    return not (before.isalnum() or before in glued or after.isalnum() or after in glued)


def _variant(a: str, b: str) -> bool:
    # "Nr5a2" for "NR5A2" or "ALDH" for "ALDH1" names the same thing (or its family).
    x, y = a.lower(), b.lower()
    return x == y or (min(len(x), len(y)) >= 3 and (x.startswith(y) or y.startswith(x)))


def _names(text: str, whole: bool) -> list[re.Match[str]]:
    found = list(_ENTITY.finditer(text))
    if not whole:
        return found
    return [m for m in found if _whole(text, m) and m.group(0) not in _HEADING_WORDS]


def swap_entity(claim: str, other: str, rng: random.Random, whole: bool = False) -> str | None:
    """One name-like token (gene, drug, acronym) replaced by a different one from another
    sentence: the claim is then about something the source does not speak of.

    With ``whole`` (the perturbation suite) only whole names are swapped, never a heading word,
    and never for a variant of the same name, so that every edit really names another entity.
    """
    mine = _names(claim, whole)
    theirs = sorted({m.group(0) for m in _names(other, whole)} - {m.group(0) for m in mine})
    if not mine or not theirs:
        return None
    m = rng.choice(mine)
    if whole:
        theirs = [t for t in theirs if not _variant(t, m.group(0))]
        if not theirs:
            return None
    return claim[: m.start()] + rng.choice(theirs) + claim[m.end() :]


# ---- omitted details ---------------------------------------------------------------------------

# Details a claim may leave out and stay true: a count before what it counts ("in 400 adults"),
# the size of a change ("by 25%", "by 2-fold"), when it was measured ("at 12 weeks") and an
# intensifier ("significantly"). The model had read "a trial of adults" against "a trial of 400
# adults" as a contradiction (0.99): a missing figure is not another figure.
_DETAILS = (
    # A count before the noun it counts: not a year, not a share's base ("10 out of 20 given").
    re.compile(
        r"(?<!\bout )(?<!\d )\b(?:of|in|among|from|for|with) ((?:about |approximately )?"
        r"(?!(?:1[89]|20)\d\d\b)\d(?:[\d,]*\d)?\s+)"
        r"(?!(?:to|and|or|of|out|per|vs|versus)\b)(?=[a-z])"
    ),
    # A change's size, only where the claim states one such quantity (in a list, "by 55.1%,
    # ... by 56.3%", dropping one would pin the other on the wrong item).
    re.compile(
        r"^(?!(?:.*?\d\s*(?:%|-?fold\b|times\b)){2})"
        r".*?(\s+by\s+(?:about\s+|approximately\s+)?\d+(?:\.\d+)?\s*(?:%|-?fold\b|times\b))"
    ),
    re.compile(
        r"(,?\s+(?:at|after|over|within|during|for)\s+\d+\s+"
        r"(?:days?|weeks?|months?|years?|hours?)\b)"
    ),
    re.compile(
        r"\b((?:significantly|markedly|substantially|dramatically|strongly|slightly|modestly|"
        r"greatly|considerably)\s+)",
        re.IGNORECASE,
    ),
)


def drop_detail(claim: str, rng: random.Random) -> str | None:
    """The claim with one detail left out (a count, a change's size, a time, an intensifier):
    still true of its source, which states more."""
    # One kind of detail first, then one of its places: intensifiers are the commonest, and
    # drawing over all places alike would make them most of the data.
    kinds = [found for pattern in _DETAILS if (found := list(pattern.finditer(claim)))]
    if not kinds:
        return None
    m = rng.choice(rng.choice(kinds))
    out = claim[: m.start(1)] + claim[m.end(1) :]
    if len(out.split()) < _MIN_WORDS:
        return None
    return out[0].upper() + out[1:]


# ---- meaning-keeping rewording -------------------------------------------------------------------

# Groups of interchangeable words and phrases: a claim reworded with them is still supported, so
# the model learns that a different word is not by itself a contradiction.
_SYNONYM_GROUPS = """
reduces|lowers|decreases|diminishes
reduced|lowered|decreased|diminished
reduce|lower|decrease|diminish
increases|raises|elevates|boosts
increased|raised|elevated|boosted
increase|raise|elevate|boost
compared with|versus|relative to|compared to
shows|demonstrates|reveals
showed|demonstrated|revealed
improves|enhances|ameliorates
improved|enhanced|ameliorated
significantly|markedly|substantially
associated with|linked to|related to
patients|subjects|participants
uses|employs|utilizes
used|employed|utilized
achieves|attains|reaches
achieved|attained|reached
approximately|about|roughly|around
large|big|substantial
small|little|modest
method|approach|technique
results|findings|outcomes
important|key|crucial
fewer|less
outperforms|surpasses|beats
outperformed|surpassed|beat
"""
_SYNONYMS: list[list[str]] = [g.split("|") for g in _SYNONYM_GROUPS.strip().splitlines()]


def reword(claim: str, rng: random.Random, n: int = 2) -> str | None:
    """Up to ``n`` words or phrases replaced by synonyms ("reduced" → "lowered"): still true."""
    out, changed = claim, 0
    groups = _SYNONYMS[:]
    rng.shuffle(groups)
    for group in groups:
        for word in group:
            m = re.search(rf"\b{re.escape(word)}\b", out, re.IGNORECASE)
            if m:
                other = rng.choice([w for w in group if w != word])
                out = out[: m.start()] + _match_case(other, m.group(0)) + out[m.end() :]
                changed += 1
                break
        if changed >= n:
            break
    return out if changed else None


# Kinds of edit, with the label each gives a (perturbed claim, source sentence) pair.
REFUTING_EDITS = ("number", "negation", "antonym", "swap_numbers")
UNRELATING_EDITS = ("entity",)
KEEPING_EDITS = ("compress", "round", "drop_clause", "reword")
