"""Identifier normalization (examples and hypothesis properties) and report ids."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synth.errors import InputError
from synth.ids import (
    Identifier,
    arxiv_doi,
    normalize_arxiv_id,
    normalize_doi,
    parse_identifier,
    report_dir_name,
    report_id,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10.1073/pnas.1414271111", ("doi", "10.1073/pnas.1414271111", None)),
        ("doi:10.1073/PNAS.1414271111", ("doi", "10.1073/pnas.1414271111", None)),
        ("DOI: 10.1145/3649506", ("doi", "10.1145/3649506", None)),
        ("https://doi.org/10.1073%2Fpnas.1414271111", ("doi", "10.1073/pnas.1414271111", None)),
        ("http://dx.doi.org/10.1023/A:1007154515475", ("doi", "10.1023/a:1007154515475", None)),
        (
            "  HTTPS://DOI.ORG/10.1038/S42256-024-00832-8 ",
            ("doi", "10.1038/s42256-024-00832-8", None),
        ),
        ("2310.07831v2", ("arxiv", "2310.07831", 2)),
        ("arXiv:2310.07831", ("arxiv", "2310.07831", None)),
        ("ARXIV:2310.07831V3", ("arxiv", "2310.07831", 3)),
        ("1707.08567", ("arxiv", "1707.08567", None)),
        ("0000.0000", ("arxiv", "0000.0000", None)),
        ("astro-ph/0601001", ("arxiv", "astro-ph/0601001", None)),
        ("cs/0112017v1", ("arxiv", "cs/0112017", 1)),
        ("math.GT/0309136", ("arxiv", "math/0309136", None)),
        ("https://arxiv.org/abs/2310.07831v2", ("arxiv", "2310.07831", 2)),
        ("http://arxiv.org/abs/astro-ph/0601001", ("arxiv", "astro-ph/0601001", None)),
        ("https://arxiv.org/pdf/2310.07831.pdf", ("arxiv", "2310.07831", None)),
        ("10.48550/arXiv.2310.07831", ("arxiv", "2310.07831", None)),
        ("https://doi.org/10.48550/ARXIV.2310.07831", ("arxiv", "2310.07831", None)),
    ],
)
def test_parse_identifier_forms(raw: str, expected: tuple[str, str, int | None]) -> None:
    ident = parse_identifier(raw)
    assert (ident.kind, ident.value, ident.version) == expected


@pytest.mark.parametrize(
    "raw", ["not-an-identifier", "", "   ", "abc", "10.1234", "10.12/short", "2310.078", "doi:"]
)
def test_malformed_identifiers_raise_input_error(raw: str) -> None:
    with pytest.raises(InputError) as info:
        parse_identifier(raw)
    assert info.value.exit_code == 2


def test_identifier_versioned_and_str() -> None:
    assert parse_identifier("2310.07831v2").versioned() == "2310.07831v2"
    assert str(parse_identifier("arXiv:2310.07831")) == "arxiv:2310.07831"
    assert arxiv_doi("2310.07831v4") == "10.48550/arxiv.2310.07831"


def test_normalize_functions_reject_the_other_kind() -> None:
    with pytest.raises(InputError):
        normalize_doi("2310.07831")
    with pytest.raises(InputError):
        normalize_arxiv_id("10.1073/pnas.1414271111")


_registrant = st.from_regex(r"\A[0-9]{4,9}\Z")
_suffix = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._;()/:-]{0,30}\Z")
_doi_wrappers = st.sampled_from(
    ["{}", "doi:{}", "DOI: {}", "https://doi.org/{}", "http://dx.doi.org/{}", "doi.org/{}"]
)


@given(registrant=_registrant, suffix=_suffix, wrapper=_doi_wrappers, upper=st.booleans())
def test_doi_normalization_ignores_form(
    registrant: str, suffix: str, wrapper: str, upper: bool
) -> None:
    doi = f"10.{registrant}/{suffix}"
    raw = wrapper.format(doi.upper() if upper else doi)
    assert normalize_doi(raw) == doi.lower()
    assert normalize_doi(normalize_doi(raw)) == normalize_doi(raw)
    if not doi.lower().startswith("10.48550/arxiv."):
        assert parse_identifier(raw) == Identifier(kind="doi", value=doi.lower())


@given(registrant=_registrant, suffix=_suffix)
def test_percent_encoded_doi_urls_decode(registrant: str, suffix: str) -> None:
    doi = f"10.{registrant}/{suffix}"
    assert normalize_doi("https://doi.org/" + quote(doi, safe="")) == doi.lower()


_new_id = st.tuples(st.from_regex(r"\A[0-9]{4}\Z"), st.from_regex(r"\A[0-9]{4,5}\Z")).map(
    lambda p: f"{p[0]}.{p[1]}"
)
_old_id = st.tuples(
    st.sampled_from(["astro-ph", "cs", "hep-th", "math", "cond-mat", "q-bio"]),
    st.from_regex(r"\A[0-9]{7}\Z"),
).map(lambda p: f"{p[0]}/{p[1]}")
_arxiv_wrappers = st.sampled_from(
    [
        "{}",
        "arXiv:{}",
        "arxiv:{}",
        "https://arxiv.org/abs/{}",
        "http://export.arxiv.org/abs/{}",
        "https://arxiv.org/pdf/{}.pdf",
        "10.48550/arXiv.{}",
        "https://doi.org/10.48550/arXiv.{}",
    ]
)


@given(
    ident=st.one_of(_new_id, _old_id),
    version=st.one_of(st.none(), st.integers(1, 30)),
    wrapper=_arxiv_wrappers,
)
def test_arxiv_normalization_ignores_form(ident: str, version: int | None, wrapper: str) -> None:
    suffix = f"v{version}" if version is not None else ""
    parsed = parse_identifier(wrapper.format(ident + suffix))
    assert parsed == Identifier(kind="arxiv", value=ident, version=version)
    assert normalize_arxiv_id(parsed.versioned()) == ident + suffix
    assert parse_identifier(parsed.versioned()) == parsed


@given(text=st.text(max_size=40))
def test_parse_identifier_never_crashes_unexpectedly(text: str) -> None:
    try:
        ident = parse_identifier(text)
    except InputError:
        return
    assert ident.kind in ("doi", "arxiv")
    assert parse_identifier(ident.versioned()) == ident


def test_report_id_format_and_stability() -> None:
    rid = report_id("What is knowledge distillation?")
    assert re.fullmatch(r"SRCH:[0-9A-F]{8}", rid)
    assert report_id("  what IS   knowledge distillation ") == rid
    assert report_id("What is knowledge distillation?!.") == rid
    assert report_id("What is knowledge compression?") != rid
    assert report_dir_name(rid) == rid.replace("SRCH:", "SRCH-")


@given(question=st.text(min_size=1, max_size=60))
def test_report_id_ignores_case_and_spacing(question: str) -> None:
    assert report_id(question) == report_id("  " + question.lower() + " ?")


def test_arxiv_base_id_strips_only_the_version() -> None:
    from synth.ids import arxiv_base_id

    assert arxiv_base_id("2310.07831v2") == "2310.07831"
    assert arxiv_base_id("arXiv:1503.02531") == "1503.02531"
    # An archive name containing "v" must survive (a naive split on "v" cut it to "sol").
    assert arxiv_base_id("solv-int/9901001v3") == "solv-int/9901001"
