"""Generation latency: prefill, ms per token, tokens/s at batch 1 and N, peak memory, hardware."""

from __future__ import annotations

import os
import platform
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any

import torch

from synth.bench.config import LatencySettings
from synth.bench.models import LoadedModel, parameter_count
from synth.bench.records import LatencyStats


def hardware() -> dict[str, str | int]:
    """The machine a measurement ran on."""
    info: dict[str, str | int] = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or "unknown",
        "cpu_count": os.cpu_count() or 0,
        "torch_threads": torch.get_num_threads(),
    }
    if torch.cuda.is_available():
        info["cuda_device"] = torch.cuda.get_device_name(0)
    return info


def _timed(fn: Callable[[], Any], warmup: int, repeats: int) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        start = time.perf_counter_ns()
        fn()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return samples


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure_latency(loaded: LoadedModel, settings: LatencySettings) -> LatencyStats:
    """Time fixed-length greedy generation (EOS ignored) after warm-up; medians over repeats."""
    model, device = loaded.model, loaded.device
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    ids = torch.arange(settings.prompt_tokens, device=device).remainder(200).unsqueeze(0) + 32

    def run(batch: int, new: int) -> Callable[[], Any]:
        inputs = ids.repeat(batch, 1)
        kwargs = {"max_new_tokens": new, "min_new_tokens": new, "do_sample": False,
                  "pad_token_id": loaded.codec.pad_id, "eos_token_id": None}  # fmt: skip

        def go() -> Any:
            with torch.no_grad():
                return model.generate(
                    input_ids=inputs, attention_mask=torch.ones_like(inputs), **kwargs
                )

        return go

    def prefill() -> Any:
        with torch.no_grad():
            if loaded.is_seq2seq:
                return run(1, 1)()
            return model(input_ids=ids, attention_mask=torch.ones_like(ids))

    w, r, n = settings.warmup, settings.repeats, max(2, settings.new_tokens)
    prefill_ms = statistics.median(_timed(prefill, w, r))
    one = statistics.median(_timed(run(1, 1), w, r))
    full = _timed(run(1, n), w, r)
    # Noise can make a tiny model's n-token run look faster than its 1-token run: floor at 0.
    per_token = [max(0.0, (t - one) / (n - 1)) for t in full]
    batch_full = statistics.median(_timed(run(settings.batch_size, n), w, r))
    if device.type == "cuda":
        peak = torch.cuda.max_memory_allocated(device) / 2**20
    else:  # ru_maxrss is the process's peak resident set in KiB on Linux
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return LatencyStats(
        prefill_ms=prefill_ms,
        ms_per_token=statistics.median(per_token),
        tokens_per_s_batch1=n / (statistics.median(full) / 1000),
        tokens_per_s_batchn=n * settings.batch_size / (batch_full / 1000),
        batch_size=settings.batch_size,
        ms_per_token_p50=_percentile(per_token, 0.5),
        ms_per_token_p90=_percentile(per_token, 0.9),
        ms_per_token_p99=_percentile(per_token, 0.99),
        peak_memory_mb=peak,
        parameters=parameter_count(loaded),
        warmup=w,
        repeats=r,
        new_tokens=n,
        device=str(device),
        threads=torch.get_num_threads(),
    )
