"""What the three image models share: encoder/decoder, device, the bound's bookkeeping."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .networks import Decoder, Encoder


OBJECTIVES = ("bound", "reference")


def objective_name(value) -> str:
    """Check a memory model's training ``objective`` (see :class:`KanervaMachine`)."""
    if value not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}, got {value!r}")
    return value


def positive(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


class ImageModel(nn.Module):
    """Base of :class:`VAE`, :class:`KanervaMachine` and :class:`DynamicKanervaMachine`.

    Subclasses define ``kind`` and ``bound(x)``: for a batch of episodes x (B, T, 28, 28) of
    binary images, a dict of per-image terms (B, T) ``recon`` (log p(x | z) estimate), ``kl``
    (the code and addressing KL terms, memory-conditional) and per-episode ``kl_memory`` (B,).
    """

    kind = "image-model"

    def __init__(self, encoder: str = "mlp", latent: int = 32, hidden: int = 256, device=None):
        super().__init__()
        self.config = {"encoder": encoder, "latent": positive(latent, "latent"), "hidden": positive(hidden, "hidden")}
        self.encoder = Encoder(encoder, hidden=self.config["hidden"])
        self.decoder = Decoder(encoder, latent=self.config["latent"], hidden=self.config["hidden"])
        self.training_info_: dict = {}

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    def _features(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, 28, 28) -> (B, T, hidden)."""
        b, t = x.shape[:2]
        return self.encoder(x.reshape(b * t, 28, 28)).reshape(b, t, -1)

    def _decode(self, z: torch.Tensor) -> torch.Tensor:
        """(..., latent) -> logits (..., 28, 28)."""
        lead = z.shape[:-1]
        return self.decoder(z.reshape(-1, z.shape[-1])).reshape(*lead, 28, 28)

    def as_episodes(self, images, name: str = "images") -> torch.Tensor:
        """Binary images (T, 28, 28) or (B, T, 28, 28), as a float tensor on the model's device."""
        x = images if isinstance(images, torch.Tensor) else torch.as_tensor(np.asarray(images))
        if x.ndim == 3:
            x = x[None]
        if x.ndim != 4 or tuple(x.shape[2:]) != (28, 28) or x.shape[1] == 0:
            raise ValueError(f"{name} must have shape (T, 28, 28) or (B, T, 28, 28) with T >= 1, "
                             f"got {tuple(x.shape)}")
        if x.dtype == torch.uint8:
            raise ValueError(f"{name} must be binary or probabilities in [0, 1] as floats, got uint8 grey "
                             f"levels (binarize them first: kanerva.datasets.binarize)")
        x = x.to(torch.float32)
        if not torch.isfinite(x).all() or x.min() < 0 or x.max() > 1:
            raise ValueError(f"{name} must hold values in [0, 1] (binary images or pixel probabilities)")
        return x.to(self.device)

    def _iterate(self, queries, memory, iterations: int, trace: bool, binary_feedback: bool = True):
        """Shared loop of the machines' ``read``: ``self._read_once(x, memory)`` applied repeatedly,
        each read fed back as the next query thresholded at 0.5 (the most probable binary image:
        the encoder was trained on binary images) or as pixel probabilities."""
        single = torch.as_tensor(queries).ndim == 3
        x = self.as_episodes(queries, "queries")
        if memory.mean.shape[0] != x.shape[0]:
            raise ValueError(f"{x.shape[0]} episodes of queries for {memory.mean.shape[0]} memories")
        if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)) or iterations < 0:
            raise ValueError(f"iterations must be an integer >= 0, got {iterations!r}")
        out = [x]
        for _ in range(int(iterations)):
            read = self._read_once(x, memory)
            out.append(read)
            x = (read > 0.5).to(read.dtype) if binary_feedback else read
        out = [o[0] for o in out] if single else out
        return out if trace else out[-1]

    def negative_bound(self, x: torch.Tensor) -> dict:
        """Per-image negative bounds in nats for episodes ``x`` (B, T, 28, 28).

        ``nll`` (B, T): the memory-conditional bound, -log p(x_t | memory) <= recon + KL terms
        (what the Kanerva Machine papers report), read as the model's ``objective`` says;
        ``nll_episode`` (B, T): the true bound on -log p(x_1..T) / T, comparable with a VAE's
        per-image bound: the memory read as q(M) (not at its mean) plus the memory's exact KL
        shared over the episode (KL(q(M) || p(M)) / T). For ``objective="reference"`` that takes
        a second pass through :meth:`bound`.
        """
        terms = self.bound(x)
        nll = -terms["recon"] + terms["kl"]
        exact = terms if self.config.get("objective", "bound") == "bound" else self.bound(x, objective="bound")
        episode = -exact["recon"] + exact["kl"] + exact["kl_memory"][:, None] / x.shape[1]
        return {**terms, "nll": nll, "nll_episode": episode}

    def training_loss(self, x: torch.Tensor):
        """(loss to minimise, terms): the mean per-image negative training objective, ``terms``
        from :meth:`bound` with ``objective`` (B, T) added. With ``objective="bound"`` that is
        the episode bound; with ``"reference"`` the memory is read at its mean and charged its
        diagonal KL. Models that train with more than this override it."""
        terms = self.bound(x)
        kl_memory = terms.get("kl_memory_objective", terms["kl_memory"])
        objective = -terms["recon"] + terms["kl"] + kl_memory[:, None] / x.shape[1]
        return objective.mean(), {**terms, "objective": objective}

    def fit(self, images, **kwargs):
        """Train on grey-level ``images`` (see :func:`kanerva.nn.fit` for the arguments)."""
        from .training import fit

        return fit(self, images, **kwargs)

    def evaluate(self, images, **kwargs) -> dict:
        """The negative bounds on ``images`` (see :func:`kanerva.nn.evaluate_bound`)."""
        from .training import evaluate_bound

        return evaluate_bound(self, images, **kwargs)
