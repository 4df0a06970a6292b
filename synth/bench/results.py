"""Read, write and summarise results JSON; render Markdown and HTML reports with the plot."""

from __future__ import annotations

from html import escape
from pathlib import Path

from pydantic import ValidationError

from synth.atomic import write_text_atomic
from synth.bench.plot import build_svg
from synth.bench.records import BenchResults
from synth.errors import BenchError


def load_bench_results(path: Path) -> BenchResults:
    """Read a results JSON written by ``synth bench run``."""
    try:
        return BenchResults.model_validate_json(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BenchError(f"cannot read bench results {path}: {exc}") from exc
    except ValidationError as exc:
        raise BenchError(
            f"{path} is not a synth bench results file: {exc.errors()[0]['msg']}"
        ) from exc


def bench_summary_rows(results: BenchResults) -> list[dict[str, str | float]]:
    """One row per model x dataset x perturbation: pass@k values and latency, for tables."""
    rows: list[dict[str, str | float]] = []
    for run in results.runs:
        row: dict[str, str | float] = {
            "model": run.model,
            "dataset": run.dataset,
            "perturbation": run.perturbation,
        }
        for p in run.pass_at_k:
            row[f"pass@{p.k}"] = round(p.value, 4)
            row[f"pass@{p.k} 95% CI"] = f"{p.ci_low:.3f}-{p.ci_high:.3f}"
        latency = results.latency.get(run.model)
        if latency is not None:
            row["ms/token"] = round(latency.ms_per_token, 3)
            row["tokens/s"] = round(latency.tokens_per_s_batch1, 1)
        rows.append(row)
    return rows


def _columns(rows: list[dict[str, str | float]]) -> list[str]:
    return list(dict.fromkeys(key for row in rows for key in row))


def _plot(results: BenchResults) -> str:
    points = []
    for run in results.runs:
        latency = results.latency.get(run.model)
        first = next((p for p in run.pass_at_k if p.k == 1), None)
        if latency is not None and first is not None and run.perturbation == "nominal":
            points.append((f"{run.model} ({run.dataset})", latency.ms_per_token, first.value))
    return build_svg(points, "ms per token (batch 1)", "pass@1")


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _robustness_lines(results: BenchResults) -> list[str]:
    header = ["model", "dataset", "family", "k", "nominal", "robust pass", "robust drop",
              "robust relative"]  # fmt: skip
    rows = [
        [r.model, r.dataset, r.family, str(r.k), f"{r.nominal:.3f}", f"{r.robust_pass:.3f}",
         f"{r.robust_drop:.3f}", f"{r.robust_relative:.3f}"]
        for r in results.robustness
    ]  # fmt: skip
    return ["", "## Robustness (ReCode metrics)", "", *_md_table(header, rows)]


def _latency_lines(results: BenchResults) -> list[str]:
    header = ["model", "prefill ms", "ms/token", "p90 ms/token", "tok/s b1", "tok/s bN",
              "peak MiB", "params", "device", "threads"]  # fmt: skip
    rows = [
        [m, f"{s.prefill_ms:.2f}", f"{s.ms_per_token:.3f}", f"{s.ms_per_token_p90:.3f}",
         f"{s.tokens_per_s_batch1:.1f}", f"{s.tokens_per_s_batchn:.1f} (b={s.batch_size})",
         f"{s.peak_memory_mb:.0f}", str(s.parameters), s.device, str(s.threads)]
        for m, s in results.latency.items()
    ]  # fmt: skip
    return ["", "## Latency", "", *_md_table(header, rows)]


def to_markdown(results: BenchResults) -> str:
    """Markdown report: pass@k table, robustness, latency, plot, reproducibility."""
    rows = bench_summary_rows(results)
    cols = _columns(rows)
    repro = results.reproducibility
    lines = [f"# Bench: {results.name}", "", f"Created {results.created}.", "",
             f"Sandbox: {repro.sandbox}.", "", "## pass@k", ""]  # fmt: skip
    lines += _md_table(cols, [[str(r.get(c, "")) for c in cols] for r in rows])
    if results.robustness:
        lines += _robustness_lines(results)
    if results.latency:
        lines += _latency_lines(results)
    lines += ["", "## pass@1 versus latency", "", _plot(results), ""]
    if results.failures:
        lines += ["## Failures", "", *[f"- {f}" for f in results.failures], ""]
    lines += ["## Reproducibility", "", f"- seed: {repro.seed}",
              f"- config sha256: {repro.config_sha256}"]  # fmt: skip
    lines += [f"- dataset {k}: sha256 {v}" for k, v in repro.dataset_sha256.items()]
    lines += [f"- {k}: {v}" for k, v in {**repro.versions, **repro.generation}.items()]
    lines += [f"- hardware {k}: {v}" for k, v in repro.hardware.items()]
    return "\n".join(lines) + "\n"


def to_html(results: BenchResults) -> str:
    """Standalone HTML report with the pass@k table and the inline SVG plot."""
    rows = bench_summary_rows(results)
    cols = _columns(rows)
    head = "".join(f"<th>{escape(c)}</th>" for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(r.get(c, '')))}</td>" for c in cols) + "</tr>"
        for r in rows
    )
    repro = escape(results.reproducibility.model_dump_json(indent=2))
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Bench: {escape(results.name)}"
        "</title></head><body>"
        f"<h1>Bench: {escape(results.name)}</h1>"
        f"<p>Sandbox: {escape(results.reproducibility.sandbox)}</p>"
        f"<h2>pass@k</h2><table border='1'><tr>{head}</tr>{body}</table>"
        f"<h2>pass@1 versus latency</h2>{_plot(results)}"
        f"<h2>Reproducibility</h2><pre>{repro}</pre></body></html>\n"
    )


def write_reports(results: BenchResults, out: Path) -> dict[str, Path]:
    """Write results.json, results.md and results.html atomically; return their paths."""
    paths = {"json": out / "results.json", "md": out / "results.md", "html": out / "results.html"}
    write_text_atomic(paths["json"], results.model_dump_json(indent=2))
    write_text_atomic(paths["md"], to_markdown(results))
    write_text_atomic(paths["html"], to_html(results))
    return paths
