"""Quantities with units, and aligning a claim's quantities with an evidence passage's."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import synth.verify.numbers as numbers
from synth.verify.numbers import (
    Alignment,
    Quantity,
    agrees,
    align,
    align_quantities,
    comparable,
    conflicts,
    parse_quantities,
)


def one(text: str) -> Quantity:
    found = parse_quantities(text)
    assert len(found) == 1, found
    return found[0]


def summary(text: str) -> list[tuple[float, str, str]]:
    return [(q.value, q.unit, q.kind) for q in parse_quantities(text)]


def test_public_names_are_exported() -> None:
    for name in numbers.__all__:
        assert hasattr(numbers, name), name
    assert "parse_quantities" in numbers.__all__ and "align" in numbers.__all__


@pytest.mark.parametrize(
    ("text", "value", "unit", "kind", "decimals"),
    [
        ("accuracy of 91.61%", 91.61, "%", "percent", 2),
        ("accuracy of 91.6 %", 91.6, "%", "percent", 1),
        ("cut by 31.7 percent", 31.7, "%", "percent", 1),
        ("cut by 12 per cent", 12.0, "%", "percent", 0),
        ("a gain of 5 percentage points", 5.0, "pp", "percent", 0),
        ("10.4 times faster", 10.4, "times", "ratio", 1),
        ("10.4x faster", 10.4, "times", "ratio", 1),
        ("10.4× faster", 10.4, "times", "ratio", 1),
        ("10.4 × faster", 10.4, "times", "ratio", 1),
        ("10 times fewer errors", 10.0, "times", "ratio", 0),
        ("a 3-fold rise", 3.0, "times", "ratio", 0),
        ("a 2.5 fold rise", 2.5, "times", "ratio", 1),
        ("three times higher", 3.0, "times", "ratio", 0),
        ("a two-fold rise", 2.0, "times", "ratio", 0),
        ("a tenfold rise", 10.0, "times", "ratio", 0),
        ("1.5M users", 1_500_000.0, "user", "count", -5),
        ("10K images", 10_000.0, "image", "count", -3),
        ("2.3 billion", 2_300_000_000.0, "", "plain", -8),
        ("two million people", 2_000_000.0, "people", "count", -6),
        ("10,000 participants", 10_000.0, "participant", "count", 0),
        ("1,200 mice", 1200.0, "mice", "count", 0),
        ("three layers", 3.0, "layer", "count", 0),
        ("Two groups were compared", 2.0, "group", "count", 0),
        ("a 3-layer network", 3.0, "layer", "count", 0),
        ("for 12 weeks", 12.0, "week", "measure", 0),
        ("a 6-month follow-up", 6.0, "month", "measure", 0),
        ("after 24 h", 24.0, "h", "measure", 0),
        ("5 mg/kg daily", 5.0, "mg/kg", "measure", 0),
        ("10mg daily", 10.0, "mg", "measure", 0),
        ("0.5 M NaCl", 0.5, "M", "measure", 1),
        ("50 nM and", 50.0, "nM", "measure", 0),
        ("at 37 °C", 37.0, "°C", "measure", 0),
        ("10 micrograms/kg", 10.0, "µg/kg", "measure", 0),
        ("save $5 billion if", 5e9, "", "plain", -9),
        ("spun at 10,000 x g", 10_000.0, "", "plain", 0),
        ("a score of 0.83", 0.83, "", "plain", 2),
        ("2 × 10^6 cells", 2_000_000.0, "cell", "count", -6),
        ("1.2e-3 of", 0.0012, "", "plain", 4),
        ("r = −0.3 and", -0.3, "", "plain", 1),
        ("models achieve –1.3pp on average", -1.3, "pp", "percent", 1),  # en dash as minus
        ("2019 mg", 2019.0, "mg", "measure", 0),
    ],
)
def test_units_values_and_precision(
    text: str, value: float, unit: str, kind: str, decimals: int
) -> None:
    q = one(text)
    assert q.value == pytest.approx(value)
    assert (q.unit, q.kind, q.decimals) == (unit, kind, decimals)


@pytest.mark.parametrize(
    "text",
    [
        "IL-6 and CD4 levels",
        "H1N1 and COVID-19 and SARS-CoV-2",
        "p53 and BRCA1 and miR-21",
        "4-PBA and 5-HT and 3-MA",
        "3-methyladenine and 2-deoxyglucose",
        "a 3D model and the 5th day",
        "GPT-3.5 and ResNet-50 and top-1",
        "one study found",
        "one of the groups",
        "a two-sided test",
        "twenty-five",
        "In 2019 and 1995",
        "between 2010 and 2015",
        "Table 3 and Tables 2 and 4",
        "as shown before [12] and [3, 4] and [5–7]",
        "see Fig. 2 and Figs. 2-4 and Figure 3a",
        "Section 4.1 and Eq. (3) and Appendix 2 and p. 12",
        "type 2 diabetes in a phase 3 trial of stage 4 tumours",
        "Finding 7: smaller models match larger ones, as Experiment 2 and Step 3 show",
        "the 95% CI and the 90% confidence interval",
    ],
)
def test_names_years_labels_and_references_are_not_quantities(text: str) -> None:
    assert parse_quantities(text) == []


def test_names_are_skipped_but_neighbours_kept() -> None:
    text = "IL-6 and CD4 rose 2.5-fold; 4-PBA cut it by 31.7 percent in 1,200 mice"
    assert summary(text) == [
        (2.5, "times", "ratio"),
        (31.7, "%", "percent"),
        (1200.0, "mice", "count"),
    ]


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("in 5-10% of cases", 5.0, 10.0, "%"),
        ("in 5–10 % of cases", 5.0, 10.0, "%"),
        ("in 5% to 10% of cases", 5.0, 10.0, "%"),
        ("ranged from 12 to 20", 12.0, 20.0, ""),
        ("between 3 and 5 days", 3.0, 5.0, "day"),
        ("a 10- to 20-fold rise", 10.0, 20.0, "times"),
        ("between 2- and 4-fold", 2.0, 4.0, "times"),
        ("doses of 0.5-1.5 mg", 0.5, 1.5, "mg"),
    ],
)
def test_ranges(text: str, low: float, high: float, unit: str) -> None:
    q = one(text)
    assert (q.low, q.high, q.unit, q.is_range) == (low, high, unit, True)
    assert q.value == pytest.approx((low + high) / 2)


def test_a_suspended_hyphen_lends_the_later_unit() -> None:
    # "55- and 65-year-old": both are ages; the 55 had read as a bare number, so a claim about
    # 55-year-olds found only "65-year" in the passage and was contradicted.
    assert summary("90% in both 55- and 65-year-old participants")[1:] == [
        (55.0, "year", "measure"),
        (65.0, "year", "measure"),
    ]
    assert [q.unit for q in parse_quantities("in 10-, 15- or 20-month groups")] == ["month"] * 3
    # A hyphen that joins two numbers is still a range, and a bare "and" lends nothing.
    assert summary("3 and 5-fold")[0][1] == ""
    result = align("Risk was 90% at age 55 years.", "90% in both 55- and 65-year-old people")
    assert result.all_stated and not result.has_conflict


def test_a_change_from_one_value_to_another_is_two_values() -> None:
    assert summary("accuracy rose from 12% to 20%") == [
        (12.0, "%", "percent"),
        (20.0, "%", "percent"),
    ]
    # The first value takes the unit written once at the end.
    assert summary("was reduced significantly from 12 to 20%")[0] == (12.0, "%", "percent")


def test_descending_or_unrelated_neighbours_are_not_ranges() -> None:
    assert [q.is_range for q in parse_quantities("scores 10-5 and 3 and 5")] == [False] * 4


@pytest.mark.parametrize(
    ("text", "value", "spread", "unit"),
    [
        ("3.2 ± 0.4", 3.2, 0.4, ""),
        ("3.2±0.4 mg", 3.2, 0.4, "mg"),
        ("45.2 +/- 3.1%", 45.2, 3.1, "%"),
        ("3.2 mg ± 0.4", 3.2, 0.4, "mg"),
    ],
)
def test_plus_minus(text: str, value: float, spread: float, unit: str) -> None:
    q = one(text)
    assert (q.value, q.spread, q.unit, q.is_range) == (value, spread, unit, False)
    assert q.low == pytest.approx(value - spread) and q.high == pytest.approx(value + spread)


@pytest.mark.parametrize(
    ("text", "value", "decimals"),
    [
        ("one in five patients", 20.0, 0),
        ("One out of three trials", 100 / 3, 0),
        ("3 of 10 patients", 30.0, 0),
        ("1 in 1,000 births", 0.1, 2),
    ],
)
def test_rates_are_approximate_percentages(text: str, value: float, decimals: int) -> None:
    q = one(text)
    assert q.value == pytest.approx(value)
    assert (q.unit, q.kind, q.hedge, q.decimals) == ("%", "percent", "approx", decimals)


def test_rates_with_multipliers_and_zero() -> None:
    q = one("1 in 5 million in the UK")
    assert q.value == pytest.approx(2e-5) and (q.decimals, q.raw) == (6, "1 in 5 million")
    assert parse_quantities("zero in five") == []


def test_times_and_years_after_in_are_not_rates() -> None:
    assert summary("5 in 12 weeks") == [(5.0, "", "plain"), (12.0, "week", "measure")]
    assert summary("3 in 2019") == [(3.0, "", "plain")]


@pytest.mark.parametrize(
    ("text", "hedge", "value"),
    [
        ("p < 0.05", "below", 0.05),
        ("(P<.001)", "below", 0.001),
        ("P = 0.003", "exact", 0.003),
        ("p-value of 0.01", "exact", 0.01),
        ("p ≤ 0.01", "atmost", 0.01),
        ("P > 0.05", "above", 0.05),
    ],
)
def test_p_values(text: str, hedge: str, value: float) -> None:
    q = one(text)
    assert (q.kind, q.hedge, q.value, q.unit) == ("pvalue", hedge, value, "")
    assert q.raw.lower().startswith(("p", "(p"))


def test_a_decade_is_no_quantity_but_glued_seconds_are() -> None:
    assert summary("trials since the 1960s and the 2010s") == []
    assert summary("each step took 3s") == [(3.0, "s", "measure")]
    assert summary("it ran for 2000 s") == [(2000.0, "s", "measure")]


def test_a_digit_named_in_the_plural_is_no_quantity() -> None:
    # Hinton et al.'s MNIST digits: "the 7s and 8s" had been key quantities in seconds.
    assert summary("a transfer set of only the 7s and 8s gives 47.3% errors") == [
        (47.3, "%", "percent")
    ]
    assert summary("it gets 98.6% of the test 3s correct") == [(98.6, "%", "percent")]
    assert summary("it converges in 5s and 7s") == [(5.0, "s", "measure"), (7.0, "s", "measure")]


def test_metric_scores_carry_their_metric_before_or_after_the_number() -> None:
    assert summary("achieves 28.4 BLEU on WMT 2014") == [(28.4, "BLEU", "measure")]
    assert summary("a new state-of-the-art BLEU score of 28.4") == [(28.4, "BLEU", "measure")]
    assert summary("a ROUGE-L of 41.2 and 0.9 BLEU worse") == [
        (41.2, "ROUGE-L", "measure"),
        (0.9, "BLEU", "measure"),
    ]
    # A bound keeps its hedge.
    [q] = parse_quantities("improving by over 2 BLEU")
    assert (q.hedge, q.raw) == ("above", "over 2 BLEU")


def test_effect_statistics_carry_their_label() -> None:
    assert summary("OR = 2.1 (95% CI 1.3-3.4)") == [(2.1, "or", "statistic"), (2.35, "", "plain")]
    assert summary("a hazard ratio of 0.72") == [(0.72, "hr", "statistic")]
    assert summary("AUC 0.91") == [(0.91, "auc", "statistic")]
    assert summary("5 or 6") == [(5.0, "", "plain"), (6.0, "", "plain")]


@pytest.mark.parametrize(
    ("text", "hedge"),
    [
        ("about 10 times", "approx"),
        ("approximately 50%", "approx"),
        ("~50%", "approx"),
        ("nearly 90%", "nearly"),
        ("almost 90%", "nearly"),
        ("more than 80%", "above"),
        ("over 80%", "above"),
        ("> 80%", "above"),
        ("at least 80%", "atleast"),
        ("≥80%", "atleast"),
        ("less than 5%", "below"),
        ("fewer than 20 patients", "below"),
        ("at most 5%", "atmost"),
        ("up to 30%", "atmost"),
        ("over 3 years", "exact"),
        ("80%", "exact"),
    ],
)
def test_hedges(text: str, hedge: str) -> None:
    q = one(text)
    assert q.hedge == hedge
    assert q.raw == text  # the hedge is part of what was written


def test_a_bare_equals_sign_is_not_part_of_the_span() -> None:
    assert one("n = 12 mice").raw == "12 mice"
    assert one("up to $5 billion").hedge == "atmost"
    assert summary("2 × 10 cm") == [(2.0, "", "plain"), (10.0, "cm", "measure")]


def test_spans_and_raw_strings() -> None:
    text = "Accuracy was 91.6% [3], about 10 times the baseline (Table 2) in 2019."
    found = parse_quantities(text)
    assert [q.raw for q in found] == ["91.6%", "about 10 times"]
    for q in found:
        assert text[q.start : q.end] == q.raw and q.span == (q.start, q.end)


@given(st.text())
def test_parsing_any_text_never_fails_and_raw_is_the_span(text: str) -> None:
    found = parse_quantities(text)
    assert [q.start for q in found] == sorted(q.start for q in found)
    for q in found:
        assert q.raw == text[q.start : q.end]


@given(
    st.floats(min_value=0, max_value=1e6, allow_nan=False),
    st.integers(min_value=0, max_value=3),
    st.sampled_from(["%", " times", "-fold", " mg", " patients", ""]),
)
def test_written_values_parse_back(value: float, decimals: int, unit: str) -> None:
    q = one(f"a value of {value:.{decimals}f}{unit} here")
    assert q.value == pytest.approx(round(value, decimals), abs=10**-decimals)
    assert q.decimals == decimals


PIECES = [
    "about", "more than", "up to", "nearly", "between", "from", "to", "and", "in", "of", "one",
    "five", "three", "zero", "twenty", "p", "<", "=", "±", "-", "–", "%", "x", "×", "fold",
    "times", "mg", "mice", "million", "M", "K", "Table", "Fig.", "[3]", "2019", "0", "0.5", "5",
    "10", "12.5", "1,200", "−3", ".05", "OR", "95%", "CI", "IL-6", "rose", "(", ")",
]  # fmt: skip


@given(st.lists(st.sampled_from(PIECES), max_size=12), st.sampled_from([" ", "", "-"]))
def test_parsing_number_like_text_holds_its_invariants(pieces: list[str], sep: str) -> None:
    text = sep.join(pieces)
    found = parse_quantities(text)
    for q in found:
        assert q.raw == text[q.start : q.end]
        if q.is_range:
            assert q.low is not None and q.high is not None and q.low < q.high
        assert agrees(q, q) and not conflicts(q, q)
    for a in found:
        for b in found:
            assert not (agrees(a, b) and conflicts(a, b))
            assert comparable(a, b) == comparable(b, a)


# --- agreement -----------------------------------------------------------------------------


def pair(claim: str, evidence: str) -> tuple[bool, bool]:
    c, e = one(claim), one(evidence)
    return agrees(c, e), conflicts(c, e)


AGREE, CONFLICT, NEITHER = (True, False), (False, True), (False, False)


@pytest.mark.parametrize(
    ("claim", "evidence", "expected"),
    [
        # Rounding within the claim's precision is agreement; beyond it, a conflict.
        ("10 times", "10.4 times", AGREE),
        ("91.6%", "91.61%", AGREE),
        ("92%", "91.61%", AGREE),
        ("91.7%", "91.61%", CONFLICT),
        ("12 times", "10.4 times", CONFLICT),
        ("91.6%", "91.65%", AGREE),  # a tie rounds either way
        ("10 times", "10-fold", AGREE),
        ("10x", "10×", AGREE),
        ("2-fold", "twofold", AGREE),
        ("1.5 million users", "1,520,000 users", AGREE),
        ("1.5 million users", "1.6 million users", CONFLICT),
        ("91.6%", "91.7%", CONFLICT),  # neighbours at one precision share only a tie point
        ("10,000 participants", "10,200 participants", CONFLICT),
        # A claim more precise than the evidence is not stated by it, nor contradicted.
        ("10.4 times", "10 times", NEITHER),
        ("10.4 times", "about 10 times", NEITHER),
        # Hedges in the claim.
        ("about 10 times", "10.4 times", AGREE),
        ("about 50%", "52%", AGREE),
        ("about 50%", "55%", CONFLICT),
        ("nearly 90%", "88%", AGREE),
        ("nearly 90%", "92%", CONFLICT),
        ("more than 80%", "85%", AGREE),
        ("more than 80%", "80%", NEITHER),
        ("more than 80%", "75%", CONFLICT),
        # A bound restated with another value is a changed number, though implied by it.
        ("more than 80%", "more than 90%", CONFLICT),
        ("over 1,100 trials", "over 11000 trials", CONFLICT),
        ("more than 80%", "more than 80.2%", AGREE),
        ("less than 5%", "under 4%", CONFLICT),
        ("at least 80%", "80%", AGREE),
        ("up to 30%", "30%", AGREE),
        ("less than 5%", "7%", CONFLICT),
        # Hedges in the evidence: a bound does not state a value inside it.
        ("85%", "more than 80%", NEITHER),
        ("75%", "more than 80%", CONFLICT),
        ("20%", "about 20%", AGREE),
        # Ranges.
        ("7%", "5-10%", AGREE),
        ("12%", "5-10%", CONFLICT),
        ("5-10%", "5–10 %", AGREE),
        ("between 5 and 10%", "6–8%", AGREE),
        ("5-10%", "5-20%", NEITHER),
        ("between 5 and 10%", "7%", AGREE),
        ("more than 80%", "85-90%", AGREE),
        # ± values: the claim's spread must be stated too.
        ("3.2 mg", "3.2 ± 0.4 mg", AGREE),
        ("3.2 ± 0.4 mg", "3.2 ± 0.4 mg", AGREE),
        ("3.2 ± 0.4 mg", "3.2 ± 0.9 mg", CONFLICT),
        ("3.2 ± 0.4 mg", "3.2 mg", NEITHER),
        ("3.5 mg", "3.2 ± 0.4 mg", CONFLICT),
        # Rates.
        ("one in five patients", "20% of patients", AGREE),
        ("one in five patients", "21% of patients", AGREE),
        ("one in five patients", "30% of patients", CONFLICT),
        ("20% of patients", "one in five patients", AGREE),
        # p-values.
        ("p < 0.05", "p = 0.003", AGREE),
        ("p < 0.05", "P < 0.05", AGREE),
        ("p < 0.05", "p = 0.3", CONFLICT),
        ("p = 0.03", "p < 0.05", NEITHER),
        # Counts name their noun freely when they agree; they clash only on the same noun.
        ("12 mice", "12 animals", AGREE),
        ("12 mice", "n = 12", AGREE),
        ("12 mice", "15 mice", CONFLICT),
        ("12 mice", "15 rats", NEITHER),
        ("three layers", "3 layers", AGREE),
        ("three layers", "4 layers", CONFLICT),
        # Different kinds never agree or clash.
        ("12%", "12 mice", NEITHER),
        ("10 times", "10 mice", NEITHER),
        ("p < 0.05", "2.1-fold", NEITHER),
        ("0.05", "p = 0.05", NEITHER),
        # Bare numbers agree on value but never clash.
        ("0.83", "0.83", AGREE),
        ("0.83", "0.91", NEITHER),
        # Statistics clash only with the same statistic.
        ("OR = 2.1", "OR 2.1", AGREE),
        ("OR = 2.1", "OR = 3.4", CONFLICT),
        ("OR = 2.1", "HR = 3.4", NEITHER),
        # A metric's score: the same metric clashes, a bare number agrees on value alone (a
        # table cell under "BLEU"), another metric or another unit never meets it.
        ("28.4 BLEU", "a BLEU score of 28.4", AGREE),
        ("28.4 BLEU", "28.4", AGREE),
        ("28.4 BLEU", "26.4 BLEU", CONFLICT),
        ("28.4 BLEU", "28.4 ROUGE-L", NEITHER),
        ("28.4 BLEU", "28.4 s", NEITHER),
    ],
)
def test_agreement_and_conflict(claim: str, evidence: str, expected: tuple[bool, bool]) -> None:
    assert pair(claim, evidence) == expected


@pytest.mark.parametrize(
    ("claim", "evidence", "expected"),
    [
        ("12%", "15 mice", False),
        ("12%", "15%", True),
        ("12%", "15 pp", False),
        ("p < 0.05", "1.5-fold", False),
        ("p < 0.05", "p = 0.2", True),
        ("0.8", "0.9", False),
        ("12 mice", "15 mice", True),
        ("12 mice", "15 rats", False),
        ("5 mg", "10 mg", True),
        ("5 mg", "10 ml", False),
        ("OR = 2.1", "OR = 1.2", True),
    ],
)
def test_comparable(claim: str, evidence: str, expected: bool) -> None:
    assert comparable(one(claim), one(evidence)) is expected


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(
    st.floats(min_value=0.001, max_value=1e5, allow_nan=False),
    st.integers(min_value=0, max_value=3),
)
def test_a_claim_rounding_the_evidence_agrees(value: float, decimals: int) -> None:
    evidence = one(f"{value:.{decimals + 1}f}%")
    claim = one(f"{evidence.value:.{decimals}f}%")
    assert agrees(claim, evidence) and not conflicts(claim, evidence)


@given(
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=2, max_value=500),
    st.booleans(),
)
def test_a_claim_off_by_more_than_its_precision_conflicts(
    tenths: int, shift: int, up: bool
) -> None:
    other = tenths + shift if up else tenths - shift
    claim, evidence = one(f"{tenths / 10:.1f}%"), one(f"{other / 10:.1f}%")
    assert conflicts(claim, evidence) and not agrees(claim, evidence)


@given(
    finite,
    st.integers(min_value=0, max_value=3),
    st.sampled_from(["", "about ", "nearly ", "more than ", "at least ", "less than ", "up to "]),
    st.sampled_from(["%", " times", " mg", " mice", ""]),
)
def test_every_quantity_agrees_with_itself(
    value: float, decimals: int, hedge: str, unit: str
) -> None:
    q = one(f"{hedge}{abs(value):.{decimals}f}{unit}")
    assert agrees(q, q) and not conflicts(q, q)


@given(finite, finite, st.sampled_from(["", "about ", "more than ", "up to "]))
def test_agreement_and_conflict_exclude_each_other(a: float, b: float, hedge: str) -> None:
    claim, evidence = one(f"{hedge}{abs(a):.2f}%"), one(f"{abs(b):.1f}%")
    assert not (agrees(claim, evidence) and conflicts(claim, evidence))


# --- alignment -----------------------------------------------------------------------------


def test_align_matched_conflict_and_unstated() -> None:
    claim = "Accuracy reached 91.6% after 12 epochs, 3 times the baseline."
    evidence = "The model reached 91.61% accuracy, 4.2 times the baseline."
    result = align(claim, evidence)
    assert [item.status for item in result.items] == ["matched", "unstated", "conflict"]
    matched, unstated, conflict = result.items
    assert matched.evidence is not None and matched.evidence.raw == "91.61%"
    assert matched.evidence_span is not None
    assert evidence[slice(*matched.evidence_span)] == "91.61%"
    assert claim[slice(*matched.claim.span)] == "91.6%"
    assert unstated.evidence is None and unstated.evidence_span is None
    assert conflict.evidence is not None and conflict.evidence.raw == "4.2 times"
    assert result.claim_has_quantities and result.has_conflict and not result.all_stated


def test_align_all_stated() -> None:
    result = align(
        "A 10-fold rise in one in five patients (p < 0.05).",
        "rose 10.4 times in 20% of patients, p = 0.01",
    )
    assert result.all_stated and not result.has_conflict
    assert [item.status for item in result.items] == ["matched"] * 3


def test_agreement_anywhere_wins_over_a_conflict() -> None:
    result = align("Response was 40%.", "Response was 25% in arm A and 40% in arm B.")
    assert result.items[0].status == "matched"
    assert result.items[0].evidence is not None and result.items[0].evidence.raw == "40%"


def test_a_claim_without_quantities() -> None:
    result = align("In 2019 [12], the drug helped (Table 3, Fig. 2).", "It helped 40% of patients.")
    assert result == Alignment(())
    assert not result.claim_has_quantities and result.all_stated and not result.has_conflict


def test_years_and_references_in_the_claim_are_not_aligned() -> None:
    result = align("In 2019, accuracy was 91.6% (Table 3) [4].", "accuracy of 91.6%")
    assert [item.claim.raw for item in result.items] == ["91.6%"] and result.all_stated


def test_evidence_without_the_number_leaves_it_unstated() -> None:
    result = align("The drug cut mortality by 30%.", "The drug cut mortality in 120 patients.")
    assert [item.status for item in result.items] == ["unstated"]
    assert not result.all_stated and not result.has_conflict


def test_align_quantities_reuses_parsed_claims() -> None:
    claim = parse_quantities("a 3-fold rise")
    results = [align_quantities(claim, parse_quantities(e)) for e in ("3.2-fold", "5-fold", "none")]
    assert [r.items[0].status for r in results] == ["matched", "conflict", "unstated"]
