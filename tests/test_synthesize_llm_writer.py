"""The LLM writer against a fake OpenAI-compatible endpoint on 127.0.0.1, vetted by a fake check."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from synth.records import Answer, AnswerSentence, Finding, FindingQuantity
from synth.settings import SynthesizeSettings
from synth.synthesize.llm_writer import parse_citations, split_sentences, write_answer
from tests.chat_support import FakeEndpoint, serving

QUESTION = "Does sparse attention reduce memory use on long inputs?"
GOOD = (
    "Sparse attention cut peak memory by 10.4 times on 16k-token inputs [F1, C1]. "
    "Accuracy stayed within 0.3 points of dense attention, e.g. on summarisation [F2]."
)
UNSUPPORTED = " It also halves training cost, as Smith et al. showed [F1]."
INVALID = " Latency fell by 40% [F99]."


@pytest.fixture(scope="module")
def server() -> Iterator[FakeEndpoint]:
    """A real HTTP server on an ephemeral localhost port, shared by this module's tests."""
    with serving(FakeEndpoint(url="")) as fake:
        yield fake


@pytest.fixture
def endpoint(server: FakeEndpoint, monkeypatch: pytest.MonkeyPatch) -> FakeEndpoint:
    """The shared fake endpoint with no canned reply or recorded request, reached without proxy."""
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    server.status, server.body = 200, b""
    server.requests.clear()
    return server


def _finding(finding_id: str, statement: str, claim: str) -> Finding:
    return Finding(
        finding_id=finding_id,
        statement=statement,
        representative=claim,
        claims=[claim],
        reported_by=["doc-a", "doc-b"],
        quantities=[FindingQuantity(raw="10.4 times", value=10.4, unit="times", claim_id=claim)],
        relevance=0.9,
        strength=0.7,
        verdict="supported",
    )


FINDINGS = [
    _finding("F1", "Sparse attention reduces peak memory 10.4 times at 16k tokens.", "C1"),
    _finding("F2", "Accuracy is within 0.3 points of dense attention.", "C2"),
]
CLAIMS = {
    "C1": "Sparse attention reduces peak memory 10.4 times at 16k tokens.",
    "C2": "Accuracy is within 0.3 points of dense attention.",
}
FALLBACK = Answer(
    text="Sparse attention reduces peak memory 10.4 times at 16k tokens.",
    sentences=[
        AnswerSentence(
            text="Sparse attention reduces peak memory.", citations=["F1"], verified=True
        )
    ],
    writer="extractive",
    uncovered=["training cost"],
)


class FakeCheck:
    """Unsupported when a sentence mentions training cost; records what it was asked."""

    def __init__(self) -> None:
        self.calls: list[list[tuple[str, list[str]]]] = []

    def __call__(self, items: list[tuple[str, list[str]]]) -> list[tuple[bool, str]]:
        self.calls.append(items)
        return [
            (False, "no cited evidence mentions training cost")
            if "training cost" in text
            else (True, "")
            for text, _keys in items
        ]


def _settings(url: str, **extra: Any) -> SynthesizeSettings:
    return SynthesizeSettings(
        writer="openai-compatible", writer_base_url=url, writer_model="tiny-llm", **extra
    )


def _write(settings: SynthesizeSettings, check: FakeCheck | None = None) -> Answer:
    return write_answer(QUESTION, FINDINGS, CLAIMS, settings, check or FakeCheck(), FALLBACK)


def test_good_sentences_are_kept_verified_and_stripped_of_markers(endpoint: FakeEndpoint) -> None:
    endpoint.reply(GOOD)
    check = FakeCheck()
    answer = _write(_settings(endpoint.url), check)
    assert answer.writer == "openai-compatible:tiny-llm"
    assert [s.citations for s in answer.sentences] == [["F1", "C1"], ["F2"]]
    assert all(s.verified for s in answer.sentences)
    assert (
        answer.sentences[0].text
        == "Sparse attention cut peak memory by 10.4 times on 16k-token inputs."
    )
    assert "e.g. on summarisation." in answer.text and "[" not in answer.text
    assert answer.dropped == [] and answer.note == "" and answer.uncovered == ["training cost"]
    assert len(check.calls) == 1 and len(check.calls[0]) == 2


def test_unsupported_sentence_is_dropped_with_the_verifier_note(endpoint: FakeEndpoint) -> None:
    endpoint.reply(GOOD + UNSUPPORTED)
    check = FakeCheck()
    answer = _write(_settings(endpoint.url), check)
    assert len(answer.sentences) == 2
    assert len(check.calls) == 1 and len(check.calls[0]) == 3
    [dropped] = answer.dropped
    assert dropped.text == "It also halves training cost, as Smith et al. showed."
    assert dropped.citations == ["F1"] and not dropped.verified
    assert dropped.note == "no cited evidence mentions training cost"
    assert "training cost" not in answer.text


def test_sentence_citing_an_unknown_key_is_dropped_before_the_check(endpoint: FakeEndpoint) -> None:
    endpoint.reply(GOOD + INVALID + " A sentence without any key.")
    check = FakeCheck()
    answer = _write(_settings(endpoint.url), check)
    assert len(answer.sentences) == 2
    assert [d.note for d in answer.dropped] == [
        "cites unknown key F99",
        "cites no finding or claim",
    ]
    assert all("F99" not in text for text, _keys in check.calls[0])


def test_endpoint_down_falls_back_to_the_extractive_answer() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    answer = _write(_settings(url, writer_api_key="sk-secret-123"))
    assert answer.writer == "extractive" and answer.text == FALLBACK.text
    assert (
        answer.note
        == f"the LLM writer at {url} failed (connection refused); the extractive answer is shown"
    )
    assert "sk-secret" not in answer.model_dump_json()


def test_http_error_falls_back_without_echoing_the_body(
    endpoint: FakeEndpoint, caplog: pytest.LogCaptureFixture
) -> None:
    endpoint.status, endpoint.body = 500, b'{"error": "bad key sk-secret-123"}'
    with caplog.at_level(logging.DEBUG):
        answer = _write(_settings(endpoint.url, writer_api_key="sk-secret-123"))
    assert answer.writer == "extractive"
    assert "HTTP 500" in answer.note and "extractive answer is shown" in answer.note
    assert "sk-secret" not in answer.model_dump_json()
    assert answer.note in caplog.text and "sk-secret" not in caplog.text


def test_timeout_falls_back_through_an_injected_client() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    settings = _settings("http://writer.invalid/v1", writer_timeout_s=2.5)
    with httpx.Client(transport=httpx.MockTransport(slow)) as client:
        answer = write_answer(QUESTION, FINDINGS, CLAIMS, settings, FakeCheck(), FALLBACK, client)
    assert answer.writer == "extractive" and "(no reply within 2.5 s)" in answer.note


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html>not json</html>", "the reply is not JSON"),
        (b'{"object": "chat.completion"}', "the reply has no choices[0].message.content"),
        (b'{"choices": [{"message": {"content": "  "}}]}', "the reply is empty"),
    ],
)
def test_malformed_reply_falls_back(endpoint: FakeEndpoint, body: bytes, reason: str) -> None:
    endpoint.status, endpoint.body = 200, body
    answer = _write(_settings(endpoint.url))
    assert answer.writer == "extractive" and f"({reason})" in answer.note


def test_no_surviving_sentence_falls_back_and_keeps_the_dropped_list(
    endpoint: FakeEndpoint,
) -> None:
    endpoint.reply(UNSUPPORTED.strip() + INVALID)
    answer = _write(_settings(endpoint.url))
    assert answer.writer == "extractive" and "wrote no sentence" in answer.note
    assert [d.note for d in answer.dropped] == [
        "cites unknown key F99",
        "no cited evidence mentions training cost",
    ]


def test_sentences_beyond_the_limit_are_dropped(endpoint: FakeEndpoint) -> None:
    endpoint.reply(GOOD)
    answer = _write(_settings(endpoint.url, max_answer_sentences=1))
    assert len(answer.sentences) == 1
    assert [d.note for d in answer.dropped] == ["beyond the 1-sentence limit"]


def test_request_carries_model_temperature_key_and_the_evidence(endpoint: FakeEndpoint) -> None:
    endpoint.reply(GOOD)
    _write(_settings(endpoint.url + "/", writer_api_key="sk-secret-123"))
    [request] = endpoint.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-secret-123"
    body = request["json"]
    assert body["model"] == "tiny-llm" and body["temperature"] == 0
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    prompt = body["messages"][1]["content"]
    assert QUESTION in prompt and "[F1]" in prompt and "[F2]" in prompt and "[C2]" in prompt
    assert "10.4 times" in prompt and "at most 5" in body["messages"][0]["content"]


def test_no_bearer_header_without_a_key(endpoint: FakeEndpoint) -> None:
    endpoint.reply(GOOD)
    _write(_settings(endpoint.url))
    assert "Authorization" not in endpoint.requests[0]["headers"]


def test_thinking_block_is_ignored(endpoint: FakeEndpoint) -> None:
    endpoint.reply("<think>Maybe cite F99 [F99].</think>\n" + GOOD)
    answer = _write(_settings(endpoint.url))
    assert len(answer.sentences) == 2 and answer.dropped == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "It rose 10.4 times [F1]. Then it fell [F2].",
            ["It rose 10.4 times [F1].", "Then it fell [F2]."],
        ),
        ("Models, e.g. BERT, gain 2.5 points [F1].", ["Models, e.g. BERT, gain 2.5 points [F1]."]),
        (
            "Vaswani et al. (2017) report it [C1]. Next one [C2].",
            ["Vaswani et al. (2017) report it [C1].", "Next one [C2]."],
        ),
        ("As J. Smith found [C1]! Really? Yes.", ["As J. Smith found [C1]!", "Really?", "Yes."]),
        (
            "It held for most sets. [F1, C3]\nAnother [F2].",
            ["It held for most sets. [F1, C3]", "Another [F2]."],
        ),
        ("- First item [F1]\n- Second item [F2]", ["First item [F1]", "Second item [F2]"]),
        ("A sentence wrapped\nacross lines [F1].", ["A sentence wrapped across lines [F1]."]),
        ("Scores (see Fig. 3) improved [F1].", ["Scores (see Fig. 3) improved [F1]."]),
        ("", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Memory fell 10.4 times [F1, C3].", ("Memory fell 10.4 times.", ["F1", "C3"])),
        ("Memory fell [F1][c3] sharply.", ("Memory fell sharply.", ["F1", "C3"])),
        ("Memory fell. [F1; F1]", ("Memory fell.", ["F1"])),
        ("The range [0.5, 1.0] held [F2].", ("The range [0.5, 1.0] held.", ["F2"])),
        ("No citation here.", ("No citation here.", [])),
    ],
)
def test_parse_citations(sentence: str, expected: tuple[str, list[str]]) -> None:
    assert parse_citations(sentence) == expected
