"""Question search: queries, merging across services, ranking and junk removal, failures as data."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer

from synth.records import Work
from synth.retrieve._http import HttpClient, build_client
from synth.retrieve._merge import work_from_fields
from synth.retrieve._rank import is_junk, score_works
from synth.retrieve.search import build_queries, merge_hits, search_candidates
from synth.settings import RetrieveSettings
from tests.retrieve_support import FakeClock, local_settings, serve

QUESTION = (
    "To what extent can knowledge distillation from large language models improve the inference "
    "efficiency of small language models in code generation, as measured by latency and pass@k "
    "on HumanEval and DS-1000?"
)


@pytest.fixture
def settings(httpserver: HTTPServer) -> RetrieveSettings:
    return local_settings(httpserver.url_for("/"), openalex_api_key="k", max_retries=1)


@pytest.fixture
def client(settings: RetrieveSettings, tmp_path: Path) -> Iterator[HttpClient]:
    with build_client(settings, tmp_path, clock=FakeClock(), rng=random.Random(5)) as c:
        yield c


def _serve_searches(httpserver: HTTPServer, crossref_ok: bool = True) -> None:
    serve(httpserver, "/arxiv/api/query", "arxiv_feed_search.xml")
    if crossref_ok:
        serve(httpserver, "/crossref/works", "crossref_search.json")
    else:
        httpserver.expect_request("/crossref/works").respond_with_data("down", status=502)
    serve(httpserver, "/s2/graph/v1/paper/search", "s2_search.json")
    serve(httpserver, "/openalex/works", "openalex_search.json")


def test_queries_are_distinct_content_word_queries() -> None:
    queries = build_queries(QUESTION, 3)
    assert len(queries) == 3
    assert len(set(queries)) == 3
    for query in queries:
        words = query.split()
        assert not {"to", "what", "extent", "can", "the", "of", "and"} & set(words)
        assert len(words) <= 10
    assert queries[1] == "knowledge distillation code generation"
    assert "humaneval" in queries[2]
    assert "ds-1000" in queries[2]
    assert build_queries(QUESTION, 1) == queries[:1]


def test_search_merges_ranks_and_drops_junk(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    _serve_searches(httpserver)
    candidates, failures = search_candidates(QUESTION, client, settings)
    assert failures == []
    titles = [c.work.title for c in candidates]
    assert titles[0] == "Distilling Large Language Models into Small Code Generators"
    best = candidates[0]
    assert best.services == ["arxiv", "crossref", "semanticscholar"]
    assert best.work.arxiv_id == "2310.07831v2"
    assert best.work.doi == "10.5555/kdcode.2023.1"
    assert best.text_level == "fulltext"
    assert len(best.matched_queries) == 3
    seq = next(c for c in candidates if c.work.title.startswith("Sequence-Level"))
    assert seq.services == ["arxiv", "openalex"]  # merged through the arXiv id
    for junk in ("Survey of Convolutional", "Correction:", "Pasta", "Bird Migration"):
        assert not any(junk in t for t in titles), junk
    scores = [c.score for c in candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_no_resource_is_requested_twice(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    _serve_searches(httpserver)
    search_candidates(QUESTION, client, settings)
    cold = client.stats.requests
    assert cold == len(client.stats.network) == 3 * 4  # three queries, four services
    assert max(client.stats.network.values()) == 1
    search_candidates(QUESTION, client, settings)
    assert client.stats.requests == cold  # the second run is served from the cache


def test_failing_service_is_recorded_and_the_rest_go_on(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    _serve_searches(httpserver, crossref_ok=False)
    candidates, failures = search_candidates(QUESTION, client, settings)
    assert len(failures) == 3
    assert all(f.input.startswith("crossref search: ") for f in failures)
    assert all("HTTP 502" in f.reason for f in failures)
    assert candidates[0].services == ["arxiv", "semanticscholar"]


def test_max_candidates_is_respected(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    _serve_searches(httpserver)
    limited = settings.model_copy(update={"max_candidates": 1})
    candidates, _ = search_candidates(QUESTION, client, limited)
    assert len(candidates) == 1


def test_openalex_is_skipped_without_a_key(
    httpserver: HTTPServer, client: HttpClient, settings: RetrieveSettings
) -> None:
    _serve_searches(httpserver)
    search_candidates(QUESTION, client, settings.model_copy(update={"openalex_api_key": None}))
    assert not any("/openalex/" in url for url in client.stats.network)


def test_question_without_content_words_is_a_failure_not_a_crash(
    client: HttpClient, settings: RetrieveSettings
) -> None:
    candidates, failures = search_candidates("What is the?", client, settings)
    assert candidates == []
    assert failures[0].reason == "the question has no content words"


def test_scores_prefer_on_topic_titles() -> None:
    on_topic = Work(title="Knowledge distillation for code generation models")
    abstract_only = Work(title="A study", abstract="knowledge distillation appears here")
    off_topic = Work(title="Regional pasta shapes")
    scores = score_works(
        "knowledge distillation for code generation", [on_topic, abstract_only, off_topic]
    )
    assert scores[0] == 1.0
    assert 0.0 < scores[1] < scores[0]
    assert scores[2] == 0.0


def test_junk_titles() -> None:
    assert is_junk(Work(title="Correction: Something we got wrong"))
    assert is_junk(Work(title="Erratum to a paper"))
    assert is_junk(Work(title="Index"))
    assert not is_junk(Work(title="Correcting errors in code models"))


@given(
    question=st.text(max_size=80),
    titles=st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=5),
)
def test_scores_are_bounded(question: str, titles: list[str]) -> None:
    works = [Work(title=t, abstract=question[::-1]) for t in titles]
    assert all(0.0 <= s <= 1.0 for s in score_works(question, works))


def _hit(service: str, **fields: object) -> tuple[str, Work]:
    work = work_from_fields(service, f"http://{service}/q", datetime(2026, 1, 1), fields)
    assert work is not None
    return ("q", work)


def test_merge_joins_chains_of_shared_identifiers() -> None:
    hits = [
        _hit("crossref", title="Paper One on Distillation", doi="10.5555/x.1"),
        _hit("arxiv", title="Paper One, preprint version", arxiv_id="2401.00001v2"),
        _hit("semanticscholar", title="Paper 1", doi="10.5555/x.1", arxiv_id="2401.00001"),
        _hit("crossref", title="Another paper entirely here", doi="10.5555/y.2"),
    ]
    merged = merge_hits(hits)
    assert len(merged) == 2
    work, services, _ = merged[0]
    assert services == ["arxiv", "crossref", "semanticscholar"]
    assert (work.doi, work.arxiv_id) == ("10.5555/x.1", "2401.00001v2")


@given(
    keys=st.lists(
        st.tuples(st.sampled_from(["a", "b", "c", None]), st.sampled_from(["1", "2", "3", None])),
        min_size=1,
        max_size=12,
    )
)
def test_merged_candidates_never_share_an_identifier(
    keys: list[tuple[str | None, str | None]],
) -> None:
    hits = [
        _hit(
            "crossref",
            title=f"Distinct title number {n:03d}",
            doi=d and f"10.5555/{d}",
            arxiv_id=a and f"2401.0000{a}",
        )
        for n, (d, a) in enumerate(keys)
    ]
    merged = merge_hits(hits)
    dois = [w.doi for w, _, _ in merged if w.doi]
    arxiv_ids = [w.arxiv_id for w, _, _ in merged if w.arxiv_id]
    assert len(dois) == len(set(dois))
    assert len(arxiv_ids) == len(set(arxiv_ids))
