"""Ask several services at once; a service's RetrievalError comes back as a value, not a crash."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from synth.errors import RetrievalError

T = TypeVar("T")


def gather(calls: Sequence[Callable[[], T]], max_workers: int = 8) -> list[T | RetrievalError]:
    """Run the calls in threads; results (or their RetrievalError) in the calls' order."""

    def guarded(call: Callable[[], T]) -> T | RetrievalError:
        try:
            return call()
        except RetrievalError as exc:
            return exc

    if len(calls) <= 1:
        return [guarded(call) for call in calls]
    # Threads only overlap waiting on different hosts; each host's limiter still spaces requests.
    with ThreadPoolExecutor(max_workers=min(max_workers, len(calls))) as pool:
        return list(pool.map(guarded, calls))
