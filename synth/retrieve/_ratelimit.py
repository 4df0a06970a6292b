"""Clocks, per-host rate limits and retry backoff (pure timing policy; no I/O besides sleeping).

The clock is injected so tests run instantly and assert the computed waits instead of sleeping.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from itertools import pairwise
from typing import Protocol


class Clock(Protocol):
    """Monotonic time and sleeping."""

    def monotonic(self) -> float:
        """Seconds on a monotonic clock."""
        ...

    def sleep(self, seconds: float) -> None:
        """Block for ``seconds``."""
        ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        """Seconds on the process's monotonic clock."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Really sleep."""
        time.sleep(seconds)


class HostLimiter:
    """Spacing (and optionally one-at-a-time) for the requests to one host."""

    def __init__(self, interval_s: float, serial: bool, clock: Clock) -> None:
        self.interval_s = interval_s
        self.serial = serial
        self._clock = clock
        self._state = threading.Lock()
        self._connection = threading.Lock()
        self._next_at = float("-inf")
        self.starts: list[float] = []
        self.waits: list[float] = []

    def _reserve(self) -> float:
        # Reserve the next start slot under the lock, then sleep outside it.
        with self._state:
            now = self._clock.monotonic()
            start = max(now, self._next_at)
            self._next_at = start + self.interval_s
            return start - now

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Wait for this host's next free start time; hold its connection lock when serial."""
        if self.serial:
            self._connection.acquire()
        try:
            wait = self._reserve()
            if wait > 0:
                self.waits.append(wait)
                self._clock.sleep(wait)
            with self._state:
                started = self._clock.monotonic()
                self.starts.append(started)
                # A late wake-up pushes the next slot back, so real gaps never shrink.
                self._next_at = max(self._next_at, started + self.interval_s)
            yield
        finally:
            if self.serial:
                self._connection.release()

    def spacings(self) -> list[float]:
        """Observed gaps between consecutive request starts."""
        return [b - a for a, b in pairwise(self.starts)]


class RateLimiter:
    """One HostLimiter per bucket (a host name, or ``arxiv`` for all arXiv endpoints)."""

    def __init__(self, default_interval_s: float, clock: Clock) -> None:
        self._default = default_interval_s
        self._clock = clock
        self._lock = threading.Lock()
        self._hosts: dict[str, HostLimiter] = {}

    def configure(self, bucket: str, interval_s: float, serial: bool) -> None:
        """Set a bucket's own policy (arXiv: one request every 3 s, one connection)."""
        with self._lock:
            self._hosts[bucket] = HostLimiter(interval_s, serial, self._clock)

    def host(self, bucket: str) -> HostLimiter:
        """The limiter of a bucket (created with the default interval on first use)."""
        with self._lock:
            if bucket not in self._hosts:
                self._hosts[bucket] = HostLimiter(self._default, False, self._clock)
            return self._hosts[bucket]


def backoff_delay(attempt: int, base_s: float, max_s: float, rng: random.Random) -> float:
    """Exponential backoff with "equal jitter": half of base*2^attempt fixed, half random."""
    ceiling = min(max_s, base_s * (2.0**attempt))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (seconds or HTTP date); None if absent/bad."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    current = now or datetime.now(timezone.utc)
    return max(0.0, float((when - current).total_seconds()))
