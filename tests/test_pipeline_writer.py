"""`synth report --writer openai-compatible` end to end: a fake endpoint on 127.0.0.1 writes the
answer, synth's own verifier checks each sentence against the sources it cites."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from synth.cli import main
from tests.chat_support import FakeEndpoint, serving
from tests.test_pipeline import QUESTION, write_corpus

# A restatement of a sentence of the corpus's first paper (a verbatim copy would be its own
# evidence, which the verifier never counts).
SUPPORTED = (
    "Training on the teacher's soft targets gives students 3.4 points more accuracy than "
    "training on hard labels [F1]."
)
UNSUPPORTED = " Distillation also halves the energy used to train the teacher by 60% [F1]."
INVALID = " The student runs 40 times faster on phones [F99]."


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """An OpenAI-style chat endpoint answering with one canned completion."""
    with serving(FakeEndpoint(url="")) as fake:
        fake.reply(SUPPORTED + UNSUPPORTED + INVALID)
        yield fake.url


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def _report(tmp: Path, url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("SYNTH_SYNTHESIZE__WRITER_BASE_URL", url)
    monkeypatch.setenv("SYNTH_SYNTHESIZE__WRITER_MODEL", "tiny-llm")
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    corpus = write_corpus(tmp / "corpus.jsonl")
    args = ["report", QUESTION, "--corpus", str(corpus), "--out", str(tmp / "out")]
    result = CliRunner().invoke(main, [*args, "--writer", "openai-compatible", "--json"])
    assert result.exit_code == 0, result.output
    folder = Path(json.loads(result.stdout)["dir"])
    manifest: dict[str, Any] = json.loads((folder / "manifest.json").read_text())
    manifest["_md"] = (folder / "report.md").read_text()
    return manifest


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SYNTH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return tmp_path


def test_generated_sentences_pass_the_verifier_or_are_dropped(
    endpoint: str, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    m = _report(env, endpoint, monkeypatch)
    answer = m["answer"]
    assert answer["writer"] == "openai-compatible:tiny-llm"
    kept = [s["text"] for s in answer["sentences"]]
    assert any("3.4 points" in t for t in kept) and all(s["verified"] for s in answer["sentences"])
    dropped = {s["text"]: s["note"] for s in answer["dropped"]}
    energy = next(t for t in dropped if "energy" in t)
    assert "verifier" in dropped[energy]  # synth's own check refused it
    phones = next(t for t in dropped if "phones" in t)
    assert "F99" in dropped[phones]
    assert "Generated sentences dropped" in m["_md"] and "F99" in m["_md"]


def test_endpoint_down_falls_back_to_the_extractive_answer(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _dead_url()
    m = _report(env, url, monkeypatch)
    assert m["answer"]["writer"] == "extractive"
    assert url in m["answer"]["note"] and "extractive answer" in m["answer"]["note"]
    assert "extractive answer" in m["_md"]


def test_writer_without_a_model_is_a_clear_error(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = write_corpus(env / "corpus.jsonl")
    monkeypatch.delenv("SYNTH_SYNTHESIZE__WRITER_MODEL", raising=False)
    result = CliRunner().invoke(
        main, ["report", QUESTION, "--corpus", str(corpus), "--writer", "openai-compatible"]
    )
    assert result.exit_code != 0
    assert "WRITER_MODEL" in result.output
    assert not (Path("reports").exists() and any(Path("reports").glob("SRCH-*")))
