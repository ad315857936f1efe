"""One plain training loop and one evaluation for the VAE and the two Kanerva Machines.

Training maximises the episode's bound (for the VAE: the sum of its images' bounds) with Adam on
batches of B episodes of T freshly binarized images; the same budget (steps x B x T images) can be
given to every model. Evaluation cuts a split into episodes of T images (a seeded shuffle), writes
each episode into memory and reports the per-image negative bound in nats.
"""

from __future__ import annotations

import math
import time

import numpy as np
import torch

from .data import EpisodeSampler, check_images, split_episodes
from .dynamic_kanerva import DynamicKanervaMachine
from .kanerva_machine import KanervaMachine
from .vae import VAE

MODELS = {"vae": VAE, "km": KanervaMachine, "dkm": DynamicKanervaMachine}
"""The image models by name."""


def make_model(name: str, **config):
    """A new model by name ("vae", "km", "dkm") with its settings.

    >>> make_model("km", latent=8, hidden=16, memory_rows=4).kind
    'km'
    """
    if name not in MODELS:
        raise ValueError(f"model must be one of {tuple(MODELS)}, got {name!r}")
    return MODELS[name](**config)


def _positive(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def fit(model, images, *, steps: int = 1000, episode: int = 32, batch: int = 4, lr: float = 1e-3,
        seed: int = 0, progress: bool = True, log_every: int = 50, clip: float = 10.0, callback=None) -> list[dict]:
    """Train ``model`` on grey-level ``images`` (n, 28, 28) and return its history.

    Parameters
    ----------
    model : VAE, KanervaMachine or DynamicKanervaMachine
    images : uint8 grey levels or floats in [0, 1], shape (n, 28, 28)
    steps : int
        Optimiser steps; each sees ``batch`` episodes of ``episode`` images binarized afresh.
    episode, batch : int
        T and B. The VAE sees the same B x T images per step, as one batch.
    lr : float
        Adam's learning rate.
    seed : int
        Seeds the episodes, the binarization and the reparameterization noise.
    progress : bool
        Show a tqdm progress bar (stderr).
    log_every : int
        Steps per history entry (mean negative bound per image over those steps).
    clip : float
        Gradient-norm clipping.
    callback : callable(step, model), optional
        Called after every step.

    Returns
    -------
    list of dict: ``{"step", "objective", "seconds"}`` entries, ``objective`` the mean negative
    training objective per image over the logged steps (the episode bound for the VAE and for
    machines with ``objective="bound"``).

    Ctrl-C stops the loop and propagates KeyboardInterrupt; nothing is written by this function.

    Examples
    --------
    >>> from kanerva.datasets import load_mnist
    >>> _ = torch.manual_seed(0)
    >>> model = make_model("dkm", latent=8, hidden=32, memory_rows=8)
    >>> hist = fit(model, load_mnist("train")[0][:100], steps=4, episode=8, batch=2, progress=False, log_every=2)
    >>> [h["step"] for h in hist]
    [2, 4]
    """
    from tqdm import tqdm

    steps = _positive(steps, "steps")
    log_every = _positive(log_every, "log_every")
    if not (isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    sampler = EpisodeSampler(images, episode=episode, batch=batch, seed=seed, device=model.device)
    torch.manual_seed(int(seed))
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    history, running, start = [], 0.0, time.perf_counter()
    model.train()
    bar = tqdm(range(1, steps + 1), desc=f"training {model.kind}", unit="step", disable=not progress, leave=False)
    for step in bar:
        x = sampler.sample()
        loss, terms = model.training_loss(x)
        if not torch.isfinite(loss):
            raise FloatingPointError(f"the bound became {loss.item()} at step {step}: lower the learning rate "
                                     f"(lr={lr}) or the episode length")
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimiser.step()
        running += terms["objective"].mean().item()
        if step % log_every == 0 or step == steps:
            n = log_every if step % log_every == 0 else step % log_every
            history.append({"step": step, "objective": running / n, "seconds": time.perf_counter() - start})
            bar.set_postfix(nll=f"{running / n:.1f}")
            running = 0.0
        if callback is not None:
            callback(step, model)
    model.eval()
    model.training_info_ = {"steps": model.training_info_.get("steps", 0) + steps, "episode": int(episode),
                            "batch": int(batch), "lr": float(lr), "seed": int(seed), "images": len(sampler.grey),
                            "seconds": round(time.perf_counter() - start, 3)}
    return history


@torch.no_grad()
def evaluate_bound(model, images, *, episode: int | None = None, repeats: int = 1, seed: int = 0,
                   batch: int = 8, progress: bool = False) -> dict:
    """Per-image negative bounds (nats) of ``model`` on ``images`` cut into episodes of T.

    Returns a dict with ``model``, ``episode`` (T), ``n`` (images scored, counting repeats),
    ``nll_nats`` (the memory-conditional bound: what the Kanerva Machine papers report; for the
    VAE its plain bound), ``nll_episode_nats`` (adding the memory's KL divided by T: a bound on
    -log p(episode) / T, comparable with the VAE's), ``kl_memory_per_image``, ``recon_nats``,
    ``objective`` (what the model was trained on; with "reference" the memory-conditional bound
    reads the memory at its mean, and ``nll_episode_nats`` is still the true bound).
    Images are binarized afresh (dynamic binarization) on each of ``repeats`` passes.

    Examples
    --------
    >>> from kanerva.datasets import load_mnist
    >>> r = evaluate_bound(make_model("vae", latent=4, hidden=16), load_mnist("test")[0][:64], episode=32)
    >>> r["model"], r["episode"], r["n"], r["nll_nats"] > 100
    ('vae', 32, 64, True)
    """
    from tqdm import tqdm

    images = check_images(images)
    if episode is None:
        episode = int(model.training_info_.get("episode", 32))
    model.eval()
    totals = {"nll": 0.0, "nll_episode": 0.0, "kl_memory": 0.0, "recon": 0.0}
    n = 0
    gen_state = torch.random.get_rng_state()
    torch.manual_seed(int(seed))
    try:
        chunks = split_episodes(images, episode, batch=batch, seed=seed, repeats=repeats)
        for x in tqdm(chunks, desc=f"evaluating {model.kind}", unit="batch", disable=not progress, leave=False):
            terms = model.negative_bound(x.to(model.device))
            totals["nll"] += terms["nll"].sum().item()
            totals["nll_episode"] += terms["nll_episode"].sum().item()
            totals["kl_memory"] += terms["kl_memory"].sum().item()
            totals["recon"] += -terms["recon"].sum().item()
            n += x.shape[0] * x.shape[1]
    finally:
        torch.random.set_rng_state(gen_state)
    if not all(math.isfinite(v) for v in totals.values()):
        raise FloatingPointError(f"the {model.kind} bound is not finite on these images: {totals}")
    return {"model": model.kind, "episode": int(episode), "n": n, "nll_nats": totals["nll"] / n,
            "nll_episode_nats": totals["nll_episode"] / n, "kl_memory_per_image": totals["kl_memory"] / n,
            "recon_nats": totals["recon"] / n, "objective": model.config.get("objective", "bound"),
            "binarization": "dynamic"}
