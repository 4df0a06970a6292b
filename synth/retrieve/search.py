"""Question search: queries from the question, several services, merged, de-duplicated, ranked.

Queries (at most ``max_queries``): the question's content words (broad), its first and last
multi-word phrases (method and application), and its first phrase with its specific tokens
(names, numbers, benchmarks).
Candidates found by several services or queries are merged by DOI, arXiv id and folded title.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from synth.errors import RetrievalError
from synth.lexical import (
    CASED_WORDS,
    QUERY,
    QUESTION_STOPWORDS,
    RETRIEVAL,
    WORDS,
    terms,
    tokens,
)
from synth.records import SourceFailure, TextLevel, Work
from synth.retrieve import arxiv, crossref, openalex, semanticscholar
from synth.retrieve._http import HttpClient
from synth.retrieve._merge import base_arxiv_id, merge_works, service_of, title_key
from synth.retrieve._parallel import gather
from synth.retrieve._rank import is_junk, score_works
from synth.settings import RetrieveSettings

SEARCH_ORDER = ("arxiv", "crossref", "openalex", "semanticscholar")
_ARXIV_TERMS = 5  # arXiv ANDs the terms, so long queries would match nothing

Search = Callable[[str, HttpClient, RetrieveSettings, int], list[Work]]


class Candidate(BaseModel):
    """A paper found for a question, with where it was found and how well it matches."""

    model_config = ConfigDict(extra="forbid")

    work: Work
    services: list[str]
    score: float = Field(ge=0.0, le=1.0, description="Lexical relevance to the question.")
    matched_queries: list[str]
    text_level: TextLevel = Field(
        description="What can be read: fulltext when an open PDF is known, else abstract/metadata."
    )


def _phrases(question: str) -> list[list[str]]:
    runs: list[list[str]] = [[]]
    for piece in re.split(r"[,;:?!()]", question):
        for token in tokens(piece, WORDS):
            if token in QUESTION_STOPWORDS:
                runs.append([])
            else:
                runs[-1].append(token)
        runs.append([])
    return [run for run in runs if len(run) >= 2]


def _specific(question: str) -> list[str]:
    # Names, acronyms, versions and benchmarks: tokens with digits, symbols or inner capitals.
    raw = tokens(question, CASED_WORDS)
    picked = [t for t in raw if re.search(r"\d|@|-|[A-Z].*[A-Z]|^[a-z]+[A-Z]", t)]
    return list(dict.fromkeys(t.lower() for t in picked if t.lower() not in QUESTION_STOPWORDS))


def build_queries(question: str, max_queries: int = 3) -> list[str]:
    """Derive distinct search queries from a question (broad, core phrases, specific terms)."""
    broad = terms(question, QUERY)[:8]
    phrases = _phrases(question)
    # The first and last phrases usually name the method and the application.
    ends = phrases[:1] + phrases[-1:] if len(phrases) > 1 else phrases
    core = list(dict.fromkeys(w for run in ends for w in run))[:6]
    specific = _specific(question)
    focused = list(dict.fromkeys((phrases[0] if phrases else []) + specific))[:6]
    queries = [" ".join(q) for q in (broad, core, focused) if q]
    return list(dict.fromkeys(queries))[:max_queries]


def _searches(settings: RetrieveSettings) -> dict[str, Search]:
    def arxiv_search(q: str, c: HttpClient, s: RetrieveSettings, n: int) -> list[Work]:
        return arxiv.search_arxiv(arxiv.build_search_query(q.split()[:_ARXIV_TERMS]), c, s, n)

    searches: dict[str, Search] = {
        arxiv.SERVICE: arxiv_search,
        crossref.SERVICE: crossref.search_crossref,
        semanticscholar.SERVICE: semanticscholar.search_s2,
    }
    if settings.openalex_api_key:
        searches[openalex.SERVICE] = openalex.search_openalex
    return searches


Hits = tuple[list[tuple[str, Work]], list[SourceFailure]]


def _run_service(
    service: str, search: Search, queries: list[str], client: HttpClient, settings: RetrieveSettings
) -> Hits:
    hits: list[tuple[str, Work]] = []
    failures: list[SourceFailure] = []
    for query in queries:
        try:
            found = search(query, client, settings, settings.max_results_per_query)
        except RetrievalError as exc:
            failures.append(
                SourceFailure(input=f"{service} search: {query}", reason=str(exc), stage="retrieve")
            )
            continue
        hits.extend((query, work) for work in found)
    return hits, failures


def _keys(work: Work) -> list[str]:
    keys = []
    if work.doi:
        keys.append("doi:" + work.doi)
    if work.arxiv_id:
        keys.append("arxiv:" + base_arxiv_id(work.arxiv_id))
    folded = title_key(work.title)
    if len(folded) >= 12:  # very short titles collide across unrelated papers
        keys.append("title:" + folded)
    return keys


def _components(hits: list[tuple[str, Work]]) -> list[list[int]]:
    # Union-find over hits sharing any key, so A~B (DOI) and B~C (arXiv id) end in one group.
    parent = list(range(len(hits)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, (_, work) in enumerate(hits):
        for key in _keys(work):
            if key in first:
                parent[root(i)] = root(first[key])
            else:
                first[key] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(hits)):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values())


def merge_hits(hits: list[tuple[str, Work]]) -> list[tuple[Work, list[str], list[str]]]:
    """De-duplicate hits by DOI, arXiv id and title: (merged work, services, queries) each."""
    merged = []
    for members in _components(hits):
        works = [hits[i][1] for i in members]
        queries = list(dict.fromkeys(hits[i][0] for i in members))
        services = sorted({service_of(w) for w in works})
        merged.append((merge_works(works, SEARCH_ORDER), services, queries))
    return merged


def text_level_of(work: Work) -> TextLevel:
    """What can be read: full text when an open PDF is known, else the abstract, else metadata."""
    if work.arxiv_id or work.pdf_url:
        return "fulltext"
    return "abstract" if work.abstract else "metadata"


def rank_candidates(
    question: str, merged: list[tuple[Work, list[str], list[str]]], settings: RetrieveSettings
) -> list[Candidate]:
    """Score merged hits against the question, drop junk and weak matches, best first."""
    kept = [m for m in merged if not is_junk(m[0])]
    scores = score_works(question, [m[0] for m in kept])
    candidates = [
        Candidate(
            work=work,
            services=services,
            score=score,
            matched_queries=queries,
            text_level=text_level_of(work),
        )
        for (work, services, queries), score in zip(kept, scores, strict=True)
        if score >= settings.min_relevance
    ]
    candidates.sort(key=lambda c: (-c.score, -len(c.services), c.work.title))
    return candidates[: settings.max_candidates]


def search_candidates(
    question: str, client: HttpClient, settings: RetrieveSettings
) -> tuple[list[Candidate], list[SourceFailure]]:
    """Search every configured service for the question; candidates best first, and failures."""
    queries = build_queries(question, settings.max_queries)
    if not terms(question, RETRIEVAL) or not queries:
        return [], [
            SourceFailure(
                input=question, reason="the question has no content words", stage="retrieve"
            )
        ]
    searches = _searches(settings)
    calls = [
        (lambda s=service, f=fn: _run_service(s, f, queries, client, settings))
        for service, fn in searches.items()
    ]
    hits: list[tuple[str, Work]] = []
    failures: list[SourceFailure] = []
    for service, result in zip(searches, gather(calls), strict=True):
        if isinstance(result, RetrievalError):  # pragma: no cover - _run_service catches these
            failures.append(
                SourceFailure(input=f"{service} search", reason=str(result), stage="retrieve")
            )
            continue
        hits.extend(result[0])
        failures.extend(result[1])
    return rank_candidates(question, merge_hits(hits), settings), failures


__all__ = ["Candidate", "build_queries", "search_candidates"]
