"""Generation and latency on tiny causal and seq2seq models built from configs (no download)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch

from synth.bench.config import GenerationSettings, LatencySettings, ModelSpec
from synth.bench.datasets import load_dataset
from synth.bench.generate import complete, sanitize
from synth.bench.latency import hardware, measure_latency
from synth.bench.models import ByteCodec, load_model, parameter_count
from synth.errors import BenchError


@pytest.fixture(autouse=True)
def _one_torch_thread() -> Iterator[None]:
    """Tiny models run fastest on one thread of a shared CPU; later tests get theirs back."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


SPECS = [
    ModelSpec(name="gpt2", source="tiny", arch="gpt2"),
    ModelSpec(name="llama", source="tiny", arch="llama"),
    ModelSpec(name="t5", source="tiny", arch="t5", kind="seq2seq"),
]


@pytest.fixture(scope="module")
def problem() -> object:
    return load_dataset("humaneval", limit=1).problems[0]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_greedy_and_sampling_are_reproducible(spec: ModelSpec, problem: object) -> None:
    loaded = load_model(spec)
    greedy = GenerationSettings(n=2, greedy=True, max_new_tokens=6)
    first = complete(loaded, problem, greedy)  # type: ignore[arg-type]
    assert len(first) == 2
    assert first[0] == first[1]
    sampled = GenerationSettings(n=3, greedy=False, max_new_tokens=6, seed=7)
    assert complete(loaded, problem, sampled) == complete(loaded, problem, sampled)  # type: ignore[arg-type]
    assert parameter_count(loaded) > 0


@pytest.mark.parametrize("spec", [SPECS[0], SPECS[2]], ids=lambda s: s.name)
def test_latency_is_measured_and_recorded(spec: ModelSpec) -> None:
    stats = measure_latency(
        load_model(spec), LatencySettings(prompt_tokens=8, new_tokens=4, batch_size=2, repeats=2)
    )
    # Values are timings (not asserted); the record must say how they were taken.
    assert stats.ms_per_token_p50 <= stats.ms_per_token_p99
    assert (stats.batch_size, stats.new_tokens, stats.repeats, stats.device) == (2, 4, 2, "cpu")
    assert stats.threads >= 1
    assert stats.peak_memory_mb > 0
    assert hardware()["cpu_count"]


def test_oracle_returns_the_reference(problem: object) -> None:
    loaded = load_model(ModelSpec(name="oracle", source="oracle"))
    out = complete(loaded, problem, GenerationSettings(n=2))  # type: ignore[arg-type]
    assert out == [problem.canonical_solution] * 2  # type: ignore[attr-defined]


def test_sanitize_cuts_at_the_next_top_level_statement() -> None:
    raw = "    return 1\n\ndef other():\n    pass\n"
    assert sanitize(raw) == "    return 1\n"
    assert sanitize("    x = 1\nif __name__ == '__main__':\n    main()") == "    x = 1"
    assert sanitize("    return 2") == "    return 2"


def test_byte_codec_round_trips_text() -> None:
    codec = ByteCodec()
    text = "def f(x):\n    return 'é'\n"
    assert codec.decode(codec.encode(text)) == text
    assert codec.decode([*codec.encode("ab"), codec.eos_id]) == "ab"


def test_t5_must_be_declared_seq2seq() -> None:
    with pytest.raises(BenchError, match="seq2seq"):
        load_model(ModelSpec(name="bad", source="tiny", arch="t5"))
