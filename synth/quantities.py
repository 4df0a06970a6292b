"""Quantities in text: numbers read with their units, kind, precision and hedge.

:func:`parse_quantities` reads numbers with their units: percentages, ratios ("10.4 times",
"3-fold", "10x"), p-values ("p < 0.05"), effect statistics ("OR = 2.1"), measures ("12 weeks",
"5 mg/kg"), a metric's scores ("28.4 BLEU", "a ROUGE-L of 41.2"), counts of a noun
("1,200 mice", "three layers"), ranges ("5-10%", "between 3 and 5"), ± values, rates in
words ("one in five" is 20%) and multipliers ("1.5M", "2.3 billion").
It skips numbers inside names ("CD4", "IL-6", "4-PBA", "H1N1"), years (1990-2030 as four
digits), decades ("the 1960s"), digits named in the plural ("the 7s and 8s", "the test 3s"),
labels ("type 2", "phase 3", "Finding 7", "Experiment 2") and references ("Table 3", "[12]",
"Fig. 2", "Eq. (3)").

Each one becomes a :class:`Quantity` as written: its precision after multipliers, its hedge
from the words just before it (``HEDGE_PHRASES``; "over 3 years" is a duration, not a bound),
``low``/``high`` for a range ("from 12 to 20" after a verb of change, "rose from 12 to 20", is
two values) and ``spread`` for a ± value; a rate in words is approximate unless hedged
otherwise. What each of these covers, and when two quantities agree or conflict, is
:mod:`synth.verify.numbers`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from synth.lexical import EVIDENCE, PLURAL_FOLD, stem, tokens

__all__ = [
    "CATEGORY_WORDS",
    "MEASURED_WINDOW",
    "SCORE_UNITS",
    "Hedge",
    "Kind",
    "Quantity",
    "drop_numbering_label",
    "measured_words",
    "parse_quantities",
]

Kind = Literal["percent", "ratio", "pvalue", "statistic", "measure", "count", "plain"]
Hedge = Literal["exact", "approx", "nearly", "above", "atleast", "below", "atmost"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _aliases(table: str) -> dict[str, str]:
    """'norm: alias alias; norm2' as {alias: norm}, every norm also an alias of itself."""
    out: dict[str, str] = {}
    for entry in table.split(";"):
        norm, _, rest = entry.partition(":")
        for alias in [norm, *rest.split()]:
            out[alias.strip()] = norm.strip()
    return out


_UNITS_WORDS = """zero one two three four five six seven eight nine ten eleven twelve thirteen
    fourteen fifteen sixteen seventeen eighteen nineteen twenty"""
_TENS_WORDS = "thirty forty fifty sixty seventy eighty ninety"
SPELLED: dict[str, int] = {w: i for i, w in enumerate(_UNITS_WORDS.split())} | {
    w: 10 * i for i, w in enumerate(_TENS_WORDS.split(), 3)
}
# "one" is an article or pronoun as often as a count ("one study found"): read only in rates.
COUNT_WORDS: frozenset[str] = frozenset(SPELLED) - {"one"}
MULTIPLIERS: dict[str, float] = {
    "k": 1e3, "K": 1e3, "thousand": 1e3, "M": 1e6, "million": 1e6,
    "B": 1e9, "billion": 1e9, "T": 1e12, "trillion": 1e12,
}  # fmt: skip
PERCENT_WORDS = dict.fromkeys(("%", "percent", "per cent"), "%") | dict.fromkeys(
    ("pp", "percentage point", "percentage points"), "pp"
)
RATIO_WORDS: frozenset[str] = _words("times fold x × factor")
# "by a factor of 4.64" names a ratio before the number.
_FACTOR_BEFORE = re.compile(r"\bfactor\s+of\s*$", re.IGNORECASE)
TIME_UNITS = _aliases(
    """s: sec secs second seconds; min: mins minute minutes; h: hr hrs hour hours; day: d days;
    week: wk wks weeks; month: mo months; year: y yr yrs years"""
)
# Case matters: "nm" is a length, "nM" a concentration, "M" molar (glued "1.5M" is a million).
MEASURE_UNITS = TIME_UNITS | _aliases(
    """mg; g; kg; µg: μg ug mcg; ng; pg; ml: mL; l: L; µl: μl ul uL µL μL; dl: dL; nm; µm: μm um;
    mm; cm; m; km; M; mM; µM: μM uM; nM; pM; mol; mmol; µmol: μmol; kDa; Da; bp; kb; Mb; Hz; kHz;
    MHz; GHz; °C; °F; mmHg; bpm; Gy; IU; kcal; ms; µs: μs; GB; MB; TB; mg: milligram milligrams;
    g: gram grams; kg: kilogram kilograms; µg: microgram micrograms; ml: milliliter milliliters
    millilitre millilitres"""
)
# Scores of a metric, written after the number ("28.4 BLEU") or before it ("a BLEU score of
# 28.4"); case as papers write them. "F1" is left out: it also names a key or a generation.
# A score is a measure in its metric's unit.
_METRICS = "BLEU sacreBLEU chrF chrF++ METEOR CIDEr ROUGE ROUGE-1 ROUGE-2 ROUGE-L"
SCORE_UNITS: dict[str, str] = {u.lower(): u for u in _METRICS.split()}
# Words after a number that do not name a counted thing ("12 in", "5 or more").
NOT_NOUNS: frozenset[str] = _words(
    """a an and are as at be but by compared during each for from had has have in into is it of
    on or per than that the their then these this those to versus vs was were which who with
    within more less fewer higher lower greater larger smaller respectively times if when while
    after before because so whereas although since until among between including not no only
    also both either"""
)
# Hyphenated words that make an adjective of a number: "two-sided", "three-dimensional".
HYPHEN_ADJECTIVES: frozenset[str] = _words("sided tailed way dimensional")
# "3-methyladenine", "2-deoxyglucose": a number glued to a chemical name is part of the name.
CHEMICAL_PREFIXES = ("methyl", "ethyl", "hydroxy", "amino", "deoxy", "chloro", "fluoro", "nitro")
# Words right before a number that bound or soften it (what each covers: synth.verify.numbers).
HEDGE_PHRASES: dict[Hedge, str] = {
    "approx": "about, approximately, approx., around, roughly, circa, ca., ~, ∼, ≈",
    "nearly": "nearly, almost, close to, just under",
    "above": "more than, greater than, higher than, over, above, exceeding, in excess of, >",
    "atleast": "at least, no less than, no fewer than, >=, ≥",
    "below": "less than, fewer than, lower than, under, below, <",
    "atmost": "at most, no more than, up to, <=, ≤",
    "exact": "=",
}
HEDGES: dict[str, Hedge] = {
    " ".join(phrase.split()): hedge
    for hedge, phrases in HEDGE_PHRASES.items()
    for phrase in phrases.split(",")
}
# Words whose number picks one category of a fixed scheme ("grade 2", "type 1"): not amounts,
# so never quantities; synth.verify.labels compares them as categories.
CATEGORY_WORDS = ("type", "phase", "stage", "grade", "class", "tier")
REFERENCE_WORDS = " ".join(
    [
        """tables? tab figures? figs? sections? secs? § eqs? equations? appendix appendices
        chapters? ch refs? references? pages? pp? findings? steps? experiments? exps? lemmas?
        theorems? propositions? hypothesis observations? takeaways? rq""",
        *CATEGORY_WORDS,
    ]
)
# "Finding 7: ...", "Observation 2. ...": a paper's numbering of its own findings opens the
# sentence; it is a place in the paper, not part of what the sentence states.
NUMBERING_LABEL = re.compile(
    r"^(?:finding|result|observation|takeaway|insight|lesson)\s+\d+[a-z]?\s*[:.)]\s+",
    re.IGNORECASE,
)
STATISTICS = {"odds ratio": "or", "hazard ratio": "hr", "relative risk": "rr", "risk ratio": "rr"}
STAT_ABBREVIATIONS = ("OR", "HR", "RR", "IRR", "AUC", "AUROC", "SMD", "ICC")
# Verbs that make "from 12 to 20" a change between two values rather than a range.
CHANGE_STEMS = """increas decreas rise rose risen rising fell fall drop declin reduc improv grew
    grow went chang climb jump shift lower rais elevat"""


def _alternation(words: Sequence[str]) -> str:
    # Longest first, so "less than" wins over "less" and "fourteen" over "four".
    return "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True)
    )


_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_NUMBER = re.compile(
    # A sign only after a space or bracket; no digit glued to a word ("CD4", "IL-6", "H1N1").
    # Typeset papers often print a minus as an en dash ("achieve –1.3pp").
    rf"(?P<sign>(?<![^\s(\[=:;<>≤≥~])[-−–])?(?<![\w.,/])(?<![A-Za-z]-)(?P<num>{_NUM})"
    r"(?:\s*(?:×\s*10\s*(?:\^|\*\*)?|[x*]\s*10\s*(?:\^|\*\*))\s*(?P<exp>[-−⁻]?[\d⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    r"|[eE](?P<exp2>[-+]?\d+))?(?![\d'’]|\.\d)"
)
_SPELLED_ALT = _alternation(list(SPELLED))
_SPELLED_NUMBER = re.compile(
    rf"(?<![\w\-])(?P<word>{_alternation(list(COUNT_WORDS))})"
    r"(?:(?P<fold>fold)\b|(?P<mult>\s+(?:thousand|million|billion))?(?![\w]))",
    re.IGNORECASE,
)
_RATE = re.compile(
    rf"(?<![\w.,\-])(?P<a>{_SPELLED_ALT}|\d+)\s+(?:in|out\s+of|of)\s+"
    rf"(?P<b>{_SPELLED_ALT}|\d{{1,3}}(?:,\d{{3}})+|\d+)\b(?![.,]\d)"
    r"(?P<mult>\s+(?:thousand|million|billion)\b)?",
    re.IGNORECASE,
)
_MULTIPLIER = re.compile(
    r"(?P<glued>[kKMBT])(?![A-Za-z\d])|\s+(?P<word>thousand|million|billion|trillion)\b"
)
_TAIL = re.compile(
    r"(?P<gap>\s*-?\s*)(?P<word>%|×|°[CF]|per\s?cent\b|percentage\s+points?\b"
    r"|[^\W\d_][^\W_]*(?:/[^\W\d_][^\W_]*)?)"
)
_CI_AFTER = re.compile(r"\s*(?:CI\b|confidence\b)", re.IGNORECASE)
# "2 × 10 cm" multiplies, "10,000 × g" is a centrifugal force: neither is a ratio.
_NOT_RATIO_AFTER = re.compile(r"\s*(?:\d|g\b)")
_HEDGE_WORDS = _alternation([w for w in HEDGES if w[0].isalpha()])
_HEDGE_SYMBOLS = _alternation([w for w in HEDGES if not w[0].isalpha()])
_HEDGE_BEFORE = re.compile(
    rf"(?:\b(?P<word>{_HEDGE_WORDS})|(?P<symbol>{_HEDGE_SYMBOLS}))\s*[$€£]?$", re.IGNORECASE
)
_PVALUE_BEFORE = re.compile(r"(?<![\w.])[pP](?:[\s-]?values?)?\s*(?:[=:]|\b(?:of|was|is)\b)?\s*$")
_STAT_BEFORE = re.compile(
    rf"(?:(?<!\w)(?P<abbr>{'|'.join(STAT_ABBREVIATIONS)})"
    rf"|(?i:(?P<words>{_alternation(list(STATISTICS))})))\s*(?:[=:,]|\b(?:of|was)\b)?\s*\(?\s*$"
)
_REF_NUM = r"\(?\s*[A-Z]?\d+(?:\.\d+)*[a-z]?\s*\)?"
_REFERENCE = re.compile(
    rf"(?<!\w)(?:{'|'.join(REFERENCE_WORDS.split())})\.?\s*{_REF_NUM}"
    rf"(?:\s*(?:,|and|&|-|–|to)\s*{_REF_NUM})*|\[\s*\d+(?:\s*[,;–\-]\s*\d+)*\s*\]",
    re.IGNORECASE,
)
_PLUS_MINUS = re.compile(r"\s*(?:±|\+/-|\+/−|\+-)\s*")
_RANGE_LINK = re.compile(r"\s*(?:-\s*to|[-–—‒]|to)\s*")
_AND_LINK = re.compile(r"[-–]?\s+and\s+")
# "55- and 65-year-old", "2-, 5- or 10-fold": a number whose hyphen waits for a later unit.
_SUSPENDED_LINK = re.compile(r"[-–]\s*(?:,\s*|(?:and|or|&)\s+)")
_BETWEEN_BEFORE = re.compile(r"\bbetween\s+$", re.IGNORECASE)
_CHANGE_BEFORE = re.compile(
    rf"\b(?:{'|'.join(CHANGE_STEMS.split())})\w*\W+(?:\w+\W+){{0,4}}from\s+$", re.IGNORECASE
)
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻−", "0123456789--")


@dataclass(frozen=True)
class Quantity:
    """A number stated in text, normalised: value, precision, unit, kind, hedge and place.

    ``decimals`` is the precision as written, after multipliers: "91.61" has 2, "10" has 0,
    "1.5M" has -5 (a step of 100,000). Ranges set ``low``/``high``; ± values also set ``spread``.
    """

    value: float
    unit: str = ""
    kind: Kind = "plain"
    decimals: int = 0
    low: float | None = None
    high: float | None = None
    spread: float | None = None
    hedge: Hedge = "exact"
    start: int = 0
    end: int = 0
    raw: str = ""

    @property
    def span(self) -> tuple[int, int]:
        """Character offsets of the quantity in its text."""
        return self.start, self.end

    @property
    def is_range(self) -> bool:
        """True for a range ("5-10%"), false for a point or a ± value."""
        return self.low is not None and self.spread is None


def _read_unit(text: str, pos: int) -> tuple[str, Kind, int] | None:
    """(unit, kind, end) for what follows a number ending at ``pos``; None inside a name."""
    m = _TAIL.match(text, pos)
    if m is None:
        return "", "plain", pos
    gap, word = m["gap"], m["word"]
    low = " ".join(word.lower().split())
    if low in PERCENT_WORDS:
        # "95% CI" names the interval's level, not a finding.
        return None if _CI_AFTER.match(text, m.end()) else (PERCENT_WORDS[low], "percent", m.end())
    if low in ("x", "×") and _NOT_RATIO_AFTER.match(text, m.end()):
        return "", "plain", pos
    if low in RATIO_WORDS:
        return "times", "ratio", m.end()
    if (score := _score_unit(text, m.start("word"))) is not None:
        return score[0], "measure", score[1]
    first, _, per = word.partition("/")
    unit = MEASURE_UNITS.get(first) or (
        MEASURE_UNITS.get(first.lower()) if len(first) > 3 else None
    )
    if unit:
        return (f"{unit}/{MEASURE_UNITS.get(per, per)}" if per else unit), "measure", m.end()
    if not gap:
        return None  # glued letters: "3D", "2a", "5th" are names, panels or ordinals
    if "-" in gap:
        # "4-PBA", "twenty-five", "3-methyladenine", "two-sided" are names or adjectives.
        if word != low or low in SPELLED or low in HYPHEN_ADJECTIVES or len(low) > 8:
            return None
        if low.startswith(CHEMICAL_PREFIXES):
            return None
    if low in NOT_NOUNS or word != low:
        return "", "plain", pos
    return stem(low, PLURAL_FOLD), "count", m.end()


_METRIC_NAME = rf"(?<![\w-])(?P<name>{_alternation(sorted(SCORE_UNITS.values()))})(?![\w+-])"
_SCORE_NAME = re.compile(_METRIC_NAME, re.IGNORECASE)
_SCORE_BEFORE = re.compile(
    _METRIC_NAME + r"(?:\s+scores?)?\s*(?:of|=|:|was|is|reaches|reached)?\s*$", re.IGNORECASE
)


def _score_unit(text: str, pos: int) -> tuple[str, int] | None:
    """(metric, end) when a metric's name starts at ``pos`` ("BLEU", "ROUGE-L")."""
    m = _SCORE_NAME.match(text, pos)
    return (SCORE_UNITS[m["name"].lower()], m.end()) if m else None


def _read_prefix(text: str, start: int, kind: Kind, unit: str) -> tuple[int, Hedge, Kind, str]:
    """(start, hedge, kind, unit) after reading a hedge and a p or statistic label before it."""
    base = max(0, start - 40)
    window = text[base:start]
    hedge: Hedge = "exact"
    m = _HEDGE_BEFORE.search(window)
    if m:
        hedge = HEDGES[" ".join((m["word"] or m["symbol"]).lower().split())]
        if (m["word"] or "").lower() == "over" and unit in TIME_UNITS.values():
            hedge = "exact"  # "over 3 years" is how long, not a lower bound
        # The span shows a bound or a softening ("about 10 times"), not a bare "=".
        window, start = window[: m.start()], start if m["symbol"] == "=" else base + m.start()
    if kind != "plain":
        return start, hedge, kind, unit
    if f := _FACTOR_BEFORE.search(window):
        return base + f.start(), hedge, "ratio", "times"
    if sc := _SCORE_BEFORE.search(window):
        return base + sc.start(), hedge, "measure", SCORE_UNITS[sc["name"].lower()]
    if p := _PVALUE_BEFORE.search(window):
        return base + p.start(), hedge, "pvalue", ""
    if s := _STAT_BEFORE.search(window):
        label = s["abbr"].lower() if s["abbr"] else STATISTICS[" ".join(s["words"].lower().split())]
        return base + s.start(), hedge, "statistic", label
    return start, hedge, kind, unit


def _at(
    text: str, span: tuple[int, int], value: float, unit: str, kind: Kind, decimals: int,
    hedge: Hedge = "exact", low: float | None = None, high: float | None = None,
) -> Quantity:  # fmt: skip
    """A quantity found at ``text[span[0]:span[1]]``, its raw string included."""
    start, end = span
    return Quantity(
        value, unit, kind, decimals, low, high, None, hedge, start, end, text[start:end]
    )


# What stands before a digit that names the digit ("only the 7s and 8s", "the test 3s"): a
# determiner, "test", or another digit so named.
_DIGIT_NAMED = re.compile(
    r"\b(?:the|these|those|all|test)(?:\s+\ds,?\s+(?:and|or))?\s+$", re.IGNORECASE
)


def _is_decade(digits: str) -> bool:
    return (
        len(digits) == 4
        and digits.isdigit()
        and digits.endswith("0")
        and 1800 <= int(digits) <= 2090
    )


def _is_year(digits: str) -> bool:
    return len(digits) == 4 and digits.isdigit() and 1990 <= int(digits) <= 2030


def _number(text: str, m: re.Match[str]) -> Quantity | None:
    """One numeral as a quantity, or None when it is part of a name, a year or an ordinal."""
    digits = m["num"].replace(",", "")
    power = int((m["exp"] or m["exp2"] or "0").translate(_SUPERSCRIPT))
    mult = _MULTIPLIER.match(text, m.end())
    end = m.end()
    if mult:
        power += round(math.log10(MULTIPLIERS[mult["glued"] or mult["word"].lower()]))
        end = mult.end()
    tail = _read_unit(text, end)
    if tail is None:
        return None
    unit, kind, end = tail
    if power == 0 and kind in ("plain", "count") and _is_year(m["num"]):
        return None
    if power == 0 and _is_decade(m["num"]) and text[m.end() : end] == "s":
        return None  # "the 1990s" is a decade, not 1,990 seconds
    if text[m.end() : end] == "s" and _DIGIT_NAMED.search(text, 0, m.start()):
        return None  # "the 7s and 8s", "the test 3s": digits named, not seconds
    # Decimal strings, not float arithmetic, so "2.3 billion" is exactly 2.3e9.
    value = float(f"{'-' if m['sign'] else ''}{digits}e{power}")
    decimals = len(digits.partition(".")[2]) - power
    start, hedge, kind, unit = _read_prefix(text, m.start(), kind, unit)
    return _at(text, (start, end), value, unit, kind, decimals, hedge)


def _spelled(text: str, m: re.Match[str]) -> Quantity | None:
    """A spelled count ("three layers", "twofold"): only with a unit or a noun after it."""
    power = 0
    if m["mult"]:
        power = round(math.log10(MULTIPLIERS[m["mult"].strip().lower()]))
    fold: tuple[str, Kind, int] = ("times", "ratio", m.end())
    tail = fold if m["fold"] else _read_unit(text, m.end())
    if tail is None or tail[1] == "plain":
        return None
    unit, kind, end = tail
    start, hedge, kind, unit = _read_prefix(text, m.start(), kind, unit)
    value = float(SPELLED[m["word"].lower()] * 10**power)
    return _at(text, (start, end), value, unit, kind, -power, hedge)


def _rate(text: str, m: re.Match[str]) -> Quantity | None:
    """A rate ("one in five", "3 of 10") as a percentage, approximate unless hedged otherwise."""
    a, b = (
        SPELLED.get(g.lower(), 0) if g.isalpha() else int(g.replace(",", ""))
        for g in m.group("a", "b")
    )
    b *= int(MULTIPLIERS[m["mult"].strip().lower()]) if m["mult"] else 1
    after = _read_unit(text, m.end())
    # "5 in 12 weeks" is a time, "in 2019" a year: neither is a rate.
    if not 0 < a < b or _is_year(m["b"]) or (after and after[1] not in ("plain", "count")):
        return None
    value = 100 * a / b
    decimals = max(0, 1 - math.floor(math.log10(value)))  # two significant figures
    start, hedge, _, _ = _read_prefix(text, m.start(), "percent", "%")
    hedge = "approx" if hedge == "exact" else hedge
    return _at(text, (start, m.end()), value, "%", "percent", decimals, hedge)


def _join(text: str, a: Quantity, b: Quantity) -> list[Quantity] | None:
    """Two neighbouring quantities as one range or ± value (or a change), None when apart."""
    link = text[a.end : b.start]
    if "plain" not in (a.kind, b.kind) and (a.kind, a.unit) != (b.kind, b.unit):
        return None
    unit, kind = (b.unit, b.kind) if a.kind == "plain" else (a.unit, a.kind)
    raw = text[a.start : b.end]
    if _PLUS_MINUS.fullmatch(link):
        low, high = a.value - b.value, a.value + b.value
        return [
            replace(a, unit=unit, kind=kind, low=low, high=high, spread=b.value, end=b.end, raw=raw)
        ]
    before = text[: a.start]
    ranged = _RANGE_LINK.fullmatch(link) or (
        _AND_LINK.fullmatch(link) and _BETWEEN_BEFORE.search(before)
    )
    if not ranged or a.value >= b.value:
        return None
    if _CHANGE_BEFORE.search(before):
        return [replace(a, unit=unit, kind=kind), b]  # "rose from 12 to 20%": two values
    mid, decimals = (a.value + b.value) / 2, max(a.decimals, b.decimals)
    return [_at(text, (a.start, b.end), mid, unit, kind, decimals, low=a.value, high=b.value)]


def _lend_units(text: str, singles: list[Quantity]) -> list[Quantity]:
    """A number of a suspended hyphen ("55- and 65-year-old") takes the unit it waits for."""
    out = list(singles)
    for i in range(len(out) - 2, -1, -1):
        a, b = out[i], out[i + 1]
        if (
            a.kind == "plain"
            and b.kind != "plain"
            and _SUSPENDED_LINK.fullmatch(text[a.end : b.start])
        ):
            out[i] = replace(a, unit=b.unit, kind=b.kind)
    return out


def _combine(text: str, singles: list[Quantity]) -> list[Quantity]:
    out: list[Quantity] = []
    i = 0
    while i < len(singles):
        joined = _join(text, singles[i], singles[i + 1]) if i + 1 < len(singles) else None
        out.extend(joined or singles[i : i + 1])
        i += 2 if joined else 1
    return out


def parse_quantities(text: str) -> list[Quantity]:
    """Every quantity stated in a text, in order of appearance."""
    blocked = [m.span() for m in _REFERENCE.finditer(text)]
    rates = [
        q for m in _RATE.finditer(text) if not _inside(m.start(), blocked) and (q := _rate(text, m))
    ]
    # A rate's numbers ("five" in "one in five") are read once, as the rate.
    blocked += [(q.start, q.end) for q in rates]
    found = [
        q
        for pattern, read in ((_NUMBER, _number), (_SPELLED_NUMBER, _spelled))
        for m in pattern.finditer(text)
        if not _inside(m.start(), blocked) and (q := read(text, m))
    ]
    found.sort(key=lambda q: q.start)
    return sorted(rates + _combine(text, _lend_units(text, found)), key=lambda q: q.start)


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(lo <= pos < hi for lo, hi in spans)


def drop_numbering_label(text: str) -> str:
    """The sentence without a leading numbering label ("Finding 7: X" -> "X")."""
    return NUMBERING_LABEL.sub("", text, count=1)


# How many content words on each side of a quantity name what it measures ("fewer parameters",
# "all cause mortality (odds ratio 0.88").
MEASURED_WINDOW = 3


def measured_words(text: str, q: Quantity) -> frozenset[str]:
    """The content words next to a quantity (``MEASURED_WINDOW`` on each side, numbers and
    statistics' frame words left out).

    Two quantities measure the same thing only if these share a word: an odds ratio of hip
    fracture and one of all-cause mortality share none.
    """
    words = [w for w in tokens(text[: q.start], EVIDENCE) if _names_a_thing(w)]
    after = [w for w in tokens(text[q.end :], EVIDENCE) if _names_a_thing(w)]
    return frozenset(words[-MEASURED_WINDOW:] + after[:MEASURED_WINDOW])


def _names_a_thing(word: str) -> bool:
    return not word.isdigit() and word not in _STATISTICS_WORDS


# Words of a statistic's frame ("adjusted odds ratio ..., 95% confidence interval"): every
# estimate has them, so they never show that two values measure the same thing.
_STATISTICS_WORDS = frozenset(
    tokens(
        "ci confidence interval intervals adjusted odds ratio ratios hazard relative "
        "respectively versus vs",
        EVIDENCE,
    )
)
