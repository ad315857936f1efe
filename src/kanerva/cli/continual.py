"""`kanerva continual` subcommands: run, compare, methods. Parse, call the library, print.

torch is imported only when a subcommand runs, so ``kanerva --help`` works without it."""

from __future__ import annotations

import json
import sys

import click

from ._options import SEED, OutputFile

BENCHMARKS = ["split-mnist", "split-fashion", "permuted-mnist"]
SCENARIOS = ["task", "domain", "class"]


def _library():
    try:
        import kanerva.continual as lib
    except ImportError as exc:
        raise click.ClickException(str(exc)) from None
    return lib


def _hidden(ctx, param, value):
    if value is None:
        return None
    try:
        sizes = tuple(int(v) for v in value.split(","))
    except ValueError:
        raise click.BadParameter(f"give layer sizes as integers separated by commas, got {value!r}") from None
    if not sizes or min(sizes) < 1:
        raise click.BadParameter(f"layer sizes must be >= 1, got {value!r}")
    return sizes


def _common(f):
    options = [
        click.option("--benchmark", type=click.Choice(BENCHMARKS), default="split-mnist", show_default=True,
                     help="Task sequence."),
        click.option("--scenario", type=click.Choice(SCENARIOS), default="class", show_default=True,
                     help="task-, domain- or class-incremental."),
        click.option("--seeds", type=click.IntRange(min=1), default=5, show_default=True,
                     help="Runs with seeds 0, 1, ... (mean ± standard error)."),
        click.option("--first-seed", type=SEED, default=0, show_default=True, help="The first seed."),
        click.option("--iterations", type=click.IntRange(min=1), help="Steps per task (protocol: 2,000)."),
        click.option("--batch-size", type=click.IntRange(min=1), help="Batch size (protocol: 128)."),
        click.option("--hidden", callback=_hidden, help="Hidden layers, e.g. 400,400 (protocol: 400,400)."),
        click.option("--max-per-task", type=click.IntRange(min=1), help="Training images per task (quick runs)."),
        click.option("--device", default="cpu", show_default=True, help="torch device (cpu, cuda, ...)."),
        click.option("--threads", type=click.IntRange(min=1), default=1, show_default=True,
                     help="torch CPU threads (one is fastest for these small networks)."),
        click.option("--json", "as_json", is_flag=True, help="Print JSON."),
        click.option("--plot", "plot_path", type=OutputFile(), help="PNG of the accuracy on each task during training."),
        click.option("--quiet", is_flag=True, help="No progress bar."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _run_all(lib, methods, benchmark, scenario, seeds, first_seed, iterations, batch_size, hidden, max_per_task,
             device, threads, quiet, options=None, keep=False):
    import torch

    torch.set_num_threads(threads)
    out = []
    try:
        for method in methods:
            lib.check_supported(method, scenario)
        sequence = lib.load_benchmark(benchmark, scenario, max_per_task=max_per_task)
        for method in methods:
            out.append(lib.run_experiment(
                benchmark, scenario, method, seeds=list(range(first_seed, first_seed + seeds)), iterations=iterations,
                batch_size=batch_size, hidden=hidden, device=device, sequence=sequence, progress=not quiet, options=options,
                keep_learner=keep))
        out.append(sequence)
    except KeyboardInterrupt:
        click.echo("interrupted: nothing was written", err=True)
        sys.exit(130)
    except (ValueError, TypeError, FileNotFoundError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    return out[:-1], out[-1]


def _plot(lib, results, path):
    try:
        from kanerva.continual.plots import plot_accuracy

        plot_accuracy(results, path)
    except (ImportError, OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None


def _line(r) -> str:
    pm = f" ± {100 * r.sem:.2f}" if len(r.seeds) > 1 else ""
    tasks = " ".join(f"{100 * a:5.1f}" for a in r.per_task)
    return (f"{r.method:<13} {100 * r.accuracy:6.2f}{pm:<8} per task: {tasks}   "
            f"{r.seconds / len(r.seeds):7.1f} s/seed   memory {r.memory_bytes:,} B")


@click.group()
def continual() -> None:
    """Continual learning: split MNIST & co. in three scenarios, from fine-tuning to brain-inspired replay."""


@continual.command()
@click.option("--method", required=True, help="none, joint, ewc, online-ewc, si, xdg, lwf, dgr, dgr-distill, bi-r, "
                                               "exact-replay, item-memory, km-replay (see: kanerva continual methods).")
@click.option("--save-model", type=OutputFile(), help="Write the last seed's trained learner (kanerva.io).")
@click.option("--save-result", type=OutputFile(), help="Write the result (kanerva.io).")
@_common
def run(method, save_model, save_result, benchmark, scenario, seeds, first_seed, iterations, batch_size, hidden,
        max_per_task, device, threads, as_json, plot_path, quiet):
    """Train METHOD on the task sequence, report final accuracy on every task."""
    lib = _library()
    [(result, learner)], sequence = _run_all(lib, [method], benchmark, scenario, seeds, first_seed, iterations, batch_size,
                                   hidden, max_per_task, device, threads, quiet, keep=True)
    if save_model:
        lib.save_model(learner, save_model, method=method, sequence=sequence)
    if save_result:
        result.save(save_result)
    if plot_path:
        _plot(lib, [result], plot_path)
    if as_json:
        click.echo(json.dumps(result.to_json()))
        return
    click.echo(f"{benchmark}, {scenario}-incremental, {len(result.seeds)} seed(s), "
               f"{result.settings['iterations']} steps per task")
    click.echo(_line(result))


@continual.command()
@click.option("--methods", default="none,ewc,si,lwf,exact-replay,dgr", show_default=True,
              help="Comma-separated method names.")
@_common
def compare(methods, benchmark, scenario, seeds, first_seed, iterations, batch_size, hidden, max_per_task, device,
            threads, as_json, plot_path, quiet):
    """Run several methods with the same seeds and settings; print the table."""
    lib = _library()
    names = [m.strip() for m in methods.split(",") if m.strip()]
    if not names:
        raise click.ClickException("--methods names no method")
    results, _ = _run_all(lib, names, benchmark, scenario, seeds, first_seed, iterations, batch_size, hidden,
                       max_per_task, device, threads, quiet)
    if plot_path:
        _plot(lib, results, plot_path)
    if as_json:
        click.echo(json.dumps({"results": [r.to_json() for r in results]}))
        return
    click.echo(f"{benchmark}, {scenario}-incremental, {seeds} seed(s), {results[0].settings['iterations']} steps per task")
    for r in results:
        click.echo(_line(r))


@continual.command()
def methods() -> None:
    """List the methods and the scenarios each runs in."""
    lib = _library()
    for name in lib.METHODS:
        cls = lib.METHODS[name]
        doc = (getattr(cls, "func", cls).__doc__ or "").strip().splitlines()[0]
        click.echo(f"{name:<13} {','.join(lib.supported_scenarios(name)):<18} {doc}")
