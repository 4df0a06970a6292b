"""Batch tests' light models: a hashed bag-of-words embedder and the feature verifier.

The batch machinery (pool, Ray, lock, journal) is what these tests exercise; loading MiniLM in
every worker would cost each test tens of seconds on two cores. The pipeline itself runs in
full (relevance, extraction, verification, synthesis, review, render), only on these vectors.
``word_embedder`` is a module-level function so pool workers and Ray actors can import it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from synth.embed import CachedEmbedder
from synth.settings import Settings
from tests.word_embedder import WordEmbedder

FAST = {"verify": {"method": "features"}}


def word_embedder(settings: Settings) -> CachedEmbedder:
    """The batch workers' embedder factory: WordEmbedder behind the real on-disk cache."""
    return CachedEmbedder(WordEmbedder(), settings.cache_dir("embeddings"))


def fast_settings(**extra: object) -> Settings:
    """Settings with the feature verifier (no pair model to load)."""
    return Settings.model_validate({**FAST, **extra})


QUESTIONS = [
    "Can knowledge distillation transfer the accuracy of a large teacher network to a small "
    "student network?",
    "How much water does drip irrigation save compared with furrow irrigation in maize fields?",
    "Does knowledge distillation let a small student network match a large teacher network?",
    "How much accuracy does a distilled student network lose against its teacher?",
    "Do soft targets from a teacher network improve the accuracy of a student network?",
    "Do hints from a teacher network help train thin deep student networks?",
    "How much faster does a distilled student network run than its teacher network?",
    "Does drip irrigation save water in maize fields compared with furrow irrigation?",
    "How much irrigation water do maize fields need under drip irrigation?",
]


class _CountedCache(CachedEmbedder):
    def __init__(self, log_path: Path, settings: Settings) -> None:
        super().__init__(WordEmbedder(), settings.cache_dir("embeddings"))
        self._log = log_path
        self._note("load")

    def _note(self, event: str) -> None:
        with self._log.open("a", encoding="utf-8") as handle:
            handle.write(f"{event} {os.getpid()}\n")

    def close(self) -> None:
        self._note("close")
        super().close()


class CountingEmbedder:
    """An embedder factory that appends 'load PID' / 'close PID' to a file (picklable)."""

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path

    def __call__(self, settings: Settings) -> CachedEmbedder:
        """word_embedder, noting the load now and the close when it comes."""
        return _CountedCache(self.log_path, settings)

    def events(self) -> tuple[list[str], list[str]]:
        """PIDs that loaded and PIDs that closed, in file order."""
        words = self.log_path.read_text().split() if self.log_path.exists() else []
        pairs = list(zip(words[::2], words[1::2], strict=True))
        return [p for e, p in pairs if e == "load"], [p for e, p in pairs if e == "close"]


REPO = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def local_ray() -> Iterator[Any]:
    """A Ray head on 127.0.0.1 for this process (skips when Ray is not installed).

    Its workers import ``tests.batch_support`` (the embedder factory), so they get the checkout
    on their path: Ray starts them with this process's environment.
    """
    import pytest

    ray = pytest.importorskip("ray")
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), saved) if p)
    try:
        ray.init(
            address="local",
            include_dashboard=False,
            num_cpus=2,
            _node_ip_address="127.0.0.1",
            logging_level="ERROR",
        )
        yield ray
    finally:
        ray.shutdown()
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved
