"""Metadata rules: arXiv ids and years, DOIs from file names, titles, authors."""

from __future__ import annotations

import pytest

from synth.parse.metadata import (
    arxiv_from_filename,
    arxiv_from_stamp,
    arxiv_from_text,
    authors_from_front,
    build_work,
    doi_from_filename,
    doi_from_info,
    title_from_info,
    year_from_info,
)


def test_arxiv_from_file_name_and_text() -> None:
    ref = arxiv_from_filename("arxiv_1503.02531v1_distilling-knowledge.pdf")
    assert ref is not None
    assert (ref.id, ref.version, ref.year) == ("1503.02531", "v1", 2015)
    ref = arxiv_from_filename("arxiv_2406.11931_deepseek-coder.pdf")
    assert ref is not None
    assert (ref.id, ref.version) == ("2406.11931", "")
    ref = arxiv_from_text("https://arxiv.org/abs/2601.14658v1")
    assert ref is not None
    assert ref.id == "2601.14658"
    assert ref.year == 2026
    assert arxiv_from_filename("paper.pdf") is None


def test_arxiv_stamp_gives_id_and_year() -> None:
    ref, year = arxiv_from_stamp(["Title", "arXiv:1412.6550v4  [cs.LG]  27 Mar 2015"])
    assert ref is not None
    assert ref.id + ref.version == "1412.6550v4"
    assert ref.year == 2014
    assert year == 2015


@pytest.mark.parametrize(
    ("name", "doi"),
    [
        (
            "doi_10.1021_acs.jctc.2c01235_explanations-molecular-prediction.pdf",
            "10.1021/acs.jctc.2c01235",
        ),
        ("doi_10.1145_3649506_some-slug.pdf", "10.1145/3649506"),
        ("DOI_10.1000_ABC.def.pdf", "10.1000/abc.def.pdf"),
        ("arxiv_1503.02531v1_x.pdf", None),
    ],
)
def test_doi_from_file_name(name: str, doi: str | None) -> None:
    assert doi_from_filename(name) == doi


def test_doi_from_info_skips_arxiv_datacite_doi() -> None:
    assert doi_from_info({"/DOI": "https://doi.org/10.48550/arXiv.2601.14658"}) is None
    assert (
        doi_from_info({"/DOI": "https://doi.org/10.1021/ACS.JCTC.2c01235"})
        == "10.1021/acs.jctc.2c01235"
    )


def test_year_and_title_from_info() -> None:
    assert year_from_info({"/CreationDate": "D:20230201212829Z"}) == 2023
    assert year_from_info({"/CreationDate": "Thu, 5 Mar"}) is None
    assert title_from_info({"/Title": "untitled.dvi"}) is None
    assert title_from_info({"/Title": ""}) is None
    assert title_from_info({"/Title": "KDFlow: A Framework"}) == "KDFlow: A Framework"


def test_authors_from_front_lines() -> None:
    bold_names = [("Geoffrey Hinton", True), ("Google Inc.", False), ("Oriol Vinyals", True)]
    assert authors_from_front(bold_names) == ["Geoffrey Hinton", "Oriol Vinyals"]
    listed = [("Ada Lovelace1, Alan Turing2 and Grace Hopper", False), ("1 University of X", False)]
    assert authors_from_front(listed) == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    # Four names run together cannot be split safely: no guess.
    assert authors_from_front([("Jacob Devlin Ming-Wei Chang Kenton Lee", False)]) == []


def test_build_work_year_never_from_a_weekday() -> None:
    work = build_work("notes.pdf", {"/CreationDate": "Thu"}, ["Some Title"], "Some Title", [])
    assert work.year is None
    assert work.arxiv_id is None
    assert work.doi is None
    assert work.url is None
    work = build_work("doi_10.1021_acs.jctc.2c01235_x.pdf", {}, [], "A Perspective", [])
    assert work.doi == "10.1021/acs.jctc.2c01235"
    assert work.url == "https://doi.org/10.1021/acs.jctc.2c01235"
