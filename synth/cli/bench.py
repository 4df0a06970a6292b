"""``synth bench``: evaluate samples, run experiments, distil models."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from synth.cli._common import echo_json, get_settings, handle_errors, json_option

F = TypeVar("F", bound=Callable[..., Any])

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_FOLDER = click.Path(file_okay=False, path_type=Path)


def _out_options(what: str) -> Callable[[F], F]:
    """--out FOLDER, and the old spelling --output kept as a hidden alias."""

    def decorate(func: F) -> F:
        func = click.option(
            "--output",
            "output_alias",
            type=_FOLDER,
            hidden=True,
            help="Deprecated spelling of --out.",
        )(func)
        return click.option(
            "--out",
            "out",
            type=_FOLDER,
            help=f"Folder for {what} (default: the config's `output` under the synth user data "
            "folder, e.g. ~/.local/share/synth/bench/<output>).",
        )(func)

    return decorate


def _out_folder(out: Path | None, alias: Path | None, configured: str) -> Path:
    """--out, else the deprecated --output, else the config's folder outside the source tree."""
    if out is not None:
        return out
    if alias is not None:
        click.echo("warning: --output is deprecated; use --out", err=True)
        return alias
    folder = Path(configured).expanduser()
    if folder.is_absolute():
        return folder
    import platformdirs

    return Path(platformdirs.user_data_dir("synth")) / "bench" / folder


def _print_table(rows: list[dict[str, str | float]]) -> None:
    """Rows as aligned columns: one line per model x dataset x perturbation."""
    if not rows:
        click.echo("no runs")
        return
    columns = [c for c in dict.fromkeys(k for row in rows for k in row) if "95% CI" not in c]
    cells = [[str(row.get(c, "-")) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for r in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())


unsafe_rlimit_option = click.option(
    "--unsafe-rlimit",
    "unsafe_rlimit",
    is_flag=True,
    help="Allow the weaker rlimit mode when bwrap is unusable: rlimits, seccomp and Landlock "
    "(writes only in each sample's scratch folder, no TCP, no exec); samples can still read "
    "your files. Refused where the kernel has no Landlock unless bench.sandbox is 'rlimit'.",
)


def _bench_overrides(unsafe_rlimit: bool) -> dict[str, Any]:
    return {"bench": {"allow_unsafe_rlimit": True}} if unsafe_rlimit else {}


@click.group()
def bench() -> None:
    """Benchmark code models: sandboxed pass@k, latency, robustness and distillation."""


@bench.command()
@click.argument("samples", type=_FILE)
@click.option(
    "--dataset", default="humaneval", show_default=True, help="'humaneval' or a JSONL path."
)
@click.option(
    "-k",
    "ks",
    multiple=True,
    type=int,
    default=(1, 10, 100),
    show_default=True,
    help="pass@k to report; repeatable (-k 1 -k 10).",
)
@click.option("--json", "as_json", is_flag=True, help="Print pass@k as JSON.")
@unsafe_rlimit_option
@click.pass_context
@handle_errors
def evaluate(
    ctx: click.Context,
    samples: Path,
    dataset: str,
    ks: tuple[int, ...],
    as_json: bool,
    unsafe_rlimit: bool,
) -> None:
    """Run SAMPLES ({task_id, completion} per line) in the sandbox and print pass@k.

    Without a working bwrap, samples are refused unless --unsafe-rlimit is given.
    """
    from synth.bench.evaluate import evaluate_file

    settings = get_settings(ctx, _bench_overrides(unsafe_rlimit))
    report = evaluate_file(samples, dataset, list(ks), settings.bench, settings.cache_dir("bench"))
    if as_json:
        echo_json(report)
        return
    click.echo(f"isolation: {report['isolation']}")
    for row in report["pass_at_k"]:
        click.echo(
            f"pass@{row['k']}: {row['value']:.4f} (95% CI {row['ci_low']:.3f}-{row['ci_high']:.3f})"
        )
    click.echo(f"per-sample results: {report['results_path']}")


@bench.command()
@click.argument("results_a", type=_FILE)
@click.argument("results_b", type=_FILE)
@click.option("-k", "k", type=int, default=1, show_default=True, help="pass@k to compare.")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@click.pass_context
@handle_errors
def compare(ctx: click.Context, results_a: Path, results_b: Path, k: int, as_json: bool) -> None:
    """Paired comparison of two per-sample results files on their shared problems (B - A)."""
    from synth.bench.evaluate import compare_files

    result = compare_files(results_a, results_b, k, get_settings(ctx).bench.seed)
    if as_json:
        echo_json(result.model_dump())
        return
    click.echo(
        f"pass@{k}: A {result.mean_a:.4f}  B {result.mean_b:.4f}  B-A {result.difference:+.4f} "
        f"(95% CI {result.ci_low:+.3f} to {result.ci_high:+.3f}, p = {result.p_value:.4f})"
    )
    click.echo(f"problems: {result.n_problems}  B better {result.b_better}  "
               f"A better {result.a_better}  ties {result.ties}")  # fmt: skip


@bench.command()
@click.argument("config", type=_FILE)
@_out_options("results.json/.md/.html and the run's caches")
@json_option
@unsafe_rlimit_option
@click.pass_context
@handle_errors
def run(
    ctx: click.Context,
    config: Path,
    out: Path | None,
    output_alias: Path | None,
    as_json: bool,
    unsafe_rlimit: bool,
) -> None:
    """Run models x datasets x perturbations from CONFIG (TOML); resumable from its caches.

    Prints pass@k and latency per model, dataset and perturbation, and where the files went.
    Without a working bwrap, generated samples are refused unless --unsafe-rlimit is given.
    """
    from synth.bench.config import load_run_config
    from synth.bench.results import bench_summary_rows
    from synth.bench.runner import run_experiment

    cfg, digest = load_run_config(config)
    folder = _out_folder(out, output_alias, cfg.output)
    settings = get_settings(ctx, _bench_overrides(unsafe_rlimit))
    results, paths = run_experiment(cfg, digest, settings.bench, folder)
    rows = bench_summary_rows(results)
    if as_json:
        echo_json(
            {
                "out": str(folder),
                "rows": rows,
                "files": {kind: str(path) for kind, path in paths.items()},
                "failures": results.failures,
            }
        )
        return
    _print_table(rows)
    for kind, path in paths.items():
        click.echo(f"{kind}: {path}")


@bench.command()
@click.argument("config", type=_FILE)
@_out_options("the training log and checkpoint")
@json_option
@click.pass_context
@handle_errors
def distill(
    ctx: click.Context, config: Path, out: Path | None, output_alias: Path | None, as_json: bool
) -> None:
    """Distil a teacher into a student as CONFIG (TOML) says; resumes from its checkpoint."""
    from synth.bench.config import load_distill_config
    from synth.bench.distill import run_distillation

    get_settings(ctx)  # validates settings and config layering like every command
    cfg = load_distill_config(config)
    summary = run_distillation(cfg, _out_folder(out, output_alias, cfg.output))
    if as_json:
        echo_json(
            {
                "steps": summary.steps,
                "first_loss": summary.first_loss,
                "last_loss": summary.last_loss,
                "log": str(summary.log_path),
                "checkpoint": str(summary.checkpoint_path),
            }
        )
        return
    click.echo(
        f"steps: {summary.steps}  kd loss {summary.first_loss:.4f} -> {summary.last_loss:.4f}"
    )
    click.echo(f"log: {summary.log_path}\ncheckpoint: {summary.checkpoint_path}")


@bench.command()
@json_option
@click.pass_context
@handle_errors
def sandbox(ctx: click.Context, as_json: bool) -> None:
    """Say which isolation the sandbox will use here, and why."""
    from synth.bench.sandbox import UNSAFE_REFUSAL, probe_bwrap, resolve_mode

    works, reason = probe_bwrap()
    settings = get_settings(ctx).bench
    mode = resolve_mode(settings.sandbox)
    if as_json:
        echo_json(
            {
                "bwrap": works,
                "reason": reason,
                "mode": mode,
                "samples_allowed": mode != "rlimit" or settings.allow_unsafe_rlimit,
            }
        )
        return
    click.echo(f"bwrap: {'works' if works else 'unavailable'} ({reason})\nmode: {mode}")
    if mode == "rlimit":
        allowed = "allowed (opted in)" if settings.allow_unsafe_rlimit else "refused"
        click.echo(f"samples: {allowed}; {UNSAFE_REFUSAL}")


COMMANDS: list[click.Command] = [bench]
